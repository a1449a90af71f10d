/**
 * `npm run bench:fleet`: a fleet cleanup at GitHub's pace, measured, with no grace period and then
 * with one.
 *
 * The simulator (held to GitHub's description) lists 2,000 runners over 20 pages of 100; 100 of
 * them are offline under the prefix `spot-dead-`. It answers a DELETE that arrives less than
 * 0.9 s after the last one it accepted with a secondary rate limit (retry-after 1), as GitHub may
 * when mutating requests are not spaced a second apart. The bundled delete-runner, run as a
 * runner runs it with `name-prefix: spot-dead-` and `max-deletions: 100`, should send the list
 * pages (twice with a grace period) and one DELETE per runner it may delete (pacing good enough
 * that no retry is needed), in about the floor of the grace period plus one DELETE a second.
 * With the grace period, 5 of the dead runners come back online between the two listings: they
 * must be left alone. Progress is printed while it runs (`--grace S` sets the grace period).
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { startSimulator } from '../__tests__/harness/github-simulator.ts'
import { inputEnvironment, readActionMetadata, REPO_ROOT } from '../__tests__/harness/run-action.ts'
import { runner, RunnerRegistry } from '../__tests__/harness/runner-registry.ts'

const RUNNERS = 2000
const DEAD = 100
/** Dead runners that come back online during the grace period. */
const REVIVED = 5
const MIN_GAP_MS = 900
const { values } = parseArgs({ options: { grace: { type: 'string', default: '30' } } })
const GRACE_S = Number(values.grace)

interface Figures {
  code: number | null
  gets: number
  deletes: number
  deleted: number
  rateLimited: number
  retries: number
  wallS: number
  floorS: number
  rssMiB: number
  violations: number
}

async function cleanUp(graceS: number): Promise<Figures> {
  const runners = Array.from({ length: RUNNERS }, (_, i) =>
    i % (RUNNERS / DEAD) === 0
      ? runner(i + 1, `spot-dead-${i + 1}`, 'offline')
      : runner(i + 1, `build-${i + 1}`, i % 3 === 0 ? 'offline' : 'online')
  )
  const registry = new RunnerRegistry(runners, {
    minDeleteGapMs: MIN_GAP_MS,
    afterListing: (listing, listed) => {
      if (listing !== 1) return
      const dead = listed.filter((r) => r.name.startsWith('spot-dead-')).slice(0, REVIVED)
      for (const revived of dead) revived.status = 'online'
    }
  })
  const simulator = await startSimulator({ respond: registry.respond })
  const temp = mkdtempSync(join(tmpdir(), 'bench-fleet-'))
  try {
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
          'max-deletions': String(DEAD),
          'grace-period': String(graceS)
        },
        { api_url: simulator.url, repository: 'octo-org/hello-world' }
      )
    }
    writeFileSync(env.GITHUB_OUTPUT, '')
    writeFileSync(env.GITHUB_STEP_SUMMARY, '')
    const started = performance.now()
    let log = ''
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [
          '--require',
          join(REPO_ROOT, 'tools', 'bench', 'rss-probe.cjs'),
          join(actionDir, metadata.runs.main)
        ],
        { env, stdio: ['ignore', 'pipe', 'inherit'] }
      )
      let partial = ''
      child.stdout.on('data', (chunk: Buffer) => {
        const text = partial + chunk.toString('utf8')
        const lines = text.split('\n')
        partial = lines.pop() ?? ''
        for (const line of lines) {
          log += `${line}\n`
          progress(line, started)
        }
      })
      child.on('error', reject)
      child.on('exit', resolve)
    })
    const count = (method: string) => simulator.requests.filter((r) => r.method === method).length
    const expected = graceS > 0 ? DEAD - REVIVED : DEAD
    return {
      code,
      gets: count('GET'),
      deletes: count('DELETE'),
      deleted: registry.deleted.length,
      rateLimited: registry.rateLimited,
      retries: (log.match(/^Attempt \d+ of \d+ failed/gm) ?? []).length,
      wallS: (performance.now() - started) / 1000,
      floorS: graceS + expected,
      rssMiB: Number(readFileSync(probeFile, 'utf8')) / 1024,
      violations: simulator.violations.length
    }
  } finally {
    await simulator.close()
    rmSync(temp, { recursive: true, force: true })
  }
}

/** The step's own progress, every tenth deletion, with the time since it started. */
function progress(line: string, started: number): void {
  const at = `${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s`
  const deleted = /^Deleted (\d+) of \d+:/.exec(line)
  if (
    /^(Listed|Grace period|Left alone)/.test(line) ||
    (deleted && Number(deleted[1]) % 10 === 0)
  ) {
    console.log(`  ${at}  ${line.slice(0, 150)}`)
  }
}

console.log(
  `Machine: ${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`
)
console.log(
  `Fleet: ${RUNNERS} runners over ${RUNNERS / 100} pages, ${DEAD} offline under spot-dead-; ` +
    `a DELETE sooner than ${MIN_GAP_MS} ms after the last accepted one is rate-limited; with a ` +
    `grace period, ${REVIVED} of them come online between the two listings\n`
)
const runs: [string, Figures][] = []
for (const graceS of [0, GRACE_S]) {
  console.log(`grace-period: ${graceS}`)
  runs.push([`grace ${graceS} s`, await cleanUp(graceS)])
}

const row = (cells: (string | number)[]) => console.log(`| ${cells.join(' | ')} |`)
console.log()
row(['figure', ...runs.map(([name]) => name), 'goal'])
row(['---', ...runs.map(() => '---:'), '---'])
const each = (pick: (figures: Figures) => string | number) => runs.map(([, f]) => pick(f))
row(['exit code', ...each((f) => String(f.code)), '0'])
row(['list pages (GET)', ...each((f) => f.gets), '20 a listing'])
row(['DELETEs sent', ...each((f) => f.deletes), 'one per runner deleted'])
row(['runners deleted', ...each((f) => f.deleted), `${DEAD}, or ${DEAD - REVIVED} with grace`])
row(['DELETEs rate-limited', ...each((f) => f.rateLimited), '0'])
row(['retry lines logged', ...each((f) => f.retries), '0'])
row(['wall time (s)', ...each((f) => f.wallS.toFixed(1)), ''])
row(['floor: grace + deletions x 1 s (s)', ...each((f) => f.floorS), ''])
row(['wall / floor', ...each((f) => (f.wallS / f.floorS).toFixed(3)), '<= 1.100'])
row(['peak RSS (MiB)', ...each((f) => f.rssMiB.toFixed(1)), ''])
const failed = runs.some(([, f]) => f.code !== 0 || f.violations > 0)
if (runs.some(([, f]) => f.violations > 0)) {
  console.log("\nThe simulator saw requests GitHub's description does not allow.")
}
if (failed) process.exitCode = 1
