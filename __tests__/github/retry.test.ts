/**
 * The retry policy (src/github/retry.ts) with an injected clock, sleep and randomness: no test
 * here waits for real. Errors are shaped as Octokit throws them: a RequestError with a `response`
 * for an answer, and one without (status 500, the fetch failure as `cause`) for a network failure.
 */
import { RequestError } from '@octokit/request-error'
import {
  type HttpError,
  errorCode,
  failureReason,
  innermostMessage,
  isHttpError
} from '../../src/github/http-error.js'
import {
  backoffMs,
  classify,
  MAX_WAIT_S,
  rateLimit,
  FailedAttempts,
  TRANSIENT_CODES,
  withRetries
} from '../../src/github/retry.js'
import { TransportError } from '../../src/github/transport.js'
import { rejection } from '../harness/rejection.ts'

const URL_X = 'https://api.github.com/x'
/** A fixed "now" that is not a whole second, so that rounding up to `x-ratelimit-reset` shows. */
const START_MS = 1_700_000_000_250
const START_S = Math.floor(START_MS / 1000)

function answer(status: number, message = 'Oops', headers: Record<string, string> = {}) {
  return new RequestError(message, status, {
    request: { method: 'POST', url: URL_X, headers: {} },
    response: { status, url: URL_X, headers, data: { message } }
  })
}

/** What Octokit throws when fetch itself fails: status 500, no response, the failure as cause. */
function networkFailure(cause: unknown) {
  const error = new RequestError('fetch failed', 500, {
    request: { method: 'POST', url: URL_X, headers: {} }
  })
  error.cause = Object.assign(new TypeError('fetch failed'), { cause })
  return error
}

function systemError(code: string, message = `${code} happened`) {
  return Object.assign(new Error(message), { code })
}

function timeoutError() {
  return networkFailure(
    new DOMException('The operation was aborted due to timeout', 'TimeoutError')
  )
}

const SECONDARY = 'You have exceeded a secondary rate limit. Please wait a few minutes.'

/**
 * A retry loop on a fake clock: `sleep` advances it, and so does each attempt (by `attemptMs`).
 * `outcomes` are what each attempt throws, in order; once they run out, the request succeeds.
 */
function harness(options: { retries?: number; random?: number; attemptMs?: number } = {}) {
  let clock = START_MS
  const slept: number[] = []
  const lines: string[] = []
  const retry = withRetries({
    retries: options.retries ?? 2,
    log: (line) => lines.push(line),
    sleep: async (ms) => {
      slept.push(ms)
      clock += ms
    },
    now: () => clock,
    random: () => options.random ?? 0
  })
  let attempts = 0
  const run = (...outcomes: unknown[]) =>
    retry(async (route: string) => {
      attempts += 1
      clock += options.attemptMs ?? 0
      if (attempts <= outcomes.length) throw outcomes[attempts - 1]
      return `${route}: done`
    }, 'POST /x')
  return { run, slept, lines, attempts: () => attempts }
}

describe('backoffMs: exponential, with equal jitter', () => {
  it.each([
    [1, 500, 1000],
    [2, 1000, 2000],
    [3, 2000, 4000],
    [5, 8000, 16_000],
    [6, 15_000, 30_000],
    [12, 15_000, 30_000]
  ])(
    'waits between half and all of 2^(n-1) s, capped at 30 s, after failure %i',
    (n, low, high) => {
      expect(backoffMs(n, () => 0)).toBe(low)
      expect(backoffMs(n, () => 0.5)).toBe((low + high) / 2)
      expect(backoffMs(n, () => 0.999_999_9)).toBe(high)
    }
  )
})

