/**
 * `npm run bench:fleet`: a fleet cleanup at GitHub's pace, measured.
 *
 * The simulator (held to GitHub's description) lists 2,000 runners over 20 pages of 100; 100 of
 * them are offline under the prefix `spot-dead-`. It answers a DELETE that arrives less than
 * 0.9 s after the last one it accepted with a secondary rate limit (retry-after 1), as GitHub may
 * when mutating requests are not spaced a second apart. The bundled delete-runner, run as a
 * runner runs it with `name-prefix: spot-dead-` and `max-deletions: 100`, should send exactly 20
 * list pages and 100 DELETEs (pacing good enough that no retry is needed), in about the floor of
 * one DELETE a second (100 s).
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { startSimulator } from '../__tests__/harness/github-simulator.ts'
import { inputEnvironment, readActionMetadata, REPO_ROOT } from '../__tests__/harness/run-action.ts'
import { runner, RunnerRegistry } from '../__tests__/harness/runner-registry.ts'

const RUNNERS = 2000
const DEAD = 100
const MIN_GAP_MS = 900
const FLOOR_S = DEAD * 1

const runners = Array.from({ length: RUNNERS }, (_, i) =>
  i % (RUNNERS / DEAD) === 0
    ? runner(i + 1, `spot-dead-${i + 1}`, 'offline')
    : runner(i + 1, `build-${i + 1}`, i % 3 === 0 ? 'offline' : 'online')
)
const registry = new RunnerRegistry(runners, { minDeleteGapMs: MIN_GAP_MS })
const simulator = await startSimulator({ respond: registry.respond })
const temp = mkdtempSync(join(tmpdir(), 'bench-fleet-'))
const actionDir = join(REPO_ROOT, 'delete-runner')
const metadata = await readActionMetadata(actionDir)
const probeFile = join(temp, 'rss')
const env = {
  PATH: process.env.PATH ?? '',
  HOME: temp,
  GITHUB_ACTIONS: 'true',
  GITHUB_API_URL: simulator.url,
  GITHUB_REPOSITORY: 'octo-org/hello-world',
  GITHUB_OUTPUT: join(temp, 'output'),
  GITHUB_STEP_SUMMARY: join(temp, 'summary'),
  RUNNER_TEMP: temp,
  RSS_PROBE_FILE: probeFile,
  ...inputEnvironment(
    metadata,
    {
      token: 'ghp_benchFleetToken00000000000000000000000',
      org: 'octo-org',
      'name-prefix': 'spot-dead-',
      'max-deletions': String(DEAD)
    },
    { api_url: simulator.url, repository: 'octo-org/hello-world' }
  )
}
writeFileSync(env.GITHUB_OUTPUT, '')
writeFileSync(env.GITHUB_STEP_SUMMARY, '')

console.log(
  `Machine: ${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`
)
console.log(
  `Fleet: ${RUNNERS} runners over ${RUNNERS / 100} pages, ${DEAD} offline under spot-dead-; ` +
    `a DELETE sooner than ${MIN_GAP_MS} ms after the last accepted one is rate-limited\n`
)
const started = performance.now()
let code: number | null
let log = ''
try {
  code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--require',
        join(REPO_ROOT, 'tools', 'bench', 'rss-probe.cjs'),
        join(actionDir, metadata.runs.main)
      ],
      { env, stdio: ['ignore', 'pipe', 'inherit'] }
    )
    child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')))
    child.on('error', reject)
    child.on('exit', resolve)
  })
} finally {
  await simulator.close()
}
const wallS = (performance.now() - started) / 1000
const count = (method: string) => simulator.requests.filter((r) => r.method === method).length
const rssMiB = Number(readFileSync(probeFile, 'utf8')) / 1024
const retries = (log.match(/^Attempt \d+ of \d+ failed/gm) ?? []).length
rmSync(temp, { recursive: true, force: true })

const row = (cells: (string | number)[]) => console.log(`| ${cells.join(' | ')} |`)
row(['figure', 'value', 'goal'])
row(['---', '---:', '---:'])
row(['exit code', String(code), '0'])
row(['list pages (GET)', count('GET'), RUNNERS / 100])
row(['DELETEs sent', count('DELETE'), DEAD])
row(['runners deleted', registry.deleted.length, DEAD])
row(['DELETEs rate-limited', registry.rateLimited, 0])
row(['retry lines logged', retries, 0])
row(['wall time (s)', wallS.toFixed(1), `<= ${(FLOOR_S * 1.1).toFixed(0)}`])
row(['wall / floor (one DELETE a second)', (wallS / FLOOR_S).toFixed(3), '<= 1.100'])
row(['peak RSS (MiB)', rssMiB.toFixed(1), ''])
if (simulator.violations.length > 0) {
  console.log(
    `\nThe simulator saw requests GitHub's description does not allow:`,
    simulator.violations
  )
}
if (code !== 0 || simulator.violations.length > 0) process.exitCode = 1
