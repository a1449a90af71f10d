/**
 * The request layer of the bundled actions, as a runner runs them, against loopback servers that
 * do what GitHub never should: point elsewhere, redirect, answer huge, never answer, echo the
 * token in headers. Every test checks what was sent where, the exit, the time and that no secret
 * shows.
 */
import type { ServerResponse } from 'node:http'
import { gzipSync } from 'node:zlib'
import { join } from 'node:path'
import { REPO_ROOT, runAction, type ActionRun } from '../harness/run-action.ts'
import { expectMaskedFirst, expectNoLeak } from '../harness/runner-log.ts'
import { redactCredential } from '../harness/github-simulator.ts'
import { INPUT_TOKEN, mintedToken, startHostile, startProxy } from '../harness/test-servers.ts'

const EXPIRES_AT = '2026-11-21T13:00:00Z'
const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' }
const MINT_PATH = '/repos/octo-org/hello-world/actions/runners/remove-token'

function mintAnswer(
  res: ServerResponse,
  token: string,
  headers: Record<string, string> = {}
): void {
  res
    .writeHead(201, { ...JSON_HEADERS, ...headers })
    .end(JSON.stringify({ token, expires_at: EXPIRES_AT }))
}

function run(
  apiUrl: string,
  inputs: Record<string, string> = {},
  env: Record<string, string> = {},
  actionDir?: string
): Promise<ActionRun> {
  return runAction({
    actionDir,
    inputs: { token: INPUT_TOKEN, 'api-url': apiUrl, retries: '0', ...inputs },
    github: { api_url: apiUrl, repository: 'octo-org/hello-world' },
    env,
    timeoutMs: 30_000
  })
}

function expectFailedWithoutOutputs(result: ActionRun): void {
  expect(result.timedOut).toBe(false)
  expect(result.exitCode).toBe(1)
  expect(result.outputs).toEqual({})
}

describe('every request stays on api-url', () => {
  it('a redirect to another port is not followed: nothing reaches it, and the error names only its origin', async () => {
    const elsewhere = await startHostile((_, res) => res.writeHead(200).end('{}'))
    const api = await startHostile((_, res) =>
      res.writeHead(307, { location: `${elsewhere.url}/steal?token=here` }).end()
    )
    const result = await run(api.url)
    expectFailedWithoutOutputs(result)
    expect(elsewhere.requests).toEqual([])
    expect(result.log).toContain(
      `a 307 redirect pointed to ${elsewhere.url}, outside 'api-url' (${api.url}); nothing was sent there`
    )
    expect(result.log).not.toContain('/steal')
    expect(result.log).not.toContain('create a new token')
    expectNoLeak(result, [INPUT_TOKEN])
  }, 40_000)

  it('a next-page link to another port is not followed, and delete-runner deletes nothing', async () => {
    const elsewhere = await startHostile((_, res) =>
      res.writeHead(200, JSON_HEADERS).end('{"total_count":0,"runners":[]}')
    )
    const api = await startHostile((_, res) =>
      res
        .writeHead(200, {
          ...JSON_HEADERS,
          link: `<${elsewhere.url}/orgs/octo-org/actions/runners?page=2&x=secret>; rel="next"`
        })
        .end(
          JSON.stringify({
            total_count: 150,
            runners: [{ id: 1, name: 'spot-1', status: 'offline', busy: false, labels: [] }]
          })
        )
    )
    const result = await run(
      api.url,
      { org: 'octo-org', 'runner-name': 'spot-1' },
      {},
      join(REPO_ROOT, 'delete-runner')
    )
    expectFailedWithoutOutputs(result)
    expect(elsewhere.requests).toEqual([])
    expect(api.requests.map((s) => s.method)).toEqual(['GET'])
    expect(result.log).toContain(`pointed to ${elsewhere.url}, outside 'api-url'`)
    expect(result.log).not.toContain('x=secret')
    expectNoLeak(result, [INPUT_TOKEN])
  }, 40_000)

  it.each([307, 308, 301, 302])(
    'a same-origin %i on the POST is repeated as the same POST',
    async (status) => {
      const token = mintedToken()
      const api = await startHostile((req, res, n) =>
        n === 1
          ? res.writeHead(status, { location: `/moved${MINT_PATH}` }).end()
          : mintAnswer(res, token)
      )
      const result = await run(api.url)
      expect(result.exitCode).toBe(0)
      expect(result.outputs.token).toBe(token)
      expect(api.requests.map((s) => `${s.method} ${s.url}`)).toEqual([
        `POST ${MINT_PATH}`,
        `POST /moved${MINT_PATH}`
      ])
      expect(api.requests[1]?.headers.authorization).toBe(api.requests[0]?.headers.authorization)
      expect(api.requests[1]?.headers.authorization).toBe(redactCredential(`token ${INPUT_TOKEN}`))
      expectNoLeak(result, [INPUT_TOKEN, token])
    },
    40_000
  )

  it('a 303 that would turn the POST into a GET is refused', async () => {
    const api = await startHostile((_, res) => res.writeHead(303, { location: '/elsewhere' }).end())
    const result = await run(api.url)
    expectFailedWithoutOutputs(result)
    expect(api.requests).toHaveLength(1)
    expect(result.log).toContain('303, which asks for a GET elsewhere; not followed')
  }, 40_000)

  it('a redirect loop stops after a few hops, without retrying', async () => {
    const api = await startHostile((_, res) => res.writeHead(302, { location: MINT_PATH }).end())
    const result = await run(api.url, { retries: '3' })
    expectFailedWithoutOutputs(result)
    expect(api.requests).toHaveLength(4)
    expect(result.log).toContain('redirected more than 3 times in a row')
    expect(result.log).not.toContain('Attempt 1 of')
  }, 40_000)
})

