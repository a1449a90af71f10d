/**
 * What the shared request layer does, whichever action runs: each bundle, run as a runner runs it,
 * against the simulator scripted per scenario (faults: statuses, retries, rate limits, resets,
 * time-outs, bad answers) or hostile by hand (redirects, links to other origins, oversized and
 * compressed answers, servers and proxies that never answer, tokens and workflow commands sent
 * back, a self-signed certificate), through a proxy, and 20 copies at once under a rate limit.
 * Every test checks what was sent where, the exit, the time, and that no secret shows.
 */
import { jest } from '@jest/globals'
import { lookup } from 'node:dns/promises'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import type { ServerResponse } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib'
import { FLEET, runLoad } from '../../tools/load-test.ts'
import {
  githubError,
  HANG,
  redactCredential,
  RESET,
  type Answer,
  type Simulator
} from '../harness/github-simulator.ts'
import { selfSignedCertificate, type TestCertificate } from '../harness/certificate.ts'
import { REPO_ROOT, runAction, type ActionRun } from '../harness/run-action.ts'
import { expectMaskedFirst, expectNoLeak, renderLog } from '../harness/runner-log.ts'
import {
  closedPort,
  INPUT_TOKEN,
  mintedToken,
  startHostile,
  startProxy,
  startTestSimulator
} from '../harness/test-servers.ts'
import {
  answerError,
  DELETE_RUNNER,
  errorLine,
  expectFailed,
  expectOwnCommandsOnly,
  JSON_TYPE,
  LIST_PATH,
  listPage,
  MINT_PATH,
  requests,
  RUN_LIMIT_MS,
  runDeleteRunner,
  runMint,
  runnerJson
} from './steps.ts'

// A run takes a few seconds; the slowest (fleets, retries, rate limits) under a minute.
jest.setTimeout(60_000)

const EXPIRES_AT = '2026-11-21T13:00:00Z'

function mintAnswer(
  res: ServerResponse,
  token: string,
  headers: Record<string, string> = {}
): void {
  res
    .writeHead(201, { ...JSON_TYPE, ...headers })
    .end(JSON.stringify({ token, expires_at: EXPIRES_AT }))
}

function expectFailedWithoutOutputs(result: ActionRun): void {
  expect(result.timedOut).toBe(false)
  expect(result.exitCode).toBe(1)
  expect(result.outputs).toEqual({})
}

