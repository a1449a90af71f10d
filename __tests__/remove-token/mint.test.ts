import nock from 'nock'
import { createClient } from '../../src/github/client.js'
import { AnswerError, RequestFailedError } from '../../src/github/failure.js'
import { mintRemoveToken, parseAnswer } from '../../src/remove-token/mint.js'
import type { Target } from '../../src/github/target.js'
import { API, useNock } from '../github/nock-github.ts'

const TOKEN = 'ghp_removeTokenTest000000000000000000000'
const MINTED = {
  token: 'AABF3JGZDX3P5PMEXLND6TS6FCWO6',
  expires_at: '2020-01-29T12:13:35.123-08:00'
}
const repository: Target = { scope: 'repository', owner: 'octo-org', repo: 'hello-world' }

const log = { info() {}, debug() {}, warning() {} }
const client = (apiUrl: string) =>
  createClient({ token: TOKEN, apiUrl, retries: 0, timeoutS: 30, log })
const mint = async (apiUrl: string, target: Target) =>
  mintRemoveToken(await client(apiUrl), target, { apiUrl, timeoutS: 30, mask: () => {} })

useNock()

describe('mintRemoveToken', () => {
  it.each([
    [repository, '/repos/octo-org/hello-world/actions/runners/remove-token'],
    [
      { scope: 'organization', org: 'octo-org' } as Target,
      '/orgs/octo-org/actions/runners/remove-token'
    ],
    [
      { scope: 'enterprise', enterprise: 'octo-corp' } as Target,
      '/enterprises/octo-corp/actions/runners/remove-token'
    ]
  ])('POSTs with no body to the %o endpoint', async (target, path) => {
    let body: unknown = 'unset'
    const api = nock(API, {
      reqheaders: {
        authorization: `token ${TOKEN}`,
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
        'user-agent': /^runner-remove-token\/1\.0\.0 /
      }
    })
      .post(path, (sent) => {
        body = sent
        return true
      })
      .reply(201, MINTED)
    await expect(mint(API, target)).resolves.toEqual({
      token: MINTED.token,
      expiresAt: MINTED.expires_at
    })
    expect(api.isDone()).toBe(true)
    expect(body).toBe('')
  })

  it('keeps the GitHub Enterprise Server path prefix', async () => {
    const api = nock('https://ghes.example.com')
      .post('/api/v3/orgs/octo-org/actions/runners/remove-token')
      .reply(201, MINTED)
    await mint('https://ghes.example.com/api/v3', { scope: 'organization', org: 'octo-org' })
    expect(api.isDone()).toBe(true)
  })

  it('explains a refused request', async () => {
    nock(API)
      .post('/repos/octo-org/hello-world/actions/runners/remove-token')
      .reply(
        403,
        { message: 'Must have admin rights to Repository.' },
        { 'x-github-request-id': 'AB12:CD34:EF56' }
      )
    const failure = mint(API, repository)
    await expect(failure).rejects.toThrow(RequestFailedError)
    await expect(failure).rejects.toThrow(
      'POST /repos/octo-org/hello-world/actions/runners/remove-token for repository ' +
        'octo-org/hello-world failed. GitHub answered 403: "Must have admin rights to Repository." ' +
        '(request ID AB12:CD34:EF56).'
    )
  })

  it('refuses a 201 whose body is not JSON', async () => {
    nock(API)
      .post('/repos/octo-org/hello-world/actions/runners/remove-token')
      .reply(201, '<html>proxy login</html>', { 'content-type': 'text/html' })
    await expect(mint(API, repository)).rejects.toThrow(
      "GitHub's answer to POST /repos/octo-org/hello-world/actions/runners/remove-token (status 201) is not a JSON object"
    )
  })

  it('never counts a redirect without a Location as a mint', async () => {
    nock(API).post('/repos/octo-org/hello-world/actions/runners/remove-token').reply(302, MINTED)
    await expect(mint(API, repository)).rejects.toThrow('a redirect with no URL to follow')
  })

  it('never counts a 300 as a mint', async () => {
    nock(API).post('/repos/octo-org/hello-world/actions/runners/remove-token').reply(300, MINTED)
    await expect(mint(API, repository)).rejects.toThrow(
      'is not the 201 GitHub documents for a minted token'
    )
  })
})

