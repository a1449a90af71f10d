/**
 * remove-token end to end: the committed dist/index.js, run as the runner runs it, against the
 * simulator (held to GitHub's description), and against hostile answers to the mint.
 */
import { jest } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import {
  githubError,
  redactCredential,
  type RecordedRequest,
  type Simulator
} from '../harness/github-simulator.ts'
import { runAction, type ActionRun } from '../harness/run-action.ts'
import { expectMaskedFirst, expectNoLeak } from '../harness/runner-log.ts'
import {
  INPUT_TOKEN,
  mintedToken,
  startHostile,
  startTestSimulator
} from '../harness/test-servers.ts'
import { expectFailed, JSON_TYPE, runMint } from './steps.ts'

// A run takes a few seconds; the slowest (fleets, retries, rate limits) under a minute.
jest.setTimeout(60_000)

const EXPIRES_AT = '2026-11-21T13:00:00.000+00:00'
const HOSTILE_EXPIRES_AT = '2030-01-01T00:00:00Z'

let token: string

async function start(pathPrefix = ''): Promise<Simulator> {
  token = mintedToken()
  return startTestSimulator({
    pathPrefix,
    respond: () => ({ status: 201, json: { token, expires_at: EXPIRES_AT } })
  })
}

async function mint(
  sim: Simulator,
  inputs: Record<string, string>,
  env: Record<string, string> = {}
): Promise<ActionRun> {
  return runAction({
    inputs: { token: INPUT_TOKEN, ...inputs },
    github: { api_url: sim.url, repository: 'octo-org/hello-world' },
    env
  })
}

function expectMinted(run: ActionRun, sim: Simulator): RecordedRequest {
  expect(run.stderr).toBe('')
  expect(run.exitCode).toBe(0)
  expect(run.outputs).toEqual({ token, expires_at: EXPIRES_AT })
  expect(run.masked).toEqual([INPUT_TOKEN, token])
  expectMaskedFirst(run, [INPUT_TOKEN])
  expectMaskedFirst(run, [token])
  expectNoLeak(run, [INPUT_TOKEN, token])
  expect(sim.requests).toHaveLength(1)
  const [request] = sim.requests as [RecordedRequest]
  expect(request.method).toBe('POST')
  expect(request.body).toBe('')
  expect(request.headers).toMatchObject({
    authorization: redactCredential(`token ${INPUT_TOKEN}`),
    accept: 'application/vnd.github+json',
    'x-github-api-version': '2022-11-28',
    'user-agent': expect.stringMatching(/^runner-remove-token\/1\.0\.0 octokit/)
  })
  return request
}

describe('mints a remove token', () => {
  it('for an explicit repository', async () => {
    const sim = await start()
    const run = await mint(sim, { owner: 'octo', repo: 'my.repo_1' })
    expect(expectMinted(run, sim).path).toBe('/repos/octo/my.repo_1/actions/runners/remove-token')
    expect(run.log).toContain('Minted a remove token for repository octo/my.repo_1; it expires at')
    expect(run.summary).toContain('<td>repository</td><td>octo/my.repo_1</td>')
    expect(run.summary).toContain(EXPIRES_AT)
  })

  it("for the workflow's own repository when owner and repo are empty", async () => {
    const sim = await start()
    const run = await mint(sim, {})
    expect(expectMinted(run, sim).path).toBe(
      '/repos/octo-org/hello-world/actions/runners/remove-token'
    )
  })

  it('for an organization', async () => {
    const sim = await start()
    const run = await mint(sim, { org: 'octo-org' })
    expect(expectMinted(run, sim).path).toBe('/orgs/octo-org/actions/runners/remove-token')
    expect(run.summary).toContain('<td>organization</td><td>octo-org</td>')
  })

  it('for an enterprise', async () => {
    const sim = await start()
    const run = await mint(sim, { enterprise: 'octo-corp' })
    expect(expectMinted(run, sim).path).toBe('/enterprises/octo-corp/actions/runners/remove-token')
    expect(run.summary).toContain('<td>enterprise</td><td>octo-corp</td>')
  })

  it('on GitHub Enterprise Server, with a trailing slash on api-url', async () => {
    const sim = await start('/api/v3')
    const run = await mint(sim, { org: 'octo-org', 'api-url': `${sim.url}/` })
    expect(expectMinted(run, sim).path).toBe('/api/v3/orgs/octo-org/actions/runners/remove-token')
  })

  it('at GITHUB_API_URL when api-url is empty', async () => {
    const sim = await start('/api/v3')
    const run = await mint(sim, { 'api-url': '' })
    expect(expectMinted(run, sim).path).toBe(
      '/api/v3/repos/octo-org/hello-world/actions/runners/remove-token'
    )
  })

  it('in debug mode without showing either token', async () => {
    const sim = await start()
    const run = await mint(sim, { org: 'octo-org' }, { RUNNER_DEBUG: '1' })
    expectMinted(run, sim)
  })

  it('writes the outputs to GITHUB_OUTPUT byte for byte', async () => {
    const sim = await start()
    const run = await mint(sim, {})
    expect(Object.keys(run.outputs)).toEqual(['token', 'expires_at'])
    expect(run.outputs.token).toBe(token)
    expect(run.outputs.expires_at).toBe(EXPIRES_AT)
  })
})

