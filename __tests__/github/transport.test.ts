/**
 * The transport (src/github/transport.ts) against real sockets: loopback servers on 127.0.0.1,
 * so that "nothing was sent", "the socket was destroyed" and "within the deadline" are observed
 * where they happen, not inferred from a mock.
 */
import { jest } from '@jest/globals'
import { deflateSync } from 'node:zlib'
import {
  knownHeaders,
  MAX_BODY_BYTES,
  nodeExchanger,
  pinnedFetch,
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
  return pinnedFetch(
    api.url,
    options.timeoutMs ?? 5000,
    nodeExchanger(api.url).exchange,
    options.maxBytes
  )
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
    await expect(
      pinnedFetch(url, 5000, nodeExchanger(url).exchange)(`${url}/x`)
    ).rejects.toMatchObject({
      name: 'TypeError',
      message: 'fetch failed',
      cause: { code: 'ECONNREFUSED' }
    })
  })

  it('speaks https to an https api-url', async () => {
    const url = `https://127.0.0.1:${await closedPort()}`
    await expect(
      pinnedFetch(url, 5000, nodeExchanger(url).exchange)(`${url}/x`)
    ).rejects.toMatchObject({
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
    expect(error.problem).toBe('off-origin')
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
    const fetch = pinnedFetch(`${api.url}/api/v3`, 5000, nodeExchanger(api.url).exchange)
    expect(await (await fetch(`${api.url}/api/v3/x`)).text()).toBe('/api/v3/x')
  })
})