describe('every request stays on api-url', () => {
  it.each([302, 307])(
    'a %i to another port is not followed: nothing reaches it, the error names only its origin, and not the token',
    async (status) => {
      const elsewhere = await startHostile((_, res) => answerError(res, 401, 'Bad credentials'))
      const api = await startHostile((_, res) =>
        res.writeHead(status, { location: `${elsewhere.url}/steal?token=here` }).end()
      )
      const run = await runMint(api.url, { retries: '3' })
      expectFailed(run)
      expect(api.requests).toHaveLength(1)
      expect([elsewhere.connections, elsewhere.requests]).toEqual([0, []])
      expect(run.log).toContain(
        `a ${status} redirect pointed to ${elsewhere.url}, outside 'api-url' (${api.url}); nothing was sent there`
      )
      for (const words of ['/steal', '401', 'create a new token'])
        expect(run.log).not.toContain(words)
    }
  )

  it.each([
    ['the mint action', runMint, 'POST'],
    ['delete-runner', runDeleteRunner, 'GET']
  ])(
    'a redirect back to the same path (%s) is refused at once, without retrying (and deletes nothing)',
    async (_, action, method) => {
      const api = await startHostile((req, res) => res.writeHead(302, { location: req.url }).end())
      const run = await action(api.url, { retries: '3' })
      expectFailed(run)
      expect(api.requests.map((s) => s.method)).toEqual([method])
      expect(run.log).toContain('which is not the resource asked for')
      expect(run.log).not.toContain('Attempt 1 of')
    }
  )

  it('a next-page link to another port is not followed, and delete-runner deletes nothing', async () => {
    const elsewhere = await startHostile((_, res) =>
      res.writeHead(200, JSON_TYPE).end('{"total_count":0,"runners":[]}')
    )
    const api = await startHostile((_, res) =>
      res
        .writeHead(200, {
          ...JSON_TYPE,
          link: `<${elsewhere.url}/orgs/octo-org/actions/runners?page=2&x=secret>; rel="next"`
        })
        .end(
          JSON.stringify({
            total_count: 150,
            runners: [{ id: 1, name: 'spot-1', status: 'offline', busy: false, labels: [] }]
          })
        )
    )
    const result = await runDeleteRunner(api.url)
    expectFailedWithoutOutputs(result)
    expect(elsewhere.requests).toEqual([])
    expect(api.requests.map((s) => s.method)).toEqual(['GET'])
    expect(result.log).toContain(`pointed to ${elsewhere.url}, outside 'api-url'`)
    expect(result.log).not.toContain('x=secret')
    expectNoLeak(result, [INPUT_TOKEN])
  })

  it.each([307, 308, 301, 302])(
    "a %i to the renamed repository's id is repeated as the same POST",
    async (status) => {
      const token = mintedToken()
      const moved = '/repositories/1296269/actions/runners/remove-token'
      const api = await startHostile((req, res, n) =>
        n === 1 ? res.writeHead(status, { location: moved }).end() : mintAnswer(res, token)
      )
      const result = await runMint(api.url)
      expect(result.exitCode).toBe(0)
      expect(result.outputs.token).toBe(token)
      expect(api.requests.map((s) => `${s.method} ${s.url}`)).toEqual([
        `POST ${MINT_PATH}`,
        `POST ${moved}`
      ])
      expect(api.requests[1]?.headers.authorization).toBe(api.requests[0]?.headers.authorization)
      expect(api.requests[1]?.headers.authorization).toBe(redactCredential(`token ${INPUT_TOKEN}`))
      expectNoLeak(result, [INPUT_TOKEN, token])
    },
    40_000
  )

  it.each([
    ['another scope', '/orgs/megacorp/actions/runners/remove-token'],
    ['another path', `/moved${MINT_PATH}`],
    ['a GET (303)', '/repositories/1296269/actions/runners/remove-token']
  ])(
    'a redirect of the mint to %s is refused: no token is minted there, and the error names both paths',
    async (what, location) => {
      const status = what.includes('303') ? 303 : 308
      const api = await startHostile((_, res) => res.writeHead(status, { location }).end())
      const result = await runMint(api.url, { retries: '3' })
      expectFailed(result)
      expect(requests(api)).toEqual([`POST ${MINT_PATH}`])
      expect(result.log).toContain(
        `the server answered POST with ${status}, a redirect to ${location}, which is not the ` +
          `resource asked for (${MINT_PATH}); not followed`
      )
    }
  )

  it('a DELETE redirected to another runner is refused, reported as not deleted, and the others are deleted', async () => {
    const fleet = [5, 6].map((id) => runnerJson(id, `spot-${id}`))
    const api = await startHostile((req, res) => {
      if (req.method === 'GET') return listPage(res, fleet, 2)
      if (req.url === `${LIST_PATH}/5`) {
        return void res
          .writeHead(307, { location: '/enterprises/megacorp/actions/runners/999' })
          .end()
      }
      res.writeHead(204).end()
    })
    const result = await runDeleteRunner(api.url, {
      'runner-name': 'spot-5\nspot-6',
      retries: '3'
    })
    expect(result.exitCode).toBe(1)
    expect(requests(api)).toEqual([
      `GET ${LIST_PATH}?per_page=100`,
      `DELETE ${LIST_PATH}/5`,
      `DELETE ${LIST_PATH}/6`
    ])
    expect(JSON.parse(result.outputs['deleted-count'] ?? 'null')).toBe(1)
    expect(result.summary).toContain('spot-6')
    expect(result.log).toContain(
      'a redirect to /enterprises/megacorp/actions/runners/999, which is not the resource asked ' +
        `for (${LIST_PATH}/5); not followed`
    )
    expectNoLeak(result, [INPUT_TOKEN])
  })
})

describe('answers that end badly never crash the step', () => {
  it.each([
    ['deflate', deflateSync],
    ['br', brotliCompressSync]
  ])(
    'a %s runner list, complete plus a stray byte, then reset: refused with one ::error::, nothing deleted',
    async (encoding, compress) => {
      const body = Buffer.concat([
        compress(`{"total_count":1,"runners":[${runnerJson(1, 'spot-1')}]}`),
        Buffer.from('x')
      ])
      const api = await startHostile((_, res) => {
        res.writeHead(200, { ...JSON_TYPE, 'content-encoding': encoding })
        res.write(body, () => setTimeout(() => res.socket?.resetAndDestroy(), 200))
      })
      const result = await runDeleteRunner(api.url)
      expectFailed(result)
      expect(requests(api)).toEqual([`GET ${LIST_PATH}?per_page=100&name=spot-1`])
      expect(result.log).toContain(
        `the server answered with a ${encoding} body, which it was not asked for; not read`
      )
    }
  )

  it('a 101 answering the mint ends the step at once with one ::error::, not an unsettled exit', async () => {
    const api = await startHostile((_, res) =>
      res.socket?.write(
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'
      )
    )
    const result = await runMint(api.url, { timeout: '30' })
    expectFailed(result, { boundMs: 10_000 })
    expect(result.log).toContain('the server answered 101, switching to another protocol; not read')
  })

  it('a 101 answering one DELETE of a fleet: the others are deleted, and the outputs and summary say which', async () => {
    const fleet = [1, 2, 3].map((id) => runnerJson(id, `spot-${id}`))
    const api = await startHostile((req, res) => {
      if (req.method === 'GET') return listPage(res, fleet, 3)
      if (req.url === `${LIST_PATH}/2`) {
        return void res.socket?.write('HTTP/1.1 101 Switching Protocols\r\n\r\n')
      }
      res.writeHead(204).end()
    })
    const result = await runDeleteRunner(api.url, {
      'runner-name': '',
      'name-prefix': 'spot-',
      timeout: '30'
    })
    expect(result.timedOut).toBe(false)
    expect(result.exitCode).toBe(1)
    expect(requests(api).filter((line) => line.startsWith('DELETE'))).toEqual(
      [1, 2, 3].map((id) => `DELETE ${LIST_PATH}/${id}`)
    )
    expect(result.outputs['deleted-count']).toBe('2')
    expect(result.summary).toContain('spot-3')
    expect(result.log).toContain('Deleted 2 of 3 runners')
    expect(result.log).toContain('the server answered 101, which is not an answer to a request')
    expectNoLeak(result, [INPUT_TOKEN])
  })
})