describe('refuses bad input before any request', () => {
  it.each([
    ['an empty token', { token: '' }, "Input 'token' is empty"],
    ['a token with a space', { token: `${INPUT_TOKEN} x` }, "Input 'token' contains whitespace"],
    [
      'a token with a line break',
      { token: `${INPUT_TOKEN}\nx` },
      "Input 'token' contains whitespace"
    ],
    [
      'org and repo together',
      { org: 'octo', owner: 'o', repo: 'r' },
      "Inputs 'owner', 'repo', 'org' are all set"
    ],
    [
      'org and enterprise together',
      { org: 'octo', enterprise: 'corp' },
      "Inputs 'org', 'enterprise' are all set"
    ],
    ['owner without repo', { owner: 'octo' }, "Input 'owner' is set but 'repo' is empty"],
    ['repo without owner', { repo: 'hello' }, "Input 'repo' is set but 'owner' is empty"],
    [
      'a bad owner',
      { owner: '-octo', repo: 'r' },
      'Input \'owner\' is "-octo", which is not a GitHub login'
    ],
    ['a too long org', { org: 'o'.repeat(40) }, "Input 'org' is"],
    [
      'owner/repo in repo',
      { owner: 'o', repo: 'o/r' },
      "Input 'repo' is \"o/r\": give only the repository's name in 'repo'"
    ],
    ['a repo named ..', { owner: 'o', repo: '..' }, 'Input \'repo\' is ".."'],
    ['a bad enterprise', { enterprise: 'octo corp' }, 'Input \'enterprise\' is "octo corp"'],
    [
      'a relative api-url',
      { 'api-url': 'api/v3' },
      'Input \'api-url\' is "api/v3", which is not an absolute URL'
    ],
    [
      'an ftp api-url',
      { 'api-url': 'ftp://x.example/api/v3' },
      'Input \'api-url\' is "ftp://x.example/api/v3": only http and https URLs work'
    ],
    [
      'a time-out that rounds to a 0 ms attempt',
      { timeout: '0.0004' },
      'Input \'timeout\' is "0.0004": give the seconds one attempt may take before it is abandoned, a number from 1 to 300'
    ]
  ])('%s', async (_, inputs, message) => {
    const sim = await start()
    const run = await mint(sim, inputs)
    expect(run.exitCode).toBe(1)
    expect(sim.requests).toEqual([])
    expect(run.outputs).toEqual({})
    expect(run.log).toContain(`Error: ${message}`)
    expectNoLeak(run, [INPUT_TOKEN])
  })
})

it.each([
  ['api-url', '?'],
  ['api-url', '#'],
  ['api-url', '/?#'],
  ['GITHUB_API_URL', '?'],
  ['GITHUB_API_URL', '#']
])(
  'refuses %s ending in a bare %s before any request (it would reach the base path)',
  async (source, suffix) => {
    const sim = await start()
    const run =
      source === 'api-url'
        ? await mint(sim, { 'api-url': `${sim.url}${suffix}` })
        : await mint(sim, { 'api-url': '' }, { GITHUB_API_URL: `${sim.url}${suffix}` })
    expect(run.exitCode).toBe(1)
    expect(sim.requests).toEqual([])
    expect(run.outputs).toEqual({})
    const named =
      source === 'api-url'
        ? "Input 'api-url'"
        : "GITHUB_API_URL (used because input 'api-url' is empty)"
    expect(run.log).toContain(`Error: ${named} has a query or fragment: remove it.`)
    expectNoLeak(run, [INPUT_TOKEN])
  }
)

