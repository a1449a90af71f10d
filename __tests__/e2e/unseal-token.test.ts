/**
 * unseal-token end to end, with the sealed hand-off between jobs: dist/index.js with `seal-key` mints and seals against the
 * simulator; unseal-token/dist/index.js opens the result in a "later job" (another process with
 * that job's environment). Both run as the runner runs them.
 */
import { createDecipheriv, randomBytes } from 'node:crypto'
import { EncryptJWT } from 'jose'
import type { Simulator } from '../harness/github-simulator.ts'
import {
  chunksLoaded,
  mintStep,
  THIS_RUN,
  unsealStep,
  type ProbedRun
} from '../harness/hand-off.ts'
import { expectMaskedFirst, expectNoLeak, expectNoLeakIn } from '../harness/runner-log.ts'
import { INPUT_TOKEN, mintedToken, startTestSimulator } from '../harness/test-servers.ts'

const SEAL_KEY = randomBytes(32).toString('base64')
/** The key's bytes as a JWK's `k` spells them: not a form the runner masks. */
const SEAL_KEY_BASE64URL = Buffer.from(SEAL_KEY, 'base64').toString('base64url')

/** An hour from now, in the shape GitHub uses (milliseconds, an offset): kept byte for byte. */
function inAnHour(): string {
  const pacific = new Date(Date.now() + 3600_000 - 8 * 3600_000).toISOString()
  return `${pacific.slice(0, -1)}-08:00`
}

let token: string

async function simulator(expiresAt: string): Promise<Simulator> {
  token = mintedToken()
  return startTestSimulator({
    respond: () => ({ status: 201, json: { token, expires_at: expiresAt } })
  })
}

/** Mints and seals in "this run"; returns the sealed token after checking the minting step. */
async function sealed(expiresAt = inAnHour(), env = THIS_RUN): Promise<string> {
  const sim = await simulator(expiresAt)
  const mint = await mintStep(sim, { 'seal-key': SEAL_KEY }, env)
  expect(mint.stderr).toBe('')
  expect(mint.exitCode).toBe(0)
  expect(Object.keys(mint.outputs)).toEqual(['token', 'expires_at', 'sealed-token'])
  return mint.outputs['sealed-token'] as string
}

function expectRefused(run: ProbedRun, message: string, secrets = [SEAL_KEY, token]): void {
  expect(run.exitCode).toBe(1)
  expect(run.outputs).toEqual({})
  expect(run.log).toContain(`Error: ${message}`)
  expect(run.connections).toEqual([])
  expectNoLeak(run, [...secrets, SEAL_KEY_BASE64URL, INPUT_TOKEN])
}

describe('a token sealed in one job opens in another job of the same run', () => {
  it('with the token and expires_at exactly as minted, masked before any output', async () => {
    const expiresAt = inAnHour()
    const sim = await simulator(expiresAt)
    const mint = await mintStep(sim, { 'seal-key': SEAL_KEY })
    expect(mint.exitCode).toBe(0)
    expect(mint.masked).toEqual([INPUT_TOKEN, SEAL_KEY, token])
    expectMaskedFirst(mint, mint.masked)
    expect(mint.outputs).toEqual({
      token,
      expires_at: expiresAt,
      'sealed-token': expect.any(String)
    })
    expect(mint.log).toContain("Sealed it in the 'sealed-token' output")
    expect(mint.summary).toContain('A sealed copy is in the <code>sealed-token</code> output')
    expectNoLeak(mint, [INPUT_TOKEN, SEAL_KEY, SEAL_KEY_BASE64URL, token])
    expect(sim.requests).toHaveLength(1)

    const unseal = await unsealStep({
      'sealed-token': mint.outputs['sealed-token'] as string,
      'seal-key': SEAL_KEY
    })
    expect(unseal.stderr).toBe('')
    expect(unseal.exitCode).toBe(0)
    expect(unseal.outputs).toEqual({ token, expires_at: expiresAt })
    expect(unseal.masked).toEqual([SEAL_KEY, token])
    expectMaskedFirst(unseal, [SEAL_KEY, token], { beforeAnyOutput: true })
    expect(unseal.log).toContain(
      `Unsealed the remove token minted in this workflow run; it expires at ${expiresAt}`
    )
    expectNoLeak(unseal, [SEAL_KEY, SEAL_KEY_BASE64URL, INPUT_TOKEN])
    expect(unseal.connections).toEqual([])
  })

  it('in a re-run of the run (same GITHUB_RUN_ID, a later GITHUB_RUN_ATTEMPT)', async () => {
    const sealedToken = await sealed()
    const unseal = await unsealStep(
      { 'sealed-token': sealedToken, 'seal-key': SEAL_KEY },
      { ...THIS_RUN, GITHUB_RUN_ATTEMPT: '2' }
    )
    expect(unseal.exitCode).toBe(0)
    expect(unseal.outputs.token).toBe(token)
  })

  it('in debug mode, with no secret in the log of either step', async () => {
    const debug = { ...THIS_RUN, RUNNER_DEBUG: '1' }
    const sim = await simulator(inAnHour())
    const mint = await mintStep(sim, { 'seal-key': SEAL_KEY }, debug)
    expect(mint.log).toContain('##[debug]')
    expectNoLeak(mint, [INPUT_TOKEN, SEAL_KEY, SEAL_KEY_BASE64URL, token])
    const unseal = await unsealStep(
      { 'sealed-token': mint.outputs['sealed-token'] as string, 'seal-key': SEAL_KEY },
      debug
    )
    expect(unseal.exitCode).toBe(0)
    expectNoLeak(unseal, [SEAL_KEY, SEAL_KEY_BASE64URL, INPUT_TOKEN])
  })
})

