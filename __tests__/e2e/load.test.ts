/**
 * 20 copies of the bundled action at once against a simulator that admits 5 in flight and rate
 * limits the rest with `retry-after: 1`: every copy must mint its token. Outcomes only; the
 * figures (wall time, retries) are printed by `npm run load-test`.
 */
import { FLEET, runLoad } from '../../tools/load-test.ts'

it('a fleet of 20 teardowns at once all succeed under a secondary rate limit', async () => {
  const result = await runLoad(FLEET)
  expect(result.runs.map((run) => run.exitCode)).toEqual(Array(FLEET.copies).fill(0))
  expect(result.succeeded).toBe(FLEET.copies)
  expect(result.violations).toBe(0)
  expect(result.maxInFlightSeen).toBeLessThanOrEqual(FLEET.inFlight)
  // Every rate-limited answer was waited out and retried, and each retry was logged once.
  expect(result.requests).toBe(FLEET.copies + result.rateLimited)
  expect(result.retriesLogged).toBe(result.rateLimited)
  for (const run of result.runs) {
    expect(run.log).not.toMatch(/ghp_loadTest/)
    expect(run.log).not.toMatch(/ALOADTOKEN/)
  }
}, 120_000)
