/**
 * Secrets (src/step/secrets.ts): what is registered with the runner (`::add-mask::` on stdout,
 * captured here) and what `redact` hides, in each form an echo of a secret can take.
 */
import { jest } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import { encodings, Secrets, secrets } from '../../src/step/secrets.js'

let stdout: string
beforeEach(() => {
  stdout = ''
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk)
    return true
  })
})
afterEach(() => jest.restoreAllMocks())

const masks = () => stdout.split('\n').filter((line) => line !== '')

/** base64 leaves at most a few characters of partial groups on each side of a hidden secret. */
const PARTIAL_GROUPS = 12

describe('Secrets.add: what the runner is asked to mask', () => {
  it('masks a value with spaces whole, once, never word by word', () => {
    new Secrets().add('not a token')
    expect(masks()).toEqual(['::add-mask::not a token'])
  })

  it('masks a multi-line value whole, then each of its lines, trimmed', () => {
    new Secrets().add('first line\r\n  second line  \n\nthird\rfourth')
    expect(masks()).toEqual([
      '::add-mask::first line%0D%0A  second line  %0A%0Athird%0Dfourth',
      '::add-mask::first line',
      '::add-mask::second line',
      '::add-mask::third',
      '::add-mask::fourth'
    ])
  })

  it('masks a value with surrounding spaces as given and trimmed', () => {
    new Secrets().add('  padded-token  ')
    expect(masks()).toEqual(['::add-mask::  padded-token  ', '::add-mask::padded-token'])
  })

  it('masks a value only once, however often it is added', () => {
    const store = new Secrets()
    store.add('ghs_repeatedToken0000')
    store.add('ghs_repeatedToken0000')
    store.add('other\nghs_repeatedToken0000')
    expect(masks()).toEqual([
      '::add-mask::ghs_repeatedToken0000',
      '::add-mask::other%0Aghs_repeatedToken0000',
      '::add-mask::other'
    ])
  })

  it('masks nothing for an empty value', () => {
    const store = new Secrets()
    store.add('')
    expect(masks()).toEqual([])
    expect(store.redact('nothing to hide here')).toBe('nothing to hide here')
  })
})

