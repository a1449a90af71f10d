/**
 * The client (src/github/client.ts): the real Octokit of @actions/github, with our fetch, log and
 * retry loop, against loopback servers (and a loopback proxy). No nock: these tests are about
 * what goes over real sockets.
 */
import { jest } from '@jest/globals'
import { createClient, type ClientOptions, type GitHubClient } from '../../src/github/client.js'
import { causes } from '../../src/step/errors.js'
import { FailedAttempts } from '../../src/github/retry.js'
import { nodeExchanger, TransportError } from '../../src/github/transport.js'
import { USER_AGENT } from '../../src/github/version.js'
import { redactCredential, type Simulator } from '../harness/github-simulator.js'
import {
  closedPort,
  startHostile as serve,
  startProxy,
  type Proxy,
  type Script as Handler
} from '../harness/test-servers.js'
import { rejection } from '../harness/rejection.ts'

// Installed before @actions/github (and so @octokit/core, which binds console.warn when it is
// loaded) is first imported by createClient: whatever Octokit prints by itself lands here.
const consoleWarn = jest.spyOn(console, 'warn').mockImplementation(() => undefined)
const consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined)
const stderrWrite = jest.spyOn(process.stderr, 'write')

const TOKEN = 'ghp_clientUnitTestToken000000000000000000'
const REQUEST_ID = 'CF94:2BE0:1E4A3E:3CE7D0:6400F8B0'

let lines: { info: string[]; debug: string[]; warning: string[] }
let clock: number
let clients: GitHubClient[]
const envBefore = { ...process.env }

beforeEach(() => {
  lines = { info: [], debug: [], warning: [] }
  clock = 1_000_000
  clients = []
  consoleWarn.mockClear()
  consoleError.mockClear()
  stderrWrite.mockClear()
})

afterEach(async () => {
  await Promise.all(clients.map((client) => client.close()))
  process.env = { ...envBefore }
})

afterAll(() => jest.restoreAllMocks())

/** A client on the injected clock: `sleep` moves it on, and waits for nothing. */
async function client(apiUrl: string, options: Partial<ClientOptions> = {}) {
  const created = await createClient({
    token: TOKEN,
    apiUrl,
    retries: 2,
    timeoutS: 5,
    log: {
      info: (line) => lines.info.push(line),
      debug: (line) => lines.debug.push(line),
      warning: (line) => lines.warning.push(line)
    },
    random: () => 0,
    sleep: async (ms) => {
      clock += ms
    },
    now: () => clock,
    ...options
  })
  clients.push(created)
  return created
}

/** Answers each request with the next of `handlers`; the last one answers the rest. */
function inTurn(...handlers: Handler[]): Handler {
  let next = 0
  return (request, res, n) => {
    const handler = handlers[Math.min(next, handlers.length - 1)]
    next += 1
    handler?.(request, res, n)
  }
}

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Handler =>
  (_, res) =>
    res
      .writeHead(status, { 'content-type': 'application/json', ...headers })
      .end(JSON.stringify(body))

const silent: Handler = () => undefined

const minted = {
  token: 'AABF3JGZDX3P5PMEXLND6TS6FCWO6',
  expires_at: '2020-01-29T12:13:35.123-08:00'
}