describe('withRetries', () => {
  it('returns the first success without logging or waiting', async () => {
    const { run, slept, lines, attempts } = harness()
    await expect(run()).resolves.toBe('POST /x: done')
    expect([attempts(), slept, lines]).toEqual([1, [], []])
  })

  it('retries a 502 once, logging one line, and returns the success', async () => {
    const { run, slept, lines } = harness()
    await expect(run(answer(502))).resolves.toBe('POST /x: done')
    expect(slept).toEqual([500])
    expect(lines).toEqual(['Attempt 1 of 3 failed (502); retrying in 0.5 s'])
  })

  it.each([
    ['DELETE', 1000],
    ['post', 1000],
    ['GET', 500],
    ['HEAD', 500]
  ])(
    'spaces a retried %s at least a second after the failure when it mutates',
    async (method, ms) => {
      const slept: number[] = []
      const retry = withRetries({
        retries: 1,
        log: () => undefined,
        sleep: async (wait) => void slept.push(wait),
        now: () => START_MS,
        random: () => 0
      })
      let attempts = 0
      await retry(
        async () => {
          if (++attempts === 1) throw answer(502)
          return 'done'
        },
        { method }
      )
      expect(slept).toEqual([ms])
    }
  )

  it.each([500, 502, 503, 504])('retries a %i', async (status) => {
    const { run, lines } = harness()
    await run(answer(status))
    expect(lines).toEqual([`Attempt 1 of 3 failed (${status}); retrying in 0.5 s`])
  })

  it('retries a plain 429 (not a rate limit) with backoff', async () => {
    const { run, slept, lines } = harness()
    await run(answer(429, 'Too Many Requests'))
    expect(slept).toEqual([500])
    expect(lines).toEqual(['Attempt 1 of 3 failed (429); retrying in 0.5 s'])
  })

  it('backs off exponentially, with the jitter drawn for each wait', async () => {
    const { run, slept, lines } = harness({ retries: 4, random: 0.5 })
    await run(answer(503), answer(503), answer(503), answer(503))
    expect(slept).toEqual([750, 1500, 3000, 6000])
    expect(lines).toEqual([
      'Attempt 1 of 5 failed (503); retrying in 0.8 s',
      'Attempt 2 of 5 failed (503); retrying in 1.5 s',
      'Attempt 3 of 5 failed (503); retrying in 3.0 s',
      'Attempt 4 of 5 failed (503); retrying in 6.0 s'
    ])
  })

  it.each([...TRANSIENT_CODES].filter((code) => code !== 'timeout'))(
    'retries a transient network failure, %s, with backoff',
    async (code) => {
      const { run, slept, lines } = harness()
      await expect(run(networkFailure(systemError(code)))).resolves.toBe('POST /x: done')
      expect(slept).toEqual([500])
      expect(lines).toEqual([`Attempt 1 of 3 failed (${code}); retrying in 0.5 s`])
    }
  )

  it("retries an attempt abandoned at the time-out (a cause named 'TimeoutError')", async () => {
    const { run, lines } = harness()
    await run(timeoutError())
    expect(lines).toEqual(['Attempt 1 of 3 failed (timeout); retrying in 0.5 s'])
  })

  it('gives up once retries + 1 attempts have failed, carrying the last failure', async () => {
    const { run, slept, lines } = harness({ retries: 2, attemptMs: 100 })
    const last = answer(503, 'still down')
    const failure = await rejection(
      run(answer(502), answer(500), last, answer(500)),
      FailedAttempts
    )
    expect(failure).toBeInstanceOf(Error)
    expect(failure).toMatchObject({
      name: 'FailedAttempts',
      message: 'still down',
      attempts: 3,
      askedWaitS: undefined
    })
    expect(failure.last).toBe(last)
    // Three attempts of 100 ms on the injected clock, and the two waits between them.
    expect(failure.elapsedMs).toBe(300 + 500 + 1000)
    expect(slept).toEqual([500, 1000])
    expect(lines).toHaveLength(2)
  })

  it('makes a single attempt when retries is 0', async () => {
    const { run, slept, lines } = harness({ retries: 0 })
    const failure = await rejection(run(answer(500)), FailedAttempts)
    expect([failure.attempts, failure.elapsedMs, slept, lines]).toEqual([1, 0, [], []])
  })

  it('shares one budget between rate limits and other failures', async () => {
    const { run, lines } = harness({ retries: 2 })
    const failure = await rejection(
      run(
        answer(403, SECONDARY, { 'retry-after': '1' }),
        networkFailure(systemError('ECONNRESET')),
        answer(403, SECONDARY, { 'retry-after': '1' })
      ),
      FailedAttempts
    )
    expect(failure.attempts).toBe(3)
    expect(failure.last).toMatchObject({ status: 403 })
    expect(lines).toEqual([
      'Attempt 1 of 3 failed (403 secondary rate limit); retrying in 1.0 s',
      'Attempt 2 of 3 failed (ECONNRESET); retrying in 1.0 s'
    ])
  })

  it('carries the message of anything thrown, even a string', async () => {
    const { run } = harness()
    const failure = await rejection(run('a bare string'), FailedAttempts)
    expect([failure.message, failure.last, failure.attempts]).toEqual([
      'a bare string',
      'a bare string',
      1
    ])
  })
})