describe('redirects', () => {
  const RENAMED = '/repos/o/r/actions/runners/remove-token'
  const MOVED = '/repositories/42/actions/runners/remove-token'

  /** Answers `status` to RENAMED (under `prefix`), and 201 with the path to anything else. */
  function redirecting(status: number, location: string, prefix = '') {
    return serve((request, res) => {
      if (request.url === `${prefix}${RENAMED}`) res.writeHead(status, { location }).end()
      else res.writeHead(201, { 'content-type': 'application/json' }).end(`"${request.url}"`)
    })
  }

  it.each([301, 302, 307, 308])(
    "repeats a POST answered %i for a renamed repository as the same POST to the repository's id",
    async (status) => {
      const api = await redirecting(status, MOVED)
      const response = await fetchOn(api)(`${api.url}${RENAMED}`, POST)
      expect(response.status).toBe(201)
      expect(response.url).toBe(`${api.url}${MOVED}`)
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
        { method: 'POST', url: RENAMED, ...same },
        { method: 'POST', url: MOVED, ...same }
      ])
    }
  )

  it("follows it under api-url's path (GHES), absolute or relative, with the same query", async () => {
    const api = await serve((request, res) => {
      if (request.url === '/api/v3/repos/o/r/actions/runners?per_page=100') {
        res
          .writeHead(301, {
            location: `${api.url}/api/v3/repositories/7/actions/runners?per_page=100`
          })
          .end()
      } else res.end(request.url)
    })
    const fetch = pinnedFetch(`${api.url}/api/v3`, 5000, nodeExchanger(api.url).exchange)
    const response = await fetch(`${api.url}/api/v3/repos/o/r/actions/runners?per_page=100`)
    expect(await response.text()).toBe('/api/v3/repositories/7/actions/runners?per_page=100')
  })

  it.each([
    ['another runner', '/repos/o/r/actions/runners/5', '/repositories/42/actions/runners/999'],
    ['another scope', '/repos/o/r/actions/runners/5', '/enterprises/megacorp/actions/runners/5'],
    [
      'another repository by name',
      '/repos/o/r/actions/runners/5',
      '/repos/o/other/actions/runners/5'
    ],
    [
      'a changed query',
      '/repos/o/r/actions/runners?per_page=100',
      '/repositories/42/actions/runners?per_page=1'
    ],
    ['the same path', '/repos/o/r/actions/runners/5', '/repos/o/r/actions/runners/5'],
    ['a path outside api-url', '/api/v3/repos/o/r/x', '/repositories/42/x']
  ])('refuses a redirect to %s, naming both paths, and sends it nothing', async (_, asked, to) => {
    const api = await serve((_, res) => res.writeHead(307, { location: to }).end())
    const base = asked.startsWith('/api/v3') ? `${api.url}/api/v3` : api.url
    const fetch = pinnedFetch(base, 5000, nodeExchanger(api.url).exchange)
    const error = await rejection(fetch(`${api.url}${asked}`, { method: 'DELETE' }), TransportError)
    expect(error.problem).toBe('redirect')
    expect(error.message).toBe(
      `the server answered DELETE with 307, a redirect to ${to}, which is not the resource asked ` +
        `for (${asked}); not followed`
    )
    expect(api.requests).toHaveLength(1)
  })

  it("refuses a second redirect, even from the repository's id", async () => {
    const api = await serve((request, res) =>
      res.writeHead(308, { location: request.url === RENAMED ? MOVED : RENAMED }).end()
    )
    const error = await rejection(fetchOn(api)(`${api.url}${RENAMED}`, POST), TransportError)
    expect(error.problem).toBe('redirect')
    expect(api.requests.map(({ url }) => url)).toEqual([RENAMED, MOVED])
  })

  it('refuses a 303 (it asks for a GET), even to the same resource', async () => {
    const api = await redirecting(303, MOVED)
    const error = await rejection(fetchOn(api)(`${api.url}${RENAMED}`, POST), TransportError)
    expect(error.message).toMatch(/^the server answered POST with 303, a redirect to /)
    expect(api.requests).toHaveLength(1)
  })

  it('refuses a redirect to another origin, naming only its origin, and sends it nothing', async () => {
    const other = await serve((_, res) => res.end('should never be asked'))
    const location = `${other.url}/secret/path?code=hidden-value`
    const api = await serve((_, res) => res.writeHead(307, { location }).end())
    const error = await rejection(fetchOn(api)(`${api.url}/old`, POST), TransportError)
    expect(error.problem).toBe('off-origin')
    expect(error.message).toBe(
      `a 307 redirect pointed to ${other.url}, outside 'api-url' (${api.url}); nothing was sent there`
    )
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
    expect(error.message).toBe(
      `a 302 redirect pointed to ${named}, outside 'api-url' (${api.url}); nothing was sent there`
    )
    expect(api.requests).toHaveLength(1)
  })

  it('refuses a redirect from https down to http on the same host', async () => {
    const { exchange, asked } = scripted({
      status: 301,
      headers: { location: 'http://api.github.test/repositories/1/x' },
      body: empty
    })
    const error = await rejection(
      pinnedFetch('https://api.github.test', 5000, exchange)('https://api.github.test/repos/o/r/x'),
      TransportError
    )
    expect(error.problem).toBe('off-origin')
    expect(asked).toEqual(['https://api.github.test/repos/o/r/x'])
  })

  it.each([
    ['no Location', {}],
    ['a Location that is not a URL', { location: 'http://[not-a-host' }]
  ])('refuses a redirect with %s', async (_, headers) => {
    const api = await serve((_, res) => res.writeHead(302, headers).end())
    const error = await rejection(fetchOn(api)(`${api.url}/old`), TransportError)
    expect(error.message).toBe('the server answered GET with 302, a redirect with no URL to follow')
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
    ['an identity', { 'content-encoding': 'identity' }, Buffer.alloc(1024 * 1024, 'x')]
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
      pinnedFetch(api.url, 10_000, nodeExchanger(api.url).exchange)(`${api.url}/x`),
      TransportError
    )
    expect(error.message).toBe("the answer's body is larger than 4 MiB; it was abandoned unread")
  })
})

