import { forLog, quotedForLog } from '../step/text.js'
import { errorCode, innermostMessage, isHttpError, type HttpError } from './http-error.js'
import { causes, isObject } from '../step/errors.js'
import { REQUIRED_PERMISSION } from './permissions.js'
import { FailedAttempts, MAX_WAIT_S, rateLimit, seconds, TRANSIENT_CODES } from './retry.js'
import { describeTarget, requestLine, type Route, type Target } from './target.js'
import { TransportError } from './transport.js'

/** What the action was doing when a request failed, to name it in the error. */
export interface Attempt {
  target: Target
  apiUrl: string
  /** The request, e.g. `POST /orgs/{org}/actions/runners/remove-token` for org `octo`. */
  route: Route
  /** The 'timeout' input, in seconds. */
  timeoutS: number
  /** Now, in ms since the epoch, to say when a rate limit resets. */
  now: number
}

/** GitHub's answer was not one it documents; the message never includes the answer's values. */
export class AnswerError extends Error {
  override name = 'AnswerError'
}

const CHECK_API_URL =
  "Check that 'api-url' points to a GitHub REST API (or a proxy that passes its answers through " +
  'unchanged), then run the job again.'

/** An answer that is not GitHub's: most often a wrong 'api-url' or a proxy's own page. */
export function unexpectedAnswer(what: string, detail: string, consequence: string): AnswerError {
  return new AnswerError(
    `GitHub's answer to ${what} ${detail}, so ${consequence}. ${CHECK_API_URL}`
  )
}

/** A request to GitHub failed; the message says what was attempted, what GitHub said, and the fix. */
export class RequestFailedError extends Error {
  override name = 'RequestFailedError'
  /** GitHub refused for its rate limit (or too many requests): sending more now would not help. */
  readonly rateLimited: boolean

  constructor(message: string, options: { cause?: unknown; rateLimited?: boolean } = {}) {
    super(message, { cause: options.cause })
    this.rateLimited = options.rateLimited ?? false
  }
}

/** Turns a failed request into a sentence for the person reading the failed run. */
export function explainFailure(error: unknown, attempt: Attempt): RequestFailedError {
  const failure = error instanceof FailedAttempts ? error : new FailedAttempts(error, 1, 0)
  const tries =
    failure.attempts > 1
      ? ` after ${failure.attempts} attempts over ${(failure.elapsedMs / 1000).toFixed(1)} s`
      : ''
  const what = `${requestLine(attempt.route)} for ${describeTarget(attempt.target)} failed${tries}`
  const last = failure.last
  const because = { cause: failure }
  if (!isHttpError(last)) {
    return new RequestFailedError(`${what}: ${networkFailure(last, attempt)}`, because)
  }
  const requestId = last.response.headers['x-github-request-id']
  const id = requestId ? ` (request ID ${requestId})` : ''
  if (!isGitHubAnswer(last)) {
    return new RequestFailedError(`${what}. ${notGitHub(last, attempt.apiUrl)}${id}`, because)
  }
  const said = `GitHub answered ${last.status}: ${githubMessage(last)}${id}.`
  const rateLimited = last.status === 429 || rateLimit(last, attempt.now) !== undefined
  return new RequestFailedError(`${what}. ${said} ${hint(last, failure, attempt)}`, {
    cause: failure,
    rateLimited
  })
}

/** `application/json`, or a JSON-based type (`application/vnd.github+json`), with any parameters. */
export function isJsonContentType(type: string | undefined): boolean {
  return /^application\/(?:[\w.+-]+\+)?json\b/i.test(type ?? '')
}

/** GitHub's REST API answers JSON; anything else answered in its place. */
export function isGitHubAnswer(error: HttpError): boolean {
  return isJsonContentType(error.response.headers['content-type']) && isObject(error.response.data)
}

/** An answer from something other than GitHub's REST API: a wrong 'api-url', a proxy's page. */
export function notGitHub(error: HttpError, apiUrl: string): string {
  const type = error.response.headers['content-type']
  const url = new URL(apiUrl)
  const ghes =
    url.hostname !== 'api.github.com' &&
    !url.hostname.endsWith('.ghe.com') &&
    !url.pathname.startsWith('/api/v3')
      ? ` For GitHub Enterprise Server, 'api-url' ends in /api/v3 (${url.origin}/api/v3).`
      : ''
  return (
    `Something other than GitHub's REST API answered ${error.status}` +
    `${type ? ` with ${forLog(type, 80)}` : ' with no content type'}, not GitHub's JSON. ` +
    `${CHECK_API_URL}${ghes}`
  )
}

/** Why the request got no answer from GitHub, and what to do about it. */
function networkFailure(error: unknown, { timeoutS }: Attempt): string {
  const refused = causes(error).find((cause) => cause instanceof TransportError)
  if (refused instanceof TransportError) {
    return `${forLog(refused.message)}. ${TRANSPORT_FIX[refused.problem]}`
  }
  const code = errorCode(error)
  if (code === 'timeout') {
    return (
      `GitHub did not answer within ${timeoutS} s (the 'timeout' input). Check that this runner ` +
      "can reach 'api-url' (proxy settings: HTTPS_PROXY, NO_PROXY); if GitHub is slow, raise " +
      "'timeout' or 'retries'."
    )
  }
  const cause = `${forLog(innermostMessage(error), 200)}${code ? ` (${forLog(code, 40)})` : ''}`
  const known = code ? NETWORK_FIX.find(([pattern]) => pattern.test(code))?.[1] : undefined
  const fix =
    known ??
    "Check that 'api-url' is right and that this runner can reach it (proxy settings: " +
      'HTTPS_PROXY, NO_PROXY)' +
      (code !== undefined && TRANSIENT_CODES.has(code)
        ? "; if the network is flaky, raise 'retries'."
        : '; this failure is not one that trying again would fix.')
  return `the connection failed before GitHub answered: ${cause}. ${fix}`
}

