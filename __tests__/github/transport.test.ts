/**
 * The transport (src/github/transport.ts) against real sockets: loopback servers on 127.0.0.1,
 * so that "nothing was sent", "the socket was destroyed" and "within the deadline" are observed
 * where they happen, not inferred from a mock.
 */
import { jest } from '@jest/globals'
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib'
import {
  directExchange,
  knownHeaders,
  MAX_BODY_BYTES,
  MAX_REDIRECTS,
  pinnedFetch,
  readBounded,
  TransportError,
  type Exchange,
  type Exchanger
} from '../../src/github/transport.js'
import { redactCredential, type Simulator } from '../harness/github-simulator.js'
import { closedPort, startHostile as serve, within } from '../harness/test-servers.js'
import { rejection } from '../harness/rejection.ts'

const TOKEN = 'ghp_transportTestToken00000000000000000'
const POST = {
  method: 'POST',
  headers: { authorization: `token ${TOKEN}`, 'content-type': 'application/json' },
  body: '{"labels":["a b"]}'
}

function fetchOn(api: Simulator, options: { timeoutMs?: number; maxBytes?: number } = {}) {
  return pinnedFetch(api.url, options.timeoutMs ?? 5000, directExchange, options.maxBytes)
}

/** An exchanger that answers from a script and records the URLs it was asked for. */
function scripted(...answers: Exchange[]): { exchange: Exchanger; asked: string[] } {
  const asked: string[] = []
  const exchange: Exchanger = async (url) => {
    asked.push(url.href)
    const next = answers.shift()
    if (!next) throw new Error('no answer scripted')
    return next
  }
  return { exchange, asked }
}

const empty = Buffer.alloc(0)

describe('one exchange', () => {
  it('sends the method, headers and body, and reads the answer as Octokit needs it', async () => {
    const api = await serve((_, res) =>
      res
        .writeHead(201, {
          'content-type': 'application/json; charset=utf-8',
          'x-github-request-id': 'CF94:2BE0:1E4A3E:3CE7D0:6400F8B0',
          'set-cookie': ['a=1', 'b=2']
        })
        .end('{"token":"é"}')
    )
    const response = await fetchOn(api)(`${api.url}/repos/o/r/actions/runners/remove-token`, POST)
    expect(api.requests).toEqual([
      expect.objectContaining({
        method: 'POST',
        url: '/repos/o/r/actions/runners/remove-token',
        body: POST.body,
        headers: expect.objectContaining({ authorization: redactCredential(`token ${TOKEN}`) })
      })
    ])
    expect(response).toMatchObject({
      status: 201,
      statusText: '',
      url: `${api.url}/repos/o/r/actions/runners/remove-token`,
      body: null
    })
    expect([...response.headers]).toEqual([
      ['content-type', 'application/json; charset=utf-8'],
      ['x-github-request-id', 'CF94:2BE0:1E4A3E:3CE7D0:6400F8B0']
    ])
    expect(await response.text()).toBe('{"token":"é"}')
    const bytes = await response.arrayBuffer()
    expect(bytes.byteLength).toBe(Buffer.byteLength('{"token":"é"}'))
    expect(Buffer.from(bytes).toString('utf8')).toBe('{"token":"é"}')
  })

  it('sends a GET with no body when given no options', async () => {
    const api = await serve((_, res) => res.writeHead(200).end('plain'))
    const response = await fetchOn(api)(`${api.url}/x`)
    expect(api.requests).toEqual([expect.objectContaining({ method: 'GET', url: '/x', body: '' })])
    expect(await response.text()).toBe('plain')
  })

  it('passes an answer with no body on as empty', async () => {
    const api = await serve((_, res) => res.writeHead(204).end())
    const response = await fetchOn(api)(`${api.url}/x`, { method: 'DELETE' })
    expect(response.status).toBe(204)
    expect(await response.text()).toBe('')
  })

  it('fails as fetch does when the connection is refused, with the code as cause', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`
    await expect(pinnedFetch(url, 5000, directExchange)(`${url}/x`)).rejects.toMatchObject({
      name: 'TypeError',
      message: 'fetch failed',
      cause: { code: 'ECONNREFUSED' }
    })
  })

  it('speaks https to an https api-url', async () => {
    const url = `https://127.0.0.1:${await closedPort()}`
    await expect(pinnedFetch(url, 5000, directExchange)(`${url}/x`)).rejects.toMatchObject({
      message: 'fetch failed',
      cause: { code: 'ECONNREFUSED' }
    })
  })

  it('fails as fetch does when the connection drops in the middle of the body', async () => {
    const api = await serve((_, res) => {
      res.writeHead(200, { 'content-length': '1000' })
      res.write('partial', () => res.socket?.destroy())
    })
    await expect(fetchOn(api)(`${api.url}/x`)).rejects.toMatchObject({
      message: 'fetch failed',
      cause: { code: 'ECONNRESET' }
    })
  })
})

