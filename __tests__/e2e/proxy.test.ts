/**
 * Self-hosted fleets often sit behind a proxy: the bundled action sends through the proxy that
 * HTTP_PROXY/HTTPS_PROXY name, for the host in 'api-url', as @actions/http-client decides.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Simulator } from '../harness/github-simulator.ts'
import { runAction } from '../harness/run-action.ts'
import { expectNoLeak } from '../harness/runner-log.ts'
import {
  INPUT_TOKEN,
  mintedToken,
  startProxy,
  startTestSimulator,
  type Proxy
} from '../harness/test-servers.ts'

let proxy: Proxy | undefined
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

describe('undici is loaded only when a proxy is used', () => {
  const probe = fileURLToPath(new URL('../harness/loaded-modules-probe.cjs', import.meta.url))
  const BUNDLED_UNDICI = 'dist/node_modules/undici/bundled/index.js'

  async function loadedModules(apiUrl: string, env: Record<string, string>, sim: Simulator) {
    const dir = await mkdtemp(join(tmpdir(), 'loaded-'))
    try {
      const file = join(dir, 'modules')
      const run = await runAction({
        inputs: { token: INPUT_TOKEN, 'api-url': apiUrl },
        github: { api_url: sim.url, repository: 'octo-org/hello-world' },
        env: { ...env, NODE_OPTIONS: `--require ${probe}`, LOADED_MODULES_FILE: file },
        timeoutMs: 20_000
      })
      expect(run.exitCode).toBe(0)
      return await readFile(file, 'utf8')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }

  it('not for a direct request', async () => {
    const { simulator } = await setUp()
    expect(await loadedModules(simulator.url, {}, simulator)).not.toContain(BUNDLED_UNDICI)
  }, 30_000)

  it('for a request through a proxy', async () => {
    const { simulator, proxy } = await setUp()
    const modules = await loadedModules(
      'http://api.github.test/api/v3',
      { HTTP_PROXY: proxy.url },
      simulator
    )
    expect(modules).toContain(BUNDLED_UNDICI)
  }, 30_000)
})
