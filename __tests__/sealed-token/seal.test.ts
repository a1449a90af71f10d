import { jest } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import { EncryptJWT, type JWTPayload } from 'jose'
import { InputError } from '../../src/step/inputs.js'
import type { RunBinding } from '../../src/sealed-token/inputs.js'
import { openSealedToken, SEALED_TYPE, sealToken } from '../../src/sealed-token/seal.js'

const KEY = new Uint8Array(randomBytes(32))
const MINTED = {
  token: 'AABF3JGZDX3P5PMEXLND6TS6FCWO6',
  expiresAt: '2026-11-21T13:00:00.123-08:00'
}
const EXPIRES_MS = Date.parse(MINTED.expiresAt)
const SEALED_AT = EXPIRES_MS - 3600_000
const BINDING: RunBinding = {
  repository: 'octo-org/hello-world',
  repositoryId: '123',
  runId: '456'
}

const seal = () => sealToken(MINTED, KEY, BINDING, () => SEALED_AT)

/** Opens at `at` (ms), with a mask that records what it was given. */
function open(sealed: string, at: number, binding = BINDING, key = KEY) {
  const mask = jest.fn<(token: string) => void>()
  const result = openSealedToken(sealed, key, binding, { mask, now: () => at })
  return { result, mask }
}

async function refusal(sealed: string, at: number, binding = BINDING, key = KEY) {
  const { result, mask } = open(sealed, at, binding, key)
  const error = await result.then(
    () => {
      throw new Error('expected a refusal')
    },
    (caught: unknown) => caught
  )
  expect(error).toBeInstanceOf(InputError)
  const message = (error as Error).message
  expect(message).not.toContain(MINTED.token)
  return { message, mask }
}

/** A JWE made with the right key but not by sealToken. */
function forged(claims: JWTPayload, typ: string | null = SEALED_TYPE): Promise<string> {
  return new EncryptJWT(claims)
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', ...(typ === null ? {} : { typ }) })
    .encrypt(KEY)
}

const CLAIMS = {
  token: MINTED.token,
  expires_at: MINTED.expiresAt,
  repository: BINDING.repository,
  repository_id: BINDING.repositoryId,
  run_id: BINDING.runId,
  exp: Math.floor(EXPIRES_MS / 1000)
}

describe('sealToken and openSealedToken', () => {
  it('give back the token and expires_at exactly, masking the token first', async () => {
    const { result, mask } = open(await seal(), SEALED_AT + 60_000)
    await expect(result).resolves.toEqual(MINTED)
    expect(mask).toHaveBeenCalledWith(MINTED.token)
  })

  it('seal a new ciphertext every time (a random IV), never the token in clear', async () => {
    const [first, second] = [await seal(), await seal()]
    expect(first).not.toBe(second)
    expect(first).not.toContain(MINTED.token)
    expect(first).toMatch(/^[\w-]+\.\.[\w-]+\.[\w-]+\.[\w-]+$/)
  })

  it('record when it was sealed (iat) by the clock given', async () => {
    const header = (await seal()).split('.')[0] as string
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({
      alg: 'dir',
      enc: 'A256GCM',
      typ: SEALED_TYPE
    })
    const { jwtDecrypt } = await import('jose')
    const { payload } = await jwtDecrypt(await seal(), KEY, { currentDate: new Date(SEALED_AT) })
    expect(payload).toEqual({ ...CLAIMS, iat: Math.floor(SEALED_AT / 1000) })
  })

  it('open in any attempt of the run, and after the repository is renamed (same id)', async () => {
    const { result } = open(await seal(), SEALED_AT, {
      ...BINDING,
      repository: 'octo-org/renamed'
    })
    await expect(result).resolves.toEqual(MINTED)
  })

  it('open up to the last whole second before expires_at, and not at it', async () => {
    const lastSecond = Math.floor(EXPIRES_MS / 1000) * 1000 - 1
    await expect(open(await seal(), lastSecond).result).resolves.toEqual(MINTED)
    const { message, mask } = await refusal(await seal(), EXPIRES_MS)
    expect(message).toBe(
      `Input 'sealed-token' holds a remove token that expired at ${MINTED.expiresAt}. A remove ` +
        'token lasts one hour: re-run the minting job and this one together (re-run all jobs).'
    )
    expect(mask).toHaveBeenCalledWith(MINTED.token)
  })

  it('use the real clock when none is given', async () => {
    const fresh = { token: MINTED.token, expiresAt: new Date(Date.now() + 3600_000).toISOString() }
    const sealed = await sealToken(fresh, KEY, BINDING)
    const mask = jest.fn()
    await expect(openSealedToken(sealed, KEY, BINDING, { mask })).resolves.toEqual(fresh)
  })
})

