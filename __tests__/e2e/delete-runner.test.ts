/**
 * The bundled delete-runner sub-action, run as a runner runs it, against the simulator (held to
 * GitHub's description of the list and delete operations of all three scopes).
 */
import { join } from 'node:path'
import { githubError, type Simulator } from '../harness/github-simulator.ts'
import { REPO_ROOT, runAction, type ActionRun } from '../harness/run-action.ts'
import {
  runner,
  RunnerRegistry,
  type FakeRunner,
  type RegistryOptions
} from '../harness/runner-registry.ts'
import { expectNoLeak } from '../harness/runner-log.ts'
import { INPUT_TOKEN, startTestSimulator } from '../harness/test-servers.ts'

const ACTION_DIR = join(REPO_ROOT, 'delete-runner')

async function setUp(runners: FakeRunner[], options?: RegistryOptions, pathPrefix = '') {
  const registry = new RunnerRegistry(runners, options)
  const simulator = await startTestSimulator({ respond: registry.respond, pathPrefix })
  return { registry, simulator }
}

function deleteRunner(
  simulator: Simulator,
  inputs: Record<string, string>,
  timeoutMs = 30_000
): Promise<ActionRun> {
  return runAction({
    actionDir: ACTION_DIR,
    inputs: { token: INPUT_TOKEN, ...inputs },
    github: { api_url: simulator.url, repository: 'octo-org/hello-world' },
    timeoutMs
  })
}

const operations = (simulator: Simulator) => simulator.requests.map((r) => `${r.method} ${r.path}`)

function expectFailure(run: ActionRun, words: string) {
  expect(run.exitCode).toBe(1)
  expect(run.outputs).toEqual({})
  expect(run.log).toContain(`Error: ${words}`)
  expectNoLeak(run, [INPUT_TOKEN])
}

describe('deletes the named runner', () => {
  it.each([
    [{}, '/repos/octo-org/hello-world/actions/runners'],
    [{ org: 'octo-org' }, '/orgs/octo-org/actions/runners'],
    [{ enterprise: 'octo-corp' }, '/enterprises/octo-corp/actions/runners']
  ])('of %o', async (scope, base) => {
    const { registry, simulator } = await setUp([
      runner(1, 'build-1'),
      runner(7, 'spot-7'),
      runner(9, 'spot-9')
    ])
    const run = await deleteRunner(simulator, { ...scope, 'runner-name': 'spot-7' })
    expect(run.exitCode).toBe(0)
    expect(run.outputs).toEqual({
      deleted: 'true',
      'deleted-count': '1',
      runners: '[{"id":7,"name":"spot-7","status":"offline","deleted":true}]',
      'runner-id': '7',
      'runner-status': 'offline'
    })
    expect(registry.deleted).toEqual([7])
    expect(operations(simulator)).toEqual([`GET ${base}`, `DELETE ${base}/7`])
    expect(simulator.requests[0]?.query).toEqual({ name: 'spot-7', per_page: '100' })
    expect(run.log).toContain("Deleted runner 'spot-7' (id 7, offline)")
    expect(run.summary).toContain('Deleted runner &#39;spot-7&#39; (id 7, offline)')
    expectNoLeak(run, [INPUT_TOKEN])
  })

  it('on page 3 of 3 when GitHub ignores the name filter', async () => {
    const fleet = Array.from({ length: 250 }, (_, i) => runner(1000 + i, `spot-${i}`))
    const { registry, simulator } = await setUp(fleet, { filterByName: false })
    const run = await deleteRunner(simulator, { org: 'octo-org', 'runner-name': 'spot-230' })
    expect(run.exitCode).toBe(0)
    expect(run.outputs['runner-id']).toBe('1230')
    expect(registry.deleted).toEqual([1230])
    expect(
      simulator.requests.filter((r) => r.method === 'GET').map((r) => r.query.page ?? '1')
    ).toEqual(['1', '2', '3'])
  })

  it('on GitHub Enterprise Server', async () => {
    const { registry, simulator } = await setUp([runner(3, 'ghes-1')], {}, '/api/v3')
    const run = await deleteRunner(simulator, { org: 'octo-org', 'runner-name': 'ghes-1' })
    expect(run.exitCode).toBe(0)
    expect(registry.deleted).toEqual([3])
    expect(operations(simulator)).toEqual([
      'GET /api/v3/orgs/octo-org/actions/runners',
      'DELETE /api/v3/orgs/octo-org/actions/runners/3'
    ])
  })

  it('once it stops being busy, within busy-timeout', async () => {
    const { registry, simulator } = await setUp([runner(5, 'busy-5', 'offline', true)], {
      busyFor: { 5: 2 }
    })
    const run = await deleteRunner(simulator, { 'runner-name': 'busy-5', 'busy-timeout': '20' })
    expect(run.exitCode).toBe(0)
    expect(registry.deleted).toEqual([5])
    expect(simulator.requests.filter((r) => r.method === 'DELETE')).toHaveLength(3)
    expect(
      run.log.match(/is running a job \(GitHub answered 422\); trying again in/g)
    ).toHaveLength(2)
  })
})

