/**
 * Fault injection: the bundled action, run as a runner runs it, against a loopback GitHub API
 * scripted per scenario. Every scenario checks the exit code, the number of attempts, the words a
 * person needs in the error, that no output was set on failure, and that no token leaked.
 */
import {
  githubError,
  HANG,
  RESET,
  type Answer,
  type Simulator
} from '../harness/github-simulator.ts'
import { runAction, type ActionRun } from '../harness/run-action.ts'
import { expectNoLeak } from '../harness/runner-log.ts'
import {
  closedPort,
  INPUT_TOKEN,
  mintedToken,
  startTestSimulator
} from '../harness/test-servers.ts'

const EXPIRES_AT = '2026-11-21T13:00:00Z'
const minted = (token: string): Answer => ({ status: 201, json: { token, expires_at: EXPIRES_AT } })
const error = githubError
const SECONDARY =
  'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.'
const resetIn = (seconds: number) => String(Math.floor(Date.now() / 1000) + seconds)

interface Scenario {
  inputs?: Record<string, string>
  env?: Record<string, string>
  /** The answer to attempt n (1-based); `token` is this scenario's minted token. */
  answer: (n: number, token: string) => Answer
  attempts: number
  succeeds: boolean
  /** Words the log must hold (the error, or the retry lines). */
  words: string[]
  /** Seconds that must pass between the first and the last attempt (a lower bound). */
  waitsAtLeast?: number
  /** Upper bound for the whole run: timeout x attempts + backoff + rate-limit waits + start-up. */
  boundS: number
}

