import { jest } from '@jest/globals'
import { secrets } from '../../src/step/secrets.js'
import { RequestError } from '@octokit/request-error'
import { explainFailure, RequestFailedError, type Attempt } from '../../src/github/failure.js'
import { FailedAttempts } from '../../src/github/retry.js'
import type { Target } from '../../src/github/target.js'
import { TransportError } from '../../src/github/transport.js'

const targets: Record<string, Target> = {
  repository: { scope: 'repository', owner: 'octo-org', repo: 'hello-world' },
  organization: { scope: 'organization', org: 'octo-org' },
  enterprise: { scope: 'enterprise', enterprise: 'octo-corp' }
}

function attempt(scope = 'repository', apiUrl = 'https://api.github.com'): Attempt {
  return {
    target: targets[scope] as Target,
    apiUrl,
    route: { route: `POST /${scope}/actions/runners/remove-token`, params: {} },
    timeoutS: 30,
    now: Date.parse('2026-11-21T12:00:00Z')
  }
}

const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' }

function httpError(
  status: number,
  message: string,
  headers: Record<string, string> = {},
  data: unknown = { message, documentation_url: 'https://docs.github.com/rest' }
) {
  return new RequestError(message, status, {
    request: { method: 'POST', url: 'https://api.github.com/x', headers: {} },
    response: {
      status,
      url: 'https://api.github.com/x',
      headers: { ...JSON_TYPE, ...headers },
      data
    }
  })
}

function networkError(message: string, cause: unknown) {
  return Object.assign(
    new RequestError(message, 500, {
      request: { method: 'POST', url: 'https://api.github.com/x', headers: {} }
    }),
    { cause }
  )
}

it('names the request, the target, the status, GitHub message and request ID', () => {
  const error = httpError(401, 'Bad credentials', { 'x-github-request-id': 'ABCD:1234:5678' })
  expect(explainFailure(error, attempt()).message).toBe(
    'POST /repository/actions/runners/remove-token for repository octo-org/hello-world failed. ' +
      'GitHub answered 401: "Bad credentials" (request ID ABCD:1234:5678). The token is invalid, ' +
      "expired or revoked: create a new one and update the secret passed in 'token'."
  )
})

describe('403', () => {
  it.each([
    [
      'repository',
      'Must have admin rights to Repository.',
      '"Administration" repository permission'
    ],
    [
      'organization',
      'Resource not accessible by integration',
      '"Self-hosted runners" organization permission'
    ],
    ['enterprise', 'Must have admin rights', 'manage_runners:enterprise']
  ])('for %s names the permission the scope needs', (scope, message, permission) => {
    const text = explainFailure(httpError(403, message), attempt(scope)).message
    expect(text).toContain(`GitHub answered 403: ${JSON.stringify(message)}.`)
    expect(text).toContain('The token lacks the permission this scope needs.')
    expect(text).toContain(permission)
    expect(text).toContain('The default GITHUB_TOKEN never has it.')
  })

  it('passes on the permissions GitHub says it accepts', () => {
    const error = httpError(403, 'Resource not accessible by integration', {
      'x-accepted-github-permissions': 'organization_self_hosted_runners=write'
    })
    expect(explainFailure(error, attempt('organization')).message).toContain(
      'GitHub accepts these permissions: organization_self_hosted_runners=write.'
    )
  })

  it('says to authorize the token for SAML SSO, with the URL GitHub gives', () => {
    const error = httpError(403, 'Resource protected by organization SAML enforcement.', {
      'x-github-sso':
        'required; url=https://github.com/orgs/octo-org/sso?authorization_request=AB12'
    })
    expect(explainFailure(error, attempt('organization')).message).toContain(
      'authorized for SAML single sign-on: authorize it at https://github.com/orgs/octo-org/sso?authorization_request=AB12, then run the job again.'
    )
  })

  it.each([
    [
      'on GHES, its own host',
      'https://ghes.example.com/api/v3',
      'https://ghes.example.com/orgs/o/sso',
      true
    ],
    ['on another host', 'https://api.github.com', 'https://github.com.evil.test/sso', false],
    [
      'on a host named like github.com',
      'https://api.github.com',
      'https://evil.test/github.com/sso',
      false
    ],
    [
      "on api-url's host for api.github.com",
      'https://api.github.com',
      'https://api.github.com/sso',
      true
    ]
  ])(
    "shows an SSO URL %s only if it is on github.com or api-url's host",
    (_, apiUrl, url, shown) => {
      const error = httpError(403, 'SAML', { 'x-github-sso': `required; url=${url}` })
      const text = explainFailure(error, attempt('organization', apiUrl)).message
      expect(text.includes(url)).toBe(shown)
      expect(text.includes('Configure SSO')).toBe(!shown)
    }
  )

  it('gives SSO advice without a URL when GitHub sends none', () => {
    const error = httpError(403, 'SAML', { 'x-github-sso': 'partial-results; organizations=1' })
    expect(explainFailure(error, attempt()).message).toContain('Configure SSO')
  })
})

