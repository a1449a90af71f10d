/**
 * `npm run load-test`: a fleet-wide teardown. N copies of the bundled action start at once against
 * a simulator that admits only a few requests in flight and answers the rest with a secondary rate
 * limit and `retry-after: 1`. Prints the figures; exits 1 unless every copy minted its token.
 * The end-to-end suite runs the same function and asserts on outcomes, never on timings.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { pathToFileURL } from 'node:url'
import { startSimulator } from '../__tests__/harness/github-simulator.ts'
import { runAction, type ActionRun } from '../__tests__/harness/run-action.ts'

export interface LoadOptions {
  copies: number
  /** Requests the simulator works on at once; the others are rate limited. */
  inFlight: number
  /** How long the simulator works on an admitted request. */
  holdMs: number
  retryAfterS: number
}

export interface LoadResult {
  runs: ActionRun[]
  succeeded: number
  /** Requests the simulator received, admitted or not. */
  requests: number
  rateLimited: number
  /** `Attempt n of m failed` lines across all logs. */
  retriesLogged: number
  /** The most retries one copy needed. */
  mostRetriesByOneCopy: number
  maxInFlightSeen: number
  wallMs: number
  /** Requests or answers that broke GitHub's description. */
  violations: number
}

export const FLEET: LoadOptions = { copies: 20, inFlight: 5, holdMs: 500, retryAfterS: 1 }

export async function runLoad(options: LoadOptions = FLEET): Promise<LoadResult> {
  let inFlight = 0
  let maxInFlightSeen = 0
  let rateLimited = 0
  const simulator = await startSimulator({
    respond: async () => {
      if (inFlight >= options.inFlight) {
        rateLimited += 1
        return {
          status: 429,
          headers: { 'retry-after': String(options.retryAfterS) },
          json: {
            message:
              'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
            documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api'
          }
        }
      }
      inFlight += 1
      maxInFlightSeen = Math.max(maxInFlightSeen, inFlight)
      await sleep(options.holdMs)
      inFlight -= 1
      return {
        status: 201,
        json: {
          token: `ALOADTOKEN${Date.now()}${Math.random()}`.replace('.', ''),
          expires_at: '2026-11-21T13:00:00Z'
        }
      }
    }
  })
  try {
    const started = performance.now()
    const runs = await Promise.all(
      Array.from({ length: options.copies }, (_, i) =>
        runAction({
          inputs: { token: `ghp_loadTest${String(i).padStart(28, '0')}` },
          github: { api_url: simulator.url, repository: 'octo-org/hello-world' },
          timeoutMs: 120_000
        })
      )
    )
    const wallMs = performance.now() - started
    const retries = runs.map((run) => run.log.match(/^Attempt \d+ of \d+ failed/gm)?.length ?? 0)
    return {
      runs,
      succeeded: runs.filter((run) => run.exitCode === 0 && run.outputs.token).length,
      requests: simulator.requests.length,
      rateLimited,
      retriesLogged: retries.reduce((sum, n) => sum + n, 0),
      mostRetriesByOneCopy: Math.max(...retries),
      maxInFlightSeen,
      wallMs,
      violations: simulator.violations.length
    }
  } finally {
    await simulator.close()
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await runLoad()
  const durations = result.runs.map((run) => run.durationMs).sort((a, b) => a - b)
  const median = durations[Math.floor(durations.length / 2)] ?? 0
  console.log(
    `Fleet teardown: ${FLEET.copies} copies at once, ${FLEET.inFlight} admitted in flight, others 429 + retry-after: ${FLEET.retryAfterS}`
  )
  console.table({
    'copies that minted a token': `${result.succeeded} of ${FLEET.copies}`,
    'requests received': result.requests,
    'answered with a secondary rate limit': result.rateLimited,
    'retries logged by the copies': result.retriesLogged,
    'most retries by one copy': result.mostRetriesByOneCopy,
    'most requests in flight': result.maxInFlightSeen,
    'wall time, all copies (s)': (result.wallMs / 1000).toFixed(2),
    'one copy, median / max (s)': `${(median / 1000).toFixed(2)} / ${((durations.at(-1) ?? 0) / 1000).toFixed(2)}`
  })
  process.exitCode = result.succeeded === FLEET.copies && result.violations === 0 ? 0 : 1
}
