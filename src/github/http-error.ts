/** Telling apart the ways a request to GitHub can fail. */
import { causes, isObject, messageOf } from '../step/errors.js'

/** The parts of Octokit's RequestError that the explanation reads. */
export interface HttpError {
  status: number
  message: string
  response: { headers: Record<string, string | undefined>; data?: unknown }
}

/** An answer from the server with an error status (a network failure has no `response`). */
export function isHttpError(error: unknown): error is HttpError {
  return (
    isObject(error) &&
    typeof (error as Partial<HttpError>).status === 'number' &&
    isObject((error as Partial<HttpError>).response)
  )
}

/**
 * `timeout` for an attempt abandoned by the 'timeout' input, else the system error code
 * (`ECONNRESET`, `ENOTFOUND`, `CERT_HAS_EXPIRED`, ...) found along the error's causes.
 */
export function errorCode(error: unknown): string | undefined {
  for (const cause of causes(error)) {
    if (!isObject(cause)) return undefined
    if (cause.name === 'TimeoutError') return 'timeout'
    if (typeof cause.code === 'string') return cause.code
  }
  return undefined
}

/** The message of the innermost cause: what actually failed. */
export function innermostMessage(error: unknown): string {
  let innermost = error
  for (const cause of causes(error)) if (isObject(cause)) innermost = cause
  return messageOf(innermost)
}

/** The error code along the causes, else the message of the innermost cause. */
export function failureReason(error: unknown): string {
  return errorCode(error) ?? innermostMessage(error)
}