const SCENARIOS: Record<string, Scenario> = {
  '400 is not retried': {
    answer: () => error(400, 'Problems parsing JSON'),
    attempts: 1,
    succeeds: false,
    words: ['GitHub answered 400: "Problems parsing JSON"'],
    boundS: 15
  },
  '401 says the token is invalid, expired or revoked': {
    answer: () => error(401, 'Bad credentials'),
    attempts: 1,
    succeeds: false,
    words: ['GitHub answered 401: "Bad credentials"', 'invalid, expired or revoked'],
    boundS: 15
  },
  '403 "Must have admin rights" names the permission': {
    answer: () => error(403, 'Must have admin rights to Repository.'),
    attempts: 1,
    succeeds: false,
    words: [
      'lacks the permission',
      '"Administration" repository permission',
      'GITHUB_TOKEN never has it'
    ],
    boundS: 15
  },
  '403 "Resource not accessible by integration" passes on the accepted permissions': {
    inputs: { org: 'octo-org' },
    answer: () =>
      error(403, 'Resource not accessible by integration', {
        'x-accepted-github-permissions': 'organization_self_hosted_runners=write'
      }),
    attempts: 1,
    succeeds: false,
    words: [
      '"Self-hosted runners" organization permission',
      'GitHub accepts these permissions: organization_self_hosted_runners=write'
    ],
    boundS: 15
  },
  '403 with x-github-sso gives the SSO authorization URL': {
    answer: () =>
      error(403, 'Resource protected by organization SAML enforcement.', {
        'x-github-sso':
          'required; url=https://github.com/orgs/octo-org/sso?authorization_request=A1'
      }),
    attempts: 1,
    succeeds: false,
    words: [
      'authorized for SAML single sign-on',
      'https://github.com/orgs/octo-org/sso?authorization_request=A1'
    ],
    boundS: 15
  },
  '404 says the repository may be private to the token': {
    answer: () => error(404, 'Not Found', { 'x-github-request-id': 'ABCD:12:34' }),
    attempts: 1,
    succeeds: false,
    words: [
      '(request ID ABCD:12:34)',
      'does not exist, or the token cannot see it',
      'private repository'
    ],
    boundS: 15
  },
  '404 for an enterprise says only classic PATs work': {
    inputs: { enterprise: 'octo-corp' },
    answer: () => error(404, 'Not Found'),
    attempts: 1,
    succeeds: false,
    words: ['only classic PATs can manage enterprise runners', 'manage_runners:enterprise'],
    boundS: 15
  },
  '422 is not retried': {
    answer: () => error(422, 'Validation Failed'),
    attempts: 1,
    succeeds: false,
    words: ['GitHub answered 422: "Validation Failed"'],
    boundS: 15
  },
  '500 then success': {
    answer: (n, token) => (n === 1 ? error(500, 'Server Error') : minted(token)),
    attempts: 2,
    succeeds: true,
    words: ['Attempt 1 of 4 failed (500); retrying in'],
    boundS: 20
  },
  '502 and 503 then success': {
    answer: (n, token) =>
      n === 1 ? error(502, 'Bad Gateway') : n === 2 ? error(503, 'Unavailable') : minted(token),
    attempts: 3,
    succeeds: true,
    words: ['Attempt 1 of 4 failed (502)', 'Attempt 2 of 4 failed (503)'],
    boundS: 20
  },
  'retries exhausted after exactly retries + 1 attempts': {
    inputs: { retries: '2' },
    answer: () => error(502, 'Bad Gateway'),
    attempts: 3,
    succeeds: false,
    words: ['failed after 3 attempts over', 'GitHub answered 502', 'server error'],
    boundS: 20
  },
  'retries 0 makes one attempt': {
    inputs: { retries: '0' },
    answer: () => error(503, 'Unavailable'),
    attempts: 1,
    succeeds: false,
    words: ['GitHub answered 503'],
    boundS: 15
  },
  '429 secondary rate limit honours retry-after': {
    answer: (n, token) => (n === 1 ? error(429, SECONDARY, { 'retry-after': '1' }) : minted(token)),
    attempts: 2,
    succeeds: true,
    words: ['Attempt 1 of 4 failed (429 secondary rate limit); retrying in '],
    waitsAtLeast: 1,
    boundS: 20
  },
  '403 secondary rate limit honours retry-after': {
    answer: (n, token) => (n === 1 ? error(403, SECONDARY, { 'retry-after': '1' }) : minted(token)),
    attempts: 2,
    succeeds: true,
    words: ['Attempt 1 of 4 failed (403 secondary rate limit)'],
    waitsAtLeast: 1,
    boundS: 20
  },
  'secondary rate limit until the retries run out': {
    inputs: { retries: '1' },
    answer: () => error(429, SECONDARY, { 'retry-after': '1' }),
    attempts: 2,
    succeeds: false,
    words: ['failed after 2 attempts', 'secondary rate limit refused it', 'max-parallel'],
    boundS: 20
  },
  'a 429 that is not a rate limit waits its retry-after': {
    answer: (n, token) =>
      n === 1 ? error(429, 'Too Many Requests', { 'retry-after': '1' }) : minted(token),
    attempts: 2,
    succeeds: true,
    words: ['Attempt 1 of 4 failed (429); retrying in 1.0 s'],
    waitsAtLeast: 1,
    boundS: 20
  },
  'primary rate limit that resets within a minute is waited for': {
    answer: (n, token) =>
      n === 1
        ? error(403, 'API rate limit exceeded for user ID 1.', {
            'x-ratelimit-remaining': '0',
            'x-ratelimit-reset': resetIn(1)
          })
        : minted(token),
    attempts: 2,
    succeeds: true,
    words: ['Attempt 1 of 4 failed (403 primary rate limit); retrying in'],
    waitsAtLeast: 1,
    boundS: 25
  },
  'primary rate limit that resets later fails at once, saying when': {
    answer: () =>
      error(403, 'API rate limit exceeded for user ID 1.', {
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': resetIn(3600)
      }),
    attempts: 1,
    succeeds: false,
    words: ["The token's rate limit is used up; it resets at", 'in 60 min'],
    boundS: 15
  },
  'a connection reset is retried': {
    answer: (n, token) => (n === 1 ? RESET : minted(token)),
    attempts: 2,
    succeeds: true,
    words: ['Attempt 1 of 4 failed (ECONNRESET); retrying in'],
    boundS: 20
  },
  'connection resets until the retries run out': {
    inputs: { retries: '1' },
    answer: () => RESET,
    attempts: 2,
    succeeds: false,
    words: [
      'failed after 2 attempts',
      'the connection failed before GitHub answered',
      'ECONNRESET'
    ],
    boundS: 20
  },
  'a server that never answers is abandoned after the time-out': {
    inputs: { retries: '1', timeout: '1' },
    answer: () => HANG,
    attempts: 2,
    succeeds: false,
    words: [
      'Attempt 1 of 2 failed (timeout)',
      "GitHub did not answer within 1 s (the 'timeout' input)",
      'failed after 2 attempts'
    ],
    boundS: 1 * 2 + 1 + 10
  },
  'a 201 whose body is not JSON': {
    answer: () => ({
      status: 201,
      headers: { 'content-type': 'text/html' },
      raw: '<html>login</html>',
      offSpec: 'a proxy login page instead of the API'
    }),
    attempts: 1,
    succeeds: false,
    words: ['(status 201) is not a JSON object'],
    boundS: 15
  },
  'a 201 without token': {
    answer: () => ({ status: 201, json: { expires_at: EXPIRES_AT }, offSpec: 'token is required' }),
    attempts: 1,
    succeeds: false,
    words: ["has no 'token' string"],
    boundS: 15
  },
  'a 201 without expires_at': {
    answer: (_, token) => ({ status: 201, json: { token }, offSpec: 'expires_at is required' }),
    attempts: 1,
    succeeds: false,
    words: ["has no 'expires_at' string"],
    boundS: 15
  },
  'retries in debug mode show request detail and no token': {
    inputs: { retries: '1' },
    env: { RUNNER_DEBUG: '1' },
    answer: (n, token) => (n === 1 ? error(502, 'Bad Gateway') : minted(token)),
    attempts: 2,
    succeeds: true,
    words: [
      '##[debug]POST http://127.0.0.1:',
      ': 502 in ',
      'x-github-request-id: E2E0:0000:000000:000000:00000000'
    ],
    boundS: 20
  }
}

