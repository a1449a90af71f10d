/**
 * When a failed request is tried again, and after how long.
 *
 * - Rate limits are left to @octokit/plugin-throttling, which reads `retry-after` (secondary limit)
 *   and `x-ratelimit-reset` (primary limit); the policy's `throttle` options decide whether to wait.
 * - Everything else transient (5xx, a 429 that is not a rate limit, network errors, time-outs) is
 *   retried through @octokit/plugin-retry. Its own rule retries by status alone and waits
 *   (n+1)² seconds with no jitter and no log line, so the policy's own `plugin` makes the decision
 *   and sets the wait through plugin-retry's `octokit.retry.retryRequest`; plugin-retry runs the loop.
 *
 * One count bounds both: a request is tried at most `retries + 1` times, whatever failed.
 */
import type { Octokit } from '@octokit/core'
import { failureReason, isHttpError, rateLimitOf, type RateLimit } from './http-error.js'

export interface RetrySettings {
  retries: number
  /** Random number in [0, 1), for jitter. */
  random: () => number
  /** One line per retry, for the log. */
  log: (line: string) => void
  /** Waits before the throttling plugin retries, to spread a fleet's retries. */
  sleep: (ms: number) => Promise<void>
}

/** Requests that wait longer than this for a rate limit fail at once instead. */
export const MAX_RATE_LIMIT_WAIT_S = 60
const BACKOFF_BASE_MS = 1000
const BACKOFF_CAP_MS = 30_000
/** Up to this much is added to a rate-limit wait, so that many runners do not retry in lockstep. */
const RATE_LIMIT_JITTER_MS = 1000

/** What the policy knows of one request's failures so far. */
interface Failures {
  count: number
  /** `502`, `ECONNRESET`, ... of the latest failure. */
  last: string
}

/** An error that went through the policy carries how many attempts its request made. */
export interface Attempted {
  attempts?: number
}

/** Server errors, 429s that are not rate limits, and failures before any answer. */
export function isTransient(error: unknown): boolean {
  if (!isHttpError(error)) return true
  return error.status >= 500 || (error.status === 429 && rateLimitOf(error) === undefined)
}

/** Exponential backoff with equal jitter: attempt n waits between half and all of 2^(n-1) s. */
export function backoffMs(failures: number, random: () => number): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (failures - 1))
  return Math.round(ceiling / 2 + (random() * ceiling) / 2)
}

/**
 * The retry policy of one client: an Octokit plugin (`plugin`, listed before `retry` and
 * `throttling` so that its error hook is the innermost) and the options for plugin-throttling
 * (`throttle`). Both read one count of failures per request, kept by the options object that
 * Octokit passes to every hook and retry of that request.
 */
export function createRetryPolicy(settings: RetrySettings) {
  const failuresOf = new WeakMap<object, Failures>()

  const plugin = (octokit: Octokit): Record<string, never> => {
    octokit.hook.error('request', (error, options) => {
      const failures = {
        count: (failuresOf.get(options)?.count ?? 0) + 1,
        last: describeFailure(error)
      }
      failuresOf.set(options, failures)
      Object.assign(error, { attempts: failures.count } satisfies Attempted)
      if (failures.count > settings.retries || !isTransient(error)) throw error
      const retryAfterS = isHttpError(error) ? Number(error.response.headers['retry-after']) : NaN
      // Asked to come back later than a minute: fail now and say so, as for rate limits.
      if (retryAfterS > MAX_RATE_LIMIT_WAIT_S) throw error
      const waitMs = Math.max(
        backoffMs(failures.count, settings.random),
        Number.isFinite(retryAfterS) ? retryAfterS * 1000 : 0
      )
      settings.log(retryLine(failures, settings.retries, failures.last, waitMs))
      const { retry } = octokit as unknown as {
        retry: { retryRequest: (e: unknown, retries: number, after: number) => Error }
      }
      // With retryAfterBaseValue 1 (RETRY_PLUGIN_OPTIONS), plugin-retry reads the wait in ms.
      throw retry.retryRequest(error, settings.retries, waitMs)
    })
    return {}
  }

  /** Waits for a rate limit only within the retry budget, and only up to a minute. */
  const decide =
    (kind: RateLimit) =>
    async (retryAfterS: number, options: object): Promise<boolean> => {
      const failures = failuresOf.get(options) ?? { count: 1, last: 'rate limited' }
      if (failures.count > settings.retries || retryAfterS > MAX_RATE_LIMIT_WAIT_S) return false
      const jitterMs = Math.round(settings.random() * RATE_LIMIT_JITTER_MS)
      const what = `${failures.last} ${kind} rate limit`
      settings.log(retryLine(failures, settings.retries, what, retryAfterS * 1000 + jitterMs))
      await settings.sleep(jitterMs)
      return true
    }
  const throttle = { onRateLimit: decide('primary'), onSecondaryRateLimit: decide('secondary') }

  return { plugin, throttle }
}

/** `plugin-retry` settings that hand every decision to `retryPolicy`. */
export const RETRY_PLUGIN_OPTIONS = {
  // Every status: plugin-retry's own rule never fires; only retryPolicy asks for retries.
  doNotRetry: Array.from({ length: 200 }, (_, i) => 400 + i),
  retryAfterBaseValue: 1
}

function retryLine(failures: Failures, retries: number, what: string, waitMs: number): string {
  return (
    `Attempt ${failures.count} of ${retries + 1} failed (${what}); ` +
    `retrying in ${(waitMs / 1000).toFixed(1)} s`
  )
}

/** `502`, `429`, `ECONNRESET`, `timeout`: what the retry line names. */
export function describeFailure(error: unknown): string {
  if (isHttpError(error)) return String(error.status)
  return failureReason(error)
}