describe('invisible characters, by their Unicode properties', () => {
  // The characters the attacker's probe found getting through a list of code points.
  const INVISIBLE = [
    '\u00ad',
    '\u034f',
    '\u061c',
    '\u180e',
    '\u115f',
    '\u3164',
    '\ufe0f',
    '\u{e0041}'
  ]

  it.each(INVISIBLE.map((c) => [`U+${c.codePointAt(0)?.toString(16).toUpperCase()}`, c]))(
    "a server message spelling the token with %s between its letters never shows it, even to a reader's eye",
    async (_, invisible) => {
      const spelled = [...INPUT_TOKEN].join(invisible)
      const api = await startHostile((_, res) =>
        answerError(res, 401, `Bad credentials: ${spelled}`)
      )
      const result = await runMint(api.url)
      expectFailed(result)
      const seen = result.log.replace(/[\p{Cf}\p{Default_Ignorable_Code_Point}]/gu, '')
      expect(seen).toContain('GitHub answered 401')
      expect(seen).not.toContain(INPUT_TOKEN)
      expect(result.log).not.toContain(invisible)
    }
  )

  it.each(INVISIBLE.map((c) => [`U+${c.codePointAt(0)?.toString(16).toUpperCase()}`, c]))(
    'a runner name holding %s is refused, and nothing is deleted',
    async (_, invisible) => {
      const api = await startHostile((req, res) =>
        req.method === 'GET'
          ? listPage(res, [runnerJson(1, 'spot-1'), runnerJson(2, `spot-1${invisible}`)], 2)
          : res.writeHead(204).end()
      )
      const result = await runDeleteRunner(api.url)
      expectFailed(result)
      expect(requests(api).filter((line) => line.startsWith('DELETE'))).toEqual([])
      expect(result.log).not.toContain(invisible)
    }
  )
})

describe('right diagnoses', () => {
  it.each([
    [
      'a number too large for a double',
      '{"message":"Validation Failed","errors":[12345678901234567890]}',
      '"Validation Failed"',
      422
    ]
  ])(
    'an error whose body holds %s is still named with its status and request id',
    async (_, body, said, status) => {
      const api = await startHostile((_, res) =>
        res
          .writeHead(status, {
            ...JSON_TYPE,
            'x-github-request-id': 'CF94:2BE0:1E4A3E:3CE7D0:6400F8B0'
          })
          .end(body)
      )
      const result = await runMint(api.url)
      expectFailed(result)
      expect(result.log).toContain(said)
      expect(result.log).toContain(String(status))
      expect(result.log).toContain('(request ID CF94:2BE0:1E4A3E:3CE7D0:6400F8B0)')
      expect(result.log).not.toContain('the connection failed before GitHub answered')
    }
  )

  it('an x-github-sso URL on another host is not shown as the place to authorise the token', async () => {
    const api = await startHostile((_, res) =>
      res
        .writeHead(403, { ...JSON_TYPE, 'x-github-sso': 'required; url=https://evil.test/sso' })
        .end('{"message":"Resource protected by organization SAML enforcement."}')
    )
    const result = await runMint(api.url)
    expectFailed(result)
    expect(result.log).not.toContain('evil.test')
    expect(result.log).toContain('Configure SSO')
  })
})

describe('bounded answers', () => {
  it('an answer of tens of MiB is abandoned, not read into memory', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 'a')
    const api = await startHostile((_, res) => {
      res.writeHead(201, JSON_TYPE)
      let sent = 0
      const more = (): void => {
        while (sent < 40 && res.write(chunk)) sent++
        if (sent < 40) res.once('drain', more)
        else res.end()
      }
      res.on('error', () => undefined)
      more()
    })
    const result = await runMint(api.url)
    expectFailedWithoutOutputs(result)
    expect(result.log).toContain("the answer's body is larger than 4 MiB; it was abandoned unread")
  })

  it('a gzip answer through the proxy is refused unread (compression is never asked for)', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, ' '))
    const api = await startHostile((_, res) =>
      res.writeHead(201, { ...JSON_TYPE, 'content-encoding': 'gzip' }).end(bomb)
    )
    const proxy = await startProxy(api.port)
    const result = await runMint('http://api.github.test', {}, { HTTP_PROXY: proxy.url })
    expectFailedWithoutOutputs(result)
    expect(proxy.seen.map(({ line }) => line)).toEqual([`POST http://api.github.test${MINT_PATH}`])
    expect(result.log).toContain('the server answered with a gzip body, which it was not asked for')
  })
})

