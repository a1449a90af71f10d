import { randomBytes } from 'node:crypto'
import { parseMintInputs, type RawMintInputs } from '../../src/remove-token/inputs.js'
import { InputError } from '../../src/step/inputs.js'
import { parseBinding, parseSealedTokenInput, parseSealKey } from '../../src/sealed-token/inputs.js'

const KEY_BYTES = randomBytes(32)
const KEY = KEY_BYTES.toString('base64')

/** The message of the InputError `parse` throws, checked never to hold `secret`. */
function refusal(parse: () => unknown, secret = KEY): string {
  let caught: unknown
  try {
    parse()
  } catch (error) {
    caught = error
  }
  expect(caught).toBeInstanceOf(InputError)
  const message = (caught as Error).message
  expect(message).not.toContain(secret)
  return message
}

describe('parseSealKey', () => {
  it('takes what `openssl rand -base64 32` prints, as the 32 bytes it encodes', () => {
    expect(parseSealKey(KEY)).toEqual(new Uint8Array(KEY_BYTES))
  })

  it.each([
    ['16 bytes', randomBytes(16).toString('base64'), 'it decodes to 16 bytes'],
    ['48 bytes', randomBytes(48).toString('base64'), 'it decodes to 48 bytes'],
    [
      'base64url',
      Buffer.concat([Buffer.from([0xfb, 0xff]), randomBytes(30)]).toString('base64url'),
      "it looks like base64url ('-' and '_'), which is not accepted"
    ],
    [
      'two lines',
      `${KEY.slice(0, 20)}\n${KEY.slice(20)}`,
      'it has whitespace or a line break inside'
    ],
    [
      'a character base64 does not use',
      `${KEY.slice(0, 10)}!${KEY.slice(11)}`,
      'it has characters base64 does not use'
    ],
    ['no padding', KEY.slice(0, -1), "it lacks the '=' padding openssl prints"],
    [
      'an ending openssl never prints',
      `${KEY.slice(0, 42)}${KEY[42] === 'B' ? 'C' : 'B'}=`,
      'its last characters are not a base64 ending openssl would print'
    ]
  ])('refuses %s, naming the input and how to make a key', (_, value, problem) => {
    const message = refusal(() => parseSealKey(value), value)
    expect(message).toContain(`Input 'seal-key' is not a seal key: ${problem}`)
    expect(message).toContain('openssl rand -base64 32')
  })

  it('refuses an empty key, pointing at the secret', () => {
    expect(refusal(() => parseSealKey(''))).toContain(
      "Input 'seal-key' is empty. Pass the same secret as the step that sealed the token"
    )
  })
})

describe('parseBinding', () => {
  const env = {
    GITHUB_REPOSITORY: 'octo-org/hello-world',
    GITHUB_REPOSITORY_ID: '123',
    GITHUB_RUN_ID: '20260001234'
  }

  it('reads the repository, its id and the run id', () => {
    expect(parseBinding(env)).toEqual({
      repository: 'octo-org/hello-world',
      repositoryId: '123',
      runId: '20260001234'
    })
  })

  it('names every variable that is missing or malformed, and shows the bad values', () => {
    expect(
      refusal(() =>
        parseBinding({
          GITHUB_REPOSITORY: 'hello-world',
          GITHUB_REPOSITORY_ID: '',
          GITHUB_RUN_ID: '12a'
        })
      )
    ).toMatch(
      /^GITHUB_REPOSITORY is "hello-world", not 'owner\/name'; GITHUB_REPOSITORY_ID is not set; GITHUB_RUN_ID is "12a", not a number\. 'seal-key' binds/
    )
  })
})

describe('parseSealedTokenInput', () => {
  it('passes a value on as it is (opening it checks the rest)', () => {
    expect(parseSealedTokenInput('a.b.c')).toBe('a.b.c')
  })

  it('refuses an empty one, saying how job outputs pass it', () => {
    expect(refusal(() => parseSealedTokenInput(''))).toContain(
      "Input 'sealed-token' is empty. Pass the minting job's output"
    )
  })
})

describe('parseMintInputs', () => {
  const raw: RawMintInputs = {
    token: 'ghp_sealInputsTest0000000000000000000000',
    owner: '',
    repo: '',
    org: 'octo-org',
    enterprise: '',
    apiUrl: '',
    retries: '3',
    timeout: '30',
    sealKey: ''
  }

  it('does not seal, nor need the run variables, without seal-key', () => {
    expect(parseMintInputs(raw, {}).seal).toBeUndefined()
  })

  it('seals with the key, bound to the run, with seal-key', () => {
    const env = { GITHUB_REPOSITORY: 'o/r', GITHUB_REPOSITORY_ID: '1', GITHUB_RUN_ID: '2' }
    expect(parseMintInputs({ ...raw, sealKey: KEY }, env).seal).toEqual({
      key: new Uint8Array(KEY_BYTES),
      binding: { repository: 'o/r', repositoryId: '1', runId: '2' }
    })
  })

  it('lists a bad seal-key and missing run variables with the other problems', () => {
    const message = refusal(() => parseMintInputs({ ...raw, retries: 'x', sealKey: 'short' }, {}))
    expect(message).toMatch(
      /^Invalid inputs:\n- Input 'retries' is "x".*\n- Input 'seal-key' is not a seal key: .*\n- GITHUB_REPOSITORY is not set; /
    )
  })
})
