/**
 * The request layer is our own (src/github/retry.ts): the retry and throttling plugins, and the
 * Bottleneck scheduler under them, are in neither the runtime dependencies nor any bundle.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { REPO_ROOT } from '../harness/run-action.ts'

const DROPPED = /^(?:@octokit\/plugin-retry|@octokit\/plugin-throttling|bottleneck)$/

it('package-lock.json has none of them in its runtime tree', () => {
  const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean }>
  }
  const runtime = Object.entries(lock.packages)
    .filter(([path, entry]) => path !== '' && entry.dev !== true)
    .map(([path]) => path.replace(/^.*node_modules\//, ''))
  expect(runtime.length).toBeGreaterThan(5)
  expect(runtime.filter((name) => DROPPED.test(name))).toEqual([])
})

it.each(['dist', 'delete-runner/dist'])('%s bundles none of them', (folder) => {
  const files = readdirSync(join(REPO_ROOT, folder)).filter((name) => name.endsWith('.js'))
  expect(files).toContain('index.js')
  for (const file of files) {
    const text = readFileSync(join(REPO_ROOT, folder, file), 'utf8')
    expect(text).not.toMatch(/Bottleneck\.prototype|octokit-plugin-retry|plugin-throttling/i)
  }
})