describe('bounded time', () => {
  it('a proxy that accepts and never answers: the process ends within the time-out plus a few seconds', async () => {
    const proxy = await startProxy()
    const result = await runMint(
      'http://api.github.test',
      { timeout: '2' },
      { HTTP_PROXY: proxy.url }
    )
    expectFailedWithoutOutputs(result)
    expect(proxy.connections).toBeGreaterThan(0)
    expect(result.log).toContain("GitHub did not answer within 2 s (the 'timeout' input)")
    expect(result.durationMs).toBeLessThan(2_000 + 5_000)
  })

  it('a server that never answers: the process ends within the time-out plus a few seconds', async () => {
    const server = await startHostile(() => undefined)
    const result = await runMint(server.url, { timeout: '2' })
    expectFailedWithoutOutputs(result)
    expect(result.log).toContain("GitHub did not answer within 2 s (the 'timeout' input)")
    expect(result.durationMs).toBeLessThan(2_000 + 5_000)
  })
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
      const result = await runMint(api.url, {}, env)
      expect(result.exitCode).toBe(0)
      expect(result.outputs.token).toBe(token)
      expect(result.stderr).toBe('')
      expectMaskedFirst(result, [token])
      expectNoLeak(result, [INPUT_TOKEN, token])
    },
    40_000
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
      const run = await runDeleteRunner(api.url)
      expectFailed(run)
      expect(api.requests.map((s) => s.method)).toEqual(['GET'])
      expect(run.log).toContain('page 1 of the runner list')
    }
  )

  it('runner names holding commands, markdown and HTML are shown inert in the log, the summary and the outputs', async () => {
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
    const run = await runDeleteRunner(api.url, { 'runner-name': '', 'name-prefix': 'spot-' })
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
  })

  it('the runners output holds nothing that a later step printing it would make a command', async () => {
    const api = await startHostile((req, res) =>
      req.method === 'GET'
        ? listPage(res, [runnerJson(1, 'spot-##[warning]INJECTED')], 1)
        : res.writeHead(204).end()
    )
    const run = await runDeleteRunner(api.url, { 'runner-name': '', 'name-prefix': 'spot-' })
    expect(run.exitCode).toBe(0)
    expect(JSON.parse(run.outputs.runners ?? '[]')).toMatchObject([
      { name: 'spot-##[warning]INJECTED' }
    ])
    for (const value of Object.values(run.outputs)) {
      expect(renderLog(value, false).commands).toEqual([])
    }
  })

  it.each([
    ['delete-runner', runDeleteRunner],
    ['the mint action', runMint]
  ])(
    'GitHub’s error message with line breaks and commands is quoted inert by %s',
    async (_, action) => {
      const api = await startHostile((req, res) =>
        answerError(res, 403, `Forbidden${INJECTIONS.join('')}\n::set-output name=deleted::true`)
      )
      const run = await action(api.url)
      expectFailed(run)
      expect(api.requests).toHaveLength(1)
      expect(run.log).toContain('GitHub answered 403: "Forbidden')
    }
  )

  it.each([
    ['3 MB', 3_000_000, 'GitHub answered 403'],
    ['20 MB', 20_000_000, 'larger than 4 MiB']
  ])('a %s error message ends in a bounded error line', async (_, size, words) => {
    const message = 'M'.repeat(size)
    const api = await startHostile((req, res) => answerError(res, 403, message))
    const run = await runDeleteRunner(api.url)
    expectFailed(run, { boundMs: 15_000 })
    expect(api.requests).toHaveLength(1)
    expect(run.log).toContain(words)
    expect(errorLine(run).length).toBeLessThan(2_000)
    expect(run.stdout.length).toBeLessThan(20_000)
  })
})

describe('the input token', () => {
  it.each([
    ['a zero-width space', `${INPUT_TOKEN}\u200b`],
    ['an emoji', `${INPUT_TOKEN}\u{1F511}`],
    ['a non-ASCII letter', `ghp_e2eInputTokenNeverShowné00000000000`]
  ])('with %s is refused before any request, naming token', async (_, token) => {
    const api = await startHostile((req, res) => answerError(res, 401, 'Bad credentials'))
    const run = await runMint(api.url, { token })
    expectFailed(run, { secrets: [token, INPUT_TOKEN], masks: [token] })
    expect(api.connections).toBe(0)
    expect(run.log).toContain("Error: Input 'token' contains")
    expect(run.log).toContain('non-ASCII character')
  })

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
        answerError(res, 401, `Bad credentials: ${echo} (${echo})`)
      )
      const run = await runMint(api.url, { token: QUOTED_TOKEN })
      expectFailed(run, { secrets: [QUOTED_TOKEN], masks: [QUOTED_TOKEN] })
      expect(api.requests).toHaveLength(1)
      expect(api.requests[0]?.headers.authorization).toBe(redactCredential(`token ${QUOTED_TOKEN}`))
      // A base64 echo keeps what encodes the text around the token.
      expect(run.log).toMatch(/GitHub answered 401: "Bad credentials: \S*\*\*\*/)
    }
  )

  it('in a next link, retried, never shows in the retry or debug lines', async () => {
    const secretQuery = `token=${INPUT_TOKEN}&b64=${base64(INPUT_TOKEN)}&enc=${encodeURIComponent(JSON.stringify(INPUT_TOKEN))}`
    let page2 = 0
    const api = await startHostile((req, res) => {
      if (req.method === 'DELETE') return void res.writeHead(204).end()
      if (!req.url?.includes('page=2')) {
        return listPage(res, [], 1, `${api.url}${LIST_PATH}?page=2&${secretQuery}`)
      }
      page2 += 1
      if (page2 === 1) return answerError(res, 502, `Bad gateway for ${INPUT_TOKEN}`)
      listPage(res, [runnerJson(1, 'spot-1')], 1)
    })
    const run = await runDeleteRunner(api.url, { retries: '1' }, { RUNNER_DEBUG: '1' })
    expect(run.timedOut).toBe(false)
    expect(run.exitCode).toBe(0)
    expect(api.requests.map((s) => s.method)).toEqual(['GET', 'GET', 'GET', 'DELETE'])
    expect(run.log).toContain('Attempt 1 of 2 failed (502); retrying in')
    expect(run.log).toContain('##[debug]GET http://127.0.0.1:')
    // Only the list's paging parameters are taken from a link: the rest is never sent.
    expect(run.log).toMatch(
      /##\[debug\]GET http:\/\/127\.0\.0\.1:\d+\/orgs\/octo-org\/actions\/runners\?per_page=100&page=2: sending/
    )
    expect(api.requests[1]?.url).toBe(`${LIST_PATH}?per_page=100&page=2`)
    expectOwnCommandsOnly(run)
    expectNoLeak(run, [INPUT_TOKEN])
  })
})

