import { RequestError } from '@octokit/request-error'
import { explainFailure, type Attempt } from '../src/github/errors.js'
import type { Target } from '../src/github/target.js'

const targets: Record<string, Target> = {
  repository: { scope: 'repository', owner: 'octo-org', repo: 'hello-world' },
  organization: { scope: 'organization', org: 'octo-org' },
  enterprise: { scope: 'enterprise', enterprise: 'octo-corp' }
}

function attempt(scope = 'repository'): Attempt {
  const target = targets[scope] as Target
  return {
    target,
    requestLine: `POST /${scope}/actions/runners/remove-token`,
    elapsedMs: 1234,
    timeoutS: 30,
    now: Date.parse('2026-11-21T12:00:00Z')
  }
}

function httpError(status: number, message: string, headers: Record<string, string> = {}) {
  return new RequestError(message, status, {
    request: { method: 'POST', url: 'https://api.github.com/x', headers: {} },
    response: {
      status,
      url: 'https://api.github.com/x',
      headers,
      data: { message, documentation_url: 'https://docs.github.com/rest' }
    }
  })
}

it('names the request, the target, the status, GitHub message and request ID', () => {
  const error = httpError(401, 'Bad credentials', { 'x-github-request-id': 'ABCD:1234' })
  expect(explainFailure(error, attempt()).message).toBe(
    'POST /repository/actions/runners/remove-token for repository octo-org/hello-world failed. ' +
      'GitHub answered 401: "Bad credentials" (request ID ABCD:1234). The token is invalid, ' +
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
      'x-accepted-github-permissions': 'administration=write'
    })
    expect(explainFailure(error, attempt()).message).toContain(
      'GitHub accepts these permissions: administration=write.'
    )
  })

  it('says to authorize the token for SAML SSO, with the URL GitHub gives', () => {
    const error = httpError(403, 'Resource protected by organization SAML enforcement.', {
      'x-github-sso': 'required; url=https://github.com/orgs/octo-org/sso?authorization_request=abc'
    })
    expect(explainFailure(error, attempt('organization')).message).toContain(
      'The token must be authorized for SAML single sign-on: authorize it at ' +
        'https://github.com/orgs/octo-org/sso?authorization_request=abc, then run the job again.'
    )
  })

  it('gives SSO advice without a URL when GitHub sends none', () => {
    const error = httpError(403, 'SAML', { 'x-github-sso': 'partial-results; organizations=1' })
    expect(explainFailure(error, attempt()).message).toContain('authorize it for the organization')
  })
})

describe('404', () => {
  it.each([
    [
      'repository',
      "GitHub answers 404, not 403, to tokens without access to a private repository). Check 'owner' and 'repo'."
    ],
    ['organization', "The organization does not exist, or the token cannot see it. Check 'org'."],
    ['enterprise', 'only classic PATs can manage enterprise runners']
  ])('for %s says what may be missing', (scope, text) => {
    expect(explainFailure(httpError(404, 'Not Found'), attempt(scope)).message).toContain(text)
  })
})

it('points to GitHub status on a server error', () => {
  expect(explainFailure(httpError(502, 'Bad Gateway'), attempt()).message).toContain(
    'GitHub had a server error'
  )
})

it('names the needed permission for other refusals', () => {
  expect(explainFailure(httpError(422, 'Validation Failed'), attempt()).message).toContain(
    'This needs a classic PAT with the repo scope'
  )
})

it('falls back to the error message when the body has none', () => {
  const error = new RequestError('Service Unavailable', 503, {
    request: { method: 'POST', url: 'https://api.github.com/x', headers: {} },
    response: { status: 503, url: 'https://api.github.com/x', headers: {}, data: '<html>' }
  })
  expect(explainFailure(error, attempt()).message).toContain(
    'GitHub answered 503: "Service Unavailable".'
  )
})

it('explains a failure before any answer', () => {
  const error = new RequestError('connect ECONNREFUSED 127.0.0.1:9', 500, {
    request: { method: 'POST', url: 'https://api.github.com/x', headers: {} }
  })
  expect(explainFailure(error, attempt()).message).toBe(
    'POST /repository/actions/runners/remove-token for repository octo-org/hello-world failed: ' +
      'the connection failed before GitHub answered: connect ECONNREFUSED 127.0.0.1:9. Check ' +
      "that 'api-url' is right and that this runner can reach it (proxy settings: HTTPS_PROXY, " +
      "NO_PROXY); if GitHub is slow, raise 'timeout' or 'retries'."
  )
  expect(explainFailure('odd', attempt()).message).toContain('failed before GitHub answered: odd.')
})

describe('after retries', () => {
  it('says how many attempts were made, over how long', () => {
    const error = Object.assign(httpError(502, 'Bad Gateway'), { attempts: 4 })
    expect(explainFailure(error, attempt()).message).toContain(
      'for repository octo-org/hello-world failed after 4 attempts over 1.2 s. GitHub answered 502'
    )
  })

  it('names the time-out when GitHub never answered', () => {
    const error = Object.assign(
      new RequestError('The operation was aborted due to timeout', 500, {
        request: { method: 'POST', url: 'https://api.github.com/x', headers: {} }
      }),
      {
        attempts: 2,
        cause: new DOMException('The operation was aborted due to timeout', 'TimeoutError')
      }
    )
    expect(explainFailure(error, attempt()).message).toContain(
      "failed after 2 attempts over 1.2 s: GitHub did not answer within 30 s (the 'timeout' input)."
    )
  })

  it('names the error code of a network failure', () => {
    const error = Object.assign(
      new RequestError('other side closed', 500, {
        request: { method: 'POST', url: 'https://api.github.com/x', headers: {} }
      }),
      { cause: Object.assign(new Error('other side closed'), { code: 'ECONNRESET' }) }
    )
    expect(explainFailure(error, attempt()).message).toContain(
      'the connection failed before GitHub answered: other side closed (ECONNRESET).'
    )
  })
})

describe('rate limits', () => {
  it('says when a used-up primary limit resets', () => {
    const error = httpError(403, 'API rate limit exceeded for user ID 1.', {
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(Date.parse('2026-11-21T12:14:30Z') / 1000)
    })
    expect(explainFailure(error, attempt()).message).toContain(
      "The token's rate limit is used up; it resets at 2026-11-21T12:14:30.000Z, in 15 min. Run " +
        'the job again after that, or use a token with its own limit (a GitHub App token).'
    )
  })

  it('explains a primary limit without a reset time', () => {
    const error = httpError(429, 'API rate limit exceeded', { 'x-ratelimit-remaining': '0' })
    expect(explainFailure(error, attempt()).message).toContain(
      "The token's rate limit is used up. Run the job again"
    )
  })

  it('explains a secondary limit, with the wait GitHub asked for', () => {
    const error = httpError(429, 'You have exceeded a secondary rate limit.', {
      'retry-after': '120'
    })
    expect(explainFailure(error, attempt()).message).toContain(
      "GitHub's secondary rate limit refused it: too many requests at once, as from a large matrix " +
        "of teardown jobs. Lower the matrix's max-parallel, or run the job again later (GitHub asked to wait 120 s)."
    )
    const bare = httpError(403, 'You have exceeded a secondary rate limit.')
    expect(explainFailure(bare, attempt()).message).toMatch(/run the job again later\.$/)
  })
})