describe('openSealedToken refuses', () => {
  it('another key, without decrypting anything', async () => {
    const { message, mask } = await refusal(await seal(), SEALED_AT, BINDING, randomBytes(32))
    expect(message).toContain("Input 'sealed-token' could not be opened with 'seal-key'")
    expect(mask).not.toHaveBeenCalled()
  })

  it('another repository, naming both, after masking the token', async () => {
    const other = { repository: 'octo-org/other', repositoryId: '999', runId: BINDING.runId }
    const { message, mask } = await refusal(await seal(), SEALED_AT, other)
    expect(message).toContain(
      'sealed in repository octo-org/hello-world (id 123), not in this one, octo-org/other (id 999)'
    )
    expect(mask).toHaveBeenCalledWith(MINTED.token)
  })

  it('another run, before saying it expired', async () => {
    const { message } = await refusal(await seal(), EXPIRES_MS + 1, { ...BINDING, runId: '457' })
    expect(message).toContain('sealed in workflow run 456, not in this one (457)')
  })

  it.each([
    ['a string that is not a JWE', async () => 'eyJ.not.a.jwe'],
    ['a JWT with no exp', () => forged({ ...CLAIMS, exp: undefined })]
  ])('%s, as not sealed by this action', async (_, make) => {
    const { message } = await refusal(await make(), SEALED_AT)
    expect(message).toBe(
      "Input 'sealed-token' is not a token sealed by runner-remove-token: pass the minting " +
        "job's `sealed-token` output unchanged (a compact JWE: five base64url parts separated by dots)."
    )
  })

  /** A JWE made with the right key and claims, under the header given. */
  const underHeader = (header: Record<string, unknown>) =>
    new EncryptJWT(CLAIMS)
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', ...header } as never)
      .encrypt(KEY)

  it.each([
    ['a JWT of another type', { typ: 'JWT' }],
    ['a type spelled in capitals', { typ: 'Runner-Remove-Token+JWT' }],
    ['a type as a media type', { typ: `application/${SEALED_TYPE}` }],
    ['no type', { typ: undefined }],
    ['a wrapped key instead of dir', { typ: SEALED_TYPE, alg: 'A256KW' }],
    ['a compressed payload (zip)', { typ: SEALED_TYPE, zip: 'DEF' }],
    ['a key id (kid)', { typ: SEALED_TYPE, kid: 'k1' }],
    ['a key URL (jku)', { typ: SEALED_TYPE, jku: 'https://evil.test/keys' }],
    ['a certificate URL (x5u)', { typ: SEALED_TYPE, x5u: 'https://evil.test/cert' }],
    ['a content type (cty)', { typ: SEALED_TYPE, cty: 'JWT' }]
  ])('a header with %s, without decrypting it and without echoing it', async (_, header) => {
    const { message, mask } = await refusal(await underHeader(header), SEALED_AT)
    expect(message).toBe(
      "Input 'sealed-token' has another protected header than the one runner-remove-token writes " +
        `({"alg":"dir","enc":"A256GCM","typ":"${SEALED_TYPE}"}, exactly): it was not sealed by ` +
        "this action. Pass the minting job's `sealed-token` output unchanged."
    )
    expect(mask).not.toHaveBeenCalled()
    expect(message).not.toContain('evil')
  })

  const NOT_OURS = "Input 'sealed-token' opened with 'seal-key', but it does not hold what"

  it.each([
    ['without the run', { run_id: undefined }],
    ['with an empty token', { token: '' }],
    ['with no token', { token: undefined }],
    ['with a workflow command in expires_at', { expires_at: '2099\n::set-output name=pwned::1' }],
    ['with an expires_at that is no time', { expires_at: '2030-02-31T00:00:00Z' }],
    ['with a numeric expires_at', { expires_at: 1580328815 }],
    ['with a repository holding a line break', { repository: 'o/r\n::warning::x' }],
    ['with a run id that is not digits', { run_id: '456 ::error::x' }],
    ['with a token holding a space', { token: `${MINTED.token} x` }]
  ])('claims %s, as not what this action seals', async (_, claims) => {
    const { message } = await refusal(await forged({ ...CLAIMS, ...claims }), SEALED_AT)
    expect(message).toContain(NOT_OURS)
    expect(message).toContain(
      "a remove token of 16 to 1024 printable ASCII characters (GitHub's are 29)"
    )
    expect(message).not.toMatch(/::|pwned|\n/)
  })

  it('a one-character token, and does not mask it (the runner would mask that letter everywhere)', async () => {
    const { message, mask } = await refusal(await forged({ ...CLAIMS, token: 'e' }), SEALED_AT)
    expect(message).toContain(NOT_OURS)
    expect(mask).not.toHaveBeenCalled()
  })

  it('a claim of the wrong type, masking the token it holds all the same', async () => {
    const { mask } = await refusal(await forged({ ...CLAIMS, repository: 7 }), SEALED_AT)
    expect(mask).toHaveBeenCalledWith(MINTED.token)
  })
})
