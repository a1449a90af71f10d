/**
 * Hostile servers: both bundled actions, run as a runner runs them, against loopback servers that
 * misbehave the way a broken proxy, a misconfigured GitHub Enterprise Server or a hostile endpoint
 * can. Every test checks the exit code, the requests sent (none after a refusal, no DELETE after
 * a bad list), that a failure sets no output, the time taken, that no secret shows in any form,
 * and that nothing the server sent became a workflow command.
 */
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { lookup } from 'node:dns/promises'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import type { ServerResponse } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { REPO_ROOT, runAction, type ActionRun } from '../harness/run-action.ts'
import { redactCredential, type Simulator } from '../harness/github-simulator.ts'
import { expectMaskedFirst, expectNoLeak, parseCommand, renderLog } from '../harness/runner-log.ts'
import { INPUT_TOKEN, mintedToken, startHostile } from '../harness/test-servers.ts'

const DELETE_RUNNER = join(REPO_ROOT, 'delete-runner')
const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' }
const EXPIRES_AT = '2030-01-01T00:00:00Z'
const MINT_PATH = '/repos/octo-org/hello-world/actions/runners/remove-token'
const LIST_PATH = '/orgs/octo-org/actions/runners'
/** Generous: a refusal takes well under a second; a run is killed (timedOut) after this. */
const RUN_LIMIT_MS = 20_000
const TEST_LIMIT_MS = 40_000

function mint(
  apiUrl: string,
  inputs: Record<string, string> = {},
  env: Record<string, string> = {}
): Promise<ActionRun> {
  return runAction({
    inputs: { token: INPUT_TOKEN, 'api-url': apiUrl, retries: '0', ...inputs },
    github: { api_url: apiUrl, repository: 'octo-org/hello-world' },
    env,
    timeoutMs: RUN_LIMIT_MS
  })
}

function deleteRunner(
  apiUrl: string,
  inputs: Record<string, string> = {},
  env: Record<string, string> = {}
): Promise<ActionRun> {
  return runAction({
    actionDir: DELETE_RUNNER,
    inputs: {
      token: INPUT_TOKEN,
      'api-url': apiUrl,
      org: 'octo-org',
      'runner-name': 'spot-1',
      retries: '0',
      ...inputs
    },
    github: { api_url: apiUrl, repository: 'octo-org/hello-world' },
    env,
    timeoutMs: RUN_LIMIT_MS
  })
}

const requests = (server: Simulator) => server.requests.map((s) => `${s.method} ${s.url}`)

/** A runner as GitHub lists it; `id` is raw JSON text, so that any number can be sent. */
function runnerJson(id: string | number, name: string, status = 'offline'): string {
  return (
    `{"id":${id},"name":${JSON.stringify(name)},"os":"linux","status":${JSON.stringify(status)},` +
    '"busy":false,"labels":[{"id":1,"name":"self-hosted","type":"read-only"}]}'
  )
}

function listPage(res: ServerResponse, runners: string[], total: number, next?: string): void {
  res
    .writeHead(200, { ...JSON_TYPE, ...(next ? { link: `<${next}>; rel="next"` } : {}) })
    .end(`{"total_count":${total},"runners":[${runners.join(',')}]}`)
}

function githubError(res: ServerResponse, status: number, message: string): void {
  res
    .writeHead(status, JSON_TYPE)
    .end(JSON.stringify({ message, documentation_url: 'https://docs.github.com/rest' }))
}

/**
 * The step failed as it should: not killed, exit 1, no output, no summary, within `boundMs`, only
 * the action's own commands (its masks, debug lines and one error; the warnings a test expects),
 * only the expected masks, and no secret in any form anywhere.
 */
function expectFailed(
  run: ActionRun,
  { secrets = [INPUT_TOKEN], masks = [INPUT_TOKEN], boundMs = 10_000, warnings = 0 } = {}
): void {
  expect(run.timedOut).toBe(false)
  expect(run.exitCode).toBe(1)
  expect(run.outputs).toEqual({})
  expect(run.summary).toBe('')
  expect(run.durationMs).toBeLessThan(boundMs)
  expectOwnCommandsOnly(run, { masks, warnings })
  expect(run.commands.filter((c) => c.name === 'error')).toHaveLength(1)
  expect(run.stderr).toBe('')
  expectNoLeak(run, secrets)
}