describe('fails with no outputs when GitHub does not mint', () => {
  it('on a 403 from GitHub', async () => {
    const simulator = await startTestSimulator({
      respond: () => githubError(403, 'Must have admin rights to Repository.')
    })
    const run = await mint(simulator, {})
    expect(run.exitCode).toBe(1)
    expect(run.outputs).toEqual({})
    expect(run.summary).toBe('')
    expect(run.log).toContain('GitHub answered 403: "Must have admin rights to Repository."')
    expectNoLeak(run, [INPUT_TOKEN])
  })

  it('on a 201 without expires_at', async () => {
    token = mintedToken()
    const simulator = await startTestSimulator({
      respond: () => ({
        status: 201,
        json: { token },
        offSpec: 'GitHub documents expires_at as required'
      })
    })
    const run = await mint(simulator, {})
    expect(run.exitCode).toBe(1)
    expect(run.outputs).toEqual({})
    expect(run.log).toContain("has no 'expires_at' string")
    expectNoLeak(run, [INPUT_TOKEN, token])
  })
})

/** A mint answered by hand: `status` (201 unless given) holding `token`, and what must follow. */
interface BadMint {
  token: string
  status?: number
  expiresAt?: string
  retries?: string
  /** What the step must mask besides the input token (the token, or its lines too). */
  masks: string[]
  /** The token's mask comes before any line that shows it. */
  maskedFirst?: boolean
  /** Too short to be a token: not looked for in the log (one letter is in every line). */
  tooShort?: true
  words: string[]
}

const TWO_LINES = 'first-line-of-token\nsecond-line-of-token'
const HUGE = randomBytes(150_000).toString('hex')
const NOT_ASCII =
  "has a 'token' that is not a remove token: not 16 to 1024 printable ASCII characters (GitHub's are 29)"
const BAD_MINTS: Record<string, BadMint> = {
  'a one-character token is refused, and not masked (the runner would hide that letter everywhere)':
    {
      token: 'e',
      masks: [],
      tooShort: true,
      words: [NOT_ASCII]
    },
  'a token of words is masked as a whole, never word by word': {
    token: 'not a token at all, only words',
    masks: ['not a token at all, only words'],
    maskedFirst: true,
    words: ['Minting a runner remove token for repository octo-org/hello-world', NOT_ASCII]
  },
  'a token of two lines is masked whole and line by line': {
    token: TWO_LINES,
    masks: [TWO_LINES, ...TWO_LINES.split('\n')],
    words: []
  },
  'a 300 KB token is masked and refused quickly, and never shown': {
    token: HUGE,
    masks: [HUGE],
    words: [NOT_ASCII]
  },
  'an expires_at of 2030-02-31T00:00:00Z is refused, the token masked': {
    token: 'AE2EMINTEDTOKENBADEXPIRY00001',
    expiresAt: '2030-02-31T00:00:00Z',
    masks: ['AE2EMINTEDTOKENBADEXPIRY00001'],
    maskedFirst: true,
    words: ["has an 'expires_at' that is not an ISO 8601 time"]
  },
  'a 302 without Location is never a mint, whatever its body': {
    token: 'AE2EMINTEDTOKENREDIRECTED0001',
    status: 302,
    retries: '3',
    masks: [],
    words: ['answered POST with 302, a redirect with no URL to follow']
  },
  'a 300 holding a token is refused (and its token masked)': {
    token: 'AE2EMINTEDTOKENMULTIPLE000001',
    status: 300,
    masks: ['AE2EMINTEDTOKENMULTIPLE000001'],
    words: ['is not the 201 GitHub documents for a minted token']
  }
}

describe('the minted token is masked whole, first, and refused unless it is one line of printable ASCII', () => {
  it.each(Object.entries(BAD_MINTS))('%s', async (_, bad) => {
    const { token, expiresAt = HOSTILE_EXPIRES_AT } = bad
    const api = await startHostile((req, res) =>
      res
        .writeHead(bad.status ?? 201, JSON_TYPE)
        .end(JSON.stringify({ token, expires_at: expiresAt }))
    )
    const run = await runMint(api.url, bad.retries ? { retries: bad.retries } : {})
    expectFailed(run, {
      secrets: [...new Set([INPUT_TOKEN, ...(bad.tooShort ? [] : [token]), ...bad.masks])],
      masks: [INPUT_TOKEN, ...bad.masks]
    })
    expect(api.requests).toHaveLength(1)
    if (bad.maskedFirst) expectMaskedFirst(run, [token])
    for (const words of bad.words) expect(run.log).toContain(words)
  })
})