describe('sealed-token', () => {
  it('holds no masked value in any form the runner recognises, so a job output keeps it', async () => {
    const sealedToken = await sealed()
    expect(sealedToken).not.toBe('')
    expectNoLeakIn({ 'sealed-token': sealedToken }, [
      INPUT_TOKEN,
      SEAL_KEY,
      SEAL_KEY_BASE64URL,
      token
    ])
  })

  it('is the compact JWE the README documents, which plain AES-256-GCM opens', async () => {
    const sealedToken = await sealed()
    const [header, encryptedKey, iv, ciphertext, tag] = sealedToken.split('.') as string[]
    expect(JSON.parse(Buffer.from(header as string, 'base64url').toString('utf8'))).toEqual({
      alg: 'dir',
      enc: 'A256GCM',
      typ: 'runner-remove-token+jwt'
    })
    expect(encryptedKey).toBe('')
    const decipher = createDecipheriv(
      'aes-256-gcm',
      Buffer.from(SEAL_KEY, 'base64'),
      Buffer.from(iv as string, 'base64url')
    )
    decipher.setAAD(Buffer.from(header as string, 'ascii'))
    decipher.setAuthTag(Buffer.from(tag as string, 'base64url'))
    const claims = JSON.parse(
      Buffer.concat([
        decipher.update(Buffer.from(ciphertext as string, 'base64url')),
        decipher.final()
      ]).toString('utf8')
    )
    expect(claims).toEqual({
      token,
      expires_at: expect.any(String),
      repository: THIS_RUN.GITHUB_REPOSITORY,
      repository_id: THIS_RUN.GITHUB_REPOSITORY_ID,
      run_id: THIS_RUN.GITHUB_RUN_ID,
      iat: expect.any(Number),
      exp: Math.floor(Date.parse(claims.expires_at) / 1000)
    })
  })
})

describe('without seal-key', () => {
  it('outputs no sealed-token, reads none of the run variables, and never loads jose', async () => {
    const sim = await simulator(inAnHour())
    const mint = await mintStep(sim, {}, { GITHUB_REPOSITORY: THIS_RUN.GITHUB_REPOSITORY })
    expect(mint.exitCode).toBe(0)
    expect(Object.keys(mint.outputs)).toEqual(['token', 'expires_at'])
    expect(mint.masked).toEqual([INPUT_TOKEN, token])
    expect(mint.log).not.toContain('seal')
    expect(mint.summary).not.toContain('seal')
    expect(chunksLoaded(mint)).toEqual([])
  })

  it('(the probes see what they look for: jose and the request, with seal-key)', async () => {
    const sim = await simulator(inAnHour())
    const mint = await mintStep(sim, { 'seal-key': SEAL_KEY })
    expect(chunksLoaded(mint)).toHaveLength(1)
    expect(mint.connections).toHaveLength(1)
  })
})

