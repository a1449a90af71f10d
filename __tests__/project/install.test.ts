/**
 * The install survives npm blocking install scripts, and tests never run on the wrong Node.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { requireShippedNode } from '../harness/require-node-24.js'

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))
const readJson = (path: string) => JSON.parse(readFileSync(join(REPO_ROOT, path), 'utf8'))

describe('allowScripts in package.json', () => {
  const allowScripts = readJson('package.json').allowScripts as Record<string, boolean>

  it('decides for every locked package that has an install script, so npm ci warns of none', () => {
    const lock = readJson('package-lock.json') as {
      packages: Record<string, { hasInstallScript?: boolean }>
    }
    const withScripts = Object.entries(lock.packages)
      .filter(([, entry]) => entry.hasInstallScript)
      .map(([path]) => path.replace(/^.*node_modules\//, ''))
    expect(withScripts.length).toBeGreaterThan(0)
    expect(Object.keys(allowScripts).sort()).toEqual([...new Set(withScripts)].sort())
  })

  it('lets only the node package run its script: it installs the Node 24 the tests run on', () => {
    expect(Object.entries(allowScripts).filter(([, allowed]) => allowed)).toEqual([['node', true]])
  })
})

describe('the tests refuse to run on a Node other than 24', () => {
  it.each(['24.0.0', '24.21.0', 'v24.21.0'])('accepts Node %s', (version) => {
    expect(() => requireShippedNode(version)).not.toThrow()
  })

  it.each(['20.20.2', '22.20.0', '25.0.0'])(
    'refuses Node %s, saying why and how to fix it',
    (version) => {
      expect(() => requireShippedNode(version)).toThrow(
        `Tests run on Node ${version}, but the action ships for Node 24: run them with \`npm test\``
      )
      expect(() => requireShippedNode(version)).toThrow(
        'reinstall with `npm ci` (not --ignore-scripts)'
      )
    }
  )

  it('stops a whole Jest run before its first test (globalSetup)', () => {
    const jest = spawnSync(
      process.execPath,
      [
        join(REPO_ROOT, 'node_modules/jest/bin/jest.js'),
        '--coverage=false',
        '__tests__/github/version.test.ts'
      ],
      {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        timeout: 60_000,
        env: {
          ...process.env,
          NODE_OPTIONS: `--experimental-vm-modules --require ${join(REPO_ROOT, '__tests__/harness/pretend-node-20.cjs')}`
        }
      }
    )
    expect(jest.status).toBe(1)
    expect(jest.stderr).toContain('Tests run on Node 20.20.2, but the action ships for Node 24')
    expect(jest.stderr).not.toContain('PASS')
    expect(jest.stdout).not.toContain('PASS')
  })
})