describe('the origin pin', () => {
  it('refuses a request to another origin, sending nothing anywhere', async () => {
    const api = await serve((_, res) => res.end())
    const other = await serve((_, res) => res.end())
    const error = await rejection(fetchOn(api)(`${other.url}/x`, POST), TransportError)
    expect(error).toMatchObject({ problem: 'off-origin', origin: other.url })
    expect(error.message).toBe(
      `a request pointed to ${other.url}, outside 'api-url' (${api.url}); nothing was sent there`
    )
    expect([api.requests, other.requests]).toEqual([[], []])
  })

  it.each([
    ['another scheme', (port: number) => `https://127.0.0.1:${port}/x`],
    ['another host name for the same address', (port: number) => `http://localhost:${port}/x`]
  ])('refuses %s', async (_, urlOf) => {
    const api = await serve((_, res) => res.end())
    const error = await rejection(fetchOn(api)(urlOf(api.port)), TransportError)
    expect(error.problem).toBe('off-origin')
    expect(api.requests).toEqual([])
  })

  it('accepts any path on the origin of an api-url that has a path', async () => {
    const api = await serve((request, res) => res.end(request.url))
    const fetch = pinnedFetch(`${api.url}/api/v3`, 5000, directExchange)
    expect(await (await fetch(`${api.url}/api/v3/x`)).text()).toBe('/api/v3/x')
  })
})