describe('rate limits', () => {
  it.each([
    [
      "a rate-limited 403's retry-after, plus jitter",
      0.5,
      403,
      'Forbidden',
      { 'retry-after': '5' },
      5500,
      '403 rate limit'
    ],
    [
      'only the jitter for a retry-after of 0 ("now")',
      0.25,
      403,
      'Forbidden',
      { 'retry-after': '0' },
      250,
      '403 rate limit'
    ],
    [
      'a retry-after with surrounding spaces',
      0,
      403,
      'Forbidden',
      { 'retry-after': ' 4 ' },
      4000,
      '403 rate limit'
    ],
    [
      "a secondary limit's retry-after, not a minute",
      0,
      429,
      SECONDARY,
      { 'retry-after': '3' },
      3000,
      '429 secondary rate limit'
    ],
    [
      'a minute for a secondary limit that says nothing more',
      0.5,
      403,
      SECONDARY,
      {},
      60_500,
      '403 secondary rate limit'
    ],
    // 29.75 s to the reset, rounded up to 30, plus 0.5 s of jitter.
    [
      'until x-ratelimit-reset when x-ratelimit-remaining is 0, rounding up',
      0.5,
      403,
      'API rate limit exceeded',
      { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(START_S + 30) },
      30_500,
      '403 primary rate limit'
    ],
    [
      'only the jitter when the reset is already past, never a negative time',
      0.1,
      429,
      'API rate limit exceeded',
      { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(START_S - 600) },
      100,
      '429 primary rate limit'
    ],
    [
      'retry-after rather than x-ratelimit-reset',
      0,
      403,
      'API rate limit exceeded',
      {
        'retry-after': '2',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(START_S + 3600)
      },
      2000,
      '403 primary rate limit'
    ],
    [
      "a 5xx's retry-after when longer than the backoff (no jitter added)",
      0.5,
      503,
      'Service Unavailable',
      { 'retry-after': '10' },
      10_000,
      '503'
    ],
    [
      'the backoff when a 5xx retry-after is shorter',
      0.5,
      502,
      'Bad Gateway',
      { 'retry-after': '0' },
      750,
      '502'
    ],
    [
      'the backoff for a 5xx whose retry-after is malformed',
      0,
      503,
      'Service Unavailable',
      { 'retry-after': '-30' },
      500,
      '503'
    ],
    [
      "at least a plain 429's retry-after",
      0,
      429,
      'Too Many Requests',
      { 'retry-after': '7' },
      7000,
      '429'
    ]
  ])('waits %s', async (_, random, status, message, headers, waitMs, what) => {
    const { run, slept, lines } = harness({ random })
    await run(answer(status, message, headers as Record<string, string>))
    expect(slept).toEqual([waitMs])
    expect(lines).toEqual([
      `Attempt 1 of 3 failed (${what}); retrying in ${(waitMs / 1000).toFixed(1)} s`
    ])
  })

  it('waits exactly MAX_WAIT_S when asked to, but not a second more', async () => {
    const { run, slept } = harness()
    await run(answer(403, 'Forbidden', { 'retry-after': String(MAX_WAIT_S) }))
    expect(slept).toEqual([MAX_WAIT_S * 1000])
    const longer = harness()
    const failure = await rejection(
      longer.run(answer(403, 'Forbidden', { 'retry-after': String(MAX_WAIT_S + 1) })),
      FailedAttempts
    )
    expect([failure.askedWaitS, longer.slept]).toEqual([MAX_WAIT_S + 1, []])
  })

  it('fails at once, saying how long GitHub asked, for a reset more than a minute away', async () => {
    const { run, slept, lines } = harness({ retries: 5, attemptMs: 40 })
    const limited = answer(403, 'API rate limit exceeded', {
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(START_S + 3600)
    })
    const failure = await rejection(run(limited), FailedAttempts)
    expect(failure).toMatchObject({ attempts: 1, askedWaitS: 3600, elapsedMs: 40 })
    expect(failure.last).toBe(limited)
    expect([slept, lines]).toEqual([[], []])
  })

  it('fails at once for a secondary limit whose retry-after is beyond a minute', async () => {
    const { run, slept } = harness({ retries: 5 })
    const failure = await rejection(
      run(answer(429, SECONDARY, { 'retry-after': '120' })),
      FailedAttempts
    )
    expect([failure.attempts, failure.askedWaitS, slept]).toEqual([1, 120, []])
  })

  it('reports a long wait even when no retry was left, so the cause is named', async () => {
    const { run } = harness({ retries: 0 })
    const failure = await rejection(
      run(answer(403, SECONDARY, { 'retry-after': '900' })),
      FailedAttempts
    )
    expect(failure.askedWaitS).toBe(900)
  })

  it('fails without askedWaitS when the budget runs out on a short rate limit', async () => {
    const { run } = harness({ retries: 1 })
    const limited = answer(403, SECONDARY, { 'retry-after': '1' })
    const failure = await rejection(run(limited, limited), FailedAttempts)
    expect([failure.attempts, failure.askedWaitS]).toEqual([2, undefined])
  })

  it.each(['-1', 'soon', '1.5', '', ' ', '1e3', '12345678901', 'Wed, 21 Oct 2015 07:28:00 GMT'])(
    'does not take a 403 with retry-after %p for a rate limit (the header counts as absent)',
    async (value) => {
      const { run } = harness()
      const failure = await rejection(
        run(answer(403, 'Forbidden', { 'retry-after': value })),
        FailedAttempts
      )
      expect(failure.attempts).toBe(1)
    }
  )

  it.each(['-1', 'soon', '2.5'])(
    'waits a minute for a secondary limit whose retry-after is %p',
    async (value) => {
      const { run, slept } = harness()
      await run(answer(403, SECONDARY, { 'retry-after': value }))
      expect(slept).toEqual([60_000])
    }
  )

  it.each(['-5', 'tomorrow', '', '1700000000.5'])(
    'waits a minute when x-ratelimit-remaining is 0 and x-ratelimit-reset is %p',
    async (value) => {
      const { run, slept } = harness()
      await run(
        answer(403, 'API rate limit exceeded', {
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': value
        })
      )
      expect(slept).toEqual([60_000])
    }
  )

  it('fails at once for a 5xx that asks to come back in more than a minute', async () => {
    const { run, slept } = harness({ retries: 5 })
    const failure = await rejection(
      run(answer(503, 'Maintenance', { 'retry-after': '3600' })),
      FailedAttempts
    )
    expect([failure.attempts, failure.askedWaitS, slept]).toEqual([1, 3600, []])
  })
})