function expectOwnCommandsOnly(run: ActionRun, { masks = [INPUT_TOKEN], warnings = 0 } = {}) {
  const names = run.commands.map((command) => command.name)
  expect(names.filter((name) => !['add-mask', 'debug', 'error', 'warning'].includes(name))).toEqual(
    []
  )
  expect(names.filter((name) => name === 'warning')).toHaveLength(warnings)
  expect(run.masked).toEqual(masks)
  for (const line of `${run.stdout}\n${run.stderr}`.split(/\r\n|\r|\n/)) {
    if (line.trimStart().startsWith('::')) {
      expect(['add-mask', 'debug', 'error', 'warning']).toContain(parseCommand(line)?.name)
    }
  }
  for (const line of run.log.split('\n')) expect(line).not.toMatch(/^Warning: .*INJECTED/)
}

/** The `::error::` line the step ended with, as written. */
function errorLine(run: ActionRun): string {
  return run.stdout.split('\n').find((line) => line.startsWith('::error::')) ?? ''
}

describe('delete-runner refuses a runner list that is not whole and well-formed, before any DELETE', () => {
  it(
    'a 409 on page 2 fails the step (GitHub’s paginator would end the list there)',
    async () => {
      const api = await startHostile((req, res, n) =>
        n === 1
          ? listPage(res, [runnerJson(1, 'spot-1')], 150, `${api.url}${LIST_PATH}?page=2`)
          : githubError(res, 409, 'Conflict')
      )
      const run = await deleteRunner(api.url)
      expectFailed(run)
      expect(api.requests.map((s) => s.method)).toEqual(['GET', 'GET'])
      expect(run.log).toContain('GitHub answered 409: "Conflict"')
    },
    TEST_LIMIT_MS
  )

  it(
    'an error status on page 2 names page 2',
    async () => {
      const api = await startHostile((req, res, n) =>
        n === 1
          ? listPage(res, [runnerJson(1, 'spot-1')], 150, `${api.url}${LIST_PATH}?page=2`)
          : githubError(res, 409, 'Conflict')
      )
      const run = await deleteRunner(api.url)
      expectFailed(run)
      expect(run.log).toContain('page 2')
    },
    TEST_LIMIT_MS
  )

  it(
    'a bad runner on page 2 fails the step, though page 1 holds the runner named',
    async () => {
      const api = await startHostile((req, res, n) =>
        n === 1
          ? listPage(res, [runnerJson(1, 'spot-1')], 2, `${api.url}${LIST_PATH}?page=2`)
          : listPage(res, [runnerJson('1.5', 'spot-2')], 2)
      )
      const run = await deleteRunner(api.url)
      expectFailed(run)
      expect(api.requests.map((s) => s.method)).toEqual(['GET', 'GET'])
      expect(run.log).toContain('page 2 of the runner list')
    },
    TEST_LIMIT_MS
  )

  it.each(['<http://[::1>; rel="next"', '<http://a b/>; rel="next"'])(
    'a next link that is no URL (%s) fails naming the page, not with a JavaScript message',
    async (link) => {
      const api = await startHostile((req, res) =>
        res.writeHead(200, { ...JSON_TYPE, link }).end('{"total_count":150,"runners":[]}')
      )
      const run = await deleteRunner(api.url)
      expectFailed(run)
      expect(api.requests).toHaveLength(1)
      expect(run.log).not.toMatch(/^Error: Invalid URL$/m)
      expect(run.log).toContain('page 1 of the runner list')
    },
    TEST_LIMIT_MS
  )

  it.each([
    ['an empty 200', JSON_TYPE, ''],
    ['null', JSON_TYPE, 'null'],
    ['false', JSON_TYPE, 'false'],
    ['an array', JSON_TYPE, '[]'],
    ['an object with no runners list', JSON_TYPE, '{"total_count":1}'],
    ['an HTML page', { 'content-type': 'text/html' }, '<html>SERVER-PAGE-MARKER</html>']
  ])(
    'page 1 being %s fails, naming the page and never echoing it',
    async (_, headers, body) => {
      const api = await startHostile((req, res) => res.writeHead(200, headers).end(body))
      const run = await deleteRunner(api.url)
      expectFailed(run)
      expect(requests(api)).toEqual([`GET ${LIST_PATH}?per_page=100&name=spot-1`])
      expect(run.log).toContain('page 1 of the runner list')
      expect(run.log).not.toContain('SERVER-PAGE-MARKER')
      expect(run.log).not.toContain('0 listed')
    },
    TEST_LIMIT_MS
  )

  it.each([
    ['JSON-typed text that is not JSON', JSON_TYPE, '<html>SERVER-PAGE-MARKER runners</html>'],
    ['plain text', { 'content-type': 'text/plain' }, 'total_count runners SERVER-PAGE-MARKER']
  ])(
    'a list that is %s is never echoed, nor a JavaScript message about it',
    async (_, headers, body) => {
      const api = await startHostile((req, res) => res.writeHead(200, headers).end(body))
      const run = await deleteRunner(api.url)
      expectFailed(run)
      expect(api.requests).toHaveLength(1)
      expect(run.log).toContain('page 1 of the runner list')
      expect(run.log).not.toContain('SERVER-PAGE-MARKER')
      expect(run.log).not.toMatch(/Cannot use 'in' operator|Unexpected token|is not valid JSON/)
    },
    TEST_LIMIT_MS
  )

  it(
    'a next link back to the same page fails as a repeat, after one request',
    async () => {
      const api = await startHostile((req, res) =>
        listPage(res, [runnerJson(1, 'spot-1')], 1, `${api.url}${req.url}`)
      )
      const run = await deleteRunner(api.url)
      expectFailed(run)
      expect(api.requests).toHaveLength(1)
      expect(run.log).toContain('links to a page already read')
    },
    TEST_LIMIT_MS
  )

  it(
    'a next link back to the same page fails as a repeat even when it holds `:name`',
    async () => {
      const link = `${LIST_PATH}?page=2&q=::warning::x`
      const api = await startHostile((req, res) =>
        listPage(res, [], 10_000_000, `${api.url}${link}`)
      )
      const run = await deleteRunner(api.url)
      expectFailed(run)
      expect(api.requests.length).toBeLessThanOrEqual(3)
      expect(run.log).toContain('links to a page already read')
    },
    TEST_LIMIT_MS
  )

  it(
    'a list that claims more pages than its total_count allows stops and fails',
    async () => {
      const api = await startHostile((req, res, n) =>
        listPage(
          res,
          n === 1 ? [runnerJson(1, 'spot-1')] : [],
          1,
          `${api.url}${LIST_PATH}?page=${n + 1}`
        )
      )
      const run = await deleteRunner(api.url)
      expectFailed(run)
      expect(api.requests.length).toBeLessThanOrEqual(3)
      expect(api.requests.every((s) => s.method === 'GET')).toBe(true)
      expect(run.log).toContain('links to more pages than its total_count of 1 runners allows')
    },
    TEST_LIMIT_MS
  )

  it(
    'a list that claims ten million runners is read 100 pages deep at most',
    async () => {
      const api = await startHostile((req, res, n) =>
        listPage(res, [], 10_000_000, `${api.url}${LIST_PATH}?page=${n + 1}`)
      )
      const run = await deleteRunner(api.url, { 'runner-name': '', 'name-prefix': 'spot-' })
      expectFailed(run, { boundMs: 15_000 })
      expect(api.requests).toHaveLength(100)
      expect(api.requests.every((s) => s.method === 'GET')).toBe(true)
      expect(run.log).toContain('at most 100')
    },
    TEST_LIMIT_MS
  )

  it.each(['1.5', '-1', '0', '1e400', '9007199254740993.0', '9007199254740993', '"7"'])(
    'a runner id of %s is refused, and nothing is deleted',
    async (id) => {
      const api = await startHostile((req, res) => listPage(res, [runnerJson(id, 'spot-1')], 1))
      const run = await deleteRunner(api.url)
      expectFailed(run)
      expect(requests(api)).toEqual([`GET ${LIST_PATH}?per_page=100&name=spot-1`])
      expect(run.log).toContain("whose 'id' is not a positive whole number")
    },
    TEST_LIMIT_MS
  )
})