describe('redirects', () => {
  /** Answers `status` to `/old`, and 201 with the path to anything else. */
  function redirecting(status: number, location = '/new?page=2') {
    return serve((request, res) => {
      if (request.url === '/old') res.writeHead(status, { location }).end()
      else res.writeHead(201, { 'content-type': 'application/json' }).end(`"${request.url}"`)
    })
  }

  it.each([301, 302, 307, 308])(
    'repeats a POST answered %i as the same POST, body and authorization included',
    async (status) => {
      const api = await redirecting(status)
      const response = await fetchOn(api)(`${api.url}/old`, POST)
      expect(response.status).toBe(201)
      expect(response.url).toBe(`${api.url}/new?page=2`)
      expect(await response.text()).toBe('"/new?page=2"')
      const sent = api.requests.map(({ method, url, body, headers }) => ({
        method,
        url,
        body,
        authorization: headers.authorization,
        contentType: headers['content-type']
      }))
      const same = {
        body: POST.body,
        authorization: redactCredential(`token ${TOKEN}`),
        contentType: 'application/json'
      }
      expect(sent).toEqual([
        { method: 'POST', url: '/old', ...same },
        { method: 'POST', url: '/new?page=2', ...same }
      ])
    }
  )

  it('follows an absolute Location on the same origin', async () => {
    const api = await serve((request, res) => {
      if (request.url === '/old') res.writeHead(308, { location: `${api.url}/new` }).end()
      else res.end('arrived')
    })
    expect(await (await fetchOn(api)(`${api.url}/old`, POST)).text()).toBe('arrived')
  })

  it('resolves a relative Location against the URL that answered', async () => {
    const api = await serve((request, res) => {
      if (request.url === '/a/b/old') res.writeHead(307, { location: 'new' }).end()
      else res.end(request.url)
    })
    expect(await (await fetchOn(api)(`${api.url}/a/b/old`)).text()).toBe('/a/b/new')
  })

  it('refuses a redirect to another origin, naming only its origin, and sends it nothing', async () => {
    const other = await serve((_, res) => res.end('should never be asked'))
    const location = `${other.url}/secret/path?code=hidden-value`
    const api = await serve((_, res) => res.writeHead(307, { location }).end())
    const error = await rejection(fetchOn(api)(`${api.url}/old`, POST), TransportError)
    expect(error).toMatchObject({ problem: 'off-origin', origin: other.url })
    expect(error.message).toBe(
      `a 307 redirect pointed to ${other.url}, outside 'api-url' (${api.url}); nothing was sent there`
    )
    expect(error.message).not.toContain('/secret/path')
    expect(error.message).not.toContain('hidden-value')
    expect(api.requests).toHaveLength(1)
    expect(other.requests).toEqual([])
  })

  it.each([
    ['data:', 'data:text/plain,hello', 'a data: URL'],
    ['file:', 'file:///etc/passwd', 'a file: URL'],
    ['javascript:', 'javascript:alert(1)', 'a javascript: URL']
  ])('refuses a %s Location', async (_, location, named) => {
    const api = await serve((_, res) => res.writeHead(302, { location }).end())
    const error = await rejection(fetchOn(api)(`${api.url}/old`), TransportError)
    expect(error).toMatchObject({ problem: 'off-origin', origin: named })
    expect(error.message).toBe(
      `a 302 redirect pointed to ${named}, outside 'api-url' (${api.url}); nothing was sent there`
    )
    expect(api.requests).toHaveLength(1)
  })

  it('refuses a redirect from https down to http on the same host', async () => {
    const { exchange, asked } = scripted({
      status: 301,
      headers: { location: 'http://api.github.test/x' },
      body: empty
    })
    const error = await rejection(
      pinnedFetch('https://api.github.test', 5000, exchange)('https://api.github.test/x'),
      TransportError
    )
    expect(error).toMatchObject({ problem: 'off-origin', origin: 'http://api.github.test' })
    expect(asked).toEqual(['https://api.github.test/x'])
  })

  it('refuses a 303 to a POST (it would turn it into a GET)', async () => {
    const api = await redirecting(303)
    const error = await rejection(fetchOn(api)(`${api.url}/old`, POST), TransportError)
    expect(error.problem).toBe('redirect-to-get')
    expect(error.message).toBe(
      'the server answered POST with 303, which asks for a GET elsewhere; not followed'
    )
    expect(api.requests).toHaveLength(1)
  })

  it('follows a 303 to a GET', async () => {
    const api = await redirecting(303)
    const response = await fetchOn(api)(`${api.url}/old`)
    expect(response.status).toBe(201)
    expect(api.requests.map(({ method, url }) => `${method} ${url}`)).toEqual([
      'GET /old',
      'GET /new?page=2'
    ])
  })

  it('refuses a redirect without a Location', async () => {
    const api = await serve((_, res) => res.writeHead(302).end())
    const error = await rejection(fetchOn(api)(`${api.url}/old`), TransportError)
    expect(error.problem).toBe('redirect-without-location')
    expect(error.message).toBe('the server answered 302 (a redirect) without saying where to')
  })

  it('refuses a Location that is not a URL', async () => {
    const api = await redirecting(301, 'http://[not-a-host')
    const error = await rejection(fetchOn(api)(`${api.url}/old`), TransportError)
    expect(error.problem).toBe('redirect-without-location')
    expect(error.message).toBe('the server answered 301 with a Location that is not a URL')
  })

  it('stops a redirect loop after MAX_REDIRECTS redirects followed', async () => {
    const api = await serve((_, res) => res.writeHead(302, { location: '/loop' }).end())
    const error = await rejection(fetchOn(api)(`${api.url}/loop`), TransportError)
    expect(error.problem).toBe('redirect-loop')
    expect(error.message).toBe(
      `the server redirected more than ${MAX_REDIRECTS} times in a row; not followed further`
    )
    expect(api.requests).toHaveLength(MAX_REDIRECTS + 1)
  })

  /** `/0` redirects to `/1`, ... up to `/hops`, which answers 200. */
  function chain(hops: number) {
    return serve((request, res) => {
      const at = Number(request.url.slice(1))
      if (at < hops) res.writeHead(307, { location: `/${at + 1}` }).end()
      else res.end(`arrived at ${request.url}`)
    })
  }

  it('follows a chain of MAX_REDIRECTS - 1 redirects', async () => {
    const api = await chain(MAX_REDIRECTS - 1)
    const response = await fetchOn(api)(`${api.url}/0`, POST)
    expect(await response.text()).toBe(`arrived at /${MAX_REDIRECTS - 1}`)
  })

  it('follows a chain of exactly MAX_REDIRECTS redirects', async () => {
    const api = await chain(MAX_REDIRECTS)
    const response = await fetchOn(api)(`${api.url}/0`, POST)
    expect(await response.text()).toBe(`arrived at /${MAX_REDIRECTS}`)
  })
})