describe('diagnoses that are right', () => {
  it.each([
    ['the mint action', runMint, 'POST /orgs/octo-org/actions/runners/remove-token'],
    ['delete-runner', runDeleteRunner, `GET ${LIST_PATH}`]
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
    }
  )

  it('a 429 asking to wait 120 s fails at once, saying GitHub asked to wait 120 s', async () => {
    const api = await startHostile((req, res) =>
      res
        .writeHead(429, { ...JSON_TYPE, 'retry-after': '120' })
        .end(JSON.stringify({ message: 'Too Many Requests' }))
    )
    const run = await runMint(api.url, { retries: '3' })
    expectFailed(run)
    expect(api.requests).toHaveLength(1)
    expect(run.log).toContain('GitHub asked to wait 120 s')
    expect(run.log).not.toContain('Attempt 1 of')
    expect(run.log).not.toContain('This needs')
  })

  it.each([
    ['the mint action', runMint],
    ['delete-runner', runDeleteRunner]
  ])(
    'an unparseable GITHUB_API_URL with api-url empty is an input error of %s, not a stack trace',
    async (_, action) => {
      const run = await runAction({
        actionDir: action === runMint ? REPO_ROOT : DELETE_RUNNER,
        inputs: {
          token: INPUT_TOKEN,
          'api-url': '',
          ...(action === runMint ? {} : { org: 'octo-org', 'runner-name': 'spot-1' })
        },
        github: { api_url: 'not a url', repository: 'octo-org/hello-world' },
        timeoutMs: RUN_LIMIT_MS
      })
      expectFailed(run)
      expect(run.log).toContain(
        `GITHUB_API_URL (used because input 'api-url' is empty) is "not a url", which is not an absolute URL`
      )
      expect(run.log).not.toMatch(/^\s+at /m)
    }
  )
})

describe('network failures that will not pass fail at once, with their fix', () => {
  it('a host that does not exist (ENOTFOUND)', async () => {
    const code = await lookup('api.github.invalid').then(
      () => 'resolved',
      (error: NodeJS.ErrnoException) => error.code
    )
    if (code !== 'ENOTFOUND') {
      console.warn(`Skipped: this machine's resolver answers ${code} for .invalid, not ENOTFOUND`)
      return
    }
    const run = await runMint('https://api.github.invalid', { retries: '3' })
    expectFailed(run)
    expect(run.log).toContain('(ENOTFOUND)')
    expect(run.log).toContain("The host in 'api-url' does not exist (DNS)")
    expect(run.log).not.toContain('Attempt 1 of')
  })

  it('an answer header with a character HTTP does not allow fails at once, with no advice to raise retries', async () => {
    const server = await startHostile((_, res) =>
      res.socket?.end(
        'HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nX-Bad: a\u0001b\r\n' +
          'Content-Length: 2\r\n\r\n{}'
      )
    )
    const run = await runMint(server.url, { retries: '3' })
    expectFailed(run)
    expect(server.connections).toBe(1)
    expect(run.log).toContain('the connection failed before GitHub answered')
    expect(run.log).not.toContain('Attempt 1 of')
    expect(run.log).not.toContain("raise 'retries'")
  })

  describe('with a self-signed certificate', () => {
    let tls: TestCertificate
    beforeAll(() => (tls = selfSignedCertificate()))
    afterAll(() => tls.remove())

    it('fails at once and says to set NODE_EXTRA_CA_CERTS', async () => {
      const api = await startHostile((req, res) => answerError(res, 500, 'unreachable'), tls)
      const run = await runMint(api.url, { retries: '3' })
      expectFailed(run)
      expect(api.connections).toBe(1)
      expect(api.requests).toEqual([])
      expect(run.log).toContain('NODE_EXTRA_CA_CERTS')
      expect(run.log).not.toContain('Attempt 1 of')
    })

    it('is accepted once NODE_EXTRA_CA_CERTS names it, as the fix says', async () => {
      const token = mintedToken()
      const api = await startHostile(
        (req, res) =>
          res.writeHead(201, JSON_TYPE).end(JSON.stringify({ token, expires_at: EXPIRES_AT })),
        tls
      )
      const run = await runMint(api.url, {}, { NODE_EXTRA_CA_CERTS: tls.certFile })
      expect(run.exitCode).toBe(0)
      expect(run.outputs).toEqual({ token, expires_at: EXPIRES_AT })
      expectOwnCommandsOnly(run, { masks: [INPUT_TOKEN, token] })
      expectNoLeak(run, [INPUT_TOKEN, token])
    })
  })
})

