import { mkdir, rm } from 'node:fs/promises'
import nock from 'nock'
import { closedPort } from '../harness/test-servers.ts'
import { run } from '../../src/remove-token/run.js'
import { warnIfUnencrypted } from '../../src/github/inputs.js'
import { inProcessAction } from '../harness/in-process.ts'
import { API, commonInputEnv, useNock } from '../github/nock-github.ts'

const INPUT_TOKEN = 'ghp_mainTestInputToken00000000000000000'
const MINTED = { token: 'AMINTEDTOKENFORMAINTEST000001', expires_at: '2026-11-21T13:00:00.000Z' }
const PATH = '/repos/octo-org/hello-world/actions/runners/remove-token'

const action = inProcessAction(() => commonInputEnv(INPUT_TOKEN))
const { outputs, summary } = action

useNock()

it('masks the input token, then the minted token before setting the outputs', async () => {
  const api = nock(API).post(PATH).reply(201, MINTED)
  await run()
  expect(api.isDone()).toBe(true)
  expect(process.exitCode).toBeUndefined()
  const lines = action.stdout().split('\n')
  expect(lines[0]).toBe(`::add-mask::${INPUT_TOKEN}`)
  const maskLine = lines.indexOf(`::add-mask::${MINTED.token}`)
  expect(maskLine).toBeGreaterThan(0)
  lines.forEach((line, index) => {
    if (index !== maskLine) expect(line).not.toContain(MINTED.token)
    if (index !== 0) expect(line).not.toContain(INPUT_TOKEN)
  })
  expect(await outputs()).toMatch(
    new RegExp(
      `^token<<(ghadelimiter_[\\w-]+)\\n${MINTED.token}\\n\\1\\nexpires_at<<(ghadelimiter_[\\w-]+)\\n${MINTED.expires_at}\\n\\2\\n$`
    )
  )
  const text = await summary()
  expect(text).toContain('<td>repository</td><td>octo-org/hello-world</td>')
  expect(text).toContain(MINTED.expires_at)
  expect(text).not.toContain(MINTED.token)
})

it('sets no output and fails when GitHub refuses', async () => {
  nock(API).post(PATH).reply(404, { message: 'Not Found' })
  await run()
  expect(process.exitCode).toBe(1)
  expect(await outputs()).toBe('')
  expect(await summary()).toBe('')
  expect(action.stdout()).toContain(
    '::error::POST /repos/octo-org/hello-world/actions/runners/remove-token for repository octo-org/hello-world failed. GitHub answered 404'
  )
})

it('refuses bad inputs before sending any request', async () => {
  process.env.INPUT_ORG = 'octo-org'
  process.env.INPUT_OWNER = 'octo-org'
  const api = nock(API).post(/.*/).reply(201, MINTED)
  await run()
  expect(process.exitCode).toBe(1)
  expect(api.isDone()).toBe(false)
  expect(action.stdout()).toContain("::error::Inputs 'owner', 'org' are all set")
  expect(await outputs()).toBe('')
})

it('does not mask an empty token', async () => {
  process.env.INPUT_TOKEN = ''
  await run()
  expect(action.stdout()).not.toContain('::add-mask::')
  expect(action.stdout()).toContain("::error::Input 'token' is empty")
})

it('skips the summary quietly when GITHUB_STEP_SUMMARY is not set', async () => {
  delete process.env.GITHUB_STEP_SUMMARY
  nock(API).post(PATH).reply(201, MINTED)
  await run()
  expect(process.exitCode).toBeUndefined()
  expect(await outputs()).toContain(MINTED.expires_at)
})

it('warns, and still succeeds, when the summary cannot be written', async () => {
  // A folder where the summary file should be: appending to it fails (even for root).
  await rm(action.summaryPath())
  await mkdir(action.summaryPath())
  nock(API).post(PATH).reply(201, MINTED)
  await run()
  expect(process.exitCode).toBeUndefined()
  expect(action.stdout()).toContain('::warning::Could not write the job summary')
  expect(await outputs()).toContain(MINTED.expires_at)
})

it('explains a connection that fails before GitHub answers', async () => {
  nock.enableNetConnect('127.0.0.1')
  process.env['INPUT_API-URL'] = `http://127.0.0.1:${await closedPort()}`
  await run()
  nock.disableNetConnect()
  expect(process.exitCode).toBe(1)
  expect(action.stdout()).toContain('failed: the connection failed before GitHub answered: ')
  expect(action.stdout()).toContain('ECONNREFUSED')
})

describe('warnIfUnencrypted', () => {
  it.each([
    ['http://ghes.example.com/api/v3', true],
    ['https://ghes.example.com/api/v3', false],
    ['http://127.0.0.1:8080', false],
    ['http://localhost:8080', false],
    ['http://[::1]:8080', false],
    ['http://127.0.0.250:8080', false],
    ['http://127.evil.example', true],
    ['http://127.0.0.1.nip.example', true],
    ['http://localhost.example', true]
  ])('%s: warns %p', (apiUrl, warns) => {
    warnIfUnencrypted(apiUrl)
    expect(action.stdout().includes('::warning::')).toBe(warns)
  })
})