describe('the body limit', () => {
  it('reads a body of exactly maxBytes', async () => {
    const api = await serve((_, res) => res.end('x'.repeat(1024)))
    const response = await fetchOn(api, { maxBytes: 1024 })(`${api.url}/x`)
    expect((await response.text()).length).toBe(1024)
  })

  it.each([
    ['a plain', {}, Buffer.alloc(4096, 'x')],
    ['a gzip', { 'content-encoding': 'gzip' }, gzipSync(Buffer.alloc(1024 * 1024, 'x'))]
  ])(
    'abandons %s body past maxBytes unread and destroys the connection',
    async (_, headers, body) => {
      let socketClosed: Promise<void> | undefined
      const api = await serve((_, res) => {
        socketClosed = new Promise((resolve) => res.socket?.once('close', () => resolve()))
        res.writeHead(200, { 'content-type': 'application/json', ...headers })
        res.write(body)
        // The server never ends the answer: only the client can close this connection.
      })
      const error = await rejection(
        fetchOn(api, { maxBytes: 1024 })(`${api.url}/x`),
        TransportError
      )
      expect(error.problem).toBe('body-too-large')
      expect(error.message).toBe(
        `the answer's body is larger than ${1024 / 1024 / 1024} MiB; it was abandoned unread`
      )
      await within(socketClosed ?? Promise.reject(new Error('no request')), 2000, 'socket close')
    }
  )

  it('states the default limit in MiB', async () => {
    const api = await serve((_, res) => res.end(Buffer.alloc(MAX_BODY_BYTES + 1)))
    const error = await rejection(
      pinnedFetch(api.url, 10_000, directExchange)(`${api.url}/x`),
      TransportError
    )
    expect(error.message).toBe("the answer's body is larger than 4 MiB; it was abandoned unread")
  })
})

