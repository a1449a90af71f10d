/**
 * Self-hosted fleets often sit behind a proxy: the bundled action sends through the proxy that
 * HTTP_PROXY/HTTPS_PROXY name, for the host in 'api-url', as @actions/http-client decides.
 */
import { createServer, request as httpRequest, type Server } from 'node:http'
import { connect, type AddressInfo } from 'node:net'
import type { Simulator } from '../../tools/github-simulator.ts'
import { runAction } from '../../tools/run-action.ts'
import { expectNoLeak, INPUT_TOKEN, mintedToken, startTestSimulator } from './support.ts'

interface LoopbackProxy {
  url: string
  /** `CONNECT host:port` or `GET http://host/path`, as the proxy received them. */
  seen: { line: string; proxyAuthorization?: string }[]
  close(): Promise<void>
}

/** A proxy on 127.0.0.1 that sends every request, whatever its host, to one loopback port. */
async function startProxy(targetPort: number): Promise<LoopbackProxy> {
  const seen: LoopbackProxy['seen'] = []
  const server: Server = createServer((req, res) => {
    seen.push({
      line: `${req.method} ${req.url}`,
      proxyAuthorization: req.headers['proxy-authorization']
    })
    const url = new URL(req.url ?? '/')
    const upstream = httpRequest(
      {
        host: '127.0.0.1',
        port: targetPort,
        method: req.method,
        path: url.pathname,
        headers: req.headers
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      }
    )
    req.pipe(upstream)
  })
  server.on('connect', (req, client, head) => {
    seen.push({
      line: `CONNECT ${req.url}`,
      proxyAuthorization: req.headers['proxy-authorization']
    })
    const upstream = connect(targetPort, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    upstream.on('error', () => client.destroy())
    client.on('error', () => upstream.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

let proxy: LoopbackProxy | undefined
afterEach(async () => {
  await proxy?.close()
  proxy = undefined
})

async function setUp() {
  const token = mintedToken()
  const simulator: Simulator = await startTestSimulator({
    pathPrefix: '/api/v3',
    respond: () => ({ status: 201, json: { token, expires_at: '2026-11-21T13:00:00Z' } })
  })
  proxy = await startProxy(Number(new URL(simulator.url).port))
  return { token, simulator, proxy }
}

it("sends through HTTP_PROXY for the api-url's host, even when GITHUB_API_URL needs no proxy", async () => {
  const { token, simulator, proxy } = await setUp()
  // GITHUB_API_URL is the loopback simulator (never proxied); api-url is a host only the proxy
  // can reach: the action must decide on the proxy for api-url's host.
  const run = await runAction({
    inputs: { token: INPUT_TOKEN, 'api-url': 'http://api.github.test/api/v3' },
    github: { api_url: simulator.url, repository: 'octo-org/hello-world' },
    env: { HTTP_PROXY: proxy.url, RUNNER_DEBUG: '1' },
    timeoutMs: 20_000
  })
  expect(run.exitCode).toBe(0)
  expect(run.outputs.token).toBe(token)
  expect(proxy.seen.map((s) => s.line)).toEqual([
    expect.stringMatching(
      /^(CONNECT api\.github\.test:80|POST http:\/\/api\.github\.test\/api\/v3\/repos\/octo-org\/hello-world\/actions\/runners\/remove-token)$/
    )
  ])
  expect(simulator.requests.map((r) => r.path)).toEqual([
    '/api/v3/repos/octo-org/hello-world/actions/runners/remove-token'
  ])
  expect(run.log).toContain(
    '##[debug]Requests to http://api.github.test/api/v3 go through the proxy'
  )
  expectNoLeak(run, [INPUT_TOKEN, token])
}, 30_000)

it('passes the proxy credentials to the proxy and never prints them', async () => {
  const { token, simulator, proxy } = await setUp()
  const proxyUrl = proxy.url.replace('http://', 'http://fleet:pr0xy-s3cret@')
  const run = await runAction({
    inputs: { token: INPUT_TOKEN, 'api-url': 'http://ghes.example.test/api/v3' },
    github: { api_url: simulator.url, repository: 'octo-org/hello-world' },
    env: { http_proxy: proxyUrl, RUNNER_DEBUG: '1' },
    timeoutMs: 20_000
  })
  expect(run.exitCode).toBe(0)
  expect(proxy.seen).toHaveLength(1)
  expect(proxy.seen[0]?.proxyAuthorization).toBe(
    `Basic ${Buffer.from('fleet:pr0xy-s3cret').toString('base64')}`
  )
  expectNoLeak(run, [INPUT_TOKEN, token, 'pr0xy-s3cret'])
}, 30_000)