describe('bounded answers', () => {
  it('an answer of tens of MiB is abandoned, not read into memory', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 'a')
    const api = await startHostile((_, res) => {
      res.writeHead(201, JSON_HEADERS)
      let sent = 0
      const more = (): void => {
        while (sent < 40 && res.write(chunk)) sent++
        if (sent < 40) res.once('drain', more)
        else res.end()
      }
      res.on('error', () => undefined)
      more()
    })
    const result = await run(api.url)
    expectFailedWithoutOutputs(result)
    expect(result.log).toContain("the answer's body is larger than 4 MiB; it was abandoned unread")
  }, 40_000)

  it('a gzip bomb through the proxy is refused at its decoded size', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, ' '))
    expect(bomb.length).toBeLessThan(1024 * 1024)
    const api = await startHostile((_, res) =>
      res.writeHead(201, { ...JSON_HEADERS, 'content-encoding': 'gzip' }).end(bomb)
    )
    const proxy = await startProxy(api.port)
    const result = await run('http://api.github.test', {}, { HTTP_PROXY: proxy.url })
    expectFailedWithoutOutputs(result)
    expect(proxy.seen.length).toBeGreaterThan(0)
    expect(result.log).toContain("the answer's body is larger than 4 MiB")
  }, 40_000)
})

describe('bounded time', () => {
  it('a proxy that accepts and never answers: the process ends within the time-out plus a few seconds', async () => {
    const proxy = await startProxy()
    const result = await run('http://api.github.test', { timeout: '2' }, { HTTP_PROXY: proxy.url })
    expectFailedWithoutOutputs(result)
    expect(proxy.connections).toBeGreaterThan(0)
    expect(result.log).toContain("GitHub did not answer within 2 s (the 'timeout' input)")
    expect(result.durationMs).toBeLessThan(2_000 + 5_000)
  }, 40_000)

  it('a server that never answers: the process ends within the time-out plus a few seconds', async () => {
    const server = await startHostile(() => undefined)
    const result = await run(server.url, { timeout: '2' })
    expectFailedWithoutOutputs(result)
    expect(result.log).toContain("GitHub did not answer within 2 s (the 'timeout' input)")
    expect(result.durationMs).toBeLessThan(2_000 + 5_000)
  }, 40_000)
})

describe('one logger', () => {
  it.each([
    ['normal', {}],
    ['debug', { RUNNER_DEBUG: '1' }]
  ])(
    'headers that echo the minted token show it nowhere before its mask (%s mode)',
    async (_, env) => {
      const token = mintedToken()
      const api = await startHostile((_, res) =>
        mintAnswer(res, token, {
          deprecation: `@${token}`,
          sunset: token,
          link: `<https://docs.example/${token}>; rel="deprecation"`,
          'x-github-request-id': token,
          'x-ratelimit-remaining': token
        })
      )
      const result = await run(api.url, {}, env)
      expect(result.exitCode).toBe(0)
      expect(result.outputs.token).toBe(token)
      expect(result.stderr).toBe('')
      expectMaskedFirst(result, [token])
      expectNoLeak(result, [INPUT_TOKEN, token])
    },
    40_000
  )
})
