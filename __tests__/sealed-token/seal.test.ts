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
    ['a JWT of another type', () => forged(CLAIMS, 'JWT')],
    ['a JWT with no type', () => forged(CLAIMS, null)],
    ['a JWT with no exp', () => forged({ ...CLAIMS, exp: undefined })],
    ['a JWT without the run', () => forged({ ...CLAIMS, run_id: undefined })],
    ['a JWT with an empty token', () => forged({ ...CLAIMS, token: '' })],
    ['a JWT with no token', () => forged({ ...CLAIMS, token: undefined })],
    [
      'a JWE with a wrapped key instead of dir',
      () =>
        new EncryptJWT(CLAIMS)
          .setProtectedHeader({ alg: 'A256KW', enc: 'A256GCM', typ: SEALED_TYPE })
          .encrypt(KEY)
    ]
  ])('%s, as not sealed by this action', async (_, make) => {
    const { message } = await refusal(await make(), SEALED_AT)
    expect(message).toBe(
      "Input 'sealed-token' is not a token sealed by runner-remove-token: pass the minting " +
        "job's `sealed-token` output unchanged (a compact JWE: five base64url parts separated by dots)."
    )
  })

  it('a claim of the wrong type, masking the token it holds all the same', async () => {
    const { mask } = await refusal(await forged({ ...CLAIMS, repository: 7 }), SEALED_AT)
    expect(mask).toHaveBeenCalledWith(MINTED.token)
  })
})
