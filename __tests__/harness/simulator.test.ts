/**
 * The simulator holds every request and answer to GitHub's own description: a wrong path, method,
 * parameter or body, or a fixture that GitHub would never send, becomes a violation that fails
 * the test that caused it.
 */
import { Contract } from './github-contract.ts'
import {
  githubError,
  redactCredential,
  RESET,
  SIMULATED_ERROR_HEADER,
  startSimulator,
  type Responder,
  type Simulator
} from './github-simulator.ts'
import { renderLog } from './run-action.ts'

const AUTH = { authorization: 'token ghp_simulatorTest' }
const REPO_PATH = '/repos/octo/hello/actions/runners/remove-token'
let simulator: Simulator

afterEach(() => simulator.close())

async function send(path: string, init: RequestInit = {}, respond?: Responder, pathPrefix = '') {
  simulator = await startSimulator({ respond, pathPrefix })
  const response = await fetch(`${new URL(simulator.url).origin}${path}`, {
    method: 'POST',
    headers: AUTH,
    ...init
  })
  const body = (await response.json()) as { message?: string }
  return { status: response.status, headers: response.headers, body }
}

describe('by default', () => {
  it.each([
    [REPO_PATH, 'actions/create-remove-token-for-repo'],
    ['/orgs/octo/actions/runners/remove-token', 'actions/create-remove-token-for-org'],
    [
      '/enterprises/octo-corp/actions/runners/remove-token',
      'enterprise-admin/create-remove-token-for-enterprise'
    ]
  ])('answers POST %s with GitHub’s documented example', async (path, operationId) => {
    const answer = await send(path)
    expect(answer.status).toBe(201)
    expect(answer.body).toEqual({
      token: 'AABF3JGZDX3P5PMEXLND6TS6FCWO6',
      expires_at: '2020-01-29T12:13:35.123-08:00'
    })
    expect(simulator.requests[0]?.operationId).toBe(operationId)
    expect(simulator.violations).toEqual([])
  })

  it('serves under a GitHub Enterprise Server prefix', async () => {
    const answer = await send(`/api/v3${REPO_PATH}`, {}, undefined, '/api/v3')
    expect(answer.status).toBe(201)
    expect(simulator.requests[0]?.params).toEqual({ owner: 'octo', repo: 'hello' })
  })

  it('answers 401 in GitHub’s shape when no credential is sent', async () => {
    const answer = await send(REPO_PATH, { headers: {} })
    expect(answer.status).toBe(401)
    expect(answer.body).toEqual({
      message: 'Requires authentication',
      documentation_url: 'https://docs.github.com/rest',
      status: '401'
    })
    expect(answer.headers.get(SIMULATED_ERROR_HEADER)).toContain('not in the description')
    expect(simulator.violations).toEqual([])
  })

  it('never keeps the credential it was sent', async () => {
    await send(REPO_PATH)
    expect(JSON.stringify(simulator.requests)).not.toContain('ghp_simulatorTest')
    expect(simulator.requests[0]?.headers.authorization).toBe(redactCredential(AUTH.authorization))
    expect(redactCredential(AUTH.authorization)).toMatch(
      /^token \*\*\*\(17 chars, sha256 [0-9a-f]{12}\)$/
    )
  })
})

describe('requests GitHub’s description does not allow are violations', () => {
  it.each([
    [
      'a wrong path',
      '/repos/octo/hello/actions/runner/remove-token',
      {},
      "no operation in GitHub's description has the path"
    ],
    [
      'an extra path segment',
      '/repos/octo/hello/x/actions/runners/remove-token',
      {},
      'no operation'
    ],
    ['a wrong method', REPO_PATH, { method: 'GET' }, 'GET is not allowed on'],
    ['a request body', REPO_PATH, { body: '{}' }, 'takes no request body'],
    [
      'an unknown query parameter',
      `${REPO_PATH}?per_page=10`,
      {},
      "takes no query parameter 'per_page'"
    ],
    ['a path outside the prefix', REPO_PATH, {}, 'outside /api/v3/']
  ])('%s', async (_, path, init, reason) => {
    const prefix = reason.includes('outside') ? '/api/v3' : ''
    const answer = await send(path, init, undefined, prefix)
    expect(answer.status).toBe(404)
    expect(simulator.violations).toEqual([
      { request: expect.any(String), reason: expect.stringContaining(reason) }
    ])
    expect(answer.body.message).toContain('Simulator:')
  })
})

