import type { GitHubClient } from '../github/client.js'
import { explainFailure, isJsonContentType, unexpectedAnswer } from '../github/failure.js'
import { forLog, isPrintableAscii } from '../step/text.js'
import type { RemoveToken } from '../sealed-token/seal.js'
import { removeTokenRoute, requestLine, type Target } from '../github/target.js'

/** Longer than any token GitHub mints (29 characters today), short enough to mask and show. */
export const MAX_TOKEN_LENGTH = 1024

/** `POST .../actions/runners/remove-token` for the target, with no body, and checks the answer. */
export async function mintRemoveToken(
  client: Pick<GitHubClient, 'request'>,
  target: Target,
  {
    apiUrl,
    timeoutS,
    mask,
    now = Date.now
  }: { apiUrl: string; timeoutS: number; mask: (token: string) => void; now?: () => number }
): Promise<RemoveToken> {
  const route = removeTokenRoute(target)
  let response
  try {
    response = await client.request(route.route, route.params)
  } catch (error) {
    throw explainFailure(error, { target, apiUrl, route, timeoutS, now: now() })
  }
  return parseAnswer(
    response.data,
    response.status,
    response.headers['content-type'],
    `${requestLine(route)} (status ${response.status})`,
    mask
  )
}

/**
 * Checks the answer: GitHub documents a 201 with `token` and `expires_at`, both required.
 * `mask` is given the token, whole, as soon as there is one, before any other check can fail.
 */
export function parseAnswer(
  data: unknown,
  status: number,
  contentType: string | undefined,
  what: string,
  mask: (token: string) => void
): RemoveToken {
  const problem = (detail: string) =>
    unexpectedAnswer(what, detail, 'no token was minted that this step can use')
  const token =
    typeof data === 'object' && data !== null ? (data as { token?: unknown }).token : undefined
  if (typeof token === 'string' && token !== '') mask(token)
  if (status !== 201 && status !== 200) {
    throw problem('is not the 201 GitHub documents for a minted token')
  }
  if (!isJsonContentType(contentType)) {
    throw problem(
      "is not a JSON object: something other than GitHub's REST API answered " +
        `(${contentType ? `content type ${forLog(contentType, 80)}` : 'no content type'})`
    )
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw problem('is not a JSON object')
  }
  const { expires_at: expiresAt } = data as Record<string, unknown>
  if (typeof token !== 'string' || token === '') {
    throw problem("has no 'token' string")
  }
  // The runner masks a value and its lines, never words: a token with whitespace, control or
  // non-ASCII characters could not be masked reliably in every form it may be printed in.
  if (token.length > MAX_TOKEN_LENGTH || !isPrintableAscii(token)) {
    throw problem(
      `has a 'token' that is not 1 to ${MAX_TOKEN_LENGTH} printable ASCII characters (no whitespace)`
    )
  }
  if (typeof expiresAt !== 'string' || expiresAt === '') {
    throw problem("has no 'expires_at' string")
  }
  if (!isCalendarTime(expiresAt)) {
    // Not echoed: an answer this malformed may hold anything, the token included.
    throw problem("has an 'expires_at' that is not an ISO 8601 time")
  }
  return { token, expiresAt }
}

const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:Z|[+-](\d{2}):(\d{2}))$/

/** An ISO 8601 time that exists: `2030-02-31T00:00:00Z` has the shape but is no day. */
export function isCalendarTime(value: string): boolean {
  const match = ISO_8601.exec(value)
  if (!match) return false
  // Eight numbers: the regular expression has eight groups; an offset's are absent for 'Z'.
  const [year, month, day, hour, minute, second, offsetH, offsetM] = match
    .slice(1)
    .map((part) => Number(part ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number
  ]
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate()
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59 &&
    offsetH <= 23 &&
    offsetM <= 59
  )
}
