/**
 * Text from outside made safe to show (src/step/text.ts): one line, no workflow command, no
 * secret (not even cut short), and nothing that renders in the job summary.
 */
import { jest } from '@jest/globals'
import { secrets } from '../../src/step/secrets.js'
import { DEFAULT_MAX_LENGTH, escaped, quoted, safeText, summaryText } from '../../src/step/text.js'

const SECRET = 'ghs_safeTextSecret0123456789abcdefABCDEF'

beforeAll(() => {
  // The process-wide store that safe-text reads; its ::add-mask:: line is kept off the test output.
  const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
  secrets.add(SECRET)
  write.mockRestore()
})

/** Controls and invisible characters that must never reach a log line as they are. */
const UNSAFE = [
  ['CR', '\r'],
  ['LF', '\n'],
  ['NUL', '\u0000'],
  ['tab', '\t'],
  ['ESC', '\u001b'],
  ['DEL', '\u007f'],
  ['NEL', '\u0085'],
  ['CSI', '\u009b'],
  ['zero-width space', '\u200b'],
  ['right-to-left mark', '\u200f'],
  ['line separator', '\u2028'],
  ['paragraph separator', '\u2029'],
  ['right-to-left override', '\u202e'],
  ['word joiner', '\u2060'],
  ['first strong isolate', '\u2068'],
  ['byte order mark', '\ufeff']
]

/** Runner commands: `::name::` (at the start of a line) and the legacy `##[name]` (anywhere). */
const COMMANDS = [
  '::warning::',
  '::error::',
  '::add-mask::',
  '::stop-commands::',
  '::set-output',
  '##['
]

function expectNoCommand(shown: string) {
  for (const command of COMMANDS) expect(shown).not.toContain(command)
  expect(shown.trimStart().startsWith('::')).toBe(false)
}

/** A fixed-seed generator, so the mixes below are the same on every run. */
function seeded(seed: number) {
  let state = seed
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31
    return state / 2 ** 31
  }
}

const PIECES = [
  ':',
  '::',
  '#',
  '##',
  '[',
  'warning',
  'add-mask',
  'stop-commands',
  ' ',
  '\n',
  '\u200b',
  '\r',
  'x'
]

function mixes(count: number): string[] {
  const random = seeded(42)
  return Array.from({ length: count }, () =>
    Array.from(
      { length: 1 + Math.floor(random() * 12) },
      () => PIECES[Math.floor(random() * PIECES.length)]
    ).join('')
  )
}

describe('safeText', () => {
  it('leaves ordinary text as it is', () => {
    expect(safeText('Resource not accessible by integration (403)')).toBe(
      'Resource not accessible by integration (403)'
    )
  })

  it.each(UNSAFE)('replaces %s with a space', (_, character) => {
    expect(safeText(`a${character}b`)).toBe('a b')
  })

  it('keeps a multi-line text on one line', () => {
    expect(safeText('first\r\nsecond\nthird')).toBe('first  second third')
  })

  it.each([
    '::warning::gotcha',
    '::add-mask::everything',
    '::stop-commands::token123',
    ':::warning:::x',
    '::::add-mask::::',
    'text\n::error::on a new line',
    '  ::warning::after spaces',
    ':\u0000:warning:\u200b:x',
    '##[error]legacy',
    '###[group]',
    '#\n#[x'
  ])('never lets a workflow command through: %j', (text) => {
    expectNoCommand(safeText(text))
  })

  it('never lets a workflow command through, whatever the mix of colons, hashes and breaks', () => {
    for (const text of mixes(3000)) expectNoCommand(safeText(text))
  })

  it('cuts at max characters, marking the cut', () => {
    expect(safeText('abcdefghij', 5)).toBe('abcde…')
    expect(safeText('abcde', 5)).toBe('abcde')
  })

  it('drops the spaces before the cut mark', () => {
    expect(safeText('abc   def', 5)).toBe('abc…')
  })

  it('counts characters, never splitting one in two', () => {
    expect(safeText('😀😀😀😀😀', 3)).toBe('😀😀😀…')
  })

  it(`cuts at ${DEFAULT_MAX_LENGTH} characters by default`, () => {
    expect(safeText('x'.repeat(DEFAULT_MAX_LENGTH))).toBe('x'.repeat(DEFAULT_MAX_LENGTH))
    expect(safeText('x'.repeat(DEFAULT_MAX_LENGTH + 1))).toBe(`${'x'.repeat(DEFAULT_MAX_LENGTH)}…`)
  })

  it('redacts a secret', () => {
    expect(safeText(`Bad credentials for ${SECRET}`)).toBe('Bad credentials for ***')
  })

  it('redacts a secret before cutting, so none is ever shown cut short', () => {
    const text = `${'x'.repeat(20)} ${SECRET} and more text after it`
    const shown = safeText(text, 30)
    expect(shown).toBe(`${'x'.repeat(20)} *** and m…`)
    expect(shown).not.toContain(SECRET.slice(0, 6))
  })

  it('redacts a secret longer than max that ends the text', () => {
    const shown = safeText(`token: ${SECRET}`, 20)
    expect(shown).toBe('token: ***')
    expect(shown).not.toContain(SECRET.slice(0, 6))
  })

  it('redacts an encoded secret too, leaving at most a partial base64 group', () => {
    const base64 = Buffer.from(SECRET).toString('base64')
    const shown = safeText(`{"t":${JSON.stringify(SECRET)}} ${base64}`)
    expect(shown).toMatch(/^\{"t":"\*\*\*"\} \*\*\*.{0,4}$/)
    expect(shown).not.toContain(base64.slice(0, 8))
  })
})