it.each(Object.entries(SCENARIOS))(
  '%s',
  async (_, scenario) => {
    const token = mintedToken()
    let attempt = 0
    const simulator = await startTestSimulator({ respond: () => scenario.answer(++attempt, token) })
    const run = await runAction({
      inputs: { token: INPUT_TOKEN, ...scenario.inputs },
      github: { api_url: simulator.url, repository: 'octo-org/hello-world' },
      env: scenario.env,
      timeoutMs: scenario.boundS * 1000
    })
    expectScenario(run, simulator, scenario, token)
  },
  60_000
)

function expectScenario(run: ActionRun, sim: Simulator, scenario: Scenario, token: string): void {
  expect(run.timedOut).toBe(false)
  expect(sim.requests).toHaveLength(scenario.attempts)
  expect(run.log.match(/^Attempt \d+ of \d+ failed/gm) ?? []).toHaveLength(scenario.attempts - 1)
  for (const words of scenario.words) expect(run.log).toContain(words)
  if (scenario.succeeds) {
    expect(run.exitCode).toBe(0)
    expect(run.outputs).toEqual({ token, expires_at: EXPIRES_AT })
  } else {
    expect(run.exitCode).toBe(1)
    expect(run.outputs).toEqual({})
    expect(run.summary).toBe('')
    expect(run.log).toMatch(/^Error: /m)
  }
  if (scenario.waitsAtLeast !== undefined) {
    const times = sim.requests.map((request) => request.receivedAt)
    expect((times[times.length - 1] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(
      scenario.waitsAtLeast * 1000
    )
  }
  expectNoLeak(run, [INPUT_TOKEN, token])
}

it('a refused connection is retried, then explained', async () => {
  const apiUrl = `http://127.0.0.1:${await closedPort()}`
  const run = await runAction({
    inputs: { token: INPUT_TOKEN, retries: '1', 'api-url': apiUrl },
    github: { api_url: apiUrl, repository: 'octo-org/hello-world' },
    timeoutMs: 20_000
  })
  expect(run.timedOut).toBe(false)
  expect(run.exitCode).toBe(1)
  expect(run.outputs).toEqual({})
  expect(run.log).toContain('Attempt 1 of 2 failed (ECONNREFUSED)')
  expect(run.log).toContain('failed after 2 attempts')
  expect(run.log).toContain('the connection failed before GitHub answered')
  expectNoLeak(run, [INPUT_TOKEN])
}, 60_000)