describe('rateLimit', () => {
  it.each([
    [403, SECONDARY, {}, { kind: 'secondary rate limit', waitS: 60 }],
    [
      429,
      'You have exceeded a SECONDARY RATE LIMIT',
      {},
      { kind: 'secondary rate limit', waitS: 60 }
    ],
    [
      403,
      'API rate limit exceeded',
      { 'x-ratelimit-remaining': '0' },
      { kind: 'primary rate limit', waitS: 60 }
    ],
    [
      429,
      'x',
      { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(START_S + 10) },
      { kind: 'primary rate limit', waitS: 10 }
    ],
    [403, 'Forbidden', { 'retry-after': '9' }, { kind: 'rate limit', waitS: 9 }]
  ])('reads a %i %p with %o as %o', (status, message, headers, expected) => {
    expect(rateLimit(answer(status, message, headers) as HttpError, START_MS)).toEqual(expected)
  })

  it.each([
    [403, 'Must have admin rights to Repository.', { 'x-ratelimit-remaining': '4999' }],
    [403, 'Resource not accessible by integration', {}],
    [403, 'x', { 'x-ratelimit-remaining': '00' }],
    [403, 'an unsecondary rate limit', {}],
    [429, 'Too Many Requests', { 'retry-after': '5' }],
    [500, SECONDARY, { 'retry-after': '5' }],
    [401, 'Bad credentials', { 'x-ratelimit-remaining': '0' }]
  ])('does not take a %i %p with %o for a rate limit', (status, message, headers) => {
    expect(rateLimit(answer(status, message, headers) as HttpError, START_MS)).toBeUndefined()
  })
})