describe('requests', () => {
  it('retries a 502, logging one line, then returns the answer', async () => {
    const api = await serve(inTurn(json(502, { message: 'Bad Gateway' }), json(201, minted)))
    const github = await client(api.url)
    const response = await github.request(
      'POST /repos/{owner}/{repo}/actions/runners/remove-token',
      {
        owner: 'o',
        repo: 'r'
      }
    )
    expect(response).toMatchObject({ status: 201, data: minted })
    expect(lines.info).toEqual(['Attempt 1 of 3 failed (502); retrying in 1.0 s'])
    expect(api.requests.map(({ method, url }) => `${method} ${url}`)).toEqual([
      'POST /repos/o/r/actions/runners/remove-token',
      'POST /repos/o/r/actions/runners/remove-token'
    ])
    expect(api.requests[1]?.headers.authorization).toBe(redactCredential(`token ${TOKEN}`))
  })

  it('sends the JSON media type, the API version, its user agent and the token', async () => {
    const api = await serve(json(201, minted))
    await (await client(api.url)).request('POST /x', { data: { a: 1 } })
    const [sent] = api.requests
    expect(sent?.headers).toMatchObject({
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
      authorization: redactCredential(`token ${TOKEN}`),
      'content-type': 'application/json; charset=utf-8'
    })
    expect(sent?.headers['user-agent']).toMatch(new RegExp(`^${USER_AGENT} octokit-core\\.js/`))
    expect(sent?.body).toBe('{"a":1}')
  })

  it('gives up after retries + 1 attempts, timed on the injected clock', async () => {
    const api = await serve(json(503, { message: 'Service Unavailable' }))
    const failure = await rejection(
      (await client(api.url, { retries: 2 })).request('POST /x'),
      FailedAttempts
    )
    expect(failure).toMatchObject({ attempts: 3, elapsedMs: 1000 + 1000 })
    expect(failure.last).toMatchObject({ status: 503, message: 'Service Unavailable' })
    expect(api.requests).toHaveLength(3)
    expect(lines.info).toEqual([
      'Attempt 1 of 3 failed (503); retrying in 1.0 s',
      'Attempt 2 of 3 failed (503); retrying in 1.0 s'
    ])
  })

  it('does not retry a 404', async () => {
    const api = await serve(json(404, { message: 'Not Found' }))
    const failure = await rejection((await client(api.url)).request('POST /x'), FailedAttempts)
    expect([failure.attempts, failure.message, api.requests.length]).toEqual([1, 'Not Found', 1])
    expect(lines.info).toEqual([])
  })

  it('abandons an attempt at the time-out and retries it', async () => {
    const api = await serve(inTurn(silent, json(201, minted)))
    const response = await (await client(api.url, { timeoutS: 0.5 })).request('POST /x')
    expect(response.status).toBe(201)
    expect(lines.info).toEqual(['Attempt 1 of 3 failed (timeout); retrying in 1.0 s'])
    expect(lines.debug).toContainEqual(
      expect.stringMatching(/^POST http:\/\/127\.0\.0\.1:\d+\/x: failed after \d+ ms: timeout$/)
    )
  })

  it('does not retry an answer larger than 4 MiB, and says why in the debug log', async () => {
    const api = await serve((_, res) => res.end(Buffer.alloc(4 * 1024 * 1024 + 1)))
    const failure = await rejection((await client(api.url)).request('GET /x'), FailedAttempts)
    expect(failure.attempts).toBe(1)
    expect(causes(failure.last).find((cause) => cause instanceof TransportError)).toMatchObject({
      problem: 'body-too-large'
    })
    expect(lines.debug.at(-1)).toMatch(
      /: failed after \d+ ms: the answer's body is larger than 4 MiB; it was abandoned unread$/
    )
  })

  it('refuses a redirect to another origin, sending it nothing and not retrying', async () => {
    const other = await serve(json(201, minted))
    const api = await serve((_, res) =>
      res.writeHead(307, { location: `${other.url}/steal?token=x` }).end()
    )
    const failure = await rejection((await client(api.url)).request('POST /x'), FailedAttempts)
    expect(failure.attempts).toBe(1)
    expect(failure.message).toBe(
      `a 307 redirect pointed to ${other.url}, outside 'api-url' (${api.url}); nothing was sent there`
    )
    expect(other.requests).toEqual([])
  })

  it('retries a refused connection with the real clock, randomness and sleep', async () => {
    const apiUrl = `http://127.0.0.1:${await closedPort()}`
    const github = await client(apiUrl, {
      retries: 1,
      random: undefined,
      sleep: undefined,
      now: undefined
    })
    const started = performance.now()
    const failure = await rejection(github.request('POST /x'), FailedAttempts)
    expect(failure.attempts).toBe(2)
    // Attempt 1's backoff is between 0.5 and 1 s, and was really waited.
    expect(performance.now() - started).toBeGreaterThanOrEqual(490)
    expect(failure.elapsedMs).toBeGreaterThanOrEqual(490)
    expect(lines.info).toEqual([
      expect.stringMatching(
        /^Attempt 1 of 2 failed \(ECONNREFUSED\); retrying in (0\.[5-9]|1\.0) s$/
      )
    ])
    expect(lines.debug.at(-1)).toMatch(/: failed after \d+ ms: ECONNREFUSED$/)
  })
})