describe('compressed answers', () => {
  const json = JSON.stringify({ token: 'AABF3JGZDX3P5PMEXLND6TS6FCWO6', expires_at: 'soon' })

  it.each([
    ['gzip', gzipSync],
    ['x-gzip', gzipSync],
    ['GZIP', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync]
  ])('decodes a %s body', async (encoding, compress) => {
    const api = await serve((_, res) =>
      res.writeHead(200, { 'content-encoding': encoding }).end(compress(json))
    )
    expect(await (await fetchOn(api)(`${api.url}/x`)).text()).toBe(json)
  })

  it('passes a body with an unknown encoding on as it came', async () => {
    const api = await serve((_, res) =>
      res.writeHead(200, { 'content-encoding': 'identity' }).end('as is')
    )
    expect(await (await fetchOn(api)(`${api.url}/x`)).text()).toBe('as is')
  })

  it('refuses a gzip bomb at the decoded limit', async () => {
    const bomb = gzipSync(Buffer.alloc(8 * 1024 * 1024, 'a'))
    expect(bomb.length).toBeLessThan(64 * 1024)
    const api = await serve((_, res) =>
      res.writeHead(200, { 'content-encoding': 'gzip' }).end(bomb)
    )
    const error = await rejection(
      fetchOn(api, { maxBytes: 64 * 1024 })(`${api.url}/x`),
      TransportError
    )
    expect(error.problem).toBe('body-too-large')
  })

  it('fails as fetch does on a body that is not what its encoding says', async () => {
    const api = await serve((_, res) =>
      res.writeHead(200, { 'content-encoding': 'gzip' }).end('not gzip at all')
    )
    await expect(fetchOn(api)(`${api.url}/x`)).rejects.toMatchObject({
      message: 'fetch failed',
      cause: { code: 'Z_DATA_ERROR' }
    })
  })

  it('fails as fetch does when a compressed body is cut off', async () => {
    const api = await serve((_, res) => {
      const whole = gzipSync(json)
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': String(whole.length) })
      res.write(whole.subarray(0, 10), () => res.socket?.destroy())
    })
    await expect(fetchOn(api)(`${api.url}/x`)).rejects.toMatchObject({
      message: 'fetch failed',
      cause: { code: 'ECONNRESET' }
    })
  })

  // fetch never decodes a null-body status (101, 103, 204, 205, 304), nor the answer to a HEAD.
  it('reads a 204 labelled gzip as an empty answer', async () => {
    const api = await serve((_, res) => res.writeHead(204, { 'content-encoding': 'gzip' }).end())
    const response = await fetchOn(api)(`${api.url}/actions/runners/7`, { method: 'DELETE' })
    expect(response.status).toBe(204)
  })
})

describe('the time-out', () => {
  it('rejects with a TimeoutError soon after the deadline when the server is silent', async () => {
    const api = await serve(() => undefined)
    const started = performance.now()
    await expect(fetchOn(api, { timeoutMs: 150 })(`${api.url}/x`, POST)).rejects.toMatchObject({
      name: 'TimeoutError'
    })
    const took = performance.now() - started
    expect(took).toBeGreaterThanOrEqual(140)
    expect(took).toBeLessThan(1500)
  })

  it('covers reading the body, not only the headers', async () => {
    const api = await serve((_, res) => {
      res.writeHead(200, { 'content-length': '100' })
      res.write('a start')
    })
    await expect(fetchOn(api, { timeoutMs: 150 })(`${api.url}/x`)).rejects.toMatchObject({
      name: 'TimeoutError'
    })
  })

  it('covers the whole attempt, redirects included', async () => {
    const api = await serve((request, res) => {
      setTimeout(() => res.writeHead(307, { location: `${request.url}x` }).end(), 200)
    })
    // Each hop takes 200 ms, within a deadline of 300 ms by itself: together they are not.
    await expect(fetchOn(api, { timeoutMs: 300 })(`${api.url}/x`, POST)).rejects.toMatchObject({
      name: 'TimeoutError'
    })
    expect(api.requests.map(({ url }) => url)).toEqual(['/x', '/xx'])
  })

  it("rejects with the caller's own abort reason", async () => {
    const api = await serve(() => undefined)
    const controller = new AbortController()
    const reason = new Error('the step was cancelled')
    setTimeout(() => controller.abort(reason), 50)
    await expect(fetchOn(api)(`${api.url}/x`, { ...POST, signal: controller.signal })).rejects.toBe(
      reason
    )
  })
})

