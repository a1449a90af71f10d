import { REQUIRED_PERMISSION } from './permissions.js'
import {
  isHttpError,
  messageOf,
  networkErrorCode,
  rateLimitOf,
  type HttpError
} from './http-error.js'
import type { Attempted } from './retry-policy.js'
import { describeTarget, requestLine, type Route, type Target } from './target.js'

/** What the action was doing when a request failed, to name it in the error. */
export interface Attempt {
  target: Target
  /** `POST /orgs/octo/actions/runners/remove-token` */
  requestLine: string
  /** From the first attempt to the failure. */
  elapsedMs: number
  /** The 'timeout' input, in seconds. */
  timeoutS: number
  /** Now, in ms since the epoch, to say when a rate limit resets. */
  now: number
}

/** GitHub's answer was not one it documents; the message never includes the answer's values. */
export class AnswerError extends Error {
  override name = 'AnswerError'
}

/** An answer that is not GitHub's: most often a wrong 'api-url' or a proxy's own page. */
export function unexpectedAnswer(what: string, detail: string, consequence: string): AnswerError {
  return new AnswerError(
    `GitHub's answer to ${what} ${detail}, so ${consequence}. Check that 'api-url' points to a ` +
      'GitHub REST API (or a proxy that passes its answers through unchanged), then run the job again.'
  )
}

/** A request to GitHub failed; the message says what was attempted, what GitHub said, and the fix. */
export class RequestFailedError extends Error {
  override name = 'RequestFailedError'
}

/**
 * Starts the clock of a request (retries included) and returns what turns its failure into the
 * error to throw: `catch (error) { throw explain(error) }`.
 */
export function failureExplainer(
  target: Target,
  route: Route,
  timeoutS: number,
  now: () => number
): (error: unknown) => RequestFailedError {
  const started = now()
  return (error) => {
    const failedAt = now()
    return explainFailure(error, {
      target,
      requestLine: requestLine(route),
      elapsedMs: failedAt - started,
      timeoutS,
      now: failedAt
    })
  }
}

/** Turns a failed request into a sentence for the person reading the failed run. */
export function explainFailure(error: unknown, attempt: Attempt): RequestFailedError {
  const attempts = (error as Attempted).attempts ?? 1
  const tries =
    attempts > 1
      ? ` after ${attempts} attempts over ${(attempt.elapsedMs / 1000).toFixed(1)} s`
      : ''
  const what = `${attempt.requestLine} for ${describeTarget(attempt.target)}`
  if (!isHttpError(error)) {
    const code = networkErrorCode(error)
    const reason =
      code === 'timeout'
        ? `GitHub did not answer within ${attempt.timeoutS} s (the 'timeout' input)`
        : `the connection failed before GitHub answered: ${messageOf(error)}${
            code && !messageOf(error).includes(code) ? ` (${code})` : ''
          }`
    return new RequestFailedError(
      `${what} failed${tries}: ${reason}. Check that 'api-url' is right and that this runner ` +
        'can reach it (proxy settings: HTTPS_PROXY, NO_PROXY); if GitHub is slow, raise ' +
        "'timeout' or 'retries'."
    )
  }
  const headers = error.response.headers
  const requestId = headers['x-github-request-id']
  const said = `GitHub answered ${error.status}: ${githubMessage(error)}${
    requestId ? ` (request ID ${requestId})` : ''
  }.`
  return new RequestFailedError(`${what} failed${tries}. ${said} ${hint(error, attempt)}`)
}

function githubMessage(error: HttpError): string {
  const data = error.response.data
  if (typeof data === 'object' && data !== null && 'message' in data) {
    return JSON.stringify(String((data as { message: unknown }).message))
  }
  return JSON.stringify(cut(error.message, 200))
}

/**
 * The start of a long text, marked with '…'. `Secrets.redact` also hides a secret cut short right
 * before that mark, which masking (whole values only) would miss.
 */
export function cut(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length)}…` : text
}

function hint(error: HttpError, { target, now }: Attempt): string {
  const headers = error.response.headers
  const needs = `This needs ${REQUIRED_PERMISSION[target.scope]}.`
  switch (rateLimitOf(error)) {
    case 'primary':
      return (
        `The token's rate limit is used up${resetTime(headers['x-ratelimit-reset'], now)}. Run ` +
        'the job again after that, or use a token with its own limit (a GitHub App token).'
      )
    case 'secondary':
      return (
        "GitHub's secondary rate limit refused it: too many requests at once, as from a large " +
        "matrix of teardown jobs. Lower the matrix's max-parallel, or run the job again later" +
        `${headers['retry-after'] ? ` (GitHub asked to wait ${headers['retry-after']} s)` : ''}.`
      )
  }
  switch (error.status) {
    case 401:
      return "The token is invalid, expired or revoked: create a new one and update the secret passed in 'token'."
    case 403: {
      const sso = headers['x-github-sso']
      if (sso) {
        return `The token must be authorized for SAML single sign-on: ${ssoAdvice(sso)}`
      }
      const accepted = headers['x-accepted-github-permissions']
      return (
        `The token lacks the permission this scope needs. ${needs} The default GITHUB_TOKEN never has it.` +
        (accepted ? ` GitHub accepts these permissions: ${accepted}.` : '')
      )
    }
    case 404:
      return `${notFound(target)} ${needs}`
    default:
      if (error.status >= 500) {
        return 'GitHub had a server error; run the job again in a few minutes (https://www.githubstatus.com).'
      }
      return needs
  }
}

/** ` (it resets at 2026-11-21T12:00:00Z, in 14 min)`, from `x-ratelimit-reset` (epoch seconds). */
function resetTime(header: string | undefined, now: number): string {
  const reset = Number(header) * 1000
  if (!header || !Number.isFinite(reset)) return ''
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

/** GitHub sends `x-github-sso: required; url=https://...` when the token needs SSO authorization. */
function ssoAdvice(header: string): string {
  const url = /url=(\S+)/.exec(header)?.[1]
  return url
    ? `authorize it at ${url}, then run the job again.`
    : 'authorize it for the organization (GitHub settings > Tokens > Configure SSO), then run the job again.'
}