describe('what is never retried', () => {
  it.each([
    [400, 'Bad Request'],
    [401, 'Bad credentials'],
    [403, 'Resource not accessible by personal access token'],
    [404, 'Not Found'],
    [422, 'Validation Failed'],
    [304, 'Not modified']
  ])('a %i', async (status, message) => {
    const { run, slept, lines } = harness({ retries: 5 })
    const error = answer(status, message, { 'x-ratelimit-remaining': '4999' })
    const failure = await rejection(run(error), FailedAttempts)
    expect(failure.last).toBe(error)
    expect([failure.attempts, failure.message, slept, lines]).toEqual([1, message, [], []])
  })

  it.each([
    ['off-origin', 'a 307 redirect pointed to https://elsewhere.test'],
    ['body-too-large', "the answer's body is larger than 4 MiB"],
    ['redirect', 'the server answered DELETE with 307, a redirect to /x'],
    ['unreadable', 'the server answered 101']
  ] as const)('a request the transport refused (%s)', async (problem, message) => {
    const { run } = harness({ retries: 5 })
    const failure = await rejection(
      run(networkFailure(new TransportError(problem, message))),
      FailedAttempts
    )
    expect(failure.attempts).toBe(1)
  })

  it('a TransportError anywhere along the causes, even beside a transient code', async () => {
    const { run } = harness({ retries: 5 })
    const refused = Object.assign(new Error('wrapped'), {
      code: 'ECONNRESET',
      cause: new TransportError('body-too-large', 'too large')
    })
    const failure = await rejection(run(refused), FailedAttempts)
    expect(failure.attempts).toBe(1)
  })

  it.each([
    'ENOTFOUND',
    'ERR_INVALID_CHAR',
    'ERR_INVALID_URL',
    'CERT_HAS_EXPIRED',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'ERR_TLS_CERT_ALTNAME_INVALID',
    'Z_DATA_ERROR'
  ])('a network failure with code %s', async (code) => {
    const { run } = harness({ retries: 5 })
    const failure = await rejection(run(networkFailure(systemError(code))), FailedAttempts)
    expect(failure.attempts).toBe(1)
  })

  it('a network failure Octokit reports as status 500 is judged by its cause, not as a 5xx', async () => {
    const { run } = harness({ retries: 5 })
    const failure = await rejection(run(networkFailure(systemError('ENOTFOUND'))), FailedAttempts)
    expect(failure.last).toMatchObject({ status: 500, response: undefined })
    expect(failure.attempts).toBe(1)
  })

  it('a failure with no code at all', async () => {
    const { run } = harness({ retries: 5 })
    const failure = await rejection(run(new Error('something odd')), FailedAttempts)
    expect([failure.attempts, failure.message]).toEqual([1, 'something odd'])
  })

  it("an abort by the caller's own signal (AbortError, not a time-out)", async () => {
    const { run } = harness({ retries: 5 })
    const aborted = Object.assign(new DOMException('This operation was aborted', 'AbortError'), {
      status: 500
    })
    const failure = await rejection(run(aborted), FailedAttempts)
    expect(failure.attempts).toBe(1)
  })
})

