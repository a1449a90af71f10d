/**
 * Text that came from outside (the server, a proxy, the environment) made safe to show: in a log
 * line, an error, an output or the job summary.
 */
import { secrets } from './secrets.js'

export const DEFAULT_MAX_LENGTH = 300
/** No shown text is longer than this, so nothing longer needs to be read (or redacted). */
const PRE_CUT = 16 * 1024

// C0 and C1 controls (CR and LF included), line and paragraph separators, and the invisible
// characters that can make shown text differ from what it is (zero-width, bidi overrides, BOM).
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/gu

/**
 * One line: secrets redacted (before anything is cut, so no secret is ever shown cut short),
 * control and invisible characters replaced by spaces, no workflow command (`::name::`, `##[`)
 * anywhere in it, at most `max` characters (then marked with '…').
 */
export function safeText(text: string, max = DEFAULT_MAX_LENGTH): string {
  // A huge text (a 20 MB error message) is first cut to what can matter: a secret it cuts short
  // there is still hidden, by its start.
  const line = secrets
    .redact(text.length > PRE_CUT ? text.slice(0, PRE_CUT) : text)
    .replace(UNSAFE, ' ')
    .replace(/::/g, ': :')
    .replace(/##\[/g, '## [')
  const chars = [...line]
  if (chars.length > max) return `${chars.slice(0, max).join('').trimEnd()}…`
  return text.length > PRE_CUT ? `${line}…` : line
}

/** `safeText`, quoted as a JSON string so that a person sees where it starts and ends. */
export function quoted(text: string, max = DEFAULT_MAX_LENGTH): string {
  return `"${safeText(text, max).replace(/["\\]/g, '\\$&')}"`
}

/**
 * A value a person typed (an input), shown with its control characters visible as JSON escapes
 * (`"a\\nb"`), so they can see what is wrong with it; redacted, cut, and never a workflow command.
 */
export function escaped(text: string, max = 120): string {
  const redacted = [...secrets.redact(text)]
  const cut = redacted.length > max ? `${redacted.slice(0, max).join('')}…` : redacted.join('')
  return JSON.stringify(cut)
    .replace(
      /[\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/gu,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
    )
    .replace(/::/g, ': :')
    .replace(/##\[/g, '## [')
}

const HTML = /[&<>"'`|*_[\]\\!@#~]/g

/**
 * For the job summary (HTML that GitHub also reads as Markdown): nothing in it renders, not even
 * as a link (GitHub links bare `https://...` and `www....` text; `@` is escaped with the rest).
 */
export function summaryText(text: string, max = DEFAULT_MAX_LENGTH): string {
  return safeText(text, max)
    .replace(HTML, (c) => `&#${c.charCodeAt(0)};`)
    .replace(/:\/\//g, '&#58;//')
    .replace(/\bwww\./gi, (www) => `${www.slice(0, 3)}&#46;`)
}

/** Shows a value in an error, with control characters visible and long values cut short. */
export function quote(value: string): string {
  return escaped(value, 120)
}