const INJECTIONS = [
  '\n::warning::INJECTED',
  '\r::add-mask::spot',
  '\r\n::stop-commands::INJECTED-stop\n::warning::INJECTED',
  '\n##[warning]INJECTED',
  '\u2028::warning::INJECTED'
]

describe('nothing the server sends becomes a workflow command', () => {
  it.each(INJECTIONS.flatMap((tail) => ['name', 'status'].map((field) => [field, tail])))(
    'a runner %s ending in %j fails the listing and injects nothing',
    async (field, tail) => {
      const api = await startHostile((req, res) =>
        listPage(
          res,
          [
            field === 'name'
              ? runnerJson(1, `spot-1${tail}`)
              : runnerJson(1, 'spot-1', `offline${tail}`)
          ],
          1
        )
      )
      const run = await deleteRunner(api.url)
      expectFailed(run)
      expect(api.requests.map((s) => s.method)).toEqual(['GET'])
      expect(run.log).toContain('page 1 of the runner list')
    },
    TEST_LIMIT_MS
  )

  it(
    'runner names holding commands, markdown and HTML are shown inert in the log, the summary and the outputs',
    async () => {
      const names = [
        'spot-::warning::INJECTED ##[error]INJECTED',
        'spot-<img src=x onerror=alert(1)> [link](https://evil.invalid) **bold** | `code` @team'
      ]
      const api = await startHostile((req, res) =>
        req.method === 'GET'
          ? listPage(
              res,
              names.map((name, i) => runnerJson(i + 1, name)),
              names.length
            )
          : res.writeHead(204).end()
      )
      const run = await deleteRunner(api.url, { 'runner-name': '', 'name-prefix': 'spot-' })
      expect(run.timedOut).toBe(false)
      expect(run.exitCode).toBe(0)
      expect(requests(api)).toEqual([
        `GET ${LIST_PATH}?per_page=100`,
        `DELETE ${LIST_PATH}/1`,
        `DELETE ${LIST_PATH}/2`
      ])
      expectOwnCommandsOnly(run)
      expect(run.commands.filter((c) => c.name === 'error')).toEqual([])
      for (const unsafe of ['::', '##[', '<img', '](', '**', '`', '|', '@team']) {
        expect(run.summary).not.toContain(unsafe)
      }
      expect(run.summary).toContain('Self-hosted runners')
      for (const value of Object.values(run.outputs)) expect(value).not.toMatch(/[\r\n]/)
      expect(JSON.parse(run.outputs.runners ?? '[]')).toHaveLength(2)
      expectNoLeak(run, [INPUT_TOKEN])
    },
    TEST_LIMIT_MS
  )

  it(
    'the runners output holds nothing that a later step printing it would make a command',
    async () => {
      const api = await startHostile((req, res) =>
        req.method === 'GET'
          ? listPage(res, [runnerJson(1, 'spot-##[warning]INJECTED')], 1)
          : res.writeHead(204).end()
      )
      const run = await deleteRunner(api.url, { 'runner-name': '', 'name-prefix': 'spot-' })
      expect(run.exitCode).toBe(0)
      expect(JSON.parse(run.outputs.runners ?? '[]')).toMatchObject([
        { name: 'spot-##[warning]INJECTED' }
      ])
      for (const value of Object.values(run.outputs)) {
        expect(renderLog(value, false).commands).toEqual([])
      }
    },
    TEST_LIMIT_MS
  )

  it.each([
    ['delete-runner', deleteRunner],
    ['the mint action', mint]
  ])(
    'GitHub’s error message with line breaks and commands is quoted inert by %s',
    async (_, action) => {
      const api = await startHostile((req, res) =>
        githubError(res, 403, `Forbidden${INJECTIONS.join('')}\n::set-output name=deleted::true`)
      )
      const run = await action(api.url)
      expectFailed(run)
      expect(api.requests).toHaveLength(1)
      expect(run.log).toContain('GitHub answered 403: "Forbidden')
    },
    TEST_LIMIT_MS
  )

  it.each([
    ['3 MB', 3_000_000, 'GitHub answered 403'],
    ['20 MB', 20_000_000, 'larger than 4 MiB']
  ])(
    'a %s error message ends in a bounded error line',
    async (_, size, words) => {
      const message = 'M'.repeat(size)
      const api = await startHostile((req, res) => githubError(res, 403, message))
      const run = await deleteRunner(api.url)
      expectFailed(run, { boundMs: 15_000 })
      expect(api.requests).toHaveLength(1)
      expect(run.log).toContain(words)
      expect(errorLine(run).length).toBeLessThan(2_000)
      expect(run.stdout.length).toBeLessThan(20_000)
    },
    TEST_LIMIT_MS
  )
})