describe('leaves every runner alone', () => {
  it('when none has the name, with missing-ok (the default): success, deleted=false', async () => {
    const { registry, simulator } = await setUp([runner(1, 'build-1')])
    const run = await deleteRunner(simulator, { 'runner-name': 'gone-1' })
    expect(run.exitCode).toBe(0)
    expect(run.outputs).toEqual({
      deleted: 'false',
      'deleted-count': '0',
      runners: '[]',
      'runner-id': '',
      'runner-status': ''
    })
    expect(registry.deleted).toEqual([])
    expect(run.log).toContain("No runner of repository octo-org/hello-world is named 'gone-1'")
  })

  it('when something else deletes it after it is listed: success, deleted=false', async () => {
    const { registry, simulator } = await setUp([runner(7, 'spot-7')], { vanishAfterListing: [7] })
    const run = await deleteRunner(simulator, { 'runner-name': 'spot-7' })
    expect(run.exitCode).toBe(0)
    expect(run.outputs).toEqual({
      deleted: 'false',
      'deleted-count': '0',
      runners:
        '[{"id":7,"name":"spot-7","status":"offline","deleted":false,"reason":"already deleted by something else"}]',
      'runner-id': '7',
      'runner-status': 'offline'
    })
    expect(registry.deleted).toEqual([])
    expect(run.log).toContain('was deleted by something else after it was listed')
  })

  it('when none has the name, without missing-ok: an error', async () => {
    const { registry, simulator } = await setUp([runner(1, 'build-1')])
    const run = await deleteRunner(simulator, { 'runner-name': 'gone-1', 'missing-ok': 'false' })
    expectFailure(run, "No runner of repository octo-org/hello-world is named 'gone-1' (0 listed).")
    expect(run.log).toContain("set 'missing-ok: true' if it may be gone")
    expect(registry.deleted).toEqual([])
  })

  it('when only a name that differs in case exists', async () => {
    const { registry, simulator } = await setUp([runner(4, 'Spot-4')])
    const run = await deleteRunner(simulator, { 'runner-name': 'spot-4', 'missing-ok': 'false' })
    expectFailure(
      run,
      "No runner of repository octo-org/hello-world is named 'spot-4' (1 listed); 'Spot-4' (id 4, offline) differs only in case"
    )
    expect(registry.deleted).toEqual([])
    expect(operations(simulator)).toEqual(['GET /repos/octo-org/hello-world/actions/runners'])
  })

  it('when it is online and only-offline is true (the default)', async () => {
    const { registry, simulator } = await setUp([runner(6, 'live-6', 'online')])
    const run = await deleteRunner(simulator, { 'runner-name': 'live-6' })
    expectFailure(
      run,
      "Runner 'live-6' (id 6, online) of repository octo-org/hello-world is online, and 'only-offline' is true: refusing to delete it."
    )
    expect(registry.deleted).toEqual([])
  })

  it('when two runners have the name, listing their ids', async () => {
    const { registry, simulator } = await setUp([runner(11, 'twin'), runner(12, 'twin')])
    const run = await deleteRunner(simulator, { org: 'octo-org', 'runner-name': 'twin' })
    expectFailure(
      run,
      "2 runners of organization octo-org are named 'twin' (ids 11, 12): refusing to guess"
    )
    expect(registry.deleted).toEqual([])
    expect(simulator.requests.every((r) => r.method === 'GET')).toBe(true)
  })

  it('when it stays busy past busy-timeout', async () => {
    const { registry, simulator } = await setUp([runner(8, 'busy-8', 'offline', true)], {
      busyFor: { 8: 100 }
    })
    const run = await deleteRunner(simulator, { 'runner-name': 'busy-8', 'busy-timeout': '2' })
    expectFailure(
      run,
      "Runner 'busy-8' (id 8) of repository octo-org/hello-world is still running a job after 2 s: GitHub answered 422"
    )
    expect(registry.deleted).toEqual([])
    expect(simulator.requests.filter((r) => r.method === 'DELETE').length).toBeGreaterThanOrEqual(2)
  })

  it('when it is busy and busy-timeout is 0 (the default): fails at once', async () => {
    const { simulator } = await setUp([runner(8, 'busy-8', 'offline', true)], { busyFor: { 8: 1 } })
    const run = await deleteRunner(simulator, { 'runner-name': 'busy-8' })
    expectFailure(
      run,
      "Runner 'busy-8' (id 8) of repository octo-org/hello-world is still running a job: GitHub answered 422"
    )
    expect(run.log).toContain("set 'busy-timeout'")
    expect(simulator.requests.filter((r) => r.method === 'DELETE')).toHaveLength(1)
  })
})