describe('knownHeaders', () => {
  it('passes the headers this action reads, in the shapes GitHub sends', () => {
    const headers = {
      'content-type': 'application/json; charset=utf-8',
      link: '<https://api.github.com/x?page=2>; rel="next"',
      'x-github-request-id': 'CF94:2BE0:1E4A3E:3CE7D0:6400F8B0',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': '1700000000',
      'retry-after': '0',
      'x-accepted-github-permissions':
        'administration=write; organization_self_hosted_runners=write',
      'x-github-sso': 'required; url=https://github.com/orgs/o/sso?authorization_request=A'
    }
    expect(Object.fromEntries(knownHeaders(headers))).toEqual(headers)
  })

  it('drops every other header, whatever it holds', () => {
    const headers = knownHeaders({
      'set-cookie': ['session=secret'],
      authorization: `token ${TOKEN}`,
      deprecation: 'true',
      sunset: 'Wed, 21 Oct 2026 07:28:00 GMT',
      location: '/x',
      absent: undefined
    })
    expect([...headers]).toEqual([])
  })

  it('joins a repeated header as one value before checking it', () => {
    expect(knownHeaders({ link: ['<a>; rel="next"', '<b>; rel="last"'] }).get('link')).toBe(
      '<a>; rel="next", <b>; rel="last"'
    )
    expect(knownHeaders({ 'retry-after': ['1', '2'] }).has('retry-after')).toBe(false)
  })

  it.each([
    ['x-github-request-id', 'cf94:2be0:1e4a3e'],
    ['x-github-request-id', 'AB:CD'],
    ['x-github-request-id', 'CF94:2BE0:1E4A3E:3CE7D0:6400F8B0:1:2'],
    ['x-github-request-id', '123456789:2BE0:1E4A3E'],
    ['x-github-request-id', `token ${TOKEN}`],
    ['x-github-request-id', 'CF94 2BE0 1E4A3E'],
    ['retry-after', '-1'],
    ['retry-after', 'soon'],
    ['retry-after', '1.5'],
    ['retry-after', 'Wed, 21 Oct 2015 07:28:00 GMT'],
    ['retry-after', '12345678901'],
    ['x-ratelimit-remaining', '-1'],
    ['x-ratelimit-remaining', 'lots'],
    ['x-ratelimit-reset', '1700000000.5'],
    ['x-ratelimit-reset', '1234567890123'],
    ['content-type', 'application/json\r\nx-injected: yes'],
    ['content-type', 'application/json\nx-injected: yes'],
    ['content-type', 'json'],
    ['content-type', 'application/json; charset=utf-8 <script>'],
    ['link', '<https://x>; rel="next"\r\n::warning::hi'],
    ['link', '<https://x>; rel="next"\u0085'],
    ['link', ''],
    ['x-accepted-github-permissions', 'Administration=write'],
    ['x-accepted-github-permissions', 'administration=write\n'],
    ['x-github-sso', 'required; url=https://x\u0000']
  ])('drops %s: %j', (name, value) => {
    expect(knownHeaders({ [name]: value }).has(name)).toBe(false)
  })

  it('drops a link longer than 8192 characters', () => {
    expect(knownHeaders({ link: 'x'.repeat(8192) }).has('link')).toBe(true)
    expect(knownHeaders({ link: 'x'.repeat(8193) }).has('link')).toBe(false)
  })

  it.each([
    ['CR LF before a parameter', 'application/json;\r\ncharset=utf-8'],
    ['a line separator', 'application/json;\u2028charset=utf-8']
  ])('drops a content-type with %s', (_, value) => {
    expect(knownHeaders({ 'content-type': value }).has('content-type')).toBe(false)
  })
})

describe('readBounded', () => {
  async function* chunks(...parts: string[]) {
    for (const part of parts) yield new TextEncoder().encode(part)
  }

  it('reads every chunk up to and including maxBytes', async () => {
    const abandon = jest.fn()
    const body = await readBounded(chunks('ab', 'cd', 'e'), 5, abandon)
    expect(body.toString()).toBe('abcde')
    expect(abandon).not.toHaveBeenCalled()
  })

  it('abandons the body once, at the first byte past maxBytes', async () => {
    const abandon = jest.fn()
    const read: string[] = []
    async function* tracked() {
      for (const part of ['ab', 'cd', 'ef', 'gh']) {
        read.push(part)
        yield Buffer.from(part)
      }
    }
    await expect(readBounded(tracked(), 5, abandon)).rejects.toMatchObject({
      name: 'TransportError',
      problem: 'body-too-large'
    })
    expect(abandon).toHaveBeenCalledTimes(1)
    expect(read).toEqual(['ab', 'cd', 'ef'])
  })

  it('reads an empty body as empty', async () => {
    expect((await readBounded(chunks(), 0, jest.fn())).length).toBe(0)
  })
})
