import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import nock from 'nock'
import { attemptFetch, createClient, type ClientOptions } from '../src/github/client.js'
import type { Attempted } from '../src/github/retry-policy.js'
import { closedPort, startProxy } from './e2e/support.ts'

const API = 'https://api.github.test'
const TOKEN = 'ghp_clientTestToken000000000000000000000'

let info: string[]
let debug: string[]
function client(options: Partial<ClientOptions> = {}) {
  return createClient({
    token: TOKEN,
    apiUrl: API,
    retries: 2,
    timeoutS: 5,
    log: { info: (line) => info.push(line), debug: (line) => debug.push(line) },
    random: () => 0,
    sleep: async () => undefined,
    ...options
  })
}

beforeAll(() => nock.disableNetConnect())
beforeEach(() => {
  info = []
  debug = []
})
afterEach(() => nock.cleanAll())
afterAll(() => {
  nock.enableNetConnect()
  nock.restore()
})

async function failure(promise: Promise<unknown>): Promise<{ status?: number } & Attempted> {
  try {
    await promise
  } catch (error) {
    return error as { status?: number } & Attempted
  }
  throw new Error('expected the request to fail')
}

describe('retries', () => {
  it('retries a server error, logging one line, and succeeds', async () => {
    const api = nock(API)
      .post('/x')
      .reply(502, { message: 'Bad Gateway' })
      .post('/x')
      .reply(201, {})
    const response = await client().request('POST /x')
    expect(response.status).toBe(201)
    expect(api.isDone()).toBe(true)
    expect(info).toEqual(['Attempt 1 of 3 failed (502); retrying in 0.5 s'])
  })

  it('gives up after the configured retries, saying how many attempts were made', async () => {
    const api = nock(API).post('/x').times(3).reply(503, { message: 'Unavailable' })
    const error = await failure(client({ retries: 2 }).request('POST /x'))
    expect(api.isDone()).toBe(true)
    expect(error.status).toBe(503)
    expect(error.attempts).toBe(3)
    expect(info).toEqual([
      'Attempt 1 of 3 failed (503); retrying in 0.5 s',
      'Attempt 2 of 3 failed (503); retrying in 1.0 s'
    ])
  })

  it('does not retry when retries is 0', async () => {
    nock(API).post('/x').reply(500, {})
    const error = await failure(client({ retries: 0 }).request('POST /x'))
    expect(error.attempts).toBe(1)
    expect(info).toEqual([])
  })

  it.each([400, 401, 403, 404, 422])('never retries a %i', async (status) => {
    const api = nock(API).post('/x').reply(status, { message: 'no' })
    const error = await failure(client().request('POST /x'))
    expect(api.isDone()).toBe(true)
    expect(error.attempts).toBe(1)
    expect(info).toEqual([])
  })

  it("waits at least a 429's retry-after", async () => {
    nock(API)
      .post('/x')
      .reply(429, { message: 'Too Many Requests' }, { 'retry-after': '1' })
      .post('/x')
      .reply(201, {})
    await client().request('POST /x')
    expect(info).toEqual(['Attempt 1 of 3 failed (429); retrying in 1.0 s'])
  })

  it('retries a secondary rate limit through plugin-throttling, within the same budget', async () => {
    const limited = { message: 'You have exceeded a secondary rate limit.' }
    nock(API)
      .post('/x')
      .reply(403, limited, { 'retry-after': '1' })
      .post('/x')
      .reply(502, {})
      .post('/x')
      .reply(403, limited, { 'retry-after': '1' })
    const error = await failure(client({ retries: 2 }).request('POST /x'))
    expect(error.status).toBe(403)
    expect(error.attempts).toBe(3)
    expect(info).toEqual([
      'Attempt 1 of 3 failed (403 secondary rate limit); retrying in 1.0 s',
      'Attempt 2 of 3 failed (502); retrying in 1.0 s'
    ])
  })

  it('fails at once when a server error asks to come back in more than a minute', async () => {
    const api = nock(API)
      .post('/x')
      .reply(503, { message: 'Maintenance' }, { 'retry-after': '3600' })
    const error = await failure(client().request('POST /x'))
    expect(api.isDone()).toBe(true)
    expect(error.attempts).toBe(1)
    expect(info).toEqual([])
  })

  it('takes a time-out with a fraction of a second', async () => {
    nock(API).post('/x').reply(201, {})
    await expect(client({ timeoutS: 16.1 }).request('POST /x')).resolves.toMatchObject({
      status: 201
    })
  })

  it('tracks attempts per request', async () => {
    const octokit = client({ retries: 1 })
    nock(API).post('/x').reply(502, {}).post('/x').reply(201, {})
    await octokit.request('POST /x')
    nock(API).post('/y').reply(502, {}).post('/y').reply(201, {})
    await octokit.request('POST /y')
    expect(info).toEqual([
      'Attempt 1 of 2 failed (502); retrying in 0.5 s',
      'Attempt 1 of 2 failed (502); retrying in 0.5 s'
    ])
  })
})

describe('retries with the default clock and randomness', () => {
  it('retries a refused connection', async () => {
    nock.enableNetConnect('127.0.0.1')
    const apiUrl = `http://127.0.0.1:${await closedPort()}`
    const error = await failure(
      client({ apiUrl, retries: 1, random: undefined, sleep: undefined }).request('POST /x')
    ).finally(() => nock.disableNetConnect())
    expect(error.attempts).toBe(2)
    expect(info).toEqual([
      expect.stringMatching(
        /^Attempt 1 of 2 failed \(ECONNREFUSED\); retrying in (0\.[5-9]|1\.0) s$/
      )
    ])
  })

  it('sleeps its jitter before retrying a secondary rate limit', async () => {
    const limited = { message: 'You have exceeded a secondary rate limit.' }
    nock(API).post('/x').reply(429, limited, { 'retry-after': '1' }).post('/x').reply(201, {})
    const started = performance.now()
    await client({ random: undefined, sleep: undefined }).request('POST /x')
    // A lower bound only: retry-after is honoured (the jitter comes on top).
    expect(performance.now() - started).toBeGreaterThanOrEqual(1000)
    expect(info).toEqual([
      expect.stringMatching(
        /^Attempt 1 of 3 failed \(429 secondary rate limit\); retrying in (1\.\d|2\.0) s$/
      )
    ])
  })
})

