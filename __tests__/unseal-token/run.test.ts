/**
 * Both ends of the sealed hand-off in this process: the main action with `seal-key` (GitHub
 * faked with nock), then unseal-token on its output, as two jobs of one run.
 */
import { randomBytes } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import nock from 'nock'
import { run as mint } from '../../src/remove-token/run.js'
import { run as unseal } from '../../src/unseal-token/run.js'
import { parseOutputFile } from '../harness/run-action.ts'
import { inProcessAction } from '../harness/in-process.ts'
import { API, commonInputEnv, useNock } from '../github/nock-github.ts'

const INPUT_TOKEN = 'ghp_unsealTestInputToken000000000000000'
const SEAL_KEY = randomBytes(32).toString('base64')
const MINTED = {
  token: 'AUNSEALTESTMINTEDTOKEN0000001',
  expires_at: new Date(Date.now() + 3600_000).toISOString()
}
const PATH = '/repos/octo-org/hello-world/actions/runners/remove-token'

const action = inProcessAction(() => ({
  ...commonInputEnv(INPUT_TOKEN),
  'INPUT_SEAL-KEY': SEAL_KEY,
  GITHUB_REPOSITORY_ID: '123',
  GITHUB_RUN_ID: '456'
}))

useNock()

async function mintSealed(): Promise<string> {
  nock(API).post(PATH).reply(201, MINTED)
  await mint()
  expect(process.exitCode).toBeUndefined()
  return parseOutputFile(await action.outputs())['sealed-token'] as string
}

/** Switches this test's environment from the minting job to the unsealing one. */
function unsealingJob(sealedToken: string, key = SEAL_KEY): void {
  writeFileSync(process.env.GITHUB_OUTPUT as string, '')
  for (const name of Object.keys(process.env)) {
    if (name.startsWith('INPUT_')) Reflect.deleteProperty(process.env, name)
  }
  Object.assign(process.env, { 'INPUT_SEALED-TOKEN': sealedToken, 'INPUT_SEAL-KEY': key })
}

describe('the main action with seal-key', () => {
  it('masks the key right after the input token, and outputs sealed-token last', async () => {
    const sealedToken = await mintSealed()
    const lines = action.stdout().split('\n')
    expect(lines.slice(0, 2)).toEqual([`::add-mask::${INPUT_TOKEN}`, `::add-mask::${SEAL_KEY}`])
    expect(Object.keys(parseOutputFile(await action.outputs()))).toEqual([
      'token',
      'expires_at',
      'sealed-token'
    ])
    expect(sealedToken).not.toContain(MINTED.token)
    expect(await action.summary()).toContain('<code>sealed-token</code>')
  })

  it('sets no output when the binding is missing, and sends no request', async () => {
    delete process.env.GITHUB_RUN_ID
    const api = nock(API).post(PATH).reply(201, MINTED)
    await mint()
    expect(process.exitCode).toBe(1)
    expect(api.isDone()).toBe(false)
    expect(await action.outputs()).toBe('')
    expect(action.stdout()).toContain('::error::GITHUB_RUN_ID is not set.')
  })
})

describe('unseal-token', () => {
  it('masks the key first and the token before any output, then outputs both exactly', async () => {
    const sealedToken = await mintSealed()
    unsealingJob(sealedToken)
    const outputFile = process.env.GITHUB_OUTPUT as string
    // What GITHUB_OUTPUT holds at the moment each line is printed.
    const outputsWhenPrinted: string[] = []
    const write = process.stdout.write
    process.stdout.write = ((chunk: string) => {
      outputsWhenPrinted.push(readFileSync(outputFile, 'utf8'))
      return write.call(process.stdout, chunk)
    }) as typeof process.stdout.write
    const before = action.stdout().length
    try {
      await unseal()
    } finally {
      process.stdout.write = write
    }
    expect(process.exitCode).toBeUndefined()
    const lines = action.stdout().slice(before).split('\n')
    expect(lines.slice(0, 2)).toEqual([`::add-mask::${SEAL_KEY}`, `::add-mask::${MINTED.token}`])
    expect(outputsWhenPrinted.slice(0, 2)).toEqual(['', ''])
    expect(parseOutputFile(await action.outputs())).toEqual(MINTED)
    expect(lines[2]).toBe(
      `Unsealed the remove token minted in this workflow run; it expires at ${MINTED.expires_at}`
    )
  })

  it('lists every problem with its inputs at once, masking the key first', async () => {
    unsealingJob('', 'not a key')
    delete process.env.GITHUB_REPOSITORY_ID
    await unseal()
    expect(process.exitCode).toBe(1)
    const out = action.stdout()
    expect(out.startsWith('::add-mask::not a key\n')).toBe(true)
    expect(out).toContain("::error::Invalid inputs:%0A- Input 'sealed-token' is empty.")
    expect(out).toContain("%0A- Input 'seal-key' is not a seal key: it has whitespace")
    expect(out).toContain('%0A- GITHUB_REPOSITORY_ID is not set.')
  })

  it('refuses a token sealed with another key, with no output', async () => {
    unsealingJob(await mintSealed(), randomBytes(32).toString('base64'))
    await unseal()
    expect(process.exitCode).toBe(1)
    expect(await action.outputs()).toBe('')
    expect(action.stdout()).toContain("::error::Input 'sealed-token' could not be opened")
  })
})