describe('answers a test scripts are held to the description too', () => {
  it.each([
    [
      'without expires_at',
      { status: 201, json: { token: 'T' } },
      "must have required property 'expires_at'"
    ],
    [
      'without token',
      { status: 201, json: { expires_at: '2020-01-29T12:13:35Z' } },
      "must have required property 'token'"
    ],
    [
      'with an expires_at that is not a date-time',
      { status: 201, json: { token: 'T', expires_at: 'soon' } },
      'must match format "date-time"'
    ],
    [
      'with a status GitHub does not document for success',
      { status: 200, json: { token: 'T', expires_at: '2020-01-29T12:13:35Z' } },
      'status 200 is not documented'
    ],
    [
      'with an error body not in GitHub’s shape',
      { status: 404, json: { message: 404 } },
      "GitHub's error shape (basic-error)"
    ]
  ])('refuses to send an answer %s', async (_, scripted, reason) => {
    const answer = await send(REPO_PATH, {}, () => scripted)
    expect(answer.status).toBe(500)
    expect(simulator.violations).toEqual([
      { request: `POST ${REPO_PATH}`, reason: expect.stringContaining(reason) }
    ])
  })

  it('sends an answer declared off-spec on purpose', async () => {
    const answer = await send(REPO_PATH, {}, () => ({
      status: 201,
      json: { token: 'T' },
      offSpec: 'fault injection'
    }))
    expect(answer.status).toBe(201)
    expect(simulator.violations).toEqual([])
  })

  it('sends undocumented errors in GitHub’s shape, labelled as the simulator’s', async () => {
    const answer = await send(REPO_PATH, {}, () =>
      githubError(403, 'Must have admin rights to Repository.')
    )
    expect(answer.status).toBe(403)
    expect(answer.body).toEqual({
      message: 'Must have admin rights to Repository.',
      documentation_url: 'https://docs.github.com/rest',
      status: '403'
    })
    expect(answer.headers.get(SIMULATED_ERROR_HEADER)).toBeTruthy()
    expect(simulator.violations).toEqual([])
  })
})

describe('answers by hand, on the raw response', () => {
  it('are refused unless the answer says why it is off-spec', async () => {
    const answer = await send(REPO_PATH, {}, () => ({ status: 201, byHand: (res) => res.end() }))
    expect(answer.status).toBe(500)
    expect(simulator.violations).toEqual([
      { request: `POST ${REPO_PATH}`, reason: expect.stringContaining('must say why') }
    ])
  })

  it('are refused from a responder that answers nothing on a server not declared off-spec', async () => {
    const answer = await send(REPO_PATH, {}, () => undefined)
    expect(answer.status).toBe(500)
    expect(simulator.violations).toEqual([
      { request: `POST ${REPO_PATH}`, reason: expect.stringContaining('not declared offSpec') }
    ])
  })

  it('reset the connection with RESET', async () => {
    await expect(send(REPO_PATH, {}, () => RESET)).rejects.toThrow('fetch failed')
    expect(simulator.violations).toEqual([])
  })

  it('reach a hostile server (declared off-spec) for any request, checked or not', async () => {
    simulator = await startSimulator({
      offSpec: 'a hostile server',
      respond: (request, res) => void res.writeHead(418).end(`${request.method} ${request.url}`)
    })
    const answer = await fetch(`${simulator.url}/not/github?x=1`, { method: 'PUT' })
    expect([answer.status, await answer.text()]).toEqual([418, 'PUT /not/github?x=1'])
    expect([simulator.connections, simulator.violations]).toEqual([1, []])
  })
})