describe('what is logged', () => {
  it('logs each exchange at debug level, with only the headers of a documented shape', async () => {
    const api = await serve(
      json(201, minted, {
        'x-github-request-id': REQUEST_ID,
        'x-ratelimit-remaining': '4999',
        'x-ratelimit-reset': '1700000000',
        'retry-after': '0',
        'set-cookie': 'session=s3cr3t',
        link: '<https://api.github.com/x?page=2>; rel="next"',
        'x-github-sso': 'required; url=https://github.com/orgs/o/sso'
      })
    )
    await (await client(api.url)).request('POST /x')
    expect(lines.debug).toEqual([
      `Requests to ${api.url} go directly, with no proxy`,
      `POST ${api.url}/x: sending (time-out 5 s)`,
      expect.stringMatching(
        new RegExp(
          `^POST ${api.url}/x: 201 in \\d+ ms \\(x-github-request-id: ${REQUEST_ID}, ` +
            'x-ratelimit-remaining: 4999, x-ratelimit-reset: 1700000000, retry-after: 0\\)$'
        )
      )
    ])
    const logged = Object.values(lines).flat().join('\n')
    expect(logged).not.toContain(TOKEN)
    expect(logged).not.toMatch(/authorization|session|s3cr3t|sso|page=2/i)
  })

  it('shows no header whose value is not of the documented shape', async () => {
    const api = await serve(
      json(201, minted, {
        'x-github-request-id': `token ${TOKEN}`,
        'x-ratelimit-remaining': 'plenty',
        'retry-after': '-1'
      })
    )
    await (await client(api.url)).request('GET /x')
    expect(lines.debug[2]).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/x: 201 in \d+ ms$/)
    expect(lines.debug.join('\n')).not.toContain(TOKEN)
  })

  it('prints nothing by itself for a deprecated endpoint: no console.warn, nothing on stderr', async () => {
    const api = await serve(
      json(
        200,
        { ok: true },
        {
          deprecation: 'Sat, 01 Nov 2025 00:00:00 GMT',
          sunset: 'Sun, 01 Nov 2026 00:00:00 GMT',
          link: '<https://docs.github.com/deprecated>; rel="deprecation"'
        }
      )
    )
    const github = await client(api.url)
    stderrWrite.mockClear()
    const response = await github.request('GET /x')
    expect(response.data).toEqual({ ok: true })
    expect(consoleWarn).not.toHaveBeenCalled()
    expect(consoleError).not.toHaveBeenCalled()
    expect(stderrWrite).not.toHaveBeenCalled()
    expect(lines.warning).toEqual([])
  })

  it("(control) Octokit without this client's logger does warn on the console for it", async () => {
    process.env.GITHUB_API_URL = 'https://api.github.test'
    const { getOctokit } = await import('@actions/github')
    const deprecated = async () => ({
      status: 200,
      url: 'https://api.github.test/x',
      headers: new Map([
        ['content-type', 'application/json'],
        ['deprecation', 'true']
      ]),
      text: async () => '{}'
    })
    await getOctokit(TOKEN, { request: { fetch: deprecated as unknown as typeof fetch } }).request(
      'GET /x'
    )
    expect(consoleWarn).toHaveBeenCalledWith(expect.stringMatching(/"GET .*\/x" is deprecated/))
    consoleWarn.mockClear()
  })
})