describe('classify', () => {
  const settings = { now: () => START_MS, random: () => 0 }

  it('names what failed and how long to wait, and what GitHub asked for', () => {
    expect(classify(answer(502), 2, settings)).toEqual({
      what: '502',
      waitMs: 1000,
      askedS: undefined
    })
    expect(classify(answer(503, 'x', { 'retry-after': '3' }), 1, settings)).toEqual({
      what: '503',
      waitMs: 3000,
      askedS: 3
    })
    expect(classify(networkFailure(systemError('EPIPE')), 3, settings)).toEqual({
      what: 'EPIPE',
      waitMs: 2000
    })
    expect(classify(answer(403, SECONDARY), 1, settings)).toEqual({
      what: '403 secondary rate limit',
      waitMs: 60_000,
      askedS: 60
    })
  })

  it('is undefined for what will not pass', () => {
    expect(classify(answer(404), 1, settings)).toBeUndefined()
    expect(classify(undefined, 1, settings)).toBeUndefined()
    expect(classify(null, 1, settings)).toBeUndefined()
  })
})

describe('reading errors (http-error.ts)', () => {
  it('takes an error with a numeric status and a response for an answer', () => {
    expect(isHttpError(answer(404))).toBe(true)
    expect(isHttpError({ status: 404, response: {} })).toBe(true)
    expect(isHttpError(networkFailure(systemError('ECONNRESET')))).toBe(false)
    expect(isHttpError({ status: '404', response: {} })).toBe(false)
    expect(isHttpError({ status: 404, response: null })).toBe(false)
    expect(isHttpError(null)).toBe(false)
    expect(isHttpError('404')).toBe(false)
  })

  it("names a time-out 'timeout', before any code beside it", () => {
    expect(errorCode(timeoutError())).toBe('timeout')
    expect(errorCode({ cause: new DOMException('t', 'TimeoutError') })).toBe('timeout')
    expect(errorCode({ name: 'TimeoutError', code: 'ECONNRESET' })).toBe('timeout')
  })

  it('finds the first string code along the causes, at most six levels deep', () => {
    expect(errorCode(networkFailure(systemError('ECONNRESET')))).toBe('ECONNRESET')
    expect(errorCode({ code: 'OUTER', cause: { code: 'INNER' } })).toBe('OUTER')
    expect(errorCode({ code: 20, cause: { code: 'ENOTFOUND' } })).toBe('ENOTFOUND')
    expect(errorCode(new Error('no code'))).toBeUndefined()
    expect(errorCode('ECONNRESET')).toBeUndefined()
    let deep: unknown = { code: 'TOO_DEEP' }
    for (let i = 0; i < 6; i++) deep = { cause: deep }
    expect(errorCode(deep)).toBeUndefined()
  })

  it('gives the message of the innermost of the first six causes', () => {
    expect(innermostMessage(new Error('alone'))).toBe('alone')
    expect(innermostMessage({ message: 'outer', cause: { message: 'inner' } })).toBe('inner')
    expect(innermostMessage({ message: 'outer', cause: 'a string cause' })).toBe('outer')
    let deep: unknown = { message: 'level 0' }
    for (let i = 1; i <= 8; i++) deep = { message: `level ${i}`, cause: deep }
    expect(innermostMessage(deep)).toBe('level 3')
  })

  it('explains a failure by its code, else by its innermost message', () => {
    expect(failureReason(networkFailure(systemError('EAI_AGAIN')))).toBe('EAI_AGAIN')
    expect(failureReason(timeoutError())).toBe('timeout')
    expect(failureReason(networkFailure(new Error('the line went quiet')))).toBe(
      'the line went quiet'
    )
  })
})