describe('the minted token is masked whole, first, and refused unless it is one line of printable ASCII', () => {
  const answerToken = (token: string) =>
    startHostile((req, res) =>
      res.writeHead(201, JSON_TYPE).end(JSON.stringify({ token, expires_at: EXPIRES_AT }))
    )

  it(
    'a token of words is masked as a whole, never word by word',
    async () => {
      const token = 'not a token'
      const api = await answerToken(token)
      const run = await mint(api.url)
      expectFailed(run, { secrets: [INPUT_TOKEN, token], masks: [INPUT_TOKEN, token] })
      expect(api.requests).toHaveLength(1)
      expectMaskedFirst(run, [token])
      expect(run.log).toContain('Minting a runner remove token for repository octo-org/hello-world')
      expect(run.log).toContain("has a 'token' that is not 1 to 1024 printable ASCII characters")
    },
    TEST_LIMIT_MS
  )

  it(
    'a token of two lines is masked whole and line by line',
    async () => {
      const token = 'first-line-of-token\nsecond-line-of-token'
      const api = await answerToken(token)
      const run = await mint(api.url)
      expectFailed(run, {
        secrets: [INPUT_TOKEN, token, 'first-line-of-token', 'second-line-of-token'],
        masks: [INPUT_TOKEN, token, 'first-line-of-token', 'second-line-of-token']
      })
    },
    TEST_LIMIT_MS
  )

  it(
    'a 300 KB token is masked and refused quickly, and never shown',
    async () => {
      const token = randomBytes(150_000).toString('hex')
      const api = await answerToken(token)
      const run = await mint(api.url)
      expectFailed(run, { secrets: [INPUT_TOKEN, token], masks: [INPUT_TOKEN, token] })
      expect(run.log).toContain("has a 'token' that is not 1 to 1024 printable ASCII characters")
    },
    TEST_LIMIT_MS
  )

  it(
    'an expires_at of 2030-02-31T00:00:00Z is refused, the token masked',
    async () => {
      const token = mintedToken()
      const api = await startHostile((req, res) =>
        res
          .writeHead(201, JSON_TYPE)
          .end(JSON.stringify({ token, expires_at: '2030-02-31T00:00:00Z' }))
      )
      const run = await mint(api.url)
      expectFailed(run, { secrets: [INPUT_TOKEN, token], masks: [INPUT_TOKEN, token] })
      expectMaskedFirst(run, [token])
      expect(run.log).toContain("has an 'expires_at' that is not an ISO 8601 time")
    },
    TEST_LIMIT_MS
  )

  it(
    'a 302 without Location is never a mint, whatever its body',
    async () => {
      const token = mintedToken()
      const api = await startHostile((req, res) =>
        res.writeHead(302, JSON_TYPE).end(JSON.stringify({ token, expires_at: EXPIRES_AT }))
      )
      const run = await mint(api.url, { retries: '3' })
      expectFailed(run, { secrets: [INPUT_TOKEN, token] })
      expect(api.requests).toHaveLength(1)
      expect(run.log).toContain('answered 302 (a redirect) without saying where to')
    },
    TEST_LIMIT_MS
  )

  it(
    'a 300 holding a token is refused (and its token masked)',
    async () => {
      const token = mintedToken()
      const api = await startHostile((req, res) =>
        res.writeHead(300, JSON_TYPE).end(JSON.stringify({ token, expires_at: EXPIRES_AT }))
      )
      const run = await mint(api.url)
      expectFailed(run, { secrets: [INPUT_TOKEN, token], masks: [INPUT_TOKEN, token] })
      expect(run.log).toContain('is not the 201 GitHub documents for a minted token')
    },
    TEST_LIMIT_MS
  )
})

