import type { GitHubClient } from '../github/client.js'
import { failureExplainer, unexpectedAnswer } from '../github/errors.js'
import { removeTokenRoute, requestLine, type Target } from '../github/target.js'

/** A minted remove token, exactly as GitHub returned it. */
export interface RemoveToken {
  token: string
  expiresAt: string
}

/** `POST .../actions/runners/remove-token` for the target, with no body, and checks the answer. */
export async function mintRemoveToken(
  client: Pick<GitHubClient, 'request'>,
  target: Target,
  {
    timeoutS,
    mask,
    now = Date.now
  }: { timeoutS: number; mask: (token: string) => void; now?: () => number }
): Promise<RemoveToken> {
  const route = removeTokenRoute(target)
  const explain = failureExplainer(target, route, timeoutS, now)
  let response
  try {
    response = await client.request(route.route, route.params)
  } catch (error) {
    throw explain(error)
  }
  return parseAnswer(response.data, `${requestLine(route)} (status ${response.status})`, mask)
}

const PRINTABLE = /^[\x21-\x7e]+$/

/**
 * Checks the shape of the 201 answer: GitHub documents `token` and `expires_at` as required.
 * `mask` is given the token as soon as there is one, before any other check can fail.
 */
export function parseAnswer(
  data: unknown,
  what: string,
  mask: (token: string) => void
): RemoveToken {
  const problem = (detail: string) =>
    unexpectedAnswer(what, detail, 'no token was minted that this step can use')
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw problem('is not a JSON object')
  }
  const { token, expires_at: expiresAt } = data as Record<string, unknown>
  if (typeof token !== 'string' || token === '') {
    throw problem("has no 'token' string")
  }
  mask(token)
  // A token with whitespace or control characters could not be masked reliably in the log.
  if (!PRINTABLE.test(token)) {
    throw problem("has a 'token' with whitespace or control characters")
  }
  if (typeof expiresAt !== 'string' || expiresAt === '') {
    throw problem("has no 'expires_at' string")
  }
  if (!isTimestamp(expiresAt)) {
    // Not echoed: an answer this malformed may hold anything, the token included.
    throw problem("has an 'expires_at' that is not an ISO 8601 time")
  }
  return { token, expiresAt }
}

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/

function isTimestamp(value: string): boolean {
  return ISO_8601.test(value) && !Number.isNaN(Date.parse(value))
}