describe('Secrets.redact', () => {
  function storeOf(...values: string[]) {
    const store = new Secrets()
    for (const value of values) store.add(value)
    return store
  }

  it('hides every raw occurrence', () => {
    const store = storeOf('ghs_rawSecretValue1234')
    expect(store.redact('a ghs_rawSecretValue1234 b ghs_rawSecretValue1234')).toBe('a *** b ***')
  })

  it('leaves a text with no secret as it is', () => {
    const store = storeOf('ghs_rawSecretValue1234')
    expect(store.redact('ghs_raw is not it, nor e1234')).toBe('ghs_raw is not it, nor e1234')
  })

  it('hides a secret cut short: 8 or more characters of its start or of its end', () => {
    const store = storeOf('ghs_rawSecretValue1234')
    expect(store.redact('echo: ghs_rawSecretValue123 and ghs_rawS…')).toBe('echo: *** and ***…')
    expect(store.redact('tail: awSecretValue1234, and ue1234')).toBe('tail: ***, and ue1234')
  })

  it('does not hide a uniform start or end, which would hide common text', () => {
    const store = storeOf('ghp_e2eInputToken000000000000')
    expect(store.redact('id 0000:00000000:00000000')).toBe('id 0000:00000000:00000000')
    expect(store.redact('ghp_e2eInput…')).toBe('***…')
  })

  it('ignores secrets too short to be recognised when cut', () => {
    const store = storeOf('short-secret-15')
    expect(store.redact('short-se')).toBe('short-se')
  })

  it('hides the JSON-escaped form, quotes and backslashes included', () => {
    const secret = 'pa"ss\\word-1234'
    const store = storeOf(secret)
    const echoed = JSON.stringify({ password: secret })
    expect(echoed).toContain('pa\\"ss\\\\word-1234')
    expect(store.redact(echoed)).toBe('{"password":"***"}')
  })

  it('hides the URL-encoded form', () => {
    const secret = 'p@ss w/rd&x=1'
    const store = storeOf(secret)
    expect(store.redact(`https://x.test/?q=${encodeURIComponent(secret)}&page=2`)).toBe(
      'https://x.test/?q=***&page=2'
    )
  })

  // '>>>' and '???' encode to 'Pj4+' and 'Pz8/': base64url differs from base64 for that secret.
  it.each(
    (['base64', 'base64url'] as const).flatMap((encoding) =>
      [
        ['no byte', ''],
        ['one byte', 'x'],
        ['two bytes', 'xy']
      ].map(([what, before]) => [encoding, what, before as string] as const)
    )
  )('hides the %s form inside a longer text of it, after %s', (encoding, _, before) => {
    const secret =
      encoding === 'base64'
        ? 'ghs_base64HiddenSecret00000000000000000'
        : 'tok>>>en???with>>>odd???bytes>>>and???more>>>'
    const store = storeOf(secret)
    const text = Buffer.from(`${before}${secret}yz`).toString(encoding)
    if (encoding === 'base64url') expect(text).toMatch(/[-_]/)
    const redacted = store.redact(text)
    expect(redacted).toContain('***')
    expect(redacted.replace('***', '').length).toBeLessThanOrEqual(PARTIAL_GROUPS)
    expect(text.length).toBeGreaterThan(4 * PARTIAL_GROUPS)
  })

  it('hides a secret that contains another whole, longest first', () => {
    const store = storeOf('abcdefgh', 'abcdefgh-and-more')
    expect(store.redact('[abcdefgh-and-more] [abcdefgh]')).toBe('[***] [***]')
  })

  it('hides each line of a multi-line secret wherever it appears alone', () => {
    const store = storeOf(
      '-----BEGIN KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END KEY-----'
    )
    expect(store.redact('line 2 was MIIEvQIBADANBgkqhkiG9w0BAQEFAASC.')).toBe('line 2 was ***.')
  })

  it('does not hide encoded forms too short to matter, but always the raw value', () => {
    const store = storeOf('abc')
    // base64 of 'abc' is 'YWJj': four characters, common in any base64 text.
    expect(store.redact('YWJj abc')).toBe('YWJj ***')
  })

  it('hides a 300 KB secret in a 1 MB text, raw and JSON-escaped', () => {
    const secret = `${randomBytes(150_000).toString('hex')}"\\`
    const store = storeOf(secret)
    const before = 'a'.repeat(350_000)
    const after = 'b'.repeat(350_000)
    expect(store.redact(`${before}${secret}${after}`)).toBe(`${before}***${after}`)
    const json = JSON.stringify({ before, secret, after })
    expect(store.redact(json)).toBe(JSON.stringify({ before, secret: '***', after }))
  })

  it('hides a 300 KB secret inside the base64 of a 1 MB text', () => {
    const secret = randomBytes(225_000).toString('base64')
    const store = storeOf(secret)
    const text = Buffer.from(`x${'a'.repeat(350_000)}${secret}${'b'.repeat(350_000)}`).toString(
      'base64'
    )
    const redacted = store.redact(text)
    expect(redacted.split('***')).toHaveLength(2)
    expect(redacted.length).toBeLessThan(text.length - 399_000)
  })
})

describe('Secrets.forget', () => {
  it('forgets every secret: nothing is redacted, and a value added again is masked again', () => {
    const store = new Secrets()
    store.add('ghs_forgottenSecret000')
    store.forget()
    expect(store.redact('ghs_forgottenSecret000')).toBe('ghs_forgottenSecret000')
    store.add('ghs_forgottenSecret000')
    expect(masks()).toEqual([
      '::add-mask::ghs_forgottenSecret000',
      '::add-mask::ghs_forgottenSecret000'
    ])
    expect(store.redact('ghs_forgottenSecret000')).toBe('***')
  })
})

describe('encodings', () => {
  it('lists each distinct form once: raw, then base64 at each alignment that has a whole group', () => {
    expect(encodings('abcd')).toEqual(['abcd', 'YWJj', 'YmNk'])
  })

  it('has no base64 form for a value shorter than one group', () => {
    expect(encodings('ab')).toEqual(['ab'])
  })

  it('lists the JSON-escaped, URL-encoded, base64 and base64url forms when they differ', () => {
    const forms = encodings('a"b c>>>?')
    expect(forms.slice(0, 3)).toEqual(['a"b c>>>?', 'a\\"b c>>>?', 'a%22b%20c%3E%3E%3E%3F'])
    expect(forms).toContain(Buffer.from('a"b c>>>?').toString('base64'))
    expect(forms).toContain(Buffer.from('a"b c>>>?').toString('base64url'))
  })
})

it('keeps one store of secrets for the process', () => {
  expect(secrets).toBeInstanceOf(Secrets)
})