describe('the input token', () => {
  it.each([
    ['a zero-width space', `${INPUT_TOKEN}\u200b`],
    ['an emoji', `${INPUT_TOKEN}\u{1F511}`],
    ['a non-ASCII letter', `ghp_e2eInputTokenNeverShowné00000000000`]
  ])(
    'with %s is refused before any request, naming token',
    async (_, token) => {
      const api = await startHostile((req, res) => githubError(res, 401, 'Bad credentials'))
      const run = await mint(api.url, { token })
      expectFailed(run, { secrets: [token, INPUT_TOKEN], masks: [token] })
      expect(api.connections).toBe(0)
      expect(run.log).toContain("Error: Input 'token' contains")
      expect(run.log).toContain('non-ASCII character')
    },
    TEST_LIMIT_MS
  )

  const QUOTED_TOKEN = 'ghp_e2e"Quoted\\Token0000000000000000'
  const base64 = (text: string) => Buffer.from(text).toString('base64')
  it.each([
    ['raw', QUOTED_TOKEN],
    ['JSON-escaped', JSON.stringify(QUOTED_TOKEN).slice(1, -1)],
    ['URL-encoded', encodeURIComponent(QUOTED_TOKEN)],
    ['base64', base64(QUOTED_TOKEN)],
    ['base64 after 1 byte', base64(`:${QUOTED_TOKEN}`)],
    ['base64 after 2 bytes', base64(`x:${QUOTED_TOKEN}`)],
    ['base64url', Buffer.from(`x-access-token:${QUOTED_TOKEN}`).toString('base64url')]
  ])(
    'with a quote and a backslash, echoed %s in GitHub’s error message, never shows',
    async (_, echo) => {
      const api = await startHostile((req, res) =>
        githubError(res, 401, `Bad credentials: ${echo} (${echo})`)
      )
      const run = await mint(api.url, { token: QUOTED_TOKEN })
      expectFailed(run, { secrets: [QUOTED_TOKEN], masks: [QUOTED_TOKEN] })
      expect(api.requests).toHaveLength(1)
      expect(api.requests[0]?.headers.authorization).toBe(redactCredential(`token ${QUOTED_TOKEN}`))
      // A base64 echo keeps what encodes the text around the token.
      expect(run.log).toMatch(/GitHub answered 401: "Bad credentials: \S*\*\*\*/)
    },
    TEST_LIMIT_MS
  )

  it(
    'in a next link, retried, never shows in the retry or debug lines',
    async () => {
      const secretQuery = `token=${INPUT_TOKEN}&b64=${base64(INPUT_TOKEN)}&enc=${encodeURIComponent(JSON.stringify(INPUT_TOKEN))}`
      let page2 = 0
      const api = await startHostile((req, res) => {
        if (req.method === 'DELETE') return void res.writeHead(204).end()
        if (!req.url?.includes('page=2')) {
          return listPage(res, [], 1, `${api.url}${LIST_PATH}?page=2&${secretQuery}`)
        }
        page2 += 1
        if (page2 === 1) return githubError(res, 502, `Bad gateway for ${INPUT_TOKEN}`)
        listPage(res, [runnerJson(1, 'spot-1')], 1)
      })
      const run = await deleteRunner(api.url, { retries: '1' }, { RUNNER_DEBUG: '1' })
      expect(run.timedOut).toBe(false)
      expect(run.exitCode).toBe(0)
      expect(api.requests.map((s) => s.method)).toEqual(['GET', 'GET', 'GET', 'DELETE'])
      expect(run.log).toContain('Attempt 1 of 2 failed (502); retrying in')
      expect(run.log).toContain('##[debug]GET http://127.0.0.1:')
      // Only the list's paging parameters are taken from a link: the rest is never sent.
      expect(run.log).toMatch(
        /##\[debug\]GET http:\/\/127\.0\.0\.1:\d+\/orgs\/octo-org\/actions\/runners\?page=2: sending/
      )
      expect(api.requests[1]?.url).toBe(`${LIST_PATH}?page=2`)
      expectOwnCommandsOnly(run)
      expectNoLeak(run, [INPUT_TOKEN])
    },
    TEST_LIMIT_MS
  )
})

describe('diagnoses that are right', () => {
  it.each([
    ['the mint action', mint, 'POST /orgs/octo-org/actions/runners/remove-token'],
    ['delete-runner', deleteRunner, `GET ${LIST_PATH}`]
  ])(
    'an HTML 404 at a GHES-looking api-url without /api/v3 (%s) says something else answered, and suggests /api/v3',
    async (_, action, request) => {
      const api = await startHostile((req, res) =>
        res.writeHead(404, { 'content-type': 'text/html' }).end('<html>Not Found</html>')
      )
      const run = await action(api.url, { org: 'octo-org' })
      expectFailed(run)
      expect(api.requests).toHaveLength(1)
      expect(run.log).toContain(request)
      expect(run.log).toContain(
        "Something other than GitHub's REST API answered 404 with text/html"
      )
      expect(run.log).toContain(`'api-url' ends in /api/v3 (${new URL(api.url).origin}/api/v3)`)
      expect(run.log).not.toContain('does not exist')
    },
    TEST_LIMIT_MS
  )

  it(
    'a cross-origin redirect says so, not that the token is invalid',
    async () => {
      const elsewhere = await startHostile((req, res) => githubError(res, 401, 'Bad credentials'))
      const api = await startHostile((req, res) =>
        res.writeHead(302, { location: `${elsewhere.url}${MINT_PATH}` }).end()
      )
      const run = await mint(api.url, { retries: '3' })
      expectFailed(run)
      expect(api.requests).toHaveLength(1)
      expect(elsewhere.connections).toBe(0)
      expect(run.log).toContain(`a 302 redirect pointed to ${elsewhere.url}, outside 'api-url'`)
      expect(run.log).not.toContain('401')
      expect(run.log).not.toContain('create a new token')
    },
    TEST_LIMIT_MS
  )

  it(
    'a 429 asking to wait 120 s fails at once, saying GitHub asked to wait 120 s',
    async () => {
      const api = await startHostile((req, res) =>
        res
          .writeHead(429, { ...JSON_TYPE, 'retry-after': '120' })
          .end(JSON.stringify({ message: 'Too Many Requests' }))
      )
      const run = await mint(api.url, { retries: '3' })
      expectFailed(run)
      expect(api.requests).toHaveLength(1)
      expect(run.log).toContain('GitHub asked to wait 120 s')
      expect(run.log).not.toContain('Attempt 1 of')
      expect(run.log).not.toContain('This needs')
    },
    TEST_LIMIT_MS
  )

  it(
    'a redirect loop on the runner list fails without retrying, and deletes nothing',
    async () => {
      const api = await startHostile((req, res) =>
        res.writeHead(302, { location: req.url ?? '/' }).end()
      )
      const run = await deleteRunner(api.url, { retries: '3' })
      expectFailed(run)
      expect(api.requests.map((s) => s.method)).toEqual(['GET', 'GET', 'GET', 'GET'])
      expect(run.log).toContain('redirected more than 3 times in a row')
      expect(run.log).not.toContain('Attempt 1 of')
    },
    TEST_LIMIT_MS
  )

  it.each([
    ['the mint action', mint],
    ['delete-runner', deleteRunner]
  ])(
    'an unparseable GITHUB_API_URL with api-url empty is an input error of %s, not a stack trace',
    async (_, action) => {
      const run = await runAction({
        actionDir: action === mint ? REPO_ROOT : DELETE_RUNNER,
        inputs: {
          token: INPUT_TOKEN,
          'api-url': '',
          ...(action === mint ? {} : { org: 'octo-org', 'runner-name': 'spot-1' })
        },
        github: { api_url: 'not a url', repository: 'octo-org/hello-world' },
        timeoutMs: RUN_LIMIT_MS
      })
      expectFailed(run)
      expect(run.log).toContain(
        `GITHUB_API_URL (used because input 'api-url' is empty) is "not a url", which is not an absolute URL`
      )
      expect(run.log).not.toMatch(/^\s+at /m)
    },
    TEST_LIMIT_MS
  )
})

describe('network failures that will not pass fail at once, with their fix', () => {
  it(
    'a host that does not exist (ENOTFOUND)',
    async () => {
      const code = await lookup('api.github.invalid').then(
        () => 'resolved',
        (error: NodeJS.ErrnoException) => error.code
      )
      if (code !== 'ENOTFOUND') {
        console.warn(`Skipped: this machine's resolver answers ${code} for .invalid, not ENOTFOUND`)
        return
      }
      const run = await mint('https://api.github.invalid', { retries: '3' })
      expectFailed(run)
      expect(run.log).toContain('(ENOTFOUND)')
      expect(run.log).toContain("The host in 'api-url' does not exist (DNS)")
      expect(run.log).not.toContain('Attempt 1 of')
    },
    TEST_LIMIT_MS
  )

  it(
    'an answer header with a character HTTP does not allow fails at once, with no advice to raise retries',
    async () => {
      const server = await startHostile((_, res) =>
        res.socket?.end(
          'HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nX-Bad: a\u0001b\r\n' +
            'Content-Length: 2\r\n\r\n{}'
        )
      )
      const run = await mint(server.url, { retries: '3' })
      expectFailed(run)
      expect(server.connections).toBe(1)
      expect(run.log).toContain('the connection failed before GitHub answered')
      expect(run.log).not.toContain('Attempt 1 of')
      expect(run.log).not.toContain("raise 'retries'")
    },
    TEST_LIMIT_MS
  )

  describe('with a self-signed certificate', () => {
    let tls: { key: string; cert: string; certFile: string } | undefined
    let folder: string
    beforeAll(async () => {
      folder = await mkdtemp(join(tmpdir(), 'hostile-tls-'))
      try {
        execFileSync(
          'openssl',
          [
            'req',
            '-x509',
            '-newkey',
            'ec',
            '-pkeyopt',
            'ec_paramgen_curve:prime256v1',
            '-nodes',
            '-days',
            '1',
            '-subj',
            '/CN=127.0.0.1',
            '-addext',
            'subjectAltName=IP:127.0.0.1',
            '-keyout',
            join(folder, 'key.pem'),
            '-out',
            join(folder, 'cert.pem')
          ],
          { stdio: 'ignore' }
        )
        tls = {
          key: await readFile(join(folder, 'key.pem'), 'utf8'),
          cert: await readFile(join(folder, 'cert.pem'), 'utf8'),
          certFile: join(folder, 'cert.pem')
        }
      } catch {
        console.warn('Skipped the TLS cases: no openssl CLI to make a self-signed certificate')
      }
    })
    afterAll(() => rm(folder, { recursive: true, force: true }))

    it(
      'fails at once and says to set NODE_EXTRA_CA_CERTS',
      async () => {
        if (!tls) return
        const api = await startHostile((req, res) => githubError(res, 500, 'unreachable'), tls)
        const run = await mint(api.url, { retries: '3' })
        expectFailed(run)
        expect(api.connections).toBe(1)
        expect(api.requests).toEqual([])
        expect(run.log).toContain('NODE_EXTRA_CA_CERTS')
        expect(run.log).not.toContain('Attempt 1 of')
      },
      TEST_LIMIT_MS
    )

    it(
      'is accepted once NODE_EXTRA_CA_CERTS names it, as the fix says',
      async () => {
        if (!tls) return
        const token = mintedToken()
        const api = await startHostile(
          (req, res) =>
            res.writeHead(201, JSON_TYPE).end(JSON.stringify({ token, expires_at: EXPIRES_AT })),
          tls
        )
        const run = await mint(api.url, {}, { NODE_EXTRA_CA_CERTS: tls.certFile })
        expect(run.exitCode).toBe(0)
        expect(run.outputs).toEqual({ token, expires_at: EXPIRES_AT })
        expectOwnCommandsOnly(run, { masks: [INPUT_TOKEN, token] })
        expectNoLeak(run, [INPUT_TOKEN, token])
      },
      TEST_LIMIT_MS
    )
  })
})

describe('smaller', () => {
  it(
    'a plain-http api-url whose host only starts with 127. gets the plain-http warning',
    async () => {
      const run = await mint('http://127.evil.invalid')
      expectFailed(run, { warnings: 1 })
      expect(run.log).toContain(
        "Warning: 'api-url' is http://127.evil.invalid: plain http sends the token unencrypted to 127.evil.invalid"
      )
    },
    TEST_LIMIT_MS
  )

  it(
    'a plain-http api-url on 127.0.0.1 gets no warning',
    async () => {
      const token = mintedToken()
      const api = await startHostile((req, res) =>
        res.writeHead(201, JSON_TYPE).end(JSON.stringify({ token, expires_at: EXPIRES_AT }))
      )
      const run = await mint(api.url)
      expect(run.exitCode).toBe(0)
      expectOwnCommandsOnly(run, { masks: [INPUT_TOKEN, token], warnings: 0 })
      expect(run.log).not.toContain('plain http')
      expectNoLeak(run, [INPUT_TOKEN, token])
    },
    TEST_LIMIT_MS
  )

  it(
    'a runner-name of 65 characters is refused before any request',
    async () => {
      const api = await startHostile((req, res) => listPage(res, [], 0))
      const run = await deleteRunner(api.url, { 'runner-name': 'r'.repeat(65) })
      expectFailed(run)
      expect(api.connections).toBe(0)
      expect(run.log).toContain("Error: Input 'runner-name'")
      expect(run.log).toContain('at most 64 characters')
    },
    TEST_LIMIT_MS
  )
})
