/**
 * Text from outside made safe for each destination (src/step/text.ts): a log line or an error, a
 * quoted value, the job summary, a JSON output. One line, no workflow command, no secret (not even
 * cut short, nor spelled with invisible characters), and nothing that renders in the summary.
 */
import { jest } from '@jest/globals'
import { secrets } from '../../src/step/secrets.js'
import {
  DEFAULT_MAX_LENGTH,
  firstOf,
  forJsonOutput,
  forLog,
  forSummary,
  hasUnsafeCharacter,
  isPrintableAscii,
  quotedForLog
} from '../../src/step/text.js'
import { SAFE_TEXT, UNSAFE_CHARACTERS } from './unsafe-characters.js'

const SECRET = 'ghs_safeTextSecret0123456789abcdefABCDEF'

beforeAll(() => {
  // The process-wide store that safe-text reads; its ::add-mask:: line is kept off the test output.
  const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
  secrets.add(SECRET)
  write.mockRestore()
})

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

/** Printable ASCII only: what a quoted value or a JSON output shows. */
const PRINTABLE = /^[\x20-\x7e]*$/

describe('one definition of an unsafe character, used by every destination', () => {
  it.each(UNSAFE_CHARACTERS)('%s is unsafe', (_, character) => {
    expect(hasUnsafeCharacter(`a${character}b`)).toBe(true)
  })

  it.each(SAFE_TEXT)('%s is safe, and shown as it is', (text) => {
    expect(hasUnsafeCharacter(text)).toBe(false)
    expect(forLog(text)).toBe(text)
    expect(quotedForLog(text)).toBe(JSON.stringify(text))
  })

  it.each(UNSAFE_CHARACTERS)('a log line shows %s as a space', (_, character) => {
    expect(forLog(`a${character}b`)).toBe('a b')
    expect(forSummary(`a${character}b`)).toBe('a b')
  })

  it.each(UNSAFE_CHARACTERS)(
    'a quoted value and a JSON output show %s as an escape that reads back the same',
    (_, character) => {
      const quoted = quotedForLog(`a${character}b`)
      expect(quoted).toMatch(PRINTABLE)
      expect(JSON.parse(quoted)).toBe(`a${character}b`)
      const json = forJsonOutput({ name: `a${character}b` })
      expect(json).toMatch(PRINTABLE)
      expect(JSON.parse(json)).toEqual({ name: `a${character}b` })
    }
  )

  it.each(['\u00ad', '\u200b', '\u2060', '\ufe0f', '\u{e0020}'])(
    'hides a secret spelled with %j between its letters, in every destination',
    (character) => {
      const disguised = [...SECRET].join(character)
      const message = `Bad credentials: ${disguised} is not a token`
      for (const shown of [
        forLog(message),
        quotedForLog(message, 300),
        forSummary(message),
        forJsonOutput({ message })
      ]) {
        expect(shown).toMatch(/Bad credentials: (\*\*\*|&#42;&#42;&#42;) is not a token/)
        expect(shown.replace(/[^\w]/g, '')).not.toContain(SECRET.replace(/[^\w]/g, '').slice(4, 12))
      }
    }
  )
})

describe('firstOf', () => {
  const items = (n: number) => Array.from({ length: n }, (_, i) => `r${i + 1}`)

  it('names every item of a short list', () => {
    expect(firstOf(items(10))).toBe(items(10).join(', '))
    expect(firstOf([])).toBe('')
  })

  it('names the first 10 of a long list, then counts the rest', () => {
    expect(firstOf(items(93_000))).toBe(`${items(10).join(', ')}, and 92990 more`)
  })

  it('joins with the separator given', () => {
    expect(firstOf(items(12), '\n- ', 2)).toBe('r1\n- r2\n- and 10 more')
  })
})

describe('isPrintableAscii', () => {
  it.each(['ghp_abc', 'AABF3JGZDX3P5PMEXLND6TS6FCWO6', '!~'])('takes %j', (text) => {
    expect(isPrintableAscii(text)).toBe(true)
  })

  it.each(['', 'a b', 'a\tb', 'tök', 'a\u200bb', 'a\u007f'])('refuses %j', (text) => {
    expect(isPrintableAscii(text)).toBe(false)
  })
})

describe('forLog', () => {
  it('leaves ordinary text as it is', () => {
    expect(forLog('Resource not accessible by integration (403)')).toBe(
      'Resource not accessible by integration (403)'
    )
  })

  it('keeps a multi-line text on one line', () => {
    expect(forLog('first\r\nsecond\nthird')).toBe('first  second third')
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
    expectNoCommand(forLog(text))
  })

  it('never lets a workflow command through, whatever the mix of colons, hashes and breaks', () => {
    for (const text of mixes(3000)) expectNoCommand(forLog(text))
  })

  it('cuts at max characters, marking the cut', () => {
    expect(forLog('abcdefghij', 5)).toBe('abcde…')
    expect(forLog('abcde', 5)).toBe('abcde')
  })

  it('drops the spaces before the cut mark', () => {
    expect(forLog('abc   def', 5)).toBe('abc…')
  })

  it('counts characters, never splitting one in two', () => {
    expect(forLog('😀😀😀😀😀', 3)).toBe('😀😀😀…')
  })

  it(`cuts at ${DEFAULT_MAX_LENGTH} characters by default`, () => {
    expect(forLog('x'.repeat(DEFAULT_MAX_LENGTH))).toBe('x'.repeat(DEFAULT_MAX_LENGTH))
    expect(forLog('x'.repeat(DEFAULT_MAX_LENGTH + 1))).toBe(`${'x'.repeat(DEFAULT_MAX_LENGTH)}…`)
  })

  it('redacts a secret', () => {
    expect(forLog(`Bad credentials for ${SECRET}`)).toBe('Bad credentials for ***')
  })

  it('redacts a secret before cutting, so none is ever shown cut short', () => {
    const text = `${'x'.repeat(20)} ${SECRET} and more text after it`
    const shown = forLog(text, 30)
    expect(shown).toBe(`${'x'.repeat(20)} *** and m…`)
    expect(shown).not.toContain(SECRET.slice(0, 6))
  })

  it('redacts a secret longer than max that ends the text', () => {
    const shown = forLog(`token: ${SECRET}`, 20)
    expect(shown).toBe('token: ***')
    expect(shown).not.toContain(SECRET.slice(0, 6))
  })

  it('redacts an encoded secret too, leaving at most a partial base64 group', () => {
    const base64 = Buffer.from(SECRET).toString('base64')
    const shown = forLog(`{"t":${JSON.stringify(SECRET)}} ${base64}`)
    expect(shown).toMatch(/^\{"t":"\*\*\*"\} \*\*\*.{0,4}$/)
    expect(shown).not.toContain(base64.slice(0, 8))
  })
})

describe('quotedForLog', () => {
  it('quotes a value as a JSON string, escaping quotes, backslashes and controls', () => {
    expect(quotedForLog('say "hi" \\ bye')).toBe('"say \\"hi\\" \\\\ bye"')
    expect(quotedForLog('a\nb\tc\r"d"\\\u0000')).toBe('"a\\nb\\tc\\r\\"d\\"\\\\\\u0000"')
  })

  it('shows an invisible character as its \\uXXXX escape, an astral one as its two halves', () => {
    expect(quotedForLog('a\u200bb')).toBe('"a\\u200bb"')
    expect(quotedForLog('a\u{e0001}b')).toBe('"a\\udb40\\udc01b"')
  })

  it('never lets a workflow command through', () => {
    expect(quotedForLog('::warning::x')).toBe('": :warning: :x"')
    expect(quotedForLog('##[group]x')).toBe('"## [group]x"')
    for (const text of mixes(1000)) expectNoCommand(quotedForLog(text))
  })

  it('redacts a secret before cutting', () => {
    expect(quotedForLog(`${SECRET}${SECRET}`, 10)).toBe('"******"')
    expect(quotedForLog(`x ${SECRET}`)).toBe('"x ***"')
    expect(quotedForLog(`a\nb ${SECRET}`)).toBe('"a\\nb ***"')
  })

  it('cuts at max characters (120 by default), marking the cut', () => {
    expect(quotedForLog('abcdef', 3)).toBe('"abc…"')
    expect(quotedForLog('y'.repeat(121))).toBe(`"${'y'.repeat(120)}…"`)
    expect(quotedForLog('y'.repeat(120))).toBe(`"${'y'.repeat(120)}"`)
  })
})

describe('forJsonOutput', () => {
  it('reads back, with fromJSON, as the value it was given', () => {
    const value = [{ id: 1, name: 'spot-::warning::x ##[error]y', deleted: true }]
    const json = forJsonOutput(value)
    expect(JSON.parse(json)).toEqual(value)
    expectNoCommand(json)
    expect(json).not.toContain('##[')
  })

  it('redacts every string, then cuts it at 256 characters', () => {
    expect(JSON.parse(forJsonOutput({ reason: `failed: ${SECRET}` }))).toEqual({
      reason: 'failed: ***'
    })
    expect(JSON.parse(forJsonOutput(['z'.repeat(300)]))).toEqual([`${'z'.repeat(256)}…`])
  })
})

it('reads no more of a huge text than it may show, still hiding a secret cut at that point', () => {
  const quiet = jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
  secrets.add('ghp_HugeTextSecret000000000001')
  quiet.mockRestore()
  const huge = `${'x'.repeat(16 * 1024 - 10)}ghp_HugeTextSecret000000000001${'y'.repeat(20_000_000)}`
  const shown = forLog(huge, 50_000)
  expect(shown.startsWith('x'.repeat(16 * 1024 - 10))).toBe(true)
  expect(shown.slice(16 * 1024 - 10)).toBe('***…')
})

describe('forSummary', () => {
  it('never lets GitHub turn a bare URL into a link', () => {
    expect(forSummary('spot-https://evil.example/login www.evil.example')).toBe(
      'spot-https&#58;//evil.example/login www&#46;evil.example'
    )
  })

  it.each([...'&<>"\'`|*_[]\\!@#~'])('writes %s as an HTML character reference', (character) => {
    expect(forSummary(`a${character}b`)).toBe(`a&#${character.charCodeAt(0)};b`)
  })

  it('renders no HTML and no Markdown', () => {
    const shown = forSummary(
      '<img src=x onerror=alert(1)> [click](https://evil.test) **bold** `code` | cell'
    )
    expect(shown).not.toMatch(/[<>[\]*`|]/)
    expect(shown).toBe(
      '&#60;img src=x onerror=alert(1)&#62; &#91;click&#93;(https&#58;//evil.test) &#42;&#42;bold&#42;&#42; &#96;code&#96; &#124; cell'
    )
  })

  it('is one safe line first: redacted, no controls, no commands, cut', () => {
    expect(forSummary(`a\nb ${SECRET}`)).toBe('a b &#42;&#42;&#42;')
    expect(forSummary('::warning::x')).toBe(': :warning: :x')
    expect(forSummary('abcdef', 3)).toBe('abc…')
  })

  it('leaves plain words and numbers alone', () => {
    expect(forSummary('Runner 42 (linux-x64) was deleted.')).toBe(
      'Runner 42 (linux-x64) was deleted.'
    )
  })
})