/** A sealed token made with the right key by someone else (anyone who can read the secret). */
function forged(claims: Record<string, unknown>, header: Record<string, unknown> = {}) {
  const expiresAt = inAnHour()
  return new EncryptJWT({
    token: mintedToken(),
    expires_at: expiresAt,
    repository: THIS_RUN.GITHUB_REPOSITORY,
    repository_id: THIS_RUN.GITHUB_REPOSITORY_ID,
    run_id: THIS_RUN.GITHUB_RUN_ID,
    exp: Math.floor(Date.parse(expiresAt) / 1000),
    ...claims
  })
    .setProtectedHeader({
      alg: 'dir',
      enc: 'A256GCM',
      typ: 'runner-remove-token+jwt',
      ...header
    } as never)
    .encrypt(Buffer.from(SEAL_KEY, 'base64'))
}

describe("unseal-token checks what it opens as the mint checks GitHub's answer", () => {
  it('a forged expires_at holding a workflow command is refused, and the command never runs', async () => {
    const sealedToken = await forged({ expires_at: '2099\n::set-output name=pwned::1' })
    const run = await unsealStep({ 'sealed-token': sealedToken, 'seal-key': SEAL_KEY })
    expectRefused(run, "Input 'sealed-token' opened with 'seal-key', but it does not hold what", [
      SEAL_KEY
    ])
    expect(run.stdout).not.toMatch(/^::set-output/m)
    expect(run.log).not.toContain('pwned')
    expect(run.commands.filter((c) => c.name === 'error')).toHaveLength(1)
  })

  it('a forged one-character token is refused and not masked', async () => {
    const run = await unsealStep({
      'sealed-token': await forged({ token: 'e' }),
      'seal-key': SEAL_KEY
    })
    expectRefused(run, "Input 'sealed-token' opened with 'seal-key', but it does not hold what", [
      SEAL_KEY
    ])
    expect(run.masked).toEqual([SEAL_KEY])
  })

  it.each([
    ['a compressed payload (zip)', { zip: 'DEF' }],
    ['a key URL (jku)', { jku: 'https://evil.test/keys' }],
    ['a key id (kid)', { kid: 'k1' }],
    ['another spelling of its type', { typ: 'application/runner-remove-token+jwt' }]
  ])('a header with %s is refused before anything is decrypted', async (_, header) => {
    const run = await unsealStep({ 'sealed-token': await forged({}, header), 'seal-key': SEAL_KEY })
    expectRefused(run, "Input 'sealed-token' has another protected header than the one", [SEAL_KEY])
    expect(run.masked).toEqual([SEAL_KEY])
    expect(run.log).not.toContain('evil')
  })
})

describe('unseal-token refuses, with no output and no request,', () => {
  it('the wrong key', async () => {
    const sealedToken = await sealed()
    const otherKey = randomBytes(32).toString('base64')
    const run = await unsealStep({ 'sealed-token': sealedToken, 'seal-key': otherKey })
    expectRefused(run, "Input 'sealed-token' could not be opened with 'seal-key'", [
      otherKey,
      token
    ])
    expect(run.masked).toEqual([otherKey])
  })

  it.each([
    ['header', 0],
    ['initialization vector', 2],
    ['ciphertext', 3],
    ['authentication tag', 4]
  ])('a sealed token whose %s was changed', async (_, part) => {
    const parts = (await sealed()).split('.')
    const text = parts[part] as string
    const middle = Math.floor(text.length / 2)
    parts[part] =
      `${text.slice(0, middle)}${text[middle] === 'A' ? 'g' : 'A'}${text.slice(middle + 1)}`
    const run = await unsealStep({ 'sealed-token': parts.join('.'), 'seal-key': SEAL_KEY })
    expectRefused(run, "Input 'sealed-token'")
    expect(run.log).toMatch(
      /could not be opened with 'seal-key'|is not a token sealed by runner-remove-token/
    )
    expect(run.masked).toEqual([SEAL_KEY])
  })

  it.each([
    ['cut short', (s: string) => s.slice(0, -10)],
    ['not a JWE at all', () => 'not-a-sealed-token'],
    ['with an encrypted key added', (s: string) => s.replace('..', '.AAAA.')]
  ])('a sealed token %s', async (_, change) => {
    const run = await unsealStep({ 'sealed-token': change(await sealed()), 'seal-key': SEAL_KEY })
    expectRefused(run, "Input 'sealed-token' is not a token sealed by runner-remove-token")
  })

  it('a token sealed in another repository', async () => {
    const sealedToken = await sealed()
    const run = await unsealStep(
      { 'sealed-token': sealedToken, 'seal-key': SEAL_KEY },
      { ...THIS_RUN, GITHUB_REPOSITORY: 'octo-org/other', GITHUB_REPOSITORY_ID: '987654321' }
    )
    expectRefused(
      run,
      "Input 'sealed-token' was sealed in repository octo-org/hello-world (id 123456789), not in " +
        'this one, octo-org/other (id 987654321)'
    )
  })

  it('a token sealed in another workflow run', async () => {
    const sealedToken = await sealed()
    const run = await unsealStep(
      { 'sealed-token': sealedToken, 'seal-key': SEAL_KEY },
      { ...THIS_RUN, GITHUB_RUN_ID: '20260009999' }
    )
    expectRefused(
      run,
      "Input 'sealed-token' was sealed in workflow run 20260001234, not in this one (20260009999)"
    )
  })

  it('an expired token, saying when it expired', async () => {
    const expiredAt = '2026-01-29T12:13:35.123-08:00'
    const sealedToken = await sealed(expiredAt)
    const run = await unsealStep({ 'sealed-token': sealedToken, 'seal-key': SEAL_KEY })
    expectRefused(run, `Input 'sealed-token' holds a remove token that expired at ${expiredAt}.`)
  })

  it('an empty sealed-token (a job output that was not passed on)', async () => {
    const run = await unsealStep({ 'sealed-token': '', 'seal-key': SEAL_KEY })
    expectRefused(run, "Input 'sealed-token' is empty.")
  })
})

