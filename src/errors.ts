import { REQUIRED_PERMISSION } from './permissions.js'
import { describeTarget, type Target } from './target.js'

/** What the action was doing when a request failed, to name it in the error. */
export interface Attempt {
  target: Target
  /** `POST /orgs/octo/actions/runners/remove-token` */
  requestLine: string
}

/** The parts of Octokit's RequestError that the explanation reads. */
interface HttpError {
  status: number
  message: string
  response: { headers: Record<string, string | undefined>; data?: unknown }
}

/** A request to GitHub failed; the message says what was attempted, what GitHub said, and the fix. */
export class RequestFailedError extends Error {
  override name = 'RequestFailedError'
}

export function isHttpError(error: unknown): error is HttpError {
  return (
    error instanceof Error &&
    typeof (error as Partial<HttpError>).status === 'number' &&
    (error as Partial<HttpError>).response !== undefined
  )
}

/** The message of anything thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** Turns a failed request into a sentence for the person reading the failed run. */
export function explainFailure(error: unknown, attempt: Attempt): RequestFailedError {
  const what = `${attempt.requestLine} for ${describeTarget(attempt.target)}`
  if (!isHttpError(error)) {
    return new RequestFailedError(
      `${what} failed before GitHub answered: ${messageOf(error)}. Check that 'api-url' is right and that ` +
        'this runner can reach it (proxy settings: HTTPS_PROXY, NO_PROXY).'
    )
  }
  const headers = error.response.headers
  const requestId = headers['x-github-request-id']
  const said = `GitHub answered ${error.status}: ${githubMessage(error)}${
    requestId ? ` (request ID ${requestId})` : ''
  }.`
  return new RequestFailedError(`${what} failed. ${said} ${hint(error.status, attempt, headers)}`)
}

function githubMessage(error: HttpError): string {
  const data = error.response.data
  if (typeof data === 'object' && data !== null && 'message' in data) {
    return JSON.stringify(String((data as { message: unknown }).message))
  }
  return JSON.stringify(error.message.slice(0, 200))
}

function hint(
  status: number,
  { target }: Attempt,
  headers: Record<string, string | undefined>
): string {
  const needs = `This needs ${REQUIRED_PERMISSION[target.scope]}.`
  switch (status) {
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
      if (status >= 500) {
        return 'GitHub had a server error; run the job again in a few minutes (https://www.githubstatus.com).'
      }
      return needs
  }
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
        'and use a classic PAT: only classic PATs can mint enterprise remove tokens.'
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
