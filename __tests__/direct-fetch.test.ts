import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import nock from 'nock'
import { AnswerHeaders, directFetch, nextHop } from '../src/github/transport.js'

const API = 'https://api.github.test'

beforeAll(() => nock.disableNetConnect())
afterEach(() => nock.cleanAll())
afterAll(() => {
  nock.enableNetConnect()
  nock.restore()
})

it('sends the method, headers and body, and reads the answer as fetch does', async () => {
  let sent: unknown
  nock(API)
    .post('/x', (body) => {
      sent = body
      return true
    })
    .matchHeader('authorization', 'token T')
    .reply(201, { ok: true }, { 'x-github-request-id': 'AB:CD', 'Set-Cookie': ['a=1', 'b=2'] })
  const response = await directFetch(`${API}/x`, {
    method: 'POST',
    headers: { authorization: 'token T' },
    body: '{"a":1}'
  })
  expect(sent).toEqual({ a: 1 })
  expect(response.status).toBe(201)
  expect(response.url).toBe(`${API}/x`)
  expect(response.body).toBeNull()
  expect(response.headers.get('X-GitHub-Request-Id')).toBe('AB:CD')
  expect(response.headers.get('set-cookie')).toBe('a=1, b=2')
  expect(response.headers.get('absent')).toBeNull()
  expect([...response.headers]).toContainEqual(['x-github-request-id', 'AB:CD'])
  expect(await response.json()).toEqual({ ok: true })
  expect(await response.text()).toBe('{"ok":true}')
  expect(new TextDecoder().decode(await response.arrayBuffer())).toBe('{"ok":true}')
})

it('sends GET over plain http when no method is given', async () => {
  nock('http://ghes.example.test').get('/api/v3/x').reply(200, 'plain')
  const response = await directFetch('http://ghes.example.test/api/v3/x')
  expect(response.status).toBe(200)
  expect(await response.text()).toBe('plain')
})

it('fails as fetch does, with the cause', async () => {
  nock(API)
    .post('/x')
    .replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))
  await expect(directFetch(`${API}/x`, { method: 'POST' })).rejects.toMatchObject({
    name: 'TypeError',
    message: 'fetch failed',
    cause: { code: 'ECONNRESET' }
  })
})

describe('on loopback servers', () => {
  let server: Server | undefined
  beforeAll(() => nock.enableNetConnect('127.0.0.1'))
  afterAll(() => nock.disableNetConnect())
  afterEach(async () => {
    server?.closeAllConnections()
    await new Promise((resolve) => server?.close(resolve))
  })
  async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
    server = createServer(handler)
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve))
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  }

  it("rejects with the signal's reason when the time-out fires", async () => {
    const url = await serve(() => undefined)
    await expect(
      directFetch(`${url}/slow`, { method: 'POST', signal: AbortSignal.timeout(50) })
    ).rejects.toMatchObject({ name: 'TimeoutError' })
  })

  it('follows a redirect without sending the redirected request again', async () => {
    const seen: string[] = []
    const url = await serve((req, res) => {
      seen.push(`${req.method} ${req.url}`)
      if (req.url === '/old') {
        res.writeHead(307, { location: '/new' }).end()
      } else {
        res.writeHead(201, { 'content-type': 'application/json' }).end(`{"path":"${req.url}"}`)
      }
    })
    const response = await directFetch(`${url}/old`, { method: 'POST' })
    expect(response.status).toBe(201)
    expect(await response.json()).toEqual({ path: '/new' })
    expect(seen).toEqual(['POST /old', 'POST /new'])
  })

  it('returns a redirect as it is when asked not to follow', async () => {
    const url = await serve((_, res) => res.writeHead(302, { location: '/elsewhere' }).end())
    const response = await directFetch(`${url}/old`, { redirect: 'manual' })
    expect(response.status).toBe(302)
  })
})

it('keeps header values as given', () => {
  const headers = new AnswerHeaders({ a: '1', b: ['2', '3'], c: undefined })
  expect([...headers]).toEqual([
    ['a', '1'],
    ['b', '2, 3']
  ])
})

describe('nextHop', () => {
  const from = new URL('https://api.github.test/repos/old/name/actions/runners/remove-token')
  const init = { method: 'POST', headers: { authorization: 'token T', accept: 'x' }, body: 'b' }

  it.each([
    [307, 'POST', 'b'],
    [308, 'POST', 'b'],
    [301, 'GET', undefined],
    [302, 'GET', undefined],
    [303, 'GET', undefined]
  ])('a %i makes the next hop a %s', (status, method, body) => {
    const [next, request] = nextHop(
      from,
      status,
      '/repos/new/name/actions/runners/remove-token',
      init
    )
    expect(next.href).toBe('https://api.github.test/repos/new/name/actions/runners/remove-token')
    expect(request).toMatchObject({
      method,
      body,
      headers: { authorization: 'token T', accept: 'x' }
    })
  })

  it('keeps a GET a GET, and a 303 of HEAD a HEAD', () => {
    expect(nextHop(from, 301, '/x', {})[1].method).toBe('GET')
    expect(nextHop(from, 303, '/x', { method: 'HEAD' })[1].method).toBe('HEAD')
  })

  it('drops the credential for another origin', () => {
    const [next, request] = nextHop(from, 307, 'https://elsewhere.test/x', init)
    expect(next.origin).toBe('https://elsewhere.test')
    expect(request.headers).toEqual({ accept: 'x' })
  })
})
