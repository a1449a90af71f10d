/** Telling apart the ways a request to GitHub can fail. */

/** The parts of Octokit's RequestError that the explanation reads. */
export interface HttpError {
  status: number
  message: string
  response: { headers: Record<string, string | undefined>; data?: unknown }
}

// Errors are recognised by shape, not `instanceof Error`: undici's DOMException and errors from
// another realm (a VM context, as under Jest) are not instances of this realm's Error.
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}

export function isHttpError(error: unknown): error is HttpError {
  return (
    isObject(error) &&
    typeof (error as Partial<HttpError>).status === 'number' &&
    (error as Partial<HttpError>).response !== undefined
  )
}

/** The message of anything thrown. */
export function messageOf(error: unknown): string {
  return isObject(error) && typeof error.message === 'string' ? error.message : String(error)
}

/**
 * `timeout` for an attempt abandoned by the 'timeout' input, else the system error code
 * (`ECONNRESET`, `ECONNREFUSED`, ...) found along the error's causes.
 */
export function networkErrorCode(error: unknown): string | undefined {
  for (let cause = error, depth = 0; isObject(cause) && depth < 5; depth++) {
    if (cause.name === 'TimeoutError') return 'timeout'
    if (typeof cause.code === 'string') return cause.code
    cause = cause.cause
  }
  return undefined
}

/** The error code along the causes, else the message of the innermost cause. */
export function failureReason(error: unknown): string {
  let innermost = error
  for (let depth = 0; isObject(innermost) && isObject(innermost.cause) && depth < 5; depth++) {
    innermost = innermost.cause
  }
  return networkErrorCode(error) ?? messageOf(innermost)
}

export type RateLimit = 'primary' | 'secondary'

/** GitHub's two rate limits, told apart the way @octokit/plugin-throttling tells them apart. */
export function rateLimitOf(error: unknown): RateLimit | undefined {
  if (!isHttpError(error) || (error.status !== 403 && error.status !== 429)) return undefined
  if (/\bsecondary rate\b/i.test(error.message)) return 'secondary'
  if (error.response.headers['x-ratelimit-remaining'] === '0') return 'primary'
  return undefined
}
