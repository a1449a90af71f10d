/**
 * Characters that show as nothing, or as something other than themselves: each must be refused in
 * a runner name, a label or a name input, replaced in text shown from outside, and escaped where a
 * value is shown quoted. One table, for every test of src/step/text.ts's one definition.
 */
export const UNSAFE_CHARACTERS: [string, string][] = [
  ['NUL', '\u0000'],
  ['tab', '\t'],
  ['LF', '\n'],
  ['CR', '\r'],
  ['ESC', '\u001b'],
  ['DEL', '\u007f'],
  ['C1 U+0080', '\u0080'],
  ['NEL', '\u0085'],
  ['CSI', '\u009b'],
  ['C1 U+009F', '\u009f'],
  ['soft hyphen', '\u00ad'],
  ['combining grapheme joiner', '\u034f'],
  ['Arabic letter mark', '\u061c'],
  ['Hangul choseong filler', '\u115f'],
  ['Hangul jungseong filler', '\u1160'],
  ['Mongolian vowel separator', '\u180e'],
  ['zero-width space', '\u200b'],
  ['zero-width non-joiner', '\u200c'],
  ['zero-width joiner', '\u200d'],
  ['left-to-right mark', '\u200e'],
  ['right-to-left mark', '\u200f'],
  ['line separator', '\u2028'],
  ['paragraph separator', '\u2029'],
  ['left-to-right embedding', '\u202a'],
  ['right-to-left embedding', '\u202b'],
  ['pop directional formatting', '\u202c'],
  ['left-to-right override', '\u202d'],
  ['right-to-left override', '\u202e'],
  ['word joiner', '\u2060'],
  ['left-to-right isolate', '\u2066'],
  ['right-to-left isolate', '\u2067'],
  ['first strong isolate', '\u2068'],
  ['pop directional isolate', '\u2069'],
  ['Hangul filler', '\u3164'],
  ['variation selector 1', '\ufe00'],
  ['variation selector 16', '\ufe0f'],
  ['byte order mark', '\ufeff'],
  ['tag U+E0000', '\u{e0000}'],
  ['language tag', '\u{e0001}'],
  ['tag latin small a', '\u{e0061}'],
  ['cancel tag', '\u{e007f}'],
  ['lone surrogate', '\ud800']
]

/** Text that shows as what it is: kept as it is everywhere. */
export const SAFE_TEXT = ['spot-7', 'Grüße aus Köln', '日本語のランナー', 'runner 🚀', 'a b-c_d.e']