const BAD_KEYS = [
  ['16 bytes', randomBytes(16).toString('base64'), 'it decodes to 16 bytes'],
  [
    'in base64url',
    // 0xfb 0xff 0xfe is '+//+' in base64: '-__-' in base64url, whatever random bytes follow.
    Buffer.concat([Buffer.from([0xfb, 0xff, 0xfe]), randomBytes(29)]).toString('base64url'),
    'it looks like base64url'
  ],
  [
    'without its padding',
    randomBytes(32).toString('base64').slice(0, -1),
    "it lacks the '=' padding"
  ],
  [
    'on two lines',
    `${randomBytes(32).toString('base64').slice(0, 22)}\n${'A'.repeat(22)}`,
    'line break'
  ],
  ['a passphrase', 'correct horse battery staple', 'it has whitespace']
]

describe.each(BAD_KEYS)('a seal-key %s is refused before anything else', (_, key, problem) => {
  const message = "Input 'seal-key' is not a seal key"

  it('by the main action, which sends no request', async () => {
    const sim = await simulator(inAnHour())
    const run = await mintStep(sim, { 'seal-key': key as string })
    expect(run.exitCode).toBe(1)
    expect(sim.requests).toEqual([])
    expect(run.connections).toEqual([])
    expect(run.outputs).toEqual({})
    expect(run.log).toContain(`Error: ${message}`)
    expect(run.log).toContain(problem)
    expect(run.log).toContain('openssl rand -base64 32')
    expect(run.masked[1]).toBe(key)
    expectNoLeak(run, [INPUT_TOKEN, key as string])
  })

  it('by unseal-token', async () => {
    const run = await unsealStep({ 'sealed-token': 'x.y.z', 'seal-key': key as string })
    expectRefused(run, message, [key as string])
    expect(run.log).toContain(problem)
    expect(run.masked[0]).toBe(key)
  })
})

describe('the run variables a seal is bound to', () => {
  it('are required by the main action only with seal-key, before any request', async () => {
    const sim = await simulator(inAnHour())
    const run = await mintStep(
      sim,
      { 'seal-key': SEAL_KEY },
      { GITHUB_REPOSITORY: THIS_RUN.GITHUB_REPOSITORY, GITHUB_RUN_ID: 'abc' }
    )
    expect(run.exitCode).toBe(1)
    expect(sim.requests).toEqual([])
    expect(run.log).toContain(
      'Error: GITHUB_REPOSITORY_ID is not set; GITHUB_RUN_ID is "abc", not a number.'
    )
    expectNoLeak(run, [INPUT_TOKEN, SEAL_KEY])
  })

  it('are required by unseal-token', async () => {
    const run = await unsealStep({ 'sealed-token': await sealed(), 'seal-key': SEAL_KEY }, {})
    expectRefused(
      run,
      'GITHUB_REPOSITORY is not set; GITHUB_REPOSITORY_ID is not set; GITHUB_RUN_ID is not set.'
    )
  })
})