const NOT_ASCII =
  "has a 'token' that is not a remove token: not 16 to 1024 printable ASCII characters (GitHub's are 29)"

describe('parseAnswer', () => {
  const expiresAt = MINTED.expires_at
  // Labels name each case, so no token value is printed in the test report.
  it.each([
    ['null', null, 'is not a JSON object'],
    ['a string', 'text', 'is not a JSON object'],
    ['an array', [MINTED], 'is not a JSON object'],
    ['no token', { expires_at: expiresAt }, "has no 'token' string"],
    ['an empty token', { token: '', expires_at: expiresAt }, "has no 'token' string"],
    ['a numeric token', { token: 42, expires_at: expiresAt }, "has no 'token' string"],
    ['a token with a space', { token: 'AABF3JGZ DX3P5PMEX', expires_at: expiresAt }, NOT_ASCII],
    [
      'a token with a line break',
      { token: 'AABF3JGZ\nDX3P5PMEX', expires_at: expiresAt },
      NOT_ASCII
    ],
    ['a non-ASCII token', { token: 'AABF3JGZ\u200bDX3P5PMEX', expires_at: expiresAt }, NOT_ASCII],
    ['a one-character token', { token: 'e', expires_at: expiresAt }, NOT_ASCII],
    ['a token of 15 characters', { token: 'A'.repeat(15), expires_at: expiresAt }, NOT_ASCII],
    ['a token too long', { token: 'A'.repeat(1025), expires_at: expiresAt }, NOT_ASCII],
    ['no expires_at', { token: MINTED.token }, "has no 'expires_at' string"],
    [
      'a numeric expires_at',
      { token: MINTED.token, expires_at: 1580328815 },
      "has no 'expires_at' string"
    ],
    ...(
      [
        ['a word for expires_at', 'tomorrow'],
        ['an impossible date', '2020-13-45T99:99:99Z'],
        ['a day that does not exist', '2030-02-31T00:00:00Z'],
        ['an offset that does not exist', '2030-02-01T00:00:00+24:00']
      ] as const
    ).map(([what, time]): [string, unknown, string] => [
      what,
      { token: MINTED.token, expires_at: time },
      "has an 'expires_at' that is not an ISO 8601 time, so"
    ])
  ])('refuses an answer with %s', (_, data, text) => {
    const masked: string[] = []
    let thrown: unknown
    try {
      parseAnswer(data, 201, 'application/json', 'POST /x', masked.push.bind(masked))
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(AnswerError)
    const message = (thrown as Error).message
    expect(message).toContain(`GitHub's answer to POST /x ${text}`)
    expect(message).not.toContain(MINTED.token)
    expect(message).not.toMatch(/AABF3JGZ\s?DX3P5PMEX/)
    // Any token long enough to be one was masked before the answer was refused; a shorter one
    // never is (the runner would mask that text everywhere in the job).
    const token = (data as { token?: unknown } | null)?.token
    const long = typeof token === 'string' && token.length >= 16
    expect(masked).toEqual(long ? [token] : [])
  })

  it.each(['2020-01-29T12:13:35.123-08:00', '2026-11-21T12:00:00Z', '2026-11-21T12:00:00+01:00'])(
    'takes expires_at %p exactly as GitHub sent it',
    (expiresAt) => {
      const data = { token: MINTED.token, expires_at: expiresAt }
      expect(parseAnswer(data, 201, 'application/json', 'x', () => {})).toEqual({
        token: MINTED.token,
        expiresAt
      })
    }
  )

  it('masks a token whole, even in an answer it refuses for its status or type', () => {
    for (const [status, type] of [
      [302, 'application/json'],
      [201, 'text/html']
    ] as const) {
      const masked: string[] = []
      expect(() =>
        parseAnswer(
          { token: 'AABF3JGZ DX3P5PMEX', expires_at: expiresAt },
          status,
          type,
          'x',
          (t) => masked.push(t)
        )
      ).toThrow(AnswerError)
      expect(masked).toEqual(['AABF3JGZ DX3P5PMEX'])
    }
    expect(() => parseAnswer(MINTED, 201, undefined, 'x', () => {})).toThrow('no content type')
  })
})