describe('attemptFetch', () => {
  const log = () => ({
    info: (line: string) => info.push(line),
    debug: (line: string) => debug.push(line)
  })

  it('abandons an attempt that takes longer than the time-out', async () => {
    // nock's delay() does not see undici's abort, so a loopback server that never answers.
    nock.enableNetConnect('127.0.0.1')
    const silent = createServer(() => undefined)
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`
    try {
      const fetch = attemptFetch(url, 100, log())
      await expect(fetch(`${url}/slow`, { method: 'POST' })).rejects.toMatchObject({
        name: 'TimeoutError'
      })
    } finally {
      silent.closeAllConnections()
      await new Promise((resolve) => silent.close(resolve))
      nock.disableNetConnect()
    }
    expect(debug[debug.length - 1]).toMatch(/: failed after \d+ ms: timeout$/)
  })

  it('logs safe headers only, never the authorization', async () => {
    nock(API).post('/x').reply(
      201,
      { ok: true },
      {
        'x-github-request-id': 'AB:CD',
        'x-ratelimit-remaining': '4999',
        'set-cookie': 'secret=1'
      }
    )
    const fetch = attemptFetch(API, 5000, log())
    const response = await fetch(`${API}/x`, {
      method: 'POST',
      headers: { authorization: `token ${TOKEN}` }
    })
    expect(await response.json()).toEqual({ ok: true })
    expect(response.url).toBe(`${API}/x`)
    expect(debug).toEqual([
      `Requests to ${API} go directly, with no proxy`,
      `POST ${API}/x: sending (time-out 5 s)`,
      expect.stringMatching(
        /^POST https:\/\/api\.github\.test\/x: 201 in \d+ ms \(x-github-request-id: AB:CD, x-ratelimit-remaining: 4999\)$/
      )
    ])
    expect(debug.join('\n')).not.toContain(TOKEN)
    expect(debug.join('\n')).not.toContain('secret=1')
  })

  it('passes a 204 on with no body', async () => {
    nock(API).delete('/x').reply(204)
    const response = await attemptFetch(API, 5000, log())(`${API}/x`, { method: 'DELETE' })
    expect(response.status).toBe(204)
    expect(response.body).toBeNull()
    expect(debug[2]).toMatch(/: 204 in \d+ ms$/)
  })

  it.each([
    ['https://ghes.example.com/api/v3', {}, 'directly, with no proxy'],
    [
      'https://ghes.example.com/api/v3',
      { HTTPS_PROXY: 'http://127.0.0.1:3128' },
      'through the proxy'
    ],
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
    [
      'https://ghes.example.com/api/v3',
      { HTTPS_PROXY: 'http://127.0.0.1:3128', NO_PROXY: 'example.com' },
      'directly, with no proxy'
    ],
    [
      'https://api.github.com',
      { HTTPS_PROXY: 'http://127.0.0.1:3128', NO_PROXY: 'ghes.example.com' },
      'through the proxy'
    ]
  ])('decides on the proxy for %s with %o', (apiUrl, env, how) => {
    Object.assign(process.env, env)
    try {
      attemptFetch(apiUrl, 5000, log())
    } finally {
      for (const name of Object.keys(env)) Reflect.deleteProperty(process.env, name)
    }
    expect(debug).toEqual([`Requests to ${apiUrl} go ${how}`])
  })

  it('sends through the proxy with undici when one applies', async () => {
    // nock sees the request for the target host; the proxy (on loopback) is what it reaches.
    nock.enableNetConnect(
      (host) => host.startsWith('127.0.0.1') || host.startsWith('api.github.test')
    )
    const target = createServer((req, res) => {
      req.resume()
      res.writeHead(201, { 'content-type': 'application/json' }).end(`{"path":"${req.url}"}`)
    })
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve))
    const proxy = await startProxy((target.address() as AddressInfo).port)
    process.env.HTTP_PROXY = proxy.url
    try {
      const fetch = attemptFetch('http://api.github.test', 5000, log())
      const response = await fetch('http://api.github.test/x', { method: 'POST' })
      expect(await response.json()).toEqual({ path: '/x' })
      expect(proxy.seen).toHaveLength(1)
      expect(debug[0]).toBe('Requests to http://api.github.test go through the proxy')
    } finally {
      delete process.env.HTTP_PROXY
      await proxy.close()
      target.closeAllConnections()
      await new Promise((resolve) => target.close(resolve))
      nock.disableNetConnect()
    }
  })

  it('logs the message of a failure that has no error code', async () => {
    nock(API).post('/x').replyWithError('the line went quiet')
    const fetch = attemptFetch(API, 5000, log())
    await expect(fetch(`${API}/x`, { method: 'POST' })).rejects.toThrow('fetch failed')
    expect(debug[2]).toMatch(/: failed after \d+ ms: the line went quiet$/)
  })

  it('sends GET when no method is given', async () => {
    nock(API).get('/x').reply(200, {})
    await attemptFetch(API, 5000, log())(`${API}/x`)
    expect(debug[1]).toBe(`GET ${API}/x: sending (time-out 5 s)`)
  })
})