describe('quoted', () => {
  it('quotes a safe text as a JSON string, escaping quotes and backslashes', () => {
    expect(quoted('say "hi" \\ bye')).toBe('"say \\"hi\\" \\\\ bye"')
  })

  it('is one line, redacted, without commands, and cut', () => {
    expect(quoted(`a\nb ${SECRET}`)).toBe('"a b ***"')
    expectNoCommand(quoted('::warning::x'))
    expect(quoted('abcdef', 3)).toBe('"abc…"')
  })
})

describe('escaped', () => {
  it('shows control characters as JSON escapes, in quotes', () => {
    expect(escaped('a\nb\tc\r"d"\\\u0000')).toBe('"a\\nb\\tc\\r\\"d\\"\\\\\\u0000"')
  })

  it.each([
    ['line separator', '\u2028', '\\u2028'],
    ['paragraph separator', '\u2029', '\\u2029'],
    ['zero-width space', '\u200b', '\\u200b'],
    ['right-to-left mark', '\u200f', '\\u200f'],
    ['left-to-right embedding', '\u202a', '\\u202a'],
    ['right-to-left override', '\u202e', '\\u202e'],
    ['left-to-right isolate', '\u2066', '\\u2066'],
    ['pop directional isolate', '\u2069', '\\u2069'],
    ['byte order mark', '\ufeff', '\\ufeff']
  ])('shows an invisible %s as an escape', (_, character, shown) => {
    expect(escaped(`a${character}b`)).toBe(`"a${shown}b"`)
  })

  it.each([
    ['DEL', '\u007f'],
    ['NEL', '\u0085'],
    ['CSI', '\u009b'],
    ['word joiner', '\u2060']
  ])('shows %s as an escape', (_, character) => {
    expect(escaped(`a${character}b`)).toMatch(/^"a\\u[0-9a-f]{4}b"$/)
  })

  it('never lets a workflow command through', () => {
    expect(escaped('::warning::x')).toBe('": :warning: :x"')
    expect(escaped('##[group]x')).toBe('"## [group]x"')
    for (const text of mixes(1000)) expectNoCommand(escaped(text))
  })

  it('redacts a secret before cutting', () => {
    expect(escaped(`${SECRET}${SECRET}`, 10)).toBe('"******"')
    expect(escaped(`x ${SECRET}`)).toBe('"x ***"')
  })

  it('cuts at max characters (120 by default), marking the cut', () => {
    expect(escaped('abcdef', 3)).toBe('"abc…"')
    expect(escaped('y'.repeat(121))).toBe(`"${'y'.repeat(120)}…"`)
    expect(escaped('y'.repeat(120))).toBe(`"${'y'.repeat(120)}"`)
  })
})

it('reads no more of a huge text than it may show, still hiding a secret cut at that point', () => {
  const quiet = jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
  secrets.add('ghp_HugeTextSecret000000000001')
  quiet.mockRestore()
  const huge = `${'x'.repeat(16 * 1024 - 10)}ghp_HugeTextSecret000000000001${'y'.repeat(20_000_000)}`
  const shown = safeText(huge, 50_000)
  expect(shown.startsWith('x'.repeat(16 * 1024 - 10))).toBe(true)
  expect(shown.slice(16 * 1024 - 10)).toBe('***…')
})

describe('summaryText', () => {
  it('never lets GitHub turn a bare URL into a link', () => {
    expect(summaryText('spot-https://evil.example/login www.evil.example')).toBe(
      'spot-https&#58;//evil.example/login www&#46;evil.example'
    )
  })

  it.each([...'&<>"\'`|*_[]\\!@#~'])('writes %s as an HTML character reference', (character) => {
    expect(summaryText(`a${character}b`)).toBe(`a&#${character.charCodeAt(0)};b`)
  })

  it('renders no HTML and no Markdown', () => {
    const shown = summaryText(
      '<img src=x onerror=alert(1)> [click](https://evil.test) **bold** `code` | cell'
    )
    expect(shown).not.toMatch(/[<>[\]*`|]/)
    expect(shown).toBe(
      '&#60;img src=x onerror=alert(1)&#62; &#91;click&#93;(https&#58;//evil.test) &#42;&#42;bold&#42;&#42; &#96;code&#96; &#124; cell'
    )
  })

  it('is one safe line first: redacted, no controls, no commands, cut', () => {
    expect(summaryText(`a\nb ${SECRET}`)).toBe('a b &#42;&#42;&#42;')
    expect(summaryText('::warning::x')).toBe(': :warning: :x')
    expect(summaryText('abcdef', 3)).toBe('abc…')
  })

  it('leaves plain words and numbers alone', () => {
    expect(summaryText('Runner 42 (linux-x64) was deleted.')).toBe(
      'Runner 42 (linux-x64) was deleted.'
    )
  })
})
