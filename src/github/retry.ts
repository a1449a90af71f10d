/**
 * The retry loop wrapped around every request (`octokit.hook.wrap('request', ...)`).
 *
 * Why our own, not @octokit/plugin-retry and -throttling: those two schedule every request through
 * Bottleneck (about a quarter of this step's run time, for a process that sends one to three
 * requests), and made to follow GitHub's REST guidance they had to be bent (every status listed
 * as do-not-retry, a wait read in ms through a magic base value, a private method, a plugin order).
 * The policy, in one place:
 * - one budget of `retries + 1` attempts for every kind of failure;
 * - rate limits (GitHub's "Best practices for using the REST API"): `retry-after` present (0
 *   included) waits that many seconds; else `x-ratelimit-remaining: 0` waits until
 *   `x-ratelimit-reset`; else a secondary limit waits one minute; plus up to 1 s of jitter;
 * - 5xx, a plain 429, transient network errors and per-attempt time-outs: exponential backoff with
 *   equal jitter (or `retry-after`, when longer);
 * - a wait GitHub asks for beyond MAX_WAIT_S is never made: the request fails at once, saying so;
 * - nothing else is retried (400, 401, 403 other than a rate limit, 404, 422, refused redirects,
 *   oversized answers, a host that does not exist, TLS errors).
 */
import { errorCode, isHttpError, type HttpError } from './http-error.js'
import { causes, messageOf } from '../step/errors.js'
import { TransportError } from './transport.js'

export interface RetrySettings {
  retries: number
  /** One line per retry. */
  log: (line: string) => void
  sleep: (ms: number) => Promise<void>
  now: () => number
  /** In [0, 1), for jitter. */
  random: () => number
}

export const MAX_WAIT_S = 60
const BACKOFF_BASE_MS = 1000
const BACKOFF_CAP_MS = 30_000
const RATE_LIMIT_JITTER_MS = 1000
const SECONDARY_WAIT_S = 60

/** Network failures that may pass if tried again; any other code fails at once. */
export const TRANSIENT_CODES: ReadonlySet<string> = new Set([
  'timeout',
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EPIPE',
  'ECONNABORTED',
  'ERR_PROXY_TUNNEL'
])

/**
 * The record of a request that failed for good: how many attempts it made, over how long, and the
 * last cause (`explainFailure` in failure.ts turns it into a sentence for a person).
 */
export class FailedAttempts extends Error {
  override name = 'FailedAttempts'
  constructor(
    readonly last: unknown,
    readonly attempts: number,
    readonly elapsedMs: number,
    /** Seconds GitHub asked to wait (a rate limit or `retry-after`), when it asked for more than MAX_WAIT_S. */
    readonly askedWaitS?: number
  ) {
    super(messageOf(last))
  }
}

/** Why a failure may pass, and how long to wait before trying again (ms; never negative). */
interface Retryable {
  what: string
  waitMs: number
  /** What GitHub asked for, in seconds, if it did. */
  askedS?: number
}

export function withRetries(settings: RetrySettings) {
  return async <O, T>(request: (options: O) => T | Promise<T>, options: O): Promise<T> => {
    const started = settings.now()
    for (let attempt = 1; ; attempt++) {
      try {
        return await request(options)
      } catch (error) {
        const retryable = classify(error, attempt, settings)
        const fail = (askedWaitS?: number) =>
          new FailedAttempts(error, attempt, settings.now() - started, askedWaitS)
        if (!retryable) throw fail()
        if (retryable.askedS !== undefined && retryable.askedS > MAX_WAIT_S)
          throw fail(retryable.askedS)
        if (attempt > settings.retries) throw fail()
        // GitHub asks for mutating requests at least a second apart, retries included.
        const waitMs = isMutating(options) ? Math.max(retryable.waitMs, 1000) : retryable.waitMs
        settings.log(
          `Attempt ${attempt} of ${settings.retries + 1} failed (${retryable.what}); ` +
            `retrying in ${(waitMs / 1000).toFixed(1)} s`
        )
        await settings.sleep(waitMs)
      }
    }
  }
}

/** Whether a failure may pass, and after how long; undefined when it will not. */
export function classify(
  error: unknown,
  attempt: number,
  settings: Pick<RetrySettings, 'now' | 'random'>
): Retryable | undefined {
  if (isHttpError(error)) {
    const limit = rateLimit(error, settings.now())
    if (limit) {
      const jitterMs = Math.round(settings.random() * RATE_LIMIT_JITTER_MS)
      return {
        what: `${error.status} ${limit.kind}`,
        waitMs: limit.waitS * 1000 + jitterMs,
        askedS: limit.waitS
      }
    }
    if (error.status < 500 && error.status !== 429) return undefined
    const retryAfterS = seconds(error.response.headers['retry-after'])
    const waitMs = Math.max(backoffMs(attempt, settings.random), (retryAfterS ?? 0) * 1000)
    return { what: String(error.status), waitMs, askedS: retryAfterS }
  }
  if (causes(error).some((cause) => cause instanceof TransportError)) return undefined
  const code = errorCode(error)
  if (code === undefined || !TRANSIENT_CODES.has(code)) return undefined
  return { what: code, waitMs: backoffMs(attempt, settings.random) }
}

function isMutating(options: unknown): boolean {
  const method = (options as { method?: unknown } | null)?.method
  return typeof method === 'string' && !['GET', 'HEAD'].includes(method.toUpperCase())
}

/** Exponential backoff with equal jitter: attempt n waits between half and all of 2^(n-1) s. */
export function backoffMs(attempt: number, random: () => number): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1))
  return Math.round(ceiling / 2 + (random() * ceiling) / 2)
}

export interface RateLimitWait {
  kind: 'rate limit' | 'primary rate limit' | 'secondary rate limit'
  /** Seconds to wait, never negative. */
  waitS: number
}

/**
 * A 403 or 429 that is a rate limit, and how long to wait: `retry-after` when present, else until
 * `x-ratelimit-reset` when `x-ratelimit-remaining` is 0, else a minute. A 429 that is neither a
 * secondary nor a primary limit is a plain 429 (undefined here: retried with backoff).
 */
export function rateLimit(error: HttpError, nowMs: number): RateLimitWait | undefined {
  if (error.status !== 403 && error.status !== 429) return undefined
  const headers = error.response.headers
  const retryAfter = seconds(headers['retry-after'])
  const exhausted = headers['x-ratelimit-remaining'] === '0'
  const kind = /\bsecondary rate limit/i.test(error.message)
    ? 'secondary rate limit'
    : exhausted
      ? 'primary rate limit'
      : error.status === 403 && retryAfter !== undefined
        ? 'rate limit'
        : undefined
  if (kind === undefined) return undefined
  if (retryAfter !== undefined) return { kind, waitS: retryAfter }
  const reset = exhausted ? seconds(headers['x-ratelimit-reset']) : undefined
  if (reset === undefined) return { kind, waitS: SECONDARY_WAIT_S }
  return { kind, waitS: Math.max(0, Math.ceil(reset - nowMs / 1000)) }
}

/** A whole, non-negative number of seconds; anything else counts as absent. */
export function seconds(value: string | undefined): number | undefined {
  return value !== undefined && /^\d{1,10}$/.test(value.trim()) ? Number(value) : undefined
}