it.each([
  ['repository', "Check 'owner' and 'repo'."],
  ['organization', "Check 'org'."],
  ['enterprise', 'only classic PATs can manage enterprise runners']
])('a 404 for %s says what to check', (scope, words) => {
  expect(explainFailure(httpError(404, 'Not Found'), attempt(scope)).message).toContain(words)
})

it('points to GitHub status on a server error', () => {
  expect(explainFailure(httpError(502, 'Bad Gateway'), attempt()).message).toContain(
    'GitHub had a server error or was overloaded. Run the job again in a few minutes'
  )
})

it('names the needed permission for other refusals', () => {
  expect(explainFailure(httpError(422, 'Validation Failed'), attempt()).message).toContain(
    'This needs a classic PAT with the repo scope'
  )
})

it('says so when GitHub sent no message', () => {
  expect(explainFailure(httpError(502, 'x', {}, {}), attempt()).message).toContain(
    'GitHub answered 502: "no message".'
  )
})

describe('an answer that is not GitHub JSON', () => {
  const html = (status: number) =>
    httpError(status, '<html>', { 'content-type': 'text/html' }, '<html>Not Found</html>')

  it('says something else answered, and suggests /api/v3 for a GHES-looking api-url', () => {
    const text = explainFailure(
      html(404),
      attempt('organization', 'https://ghes.example.com')
    ).message
    expect(text).toContain("Something other than GitHub's REST API answered 404 with text/html")
    expect(text).toContain("'api-url' ends in /api/v3 (https://ghes.example.com/api/v3)")
    expect(text).not.toContain('organization does not exist')
  })

  it('does not suggest /api/v3 for github.com, GHE.com or a URL that has it', () => {
    for (const apiUrl of [
      'https://api.github.com',
      'https://api.octo.ghe.com',
      'https://h.example/api/v3'
    ]) {
      expect(explainFailure(html(502), attempt('repository', apiUrl)).message).not.toContain(
        'ends in /api/v3'
      )
    }
  })

  it('names a missing content type', () => {
    const error = new RequestError('x', 404, {
      request: { method: 'POST', url: 'https://api.github.com/x', headers: {} },
      response: { status: 404, url: 'https://api.github.com/x', headers: {}, data: '' }
    })
    expect(explainFailure(error, attempt()).message).toContain('answered 404 with no content type')
  })
})

describe('failures before any answer', () => {
  it('explains a refused connection, with its cause and code', () => {
    const error = networkError(
      'connect ECONNREFUSED',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' })
    )
    expect(explainFailure(error, attempt()).message).toBe(
      'POST /repository/actions/runners/remove-token for repository octo-org/hello-world failed: ' +
        'the connection failed before GitHub answered: connect ECONNREFUSED 127.0.0.1:9 (ECONNREFUSED). ' +
        "Check that 'api-url' is right and that this runner can reach it (proxy settings: " +
        "HTTPS_PROXY, NO_PROXY); if the network is flaky, raise 'retries'."
    )
    expect(explainFailure('odd', attempt()).message).toContain(
      'failed before GitHub answered: odd.'
    )
  })

  it.each([
    ['ENOTFOUND', 'does not exist (DNS)'],
    ['ERR_INVALID_CHAR', "check the 'token' secret"],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'NODE_EXTRA_CA_CERTS'],
    ['CERT_HAS_EXPIRED', 'NODE_EXTRA_CA_CERTS'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'NODE_EXTRA_CA_CERTS']
  ])('gives the fix for %s', (code, fix) => {
    const error = networkError('fetch failed', Object.assign(new Error('failed'), { code }))
    expect(explainFailure(error, attempt()).message).toContain(fix)
  })

  it('names the time-out when GitHub never answered', () => {
    const error = networkError(
      'aborted',
      new DOMException('The operation was aborted due to timeout', 'TimeoutError')
    )
    expect(explainFailure(new FailedAttempts(error, 2, 1234), attempt()).message).toContain(
      "failed after 2 attempts over 1.2 s: GitHub did not answer within 30 s (the 'timeout' input)."
    )
  })

  it.each([
    ['off-origin', "The token is only ever sent to 'api-url'"],
    ['redirect', "Only a renamed repository's redirect is followed."],
    ['unreadable', "Check that 'api-url' points to a GitHub REST API"],
    ['body-too-large', "Check that 'api-url' points to a GitHub REST API"]
  ] as const)('explains a refused %s, never as a network or token problem', (problem, fix) => {
    const error = networkError('x', new TransportError(problem, `refused: ${problem}`))
    const text = explainFailure(error, attempt()).message
    expect(text).toContain(`refused: ${problem}. ${fix}`)
    expect(text).not.toContain('raise')
    expect(explainFailure(new TransportError(problem, 'direct'), attempt()).message).toContain(
      'direct.'
    )
  })
})

