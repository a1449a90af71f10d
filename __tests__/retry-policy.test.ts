import { RequestError } from '@octokit/request-error'
import {
  backoffMs,
  describeFailure,
  isTransient,
  createRetryPolicy,
  MAX_RATE_LIMIT_WAIT_S
} from '../src/github/retry-policy.js'
import { rateLimitOf } from '../src/github/http-error.js'

function httpError(status: number, message = 'x', headers: Record<string, string> = {}) {
  return new RequestError(message, status, {
    request: { method: 'POST', url: 'https://api.github.com/x', headers: {} },
    response: { status, url: 'https://api.github.com/x', headers, data: { message } }
  })
}
const networkError = Object.assign(new Error('fetch failed'), {
  cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })
})

describe('backoffMs', () => {
  it.each([
    [1, 500, 1000],
    [2, 1000, 2000],
    [3, 2000, 4000],
    [5, 8000, 16_000],
    [6, 15_000, 30_000],
    [10, 15_000, 30_000]
  ])('waits between half and all of 2^(n-1) s, capped at 30 s: failure %i', (n, low, high) => {
    expect(backoffMs(n, () => 0)).toBe(low)
    expect(backoffMs(n, () => 0.999999)).toBe(high)
    expect(backoffMs(n, () => 0.5)).toBe((low + high) / 2)
  })
})

describe('what is retried', () => {
  it.each([500, 502, 503, 504])('a %i', (status) => {
    expect(isTransient(httpError(status))).toBe(true)
  })

  it('a 429 that is not a rate limit', () => {
    expect(isTransient(httpError(429, 'Too Many Requests'))).toBe(true)
  })

  it('a network error or time-out', () => {
    expect(isTransient(networkError)).toBe(true)
  })

  it.each([400, 401, 403, 404, 422])('never a %i', (status) => {
    expect(isTransient(httpError(status))).toBe(false)
  })

  it('not rate limits, which plugin-throttling handles', () => {
    expect(isTransient(httpError(429, 'You have exceeded a secondary rate limit'))).toBe(false)
    expect(isTransient(httpError(403, 'x', { 'x-ratelimit-remaining': '0' }))).toBe(false)
  })
})

describe('rateLimitOf', () => {
  it.each([
    [403, 'You have exceeded a secondary rate limit.', {}, 'secondary'],
    [429, 'You have exceeded a SECONDARY RATE limit', {}, 'secondary'],
    [403, 'API rate limit exceeded', { 'x-ratelimit-remaining': '0' }, 'primary'],
    [429, 'API rate limit exceeded', { 'x-ratelimit-remaining': '0' }, 'primary'],
    [403, 'Must have admin rights', { 'x-ratelimit-remaining': '4999' }, undefined],
    [500, 'secondary rate', {}, undefined]
  ])('%i %p %o is %p', (status, message, headers, kind) => {
    expect(rateLimitOf(httpError(status, message, headers))).toBe(kind)
  })

  it('is undefined for a network error', () => {
    expect(rateLimitOf(networkError)).toBeUndefined()
  })
})

describe('describeFailure', () => {
  it('names the status, the error code, or the message', () => {
    expect(describeFailure(httpError(502))).toBe('502')
    expect(describeFailure(networkError)).toBe('ECONNRESET')
    expect(describeFailure(new Error('odd'))).toBe('odd')
    const timeout = Object.assign(new Error('aborted'), {
      cause: new DOMException('t', 'TimeoutError')
    })
    expect(describeFailure(timeout)).toBe('timeout')
  })
})

describe('rate-limit waits (plugin-throttling options)', () => {
  function setup(retries: number) {
    const lines: string[] = []
    const slept: number[] = []
    const { throttle } = createRetryPolicy({
      retries,
      random: () => 0.5,
      log: (line) => lines.push(line),
      sleep: async (ms) => {
        slept.push(ms)
      }
    })
    return { throttle, lines, slept }
  }

  it('waits out a secondary rate limit, with jitter, and logs it', async () => {
    const { throttle, lines, slept } = setup(3)
    await expect(throttle.onSecondaryRateLimit(1, {})).resolves.toBe(true)
    expect(slept).toEqual([500])
    expect(lines).toEqual([
      'Attempt 1 of 4 failed (rate limited secondary rate limit); retrying in 1.5 s'
    ])
  })

  it('waits for a primary limit that resets within a minute', async () => {
    const { throttle, lines } = setup(3)
    await expect(throttle.onRateLimit(MAX_RATE_LIMIT_WAIT_S, {})).resolves.toBe(true)
    expect(lines).toEqual([
      'Attempt 1 of 4 failed (rate limited primary rate limit); retrying in 60.5 s'
    ])
  })

  it('does not wait for a limit that resets later than a minute from now', async () => {
    const { throttle, lines } = setup(3)
    await expect(throttle.onRateLimit(MAX_RATE_LIMIT_WAIT_S + 1, {})).resolves.toBe(false)
    await expect(throttle.onSecondaryRateLimit(3600, {})).resolves.toBe(false)
    expect(lines).toEqual([])
  })

  it('does not wait when retries is 0', async () => {
    const { throttle } = setup(0)
    await expect(throttle.onSecondaryRateLimit(1, {})).resolves.toBe(false)
  })
})