describe('Contract', () => {
  const contract = new Contract()

  it('knows the operations the actions call', () => {
    expect(contract.operationIds().sort()).toEqual([
      'actions/create-remove-token-for-org',
      'actions/create-remove-token-for-repo',
      'actions/delete-self-hosted-runner-from-org',
      'actions/delete-self-hosted-runner-from-repo',
      'actions/list-self-hosted-runner-groups-for-org',
      'actions/list-self-hosted-runners-for-org',
      'actions/list-self-hosted-runners-for-repo',
      'actions/list-self-hosted-runners-in-group-for-org',
      'enterprise-admin/create-remove-token-for-enterprise',
      'enterprise-admin/delete-self-hosted-runner-from-enterprise',
      'enterprise-admin/list-self-hosted-runner-groups-for-enterprise',
      'enterprise-admin/list-self-hosted-runners-for-enterprise',
      'enterprise-admin/list-self-hosted-runners-in-group-for-enterprise'
    ])
  })

  it('checks parameter types', () => {
    const none = new URLSearchParams()
    expect(contract.matchRequest('DELETE', '/orgs/o/actions/runners/abc', none, '')).toEqual({
      problem: expect.stringContaining(
        'path parameter \'runner_id\' = "abc": value must be integer'
      )
    })
    expect(
      contract.matchRequest('GET', '/orgs/o/actions/runners', new URLSearchParams('per_page=x'), '')
    ).toEqual({ problem: expect.stringContaining("query parameter 'per_page'") })
    expect(
      contract.matchRequest(
        'GET',
        '/orgs/o/actions/runners',
        new URLSearchParams('name=a&per_page=100&page=3'),
        ''
      )
    ).toMatchObject({
      operationId: 'actions/list-self-hosted-runners-for-org',
      query: { name: 'a', per_page: '100', page: '3' }
    })
  })

  it('serves documented examples for listing and deleting', () => {
    expect(contract.example('actions/list-self-hosted-runners-for-org')).toMatchObject({
      status: 200,
      json: { total_count: expect.any(Number), runners: expect.any(Array) }
    })
    expect(contract.example('actions/delete-self-hosted-runner-from-org')).toEqual({
      status: 204,
      json: undefined
    })
    expect(
      contract.checkAnswer('actions/delete-self-hosted-runner-from-org', 204, undefined)
    ).toBeUndefined()
    expect(
      contract.checkAnswer('actions/delete-self-hosted-runner-from-org', 422, {
        message: 'Bad request',
        documentation_url: 'x'
      })
    ).toBeUndefined()
    expect(
      contract.checkAnswer('actions/list-self-hosted-runners-for-org', 200, {
        total_count: 1,
        runners: [{ id: 1 }]
      })
    ).toContain("must have required property 'name'")
  })

  it('reads path parameters', () => {
    expect(
      contract.matchRequest(
        'POST',
        '/orgs/oct%2Do/actions/runners/remove-token',
        new URLSearchParams(),
        ''
      )
    ).toEqual({
      operationId: 'actions/create-remove-token-for-org',
      operation: 'POST /orgs/{org}/actions/runners/remove-token',
      params: { org: 'oct-o' },
      query: {}
    })
  })
})

describe('renderLog', () => {
  it('masks each line with the values registered before it, as the runner does', () => {
    const stdout =
      'early SECRET\n::add-mask::SECRET\nlate SECRET\n::debug::x%25y%0Az\n::warning::careful\n::set-output name=a::b'
    expect(renderLog(stdout, true)).toMatchObject({
      // With step debug on, the runner echoes each command but add-mask's value (EchoOnActionCommand).
      log: 'early SECRET\n::add-mask::***\nlate ***\n##[debug]x%y\nz\nWarning: careful\n::set-output name=a::b',
      masked: ['SECRET']
    })
    expect(renderLog('::debug::hidden\nshown', false).log).toBe('shown')
  })
})