describe('answers that are not plain HTTP answers', () => {
  it('never asks for compression', async () => {
    const api = await serve((_, res) => res.end('plain'))
    await fetchOn(api)(`${api.url}/x`)
    expect(api.requests[0]?.headers['accept-encoding']).toBeUndefined()
  })

  it.each(['gzip', 'deflate', 'br', 'x-unknown'])(
    'refuses a %s body it did not ask for, and closes the connection',
    async (encoding) => {
      let socketClosed: Promise<void> | undefined
      const api = await serve((_, res) => {
        socketClosed = new Promise((resolve) => res.socket?.once('close', () => resolve()))
        res.writeHead(200, { 'content-encoding': encoding }).write(deflateSync('{}'))
      })
      const error = await rejection(fetchOn(api)(`${api.url}/x`), TransportError)
      expect(error.problem).toBe('unreadable')
      expect(error.message).toBe(
        `the server answered with a ${encoding} body, which it was not asked for; not read`
      )
      await within(socketClosed ?? Promise.reject(new Error('no request')), 2000, 'socket close')
    }
  )

  it('reads a body labelled identity', async () => {
    const api = await serve((_, res) =>
      res.writeHead(200, { 'content-encoding': 'Identity' }).end('as is')
    )
    expect(await (await fetchOn(api)(`${api.url}/x`)).text()).toBe('as is')
  })

  it.each([
    [
      'with an Upgrade header',
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'
    ],
    ['without one', 'HTTP/1.1 101 Switching Protocols\r\n\r\n']
  ])('refuses a 101 %s at once, long before the deadline', async (_, head) => {
    const api = await serve((_, res) => res.socket?.write(head))
    const error = await rejection(
      fetchOn(api, { timeoutMs: 30_000 })(`${api.url}/x`, POST),
      TransportError
    )
    expect(error.problem).toBe('unreadable')
    expect(error.message).toMatch(/^the server answered 101, /)
  })
})

describe('error answers, as Octokit is given them', () => {
  it.each([
    [
      'a number too large for a double',
      '{"message":"Validation Failed","errors":[12345678901234567890]}',
      '{"message":"Validation Failed"}'
    ],
    [
      'its message and documentation link',
      '{"message":"Not Found","documentation_url":"https://docs.github.com/rest","x":1}',
      '{"message":"Not Found","documentation_url":"https://docs.github.com/rest"}'
    ],
    ['a message that is not a string', '{"message":{"a":1}}', '{}'],
    ['JSON that is not an object', '[1,2]', ''],
    ['JSON that does not parse', '['.repeat(200_000), '']
  ])('passes on only the strings this action reads, from %s', async (_, sent, given) => {
    const api = await serve((_, res) =>
      res.writeHead(422, { 'content-type': 'application/json; charset=utf-8' }).end(sent)
    )
    expect(await (await fetchOn(api)(`${api.url}/x`)).text()).toBe(given)
  })

  it('passes an error body with no JSON type on as it came', async () => {
    const api = await serve((_, res) => res.writeHead(502).end('<html>Bad gateway</html>'))
    expect(await (await fetchOn(api)(`${api.url}/x`)).text()).toBe('<html>Bad gateway</html>')
  })

  it('passes a success body on as it came', async () => {
    const body = '{"total_count":12345678901234567890}'
    const api = await serve((_, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(body)
    )
    expect(await (await fetchOn(api)(`${api.url}/x`)).text()).toBe(body)
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
      const to = request.url.replace('/repos/o/r/', '/repositories/1/')
      setTimeout(() => res.writeHead(307, { location: to }).end(), 200)
    })
    // Each hop takes 200 ms, within a deadline of 300 ms by itself: together they are not.
    await expect(
      fetchOn(api, { timeoutMs: 300 })(`${api.url}/repos/o/r/x`, POST)
    ).rejects.toMatchObject({ name: 'TimeoutError' })
    expect(api.requests.map(({ url }) => url)).toEqual(['/repos/o/r/x', '/repositories/1/x'])
  })

  it('keeps the process alive until it fires: a silent server cannot let a run end unsettled', async () => {
    const api = await serve(() => undefined)
    const timers = jest.spyOn(globalThis, 'setTimeout')
    const attempt = fetchOn(api, { timeoutMs: 100 })(`${api.url}/x`)
    const deadline = timers.mock.results.at(-1)?.value as NodeJS.Timeout
    timers.mockRestore()
    expect(deadline.hasRef()).toBe(true)
    await expect(attempt).rejects.toMatchObject({ name: 'TimeoutError' })
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
