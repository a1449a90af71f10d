/**
 * Text that came from outside (the server, a proxy, the environment, an input) made safe for where
 * it is going: one function per destination. Each redacts every secret before anything is cut,
 * lets no workflow command (`::name::`, `##[`) form, and is bounded in length.
 */
import { secrets } from './secrets.js'

export const DEFAULT_MAX_LENGTH = 300
/** No shown text is longer than this, so nothing longer needs to be read (or redacted). */
const PRE_CUT = 16 * 1024

/**
 * A character that shows as nothing, or as something other than itself: controls (C0, C1, CR and
 * LF included), format characters (soft hyphen, zero-width, bidi controls, BOM, tags), lone
 * surrogates, line and paragraph separators, and whatever else Unicode says may be ignored when
 * shown (variation selectors, Hangul fillers, the combining grapheme joiner).
 */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/u
const EVERY_UNSAFE = new RegExp(UNSAFE.source, 'gu')

/** Whether `text` holds a character that shows as nothing, or as something other than itself. */
export function hasUnsafeCharacter(text: string): boolean {
  return UNSAFE.test(text)
}

/**
 * Items for one line, from a list that may be long: the first `shown`, then how many more, so that
 * no line grows with the list.
 */
export function firstOf(items: readonly string[], separator = ', ', shown = 10): string {
  const rest = items.length - shown
  return (rest > 0 ? [...items.slice(0, shown), `and ${rest} more`] : items).join(separator)
}

/** Printable ASCII, nothing else (no space): what every GitHub token is. */
export function isPrintableAscii(text: string): boolean {
  return /^[\x21-\x7e]+$/.test(text)
}

/**
 * One line for a log or an error: secrets redacted (before anything is cut, so no secret is ever
 * shown cut short), unsafe characters replaced by spaces, no workflow command anywhere in it, at
 * most `max` characters (then marked with '…').
 */
export function forLog(text: string, max = DEFAULT_MAX_LENGTH): string {
  const line = noCommand(redacted(text).replace(EVERY_UNSAFE, ' '))
  const chars = [...line]
  if (chars.length > max) return `${chars.slice(0, max).join('').trimEnd()}…`
  return text.length > PRE_CUT ? `${line}…` : line
}

/**
 * A value for a log or an error, in double quotes as a JSON string, every unsafe character shown
 * as an escape (`"a\u200bb"`), so that a person sees where it starts and ends and what is wrong
 * with it; redacted, cut at `max` characters, never a workflow command.
 */
export function quotedForLog(value: string, max = 120): string {
  return noCommand(JSON.stringify(cut(redacted(value), max)).replace(EVERY_UNSAFE, escape))
}

const HTML = /[&<>"'`|*_[\]\\!@#~]/g

/**
 * For the job summary (HTML that GitHub also reads as Markdown): one safe line (`forLog`) in which
 * nothing renders, not even as a link (GitHub links bare `https://...` and `www....` text; `@` is
 * escaped with the rest).
 */
export function forSummary(text: string, max = DEFAULT_MAX_LENGTH): string {
  return forLog(text, max)
    .replace(HTML, (c) => `&#${c.charCodeAt(0)};`)
    .replace(/:\/\//g, '&#58;//')
    .replace(/\bwww\./gi, (www) => `${www.slice(0, 3)}&#46;`)
}

/**
 * A step output in JSON (for `fromJSON`): every string in it redacted, then cut at `maxString`
 * characters; unsafe characters escaped; and no workflow command that a later step could print,
 * since `::` and `##[` can only occur inside its strings, where `\u003a` and `\u005b` read back as
 * the same.
 */
export function forJsonOutput(value: unknown, maxString = 256): string {
  const json = JSON.stringify(value, (_key, item: unknown) =>
    typeof item === 'string' ? cut(redacted(item), maxString) : item
  )
  return json.replace(EVERY_UNSAFE, escape).replace(/::/g, ':\\u003a').replace(/##\[/g, '##\\u005b')
}

/**
 * Every known secret redacted, even one spelled with unsafe characters between its letters (soft
 * hyphens, zero-width spaces): when the text without them shows a secret, it is shown without them.
 * A huge text (a 20 MB error message) is first cut to what can matter: a secret cut short there is
 * still hidden, by its start.
 */
function redacted(text: string): string {
  const once = secrets.redact(text.length > PRE_CUT ? text.slice(0, PRE_CUT) : text)
  const visible = once.replace(EVERY_UNSAFE, '')
  const twice = secrets.redact(visible)
  return twice === visible ? once : twice
}

function cut(text: string, max: number): string {
  const chars = [...text]
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : text
}

/** `\uXXXX` for each UTF-16 unit of `character`, as JSON writes it. */
function escape(character: string): string {
  return [...Array(character.length).keys()]
    .map((i) => `\\u${character.charCodeAt(i).toString(16).padStart(4, '0')}`)
    .join('')
}

function noCommand(text: string): string {
  return text.replace(/::/g, ': :').replace(/##\[/g, '## [')
}