describe('the proxy', () => {
  const GHES = 'https://ghes.example.com/api/v3'
  it.each([
    [GHES, {}, 'directly, with no proxy'],
    [GHES, { HTTPS_PROXY: 'http://127.0.0.1:3128' }, 'through the proxy'],
    [GHES, { https_proxy: 'http://127.0.0.1:3128' }, 'through the proxy'],
    [
      'http://ghes.example.com/api/v3',
      { HTTPS_PROXY: 'http://127.0.0.1:3128' },
      'directly, with no proxy'
    ],
    [
      'http://ghes.example.com/api/v3',
      { HTTP_PROXY: 'http://127.0.0.1:3128' },
      'through the proxy'
    ],
    [GHES, { HTTP_PROXY: 'http://127.0.0.1:3128' }, 'directly, with no proxy'],
    [
      GHES,
      { HTTPS_PROXY: 'http://127.0.0.1:3128', NO_PROXY: 'example.com' },
      'directly, with no proxy'
    ],
    [
      GHES,
      { HTTPS_PROXY: 'http://127.0.0.1:3128', NO_PROXY: 'ghes.example.com:443' },
      'directly, with no proxy'
    ],
    [GHES, { HTTPS_PROXY: 'http://127.0.0.1:3128', no_proxy: '*' }, 'directly, with no proxy'],
    [
      'https://api.github.com',
      { HTTPS_PROXY: 'http://127.0.0.1:3128', NO_PROXY: 'ghes.example.com' },
      'through the proxy'
    ],
    // @actions/http-client never sends a loopback address through a proxy.
    ['http://127.0.0.1:8080', { HTTP_PROXY: 'http://127.0.0.1:3128' }, 'directly, with no proxy']
  ])('sends requests to %s with %o %s', async (apiUrl, env, how) => {
    Object.assign(process.env, env)
    await client(apiUrl)
    expect(lines.debug).toEqual([`Requests to ${apiUrl} go ${how}`])
  })

  /** The API as `http://api.github.test`, reachable only through a loopback proxy. */
  async function behindProxy(handler: Handler): Promise<{ api: Simulator; proxy: Proxy }> {
    const api = await serve(handler)
    const proxy = await startProxy(api.port)
    process.env.HTTP_PROXY = proxy.url
    return { api, proxy }
  }

  it("sends a request through the proxy, with Node's own agent", async () => {
    const { api, proxy } = await behindProxy(
      json(201, minted, { 'x-github-request-id': REQUEST_ID })
    )
    const github = await client('http://api.github.test')
    const response = await github.request('POST /x', { a: 1 })
    expect(response).toMatchObject({ status: 201, data: minted })
    expect(proxy.seen.map(({ line }) => line)).toEqual(['POST http://api.github.test/x'])
    expect(api.requests).toEqual([
      expect.objectContaining({
        method: 'POST',
        url: '/x',
        body: '{"a":1}',
        headers: expect.objectContaining({
          host: 'api.github.test',
          authorization: redactCredential(`token ${TOKEN}`),
          accept: 'application/vnd.github+json'
        })
      })
    ])
    expect(lines.debug[0]).toBe('Requests to http://api.github.test go through the proxy')
    expect(lines.debug[2]).toMatch(
      new RegExp(
        `^POST http://api\\.github\\.test/x: 201 in \\d+ ms \\(x-github-request-id: ${REQUEST_ID}\\)$`
      )
    )
    await expect(github.close()).resolves.toBeUndefined()
  })

  it('retries a timed-out attempt through the proxy on a new connection', async () => {
    const { api, proxy } = await behindProxy(inTurn(silent, json(201, minted)))
    const github = await client('http://api.github.test', { timeoutS: 0.5 })
    const response = await github.request('POST /x')
    expect(response.status).toBe(201)
    expect(lines.info).toEqual(['Attempt 1 of 3 failed (timeout); retrying in 1.0 s'])
    expect(api.requests).toHaveLength(2)
    expect(proxy.seen.map(({ line }) => line)).toEqual([
      'POST http://api.github.test/x',
      'POST http://api.github.test/x'
    ])
  })

  it("follows a renamed repository's redirect through the proxy, and refuses another origin", async () => {
    const { api } = await behindProxy((request, res) => {
      if (request.url === '/repos/o/r/x')
        res.writeHead(308, { location: '/repositories/1/x' }).end()
      else if (request.url === '/repositories/1/x') res.end(JSON.stringify(minted))
      else res.writeHead(302, { location: 'http://elsewhere.test/x' }).end()
    })
    const github = await client('http://api.github.test')
    expect((await github.request('POST /repos/o/r/x')).data).toBe(JSON.stringify(minted))
    const failure = await rejection(github.request('POST /leave'), FailedAttempts)
    expect(failure.attempts).toBe(1)
    expect(failure.message).toContain('pointed to http://elsewhere.test, outside')
    expect(api.requests.map(({ method, url }) => `${method} ${url}`)).toEqual([
      'POST /repos/o/r/x',
      'POST /repositories/1/x',
      'POST /leave'
    ])
  })
})

describe('a proxy on a Node without proxyEnv', () => {
  it('is refused before any request, naming the runner version that can', async () => {
    process.env.HTTPS_PROXY = 'http://127.0.0.1:3128'
    expect(() => nodeExchanger('https://api.github.com', '24.4.0')).toThrow(
      "A proxy is set for 'api-url' (HTTPS_PROXY), and this runner's Node 24.4.0 cannot send " +
        'through one: update the runner to v2.328.0 or later (Node 24.5), or set NO_PROXY for this host.'
    )
    process.env.HTTP_PROXY = 'http://127.0.0.1:3128'
    expect(() => nodeExchanger('http://ghes.example.com', '20.19.0')).toThrow(
      "A proxy is set for 'api-url' (HTTP_PROXY)"
    )
    expect(nodeExchanger('https://api.github.com', '24.5.0').via).toBe('through the proxy')
    expect(nodeExchanger('https://api.github.com', '25.0.0').via).toBe('through the proxy')
  })

  it('is not needed when no proxy applies', () => {
    expect(nodeExchanger('https://api.github.com', '24.4.0').via).toBe('directly, with no proxy')
  })
})

describe('close', () => {
  it('resolves for a client with no proxy', async () => {
    const api = await serve(json(200, {}))
    const github = await client(api.url)
    await github.request('GET /x')
    await expect(github.close()).resolves.toBeUndefined()
  })
})