describe('plain http', () => {
  it('a plain-http api-url whose host only starts with 127. gets the plain-http warning', async () => {
    const run = await runMint('http://127.evil.invalid')
    expectFailed(run, { warnings: 1 })
    expect(run.log).toContain(
      "Warning: 'api-url' is http://127.evil.invalid: plain http sends the token unencrypted to 127.evil.invalid"
    )
  })

  it('a plain-http api-url on 127.0.0.1 gets no warning', async () => {
    const token = mintedToken()
    const api = await startHostile((req, res) =>
      res.writeHead(201, JSON_TYPE).end(JSON.stringify({ token, expires_at: EXPIRES_AT }))
    )
    const run = await runMint(api.url)
    expect(run.exitCode).toBe(0)
    expectOwnCommandsOnly(run, { masks: [INPUT_TOKEN, token], warnings: 0 })
    expect(run.log).not.toContain('plain http')
    expectNoLeak(run, [INPUT_TOKEN, token])
  })
})

describe('faults: each status, retries, rate limits, resets, time-outs, bad answers', () => {
  const minted = (token: string): Answer => ({
    status: 201,
    json: { token, expires_at: EXPIRES_AT }
  })
  const error = githubError
  const SECONDARY =
    'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.'
  const resetIn = (seconds: number) => String(Math.floor(Date.now() / 1000) + seconds)

  interface Scenario {
    inputs?: Record<string, string>
    env?: Record<string, string>
    /** The answer to attempt n (1-based); `token` is this scenario's minted token. */
    answer: (n: number, token: string) => Answer
    /** 1 unless given. */
    attempts?: number
    /** false unless given. */
    succeeds?: boolean
    /** Words the log must hold (the error, or the retry lines). */
    words: string[]
    /** Seconds that must pass between the first and the last attempt (a lower bound). */
    waitsAtLeast?: number
    /** Upper bound for the run (15 s unless given): timeout x attempts + backoff + waits + start-up. */
    boundS?: number
  }

  const SCENARIOS: Record<string, Scenario> = {
    '400 is not retried': {
      answer: () => error(400, 'Problems parsing JSON'),
      words: ['GitHub answered 400: "Problems parsing JSON"']
    },
    '401 says the token is invalid, expired or revoked': {
      answer: () => error(401, 'Bad credentials'),
      words: ['GitHub answered 401: "Bad credentials"', 'invalid, expired or revoked']
    },
    '403 "Must have admin rights" names the permission': {
      answer: () => error(403, 'Must have admin rights to Repository.'),
      words: [
        'lacks the permission',
        '"Administration" repository permission',
        'GITHUB_TOKEN never has it'
      ]
    },
    '403 "Resource not accessible by integration" passes on the accepted permissions': {
      inputs: { org: 'octo-org' },
      answer: () =>
        error(403, 'Resource not accessible by integration', {
          'x-accepted-github-permissions': 'organization_self_hosted_runners=write'
        }),
      words: [
        '"Self-hosted runners" organization permission',
        'GitHub accepts these permissions: organization_self_hosted_runners=write'
      ]
    },
    '403 with x-github-sso gives the SSO authorization URL': {
      answer: () =>
        error(403, 'Resource protected by organization SAML enforcement.', {
          'x-github-sso':
            'required; url=https://github.com/orgs/octo-org/sso?authorization_request=A1'
        }),
      words: [
        'authorized for SAML single sign-on',
        'https://github.com/orgs/octo-org/sso?authorization_request=A1'
      ]
    },
    '404 says the repository may be private to the token': {
      answer: () => error(404, 'Not Found', { 'x-github-request-id': 'ABCD:12:34' }),
      words: [
        '(request ID ABCD:12:34)',
        'does not exist, or the token cannot see it',
        'private repository'
      ]
    },
    '404 for an enterprise says only classic PATs work': {
      inputs: { enterprise: 'octo-corp' },
      answer: () => error(404, 'Not Found'),
      words: ['only classic PATs can manage enterprise runners', 'manage_runners:enterprise']
    },
    '422 is not retried': {
      answer: () => error(422, 'Validation Failed'),
      words: ['GitHub answered 422: "Validation Failed"']
    },
    '500 then success': {
      answer: (n, token) => (n === 1 ? error(500, 'Server Error') : minted(token)),
      attempts: 2,
      succeeds: true,
      words: ['Attempt 1 of 4 failed (500); retrying in'],
      boundS: 20
    },
    '502 and 503 then success': {
      answer: (n, token) =>
        n === 1 ? error(502, 'Bad Gateway') : n === 2 ? error(503, 'Unavailable') : minted(token),
      attempts: 3,
      succeeds: true,
      words: ['Attempt 1 of 4 failed (502)', 'Attempt 2 of 4 failed (503)'],
      boundS: 20
    },
    'retries exhausted after exactly retries + 1 attempts': {
      inputs: { retries: '2' },
      answer: () => error(502, 'Bad Gateway'),
      attempts: 3,
      words: ['failed after 3 attempts over', 'GitHub answered 502', 'server error'],
      boundS: 20
    },
    'retries 0 makes one attempt': {
      inputs: { retries: '0' },
      answer: () => error(503, 'Unavailable'),
      words: ['GitHub answered 503']
    },
    '429 secondary rate limit honours retry-after': {
      answer: (n, token) =>
        n === 1 ? error(429, SECONDARY, { 'retry-after': '1' }) : minted(token),
      attempts: 2,
      succeeds: true,
      words: ['Attempt 1 of 4 failed (429 secondary rate limit); retrying in '],
      waitsAtLeast: 1,
      boundS: 20
    },
    '403 secondary rate limit honours retry-after': {
      answer: (n, token) =>
        n === 1 ? error(403, SECONDARY, { 'retry-after': '1' }) : minted(token),
      attempts: 2,
      succeeds: true,
      words: ['Attempt 1 of 4 failed (403 secondary rate limit)'],
      waitsAtLeast: 1,
      boundS: 20
    },
    'secondary rate limit until the retries run out': {
      inputs: { retries: '1' },
      answer: () => error(429, SECONDARY, { 'retry-after': '1' }),
      attempts: 2,
      words: ['failed after 2 attempts', 'secondary rate limit refused it', 'max-parallel'],
      boundS: 20
    },
    'a 429 that is not a rate limit waits its retry-after': {
      answer: (n, token) =>
        n === 1 ? error(429, 'Too Many Requests', { 'retry-after': '1' }) : minted(token),
      attempts: 2,
      succeeds: true,
      words: ['Attempt 1 of 4 failed (429); retrying in 1.0 s'],
      waitsAtLeast: 1,
      boundS: 20
    },
    'primary rate limit that resets within a minute is waited for': {
      answer: (n, token) =>
        n === 1
          ? error(403, 'API rate limit exceeded for user ID 1.', {
              'x-ratelimit-remaining': '0',
              'x-ratelimit-reset': resetIn(1)
            })
          : minted(token),
      attempts: 2,
      succeeds: true,
      words: ['Attempt 1 of 4 failed (403 primary rate limit); retrying in'],
      waitsAtLeast: 1,
      boundS: 25
    },
    'primary rate limit that resets later fails at once, saying when': {
      answer: () =>
        error(403, 'API rate limit exceeded for user ID 1.', {
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': resetIn(3600)
        }),
      words: ["The token's rate limit is used up; it resets at", 'in 60 min']
    },
    'a connection reset is retried': {
      answer: (n, token) => (n === 1 ? RESET : minted(token)),
      attempts: 2,
      succeeds: true,
      words: ['Attempt 1 of 4 failed (ECONNRESET); retrying in'],
      boundS: 20
    },
    'connection resets until the retries run out': {
      inputs: { retries: '1' },
      answer: () => RESET,
      attempts: 2,
      words: [
        'failed after 2 attempts',
        'the connection failed before GitHub answered',
        'ECONNRESET'
      ],
      boundS: 20
    },
    'a server that never answers is abandoned after the time-out': {
      inputs: { retries: '1', timeout: '1' },
      answer: () => HANG,
      attempts: 2,
      words: [
        'Attempt 1 of 2 failed (timeout)',
        "GitHub did not answer within 1 s (the 'timeout' input)",
        'failed after 2 attempts'
      ],
      boundS: 1 * 2 + 1 + 10
    },
    'a 201 whose body is not JSON': {
      answer: () => ({
        status: 201,
        headers: { 'content-type': 'text/html' },
        raw: '<html>login</html>',
        offSpec: 'a proxy login page instead of the API'
      }),
      words: ['(status 201) is not a JSON object']
    },
    'a 201 without token': {
      answer: () => ({
        status: 201,
        json: { expires_at: EXPIRES_AT },
        offSpec: 'token is required'
      }),
      words: ["has no 'token' string"]
    },
    'a 201 without expires_at': {
      answer: (_, token) => ({ status: 201, json: { token }, offSpec: 'expires_at is required' }),
      words: ["has no 'expires_at' string"]
    },
    'retries in debug mode show request detail and no token': {
      inputs: { retries: '1' },
      env: { RUNNER_DEBUG: '1' },
      answer: (n, token) => (n === 1 ? error(502, 'Bad Gateway') : minted(token)),
      attempts: 2,
      succeeds: true,
      words: [
        '##[debug]POST http://127.0.0.1:',
        ': 502 in ',
        'x-github-request-id: E2E0:0000:000000:000000:00000000'
      ],
      boundS: 20
    }
  }

  it.each(Object.entries(SCENARIOS))(
    '%s',
    async (_, scenario) => {
      const token = mintedToken()
      let attempt = 0
      const simulator = await startTestSimulator({
        respond: () => scenario.answer(++attempt, token)
      })
      const run = await runAction({
        inputs: { token: INPUT_TOKEN, ...scenario.inputs },
        github: { api_url: simulator.url, repository: 'octo-org/hello-world' },
        env: scenario.env,
        timeoutMs: (scenario.boundS ?? 15) * 1000
      })
      expectScenario(run, simulator, scenario, token)
    },
    60_000
  )

  function expectScenario(run: ActionRun, sim: Simulator, scenario: Scenario, token: string): void {
    expect(run.timedOut).toBe(false)
    const { attempts = 1 } = scenario
    expect(sim.requests).toHaveLength(attempts)
    expect(run.log.match(/^Attempt \d+ of \d+ failed/gm) ?? []).toHaveLength(attempts - 1)
    for (const words of scenario.words) expect(run.log).toContain(words)
    if (scenario.succeeds) {
      expect(run.exitCode).toBe(0)
      expect(run.outputs).toEqual({ token, expires_at: EXPIRES_AT })
    } else {
      expect(run.exitCode).toBe(1)
      expect(run.outputs).toEqual({})
      expect(run.summary).toBe('')
      expect(run.log).toMatch(/^Error: /m)
    }
    if (scenario.waitsAtLeast !== undefined) {
      const times = sim.requests.map((request) => request.receivedAt)
      expect((times[times.length - 1] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(
        scenario.waitsAtLeast * 1000
      )
    }
    expectNoLeak(run, [INPUT_TOKEN, token])
  }

  it('a refused connection is retried, then explained', async () => {
    const apiUrl = `http://127.0.0.1:${await closedPort()}`
    const run = await runAction({
      inputs: { token: INPUT_TOKEN, retries: '1', 'api-url': apiUrl },
      github: { api_url: apiUrl, repository: 'octo-org/hello-world' },
      timeoutMs: 20_000
    })
    expect(run.timedOut).toBe(false)
    expect(run.exitCode).toBe(1)
    expect(run.outputs).toEqual({})
    expect(run.log).toContain('Attempt 1 of 2 failed (ECONNREFUSED)')
    expect(run.log).toContain('failed after 2 attempts')
    expect(run.log).toContain('the connection failed before GitHub answered')
    expectNoLeak(run, [INPUT_TOKEN])
  })
})

describe('through a proxy', () => {
  async function setUp() {
    const token = mintedToken()
    const simulator: Simulator = await startTestSimulator({
      pathPrefix: '/api/v3',
      respond: () => ({ status: 201, json: { token, expires_at: '2026-11-21T13:00:00Z' } })
    })
    const proxy = await startProxy(simulator.port)
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
  })

  it('a proxy that drops CONNECT is asked once per attempt, not in a reconnect storm', async () => {
    const proxy = await startProxy('drop')
    const proxyUrl = proxy.url.replace('http://', 'http://fleet:pr0xy-s3cret@')
    const result = await runMint(
      'https://api.github.test',
      { retries: '1', timeout: '3' },
      {
        HTTPS_PROXY: proxyUrl
      }
    )
    expectFailedWithoutOutputs(result)
    expect(proxy.seen.map(({ line }) => line)).toEqual(Array(2).fill('CONNECT api.github.test:443'))
    expect(proxy.seen[0]?.proxyAuthorization).toBe(
      `Basic ${Buffer.from('fleet:pr0xy-s3cret').toString('base64')}`
    )
    expect(result.log).toContain('ERR_PROXY_TUNNEL')
    expect(result.log).toContain('Attempt 1 of 2 failed (ERR_PROXY_TUNNEL)')
    expectNoLeak(result, [INPUT_TOKEN, 'pr0xy-s3cret'])
  })

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
  })

  describe('undici (which @actions/github imports, and nothing here sends with) is loaded only when a proxy is set', () => {
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
    })

    it('for a request through a proxy', async () => {
      const { simulator, proxy } = await setUp()
      const modules = await loadedModules(
        'http://api.github.test/api/v3',
        { HTTP_PROXY: proxy.url },
        simulator
      )
      expect(modules).toContain(BUNDLED_UNDICI)
    })
  })
})

it('a fleet of 20 teardowns at once all succeed under a secondary rate limit', async () => {
  const result = await runLoad(FLEET)
  expect(result.runs.map((run) => run.exitCode)).toEqual(Array(FLEET.copies).fill(0))
  expect(result.succeeded).toBe(FLEET.copies)
  expect(result.violations).toBe(0)
  expect(result.maxInFlightSeen).toBeLessThanOrEqual(FLEET.inFlight)
  // Every rate-limited answer was waited out and retried, and each retry was logged once.
  expect(result.requests).toBe(FLEET.copies + result.rateLimited)
  expect(result.retriesLogged).toBe(result.rateLimited)
  for (const run of result.runs) {
    expect(run.log).not.toMatch(/ghp_loadTest/)
    expect(run.log).not.toMatch(/ALOADTOKEN/)
  }
}, 120_000)