const TRANSPORT_FIX: Record<TransportError['problem'], string> = {
  'off-origin':
    "The token is only ever sent to 'api-url'. If GitHub now lives at that address, set " +
    "'api-url' to it; otherwise something between this runner and GitHub is redirecting requests.",
  redirect:
    "Only a renamed repository's redirect is followed. Set 'api-url' to the address GitHub's " +
    'REST API answers at, and check that nothing between this runner and GitHub rewrites requests.',
  unreadable: CHECK_API_URL,
  'body-too-large': CHECK_API_URL
}

const NETWORK_FIX: [RegExp, string][] = [
  [/^ENOTFOUND$/, "The host in 'api-url' does not exist (DNS): check its spelling."],
  [
    /^ERR_INVALID_(?:CHAR|HEADER_VALUE)$/,
    "A request header had a character HTTP does not allow: check the 'token' secret for pasted extra characters."
  ],
  [
    /CERT|SELF_SIGNED|UNABLE_TO_(?:VERIFY|GET)|ERR_TLS|ERR_SSL|EPROTO/,
    "The server's TLS certificate was not accepted. For a server with a private certificate " +
      'authority (common on GitHub Enterprise Server), set NODE_EXTRA_CA_CERTS to the CA bundle ' +
      "file in the step's env; check that 'api-url' names the right host."
  ]
]

function githubMessage(error: HttpError): string {
  const data = error.response.data as { message?: unknown }
  return quotedForLog(typeof data.message === 'string' ? data.message : 'no message', 300)
}

function hint(error: HttpError, failure: FailedAttempts, { target, now, apiUrl }: Attempt): string {
  const needs = `This needs ${REQUIRED_PERMISSION[target.scope]}.`
  const limit = rateLimit(error, now)
  const askedS = failure.askedWaitS ?? seconds(error.response.headers['retry-after'])
  const asked =
    askedS === undefined
      ? ''
      : ` GitHub asked to wait ${askedS} s${askedS > MAX_WAIT_S ? `, longer than the ${MAX_WAIT_S} s this step waits` : ''}.`
  if (limit?.kind === 'primary rate limit') {
    return (
      `The token's rate limit is used up${resetTime(error.response.headers['x-ratelimit-reset'], now)}.` +
      `${asked} Run the job again after that, or use a token with its own limit (a GitHub App token).`
    )
  }
  if (limit) {
    return (
      "GitHub's secondary rate limit refused it: too many requests in a short time, as from a " +
      `large matrix of teardown jobs or several cleanups at once.${asked} Lower the matrix's ` +
      'max-parallel, or run the job again later.'
    )
  }
  switch (error.status) {
    case 401:
      return "The token is invalid, expired or revoked: create a new one and update the secret passed in 'token'."
    case 403: {
      const sso = error.response.headers['x-github-sso']
      if (sso)
        return `The token must be authorized for SAML single sign-on: ${ssoAdvice(sso, apiUrl)}`
      const accepted = error.response.headers['x-accepted-github-permissions']
      return (
        `The token lacks the permission this scope needs. ${needs} The default GITHUB_TOKEN never has it.` +
        (accepted ? ` GitHub accepts these permissions: ${accepted}.` : '')
      )
    }
    case 404:
      return `${notFound(target)} ${needs}`
  }
  if (error.status >= 500 || error.status === 429) {
    return (
      `GitHub had a server error or was overloaded.${asked} Run the job again in a few minutes ` +
      '(https://www.githubstatus.com).'
    )
  }
  return needs
}

/** ` (it resets at 2026-11-21T12:00:00Z, in 14 min)`, from `x-ratelimit-reset` (epoch seconds). */
function resetTime(header: string | undefined, now: number): string {
  if (!header || !/^\d{1,12}$/.test(header)) return ''
  const reset = Number(header) * 1000
  const minutes = Math.max(0, Math.ceil((reset - now) / 60_000))
  return `; it resets at ${new Date(reset).toISOString()}, in ${minutes} min`
}

function notFound(target: Target): string {
  switch (target.scope) {
    case 'repository':
      return (
        `The repository does not exist, or the token cannot see it (GitHub answers 404, not 403, ` +
        "to tokens without access to a private repository). Check 'owner' and 'repo'."
      )
    case 'organization':
      return "The organization does not exist, or the token cannot see it. Check 'org'."
    case 'enterprise':
      return (
        "The enterprise does not exist, or the token cannot see it. Check 'enterprise' (its slug), " +
        'and use a classic PAT: only classic PATs can manage enterprise runners.'
      )
  }
}

/**
 * GitHub sends `x-github-sso: required; url=https://...` when the token needs SSO authorization.
 * The URL is shown only on github.com or `api-url`'s host: an answer cannot send a person elsewhere.
 */
function ssoAdvice(header: string, apiUrl: string): string {
  const url = URL.parse(/url=(https:\/\/[\w.:/?&=%-]+)/.exec(header)?.[1] ?? '')
  const trusted = ['github.com', new URL(apiUrl).hostname]
  return url && trusted.includes(url.hostname)
    ? `authorize it at ${forLog(url.href, 300)}, then run the job again.`
    : 'authorize it for the organization (GitHub settings > Tokens > Configure SSO), then run the job again.'
}
