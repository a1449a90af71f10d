/**
 * What a remove token and its expiry must look like, wherever one comes from: GitHub's answer to
 * the mint, or a sealed token being opened. One check, so both hand on only what GitHub mints.
 */
import { isPrintableAscii } from '../step/text.js'

/** GitHub's remove tokens are 29 characters: shorter than this is not one. */
export const MIN_TOKEN_LENGTH = 16
/** Longer than any token GitHub mints, short enough to mask and show. */
export const MAX_TOKEN_LENGTH = 1024

/**
 * Whether `token` is long enough to mask: the runner would mask a one-letter "token" everywhere in
 * the job's log and drop every job output holding that letter.
 */
export function isMaskable(token: unknown): token is string {
  return typeof token === 'string' && token.length >= MIN_TOKEN_LENGTH
}

/**
 * The runner masks a value and its lines, never words: a token with whitespace, control or
 * non-ASCII characters could not be masked reliably in every form it may be printed in.
 */
export function isRemoveToken(token: unknown): token is string {
  return isMaskable(token) && token.length <= MAX_TOKEN_LENGTH && isPrintableAscii(token)
}

export const TOKEN_SHAPE = `${MIN_TOKEN_LENGTH} to ${MAX_TOKEN_LENGTH} printable ASCII characters (GitHub's are 29)`

const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:Z|[+-](\d{2}):(\d{2}))$/

/** An ISO 8601 time that exists: `2030-02-31T00:00:00Z` has the shape but is no day. */
export function isCalendarTime(value: unknown): value is string {
  const match = typeof value === 'string' ? ISO_8601.exec(value) : null
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
