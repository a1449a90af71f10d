/**
 * The secrets of this step (input token, minted token, keys): masked in the runner's log, and
 * redacted from every line this step prints, in every form an echo of them may take.
 */
import * as core from '@actions/core'

/** Encoded forms shorter than this are too common to hide (and too short to be of use). */
const MIN_FORM_LENGTH = 6
/** A secret this long is also hidden where only its start or its end is echoed, cut short... */
const MIN_CUT_SECRET = 16
/** ...down to this many characters of it... */
const MIN_CUT_LENGTH = 8
/** ...when they are not all alike (at least this many different characters). */
const MIN_DISTINCT = 4

export class Secrets {
  private readonly forms = new Set<string>()
  private readonly masked = new Set<string>()

  /**
   * Masks a value as the runner masks it: the whole value, and each of its CR/LF-separated lines
   * (trimmed), never single words (a secret of common words would mask those words for the rest
   * of the job). Remembers every form of it for `redact`.
   */
  add(value: string): void {
    const parts = [value, ...value.split(/\r\n|\r|\n/).map((line) => line.trim())]
    for (const part of parts) {
      if (part === '' || this.masked.has(part)) continue
      this.masked.add(part)
      core.setSecret(part)
      for (const form of encodings(part))
        if (form.length >= MIN_FORM_LENGTH || form === part) this.forms.add(form)
    }
  }

  /** Forgets every secret: a step starts knowing none (several steps run in one test process). */
  forget(): void {
    this.forms.clear()
    this.masked.clear()
  }

  /**
   * Every known form of every secret replaced by `***`. Each form is one linear scan of the text;
   * longer forms first, so a form that contains another is hidden whole.
   */
  redact(text: string): string {
    let redacted = text
    for (const form of [...this.forms].sort((a, b) => b.length - a.length)) {
      if (redacted.includes(form)) redacted = redacted.split(form).join('***')
    }
    for (const secret of this.masked) {
      if (secret.length < MIN_CUT_SECRET) continue
      redacted = hideStarts(redacted, secret)
      redacted = reverse(hideStarts(reverse(redacted), reverse(secret)))
    }
    return redacted
  }
}

/**
 * Every run of MIN_CUT_LENGTH or more characters that starts `secret` (an echo cut short) as
 * `***`. Each hit is extended as far as it matches, and the search goes on after it, so the text
 * is read once.
 */
function hideStarts(text: string, secret: string): string {
  const head = secret.slice(0, MIN_CUT_LENGTH)
  // A start as uniform as `00000000` is no evidence of the secret: it would hide common text.
  if (new Set(head).size < MIN_DISTINCT) return text
  let out = ''
  let from = 0
  for (let at = text.indexOf(head); at >= 0; at = text.indexOf(head, from)) {
    let end = at + MIN_CUT_LENGTH
    while (end < text.length && end - at < secret.length && text[end] === secret[end - at]) end++
    out += `${text.slice(from, at)}***`
    from = end
  }
  return out + text.slice(from)
}

function reverse(text: string): string {
  return [...text].reverse().join('')
}

/**
 * The value raw, JSON-escaped, URL-encoded, and base64 (standard and URL-safe) at each of the
 * three byte alignments it can take inside a longer encoded text, as the runner also masks it.
 */
export function encodings(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8')
  const base64 = [0, 1, 2].flatMap((shift) => {
    const whole = bytes.subarray(shift, shift + Math.floor((bytes.length - shift) / 3) * 3)
    if (whole.length === 0) return []
    return [whole.toString('base64'), whole.toString('base64url')]
  })
  return [
    ...new Set([value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value), ...base64])
  ]
}

/** The secrets of this process: one step runs per process. */
export const secrets = new Secrets()