describe('refuses bad input before any request', () => {
  it.each([
    [{ 'runner-name': '' }, "Input 'runner-name' is empty"],
    [
      { 'runner-name': 'a\u0007b' },
      'Input \'runner-name\' is "a\\u0007b": a runner name has no control characters'
    ],
    [
      { 'runner-name': 'x', 'only-offline': 'yes' },
      'Input \'only-offline\' is "yes": give true or false (default true).'
    ],
    [
      { 'runner-name': 'x', 'missing-ok': '1' },
      'Input \'missing-ok\' is "1": give true or false (default true).'
    ],
    [{ 'runner-name': 'x', 'busy-timeout': '-1' }, 'Input \'busy-timeout\' is "-1"'],
    [{ 'runner-name': 'x', 'busy-timeout': '3601' }, 'Input \'busy-timeout\' is "3601"'],
    [
      { 'runner-name': 'x', org: 'o', repo: 'r', owner: 'o' },
      "Inputs 'owner', 'repo', 'org' are all set"
    ],
    [{ 'runner-name': 'x', retries: '11' }, 'Input \'retries\' is "11"']
  ])('%o', async (inputs, message) => {
    const { simulator } = await setUp([runner(1, 'x')])
    const run = await deleteRunner(simulator, inputs)
    expectFailure(run, message)
    expect(simulator.requests).toEqual([])
  })
})

it('names the permission when GitHub refuses the listing', async () => {
  const simulator = await startTestSimulator({
    respond: () => githubError(403, 'Resource not accessible by integration')
  })
  const run = await deleteRunner(simulator, { org: 'octo-org', 'runner-name': 'x' })
  expectFailure(
    run,
    'GET /orgs/octo-org/actions/runners for organization octo-org failed. GitHub answered 403'
  )
  expect(run.log).toContain('"Self-hosted runners" organization permission')
})
