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

/** An answer from the server with an error status (a network failure has no `response`). */
export function isHttpError(error: unknown): error is HttpError {
  return (
    isObject(error) &&
    typeof (error as Partial<HttpError>).status === 'number' &&
    isObject((error as Partial<HttpError>).response)
  )
}

/** The message of anything thrown. */
export function messageOf(error: unknown): string {
  return isObject(error) && typeof error.message === 'string' ? error.message : String(error)
}

/**
 * `timeout` for an attempt abandoned by the 'timeout' input, else the system error code
 * (`ECONNRESET`, `ENOTFOUND`, `CERT_HAS_EXPIRED`, ...) found along the error's causes.
 */
export function errorCode(error: unknown): string | undefined {
  for (let cause = error, depth = 0; isObject(cause) && depth < 6; depth++) {
    if (cause.name === 'TimeoutError') return 'timeout'
    if (typeof cause.code === 'string') return cause.code
    cause = cause.cause
  }
  return undefined
}

/** The message of the innermost cause: what actually failed. */
export function innermostMessage(error: unknown): string {
  let innermost = error
  for (let depth = 0; isObject(innermost) && isObject(innermost.cause) && depth < 6; depth++) {
    innermost = innermost.cause
  }
  return messageOf(innermost)
}

/** The error code along the causes, else the message of the innermost cause. */
export function failureReason(error: unknown): string {
  return errorCode(error) ?? innermostMessage(error)
}