describe('after retries', () => {
  it('says how many attempts were made, over how long', () => {
    const error = new FailedAttempts(httpError(502, 'Bad Gateway'), 4, 1234)
    expect(explainFailure(error, attempt()).message).toContain(
      'for repository octo-org/hello-world failed after 4 attempts over 1.2 s. GitHub answered 502'
    )
  })
})

describe('rate limits', () => {
  it('says when a used-up primary limit resets', () => {
    const error = httpError(403, 'API rate limit exceeded for user ID 1.', {
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(Date.parse('2026-11-21T12:14:30Z') / 1000)
    })
    expect(explainFailure(new FailedAttempts(error, 1, 0, 870), attempt()).message).toContain(
      "The token's rate limit is used up; it resets at 2026-11-21T12:14:30.000Z, in 15 min. GitHub " +
        'asked to wait 870 s, longer than the 60 s this step waits. Run the job again after that, ' +
        'or use a token with its own limit (a GitHub App token).'
    )
  })

  it('explains a primary limit without a reset time', () => {
    const error = httpError(429, 'API rate limit exceeded', { 'x-ratelimit-remaining': '0' })
    expect(explainFailure(error, attempt()).message).toContain(
      "The token's rate limit is used up. Run the job again"
    )
  })

  it('says how long GitHub asked to wait, instead of permission advice', () => {
    const error = httpError(429, 'You have exceeded a secondary rate limit.', {
      'retry-after': '120'
    })
    const text = explainFailure(new FailedAttempts(error, 1, 0, 120), attempt()).message
    expect(text).toContain(
      "GitHub's secondary rate limit refused it: too many requests in a short time, as from a " +
        'large matrix of teardown jobs or several cleanups at once. GitHub asked to wait 120 s, ' +
        "longer than the 60 s this step waits. Lower the matrix's max-parallel, or run the job again later."
    )
    expect(text).not.toContain('This needs')
    expect(explainFailure(new FailedAttempts(error, 1, 0, 120), attempt()).rateLimited).toBe(true)
    const plain429 = httpError(429, 'Too Many Requests')
    expect(explainFailure(new FailedAttempts(plain429, 4, 0), attempt()).rateLimited).toBe(true)
    const refused = httpError(403, 'Must have admin rights')
    expect(explainFailure(new FailedAttempts(refused, 1, 0), attempt()).rateLimited).toBe(false)
    expect(explainFailure(new FailedAttempts('odd', 1, 0), attempt()).rateLimited).toBe(false)
    expect(new RequestFailedError('busy').rateLimited).toBe(false)
    const bare = httpError(403, 'You have exceeded a secondary rate limit.')
    expect(explainFailure(bare, attempt()).message).toMatch(/run the job again later\.$/)
  })

  it('says how long GitHub asked to wait when it was within the wait, and ignores a malformed retry-after', () => {
    const within = httpError(503, 'Unavailable', { 'retry-after': '5' })
    expect(explainFailure(new FailedAttempts(within, 4, 9000), attempt()).message).toContain(
      'overloaded. GitHub asked to wait 5 s. Run the job again'
    )
    const malformed = httpError(503, 'Unavailable', { 'retry-after': 'soon' })
    expect(explainFailure(malformed, attempt()).message).toContain('overloaded. Run the job again')
  })

  it('says how long a server error asked to wait', () => {
    const error = httpError(503, 'Unavailable', { 'retry-after': '90' })
    expect(explainFailure(new FailedAttempts(error, 1, 0, 90), attempt()).message).toContain(
      'GitHub asked to wait 90 s, longer than the 60 s this step waits.'
    )
  })
})

it('hides a secret that GitHub’s message spells with soft hyphens between its letters', () => {
  const secret = 'ghp_softHyphenSecret000000000000000001'
  const quiet = jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
  secrets.add(secret)
  quiet.mockRestore()
  const message = `Bad credentials for ${[...secret].join('\u00ad')}`
  const text = explainFailure(httpError(401, message), attempt()).message
  expect(text).toContain('GitHub answered 401: "Bad credentials for ***"')
  expect(text).not.toContain('\u00ad')
  expect(text).not.toContain('softHyphen')
})
