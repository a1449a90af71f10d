import type { GitHubClient } from '../github/client.js'
import { explainFailure, isJsonContentType, unexpectedAnswer } from '../github/failure.js'
import { forLog } from '../step/text.js'
import type { RemoveToken } from '../sealed-token/seal.js'
import { isCalendarTime, isMaskable, isRemoveToken, TOKEN_SHAPE } from '../sealed-token/token.js'
import { removeTokenRoute, requestLine, type Target } from '../github/target.js'

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
 * `mask` is given the token, whole, as soon as there is one long enough to be one, before any
 * other check can fail.
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
  if (isMaskable(token)) mask(token)
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
  if (!isRemoveToken(token)) {
    throw problem(`has a 'token' that is not a remove token: not ${TOKEN_SHAPE}`)
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
