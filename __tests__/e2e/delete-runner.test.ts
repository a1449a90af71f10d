/**
 * delete-runner end to end: the bundled sub-action, run as a runner runs it, against the simulator
 * (held to GitHub's description of the list and delete operations of all three scopes) keeping a
 * registry of runners, for one runner and for fleets (name lists, prefixes, labels, pages, rate
 * limits); and against hostile runner lists, refused before any DELETE.
 */
import { jest } from '@jest/globals'
import type { ServerResponse } from 'node:http'
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
import { INPUT_TOKEN, startHostile, startTestSimulator } from '../harness/test-servers.ts'
import {
  answerError,
  expectFailed,
  JSON_TYPE,
  LIST_PATH,
  listPage,
  runDeleteRunner,
  runnerJson
} from './steps.ts'

// A run takes a few seconds; the slowest (fleets, retries, rate limits) under a minute.
jest.setTimeout(60_000)

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
      counts: expect.any(String),
      deleted: 'true',
      'deleted-count': '1',
      runners: '[{"id":7,"name":"spot-7","status":"offline","deleted":true}]'
    })
    expect(registry.deleted).toEqual([7])
    expect(operations(simulator)).toEqual([`GET ${base}`, `DELETE ${base}/7`])
    expect(simulator.requests[0]?.query).toEqual({ name: 'spot-7', per_page: '100' })
    expect(run.log).toContain('Deleted 1 of 1: spot-7 (id 7)')
    expect(run.summary).toContain('Deleted 1 of 1 runners chosen in')
    expectNoLeak(run, [INPUT_TOKEN])
  })

  it('on page 3 of 3 when GitHub ignores the name filter', async () => {
    const fleet = Array.from({ length: 250 }, (_, i) => runner(1000 + i, `spot-${i}`))
    const { registry, simulator } = await setUp(fleet, { filterByName: false })
    const run = await deleteRunner(simulator, { org: 'octo-org', 'runner-name': 'spot-230' })
    expect(run.exitCode).toBe(0)
    expect(JSON.parse(run.outputs.runners ?? '[]')).toMatchObject([{ id: 1230, deleted: true }])
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
      counts: expect.any(String),
      deleted: 'false',
      'deleted-count': '0',
      runners: '[]'
    })
    expect(registry.deleted).toEqual([])
    expect(run.log).toContain("No runner of repository octo-org/hello-world is named 'gone-1'")
  })

  it('when something else deletes it after it is listed: success, deleted=false', async () => {
    const { registry, simulator } = await setUp([runner(7, 'spot-7')], { vanishAfterListing: [7] })
    const run = await deleteRunner(simulator, { 'runner-name': 'spot-7' })
    expect(run.exitCode).toBe(0)
    expect(run.outputs).toEqual({
      counts: expect.any(String),
      deleted: 'false',
      'deleted-count': '0',
      runners:
        '[{"id":7,"name":"spot-7","status":"offline","deleted":false,"reason":"already deleted by something else"}]'
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
    expect(run.exitCode).toBe(1)
    expect(run.log).toContain(
      "Error: Deleted 0 of 1 runners of repository octo-org/hello-world; not deleted:\n- 'busy-8' (id 8, offline, busy): Runner 'busy-8' (id 8) of repository octo-org/hello-world is still running a job after 2 s: GitHub answered 422"
    )
    expectNoLeak(run, [INPUT_TOKEN])
    expect(registry.deleted).toEqual([])
    expect(simulator.requests.filter((r) => r.method === 'DELETE').length).toBeGreaterThanOrEqual(2)
  })

  it('when it is busy and busy-timeout is 0 (the default): fails at once', async () => {
    const { simulator } = await setUp([runner(8, 'busy-8', 'offline', true)], { busyFor: { 8: 1 } })
    const run = await deleteRunner(simulator, { 'runner-name': 'busy-8' })
    expect(run.exitCode).toBe(1)
    expect(run.log).toContain(
      "Error: Deleted 0 of 1 runners of repository octo-org/hello-world; not deleted:\n- 'busy-8' (id 8, offline, busy): Runner 'busy-8' (id 8) of repository octo-org/hello-world is still running a job: GitHub answered 422"
    )
    expectNoLeak(run, [INPUT_TOKEN])
    expect(run.log).toContain("set 'busy-timeout'")
    expect(simulator.requests.filter((r) => r.method === 'DELETE')).toHaveLength(1)
  })
})

const longestLine = (run: ActionRun) => Math.max(...run.log.split('\n').map((l) => l.length))

/** 'spot' in every other mix of upper and lower case: 'Spot', 'sPot', ... 'SPOT'. */
const caseVariants = Array.from({ length: 15 }, (_, i) =>
  [...'spot'].map((c, bit) => ((i + 1) & (1 << bit) ? c.toUpperCase() : c)).join('')
)

describe('a refusal built from a long list names the first 10, then counts the rest', () => {
  it.each([
    [
      '100 runners share the name',
      Array.from({ length: 100 }, (_, i) => runnerJson(i + 1, 'spot')),
      "100 runners of organization octo-org are named 'spot' (ids 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, and 90 more): refusing to guess"
    ],
    [
      '15 runners differ from the name only in case',
      caseVariants.map((name, i) => runnerJson(i + 1, name)),
      "No runner of organization octo-org is named 'spot' (15 listed); 'Spot' (id 1, offline), " +
        "'sPot' (id 2, offline), 'SPot' (id 3, offline), 'spOt' (id 4, offline), 'SpOt' (id 5, " +
        "offline), 'sPOt' (id 6, offline), 'SPOt' (id 7, offline), 'spoT' (id 8, offline), 'SpoT' " +
        "(id 9, offline), 'sPoT' (id 10, offline), and 5 more differs only in case"
    ]
  ])('when %s', async (_, runners, words) => {
    const api = await startHostile((req, res) => listPage(res, runners, runners.length))
    const run = await runDeleteRunner(api.url, { 'runner-name': 'spot', 'missing-ok': 'false' })
    expectFailed(run)
    expect(run.log).toContain(`Error: ${words}`)
    expect(longestLine(run)).toBeLessThan(1000)
    expect(api.requests.map((r) => r.method)).toEqual(['GET'])
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
    [{ 'runner-name': 'x', retries: '11' }, 'Input \'retries\' is "11"'],
    [{ 'runner-name': 'x', timeout: '0.5' }, 'Input \'timeout\' is "0.5"']
  ])('%o', async (inputs, message) => {
    const { simulator } = await setUp([runner(1, 'x')])
    const run = await deleteRunner(simulator, inputs)
    expectFailure(run, message)
    expect(simulator.requests).toEqual([])
  })

  it.each(['?', '#'])(
    'an api-url ending in a bare %s (it would list at the base path)',
    async (suffix) => {
      const { simulator } = await setUp([runner(1, 'x')])
      const run = await deleteRunner(simulator, {
        'runner-name': 'x',
        'api-url': `${simulator.url}${suffix}`
      })
      expectFailure(run, "Input 'api-url' has a query or fragment: remove it.")
      expect(simulator.requests).toEqual([])
    }
  )
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

function cleanUp(simulator: Simulator, inputs: Record<string, string>): Promise<ActionRun> {
  return runAction({
    actionDir: ACTION_DIR,
    inputs: { token: INPUT_TOKEN, org: 'octo-org', ...inputs },
    github: { api_url: simulator.url, repository: 'octo-org/hello-world' },
    timeoutMs: 60_000
  })
}

const methods = (simulator: Simulator) => simulator.requests.map((r) => r.method)
const deletes = (simulator: Simulator) => methods(simulator).filter((m) => m === 'DELETE').length
const gets = (simulator: Simulator) => methods(simulator).filter((m) => m === 'GET').length

/** 250 runners over three pages: spot-1..spot-250, every tenth online, every fifth labelled gpu. */
function fleet(): FakeRunner[] {
  return Array.from({ length: 250 }, (_, i) =>
    runner(
      i + 1,
      `spot-${i + 1}`,
      (i + 1) % 10 === 0 ? 'online' : 'offline',
      false,
      (i + 1) % 5 === 0 ? ['self-hosted', 'Linux', 'GPU'] : ['self-hosted', 'Linux']
    )
  )
}

const entry = (id: number, name: string, deleted: boolean, reason?: string) => ({
  id,
  name,
  status: 'offline',
  deleted,
  ...(reason ? { reason } : {})
})

function expectRefused(
  run: ActionRun,
  simulator: Simulator,
  registry: RunnerRegistry,
  words: string
) {
  expect(run.exitCode).toBe(1)
  expect(run.outputs).toEqual({})
  expect(run.log).toContain(words)
  expect(deletes(simulator)).toBe(0)
  expect(registry.deleted).toEqual([])
  expectNoLeak(run, [INPUT_TOKEN])
}

describe('cleans up a fleet', () => {
  it('deletes several names across pages, listing every page once, a second apart', async () => {
    const { registry, simulator } = await setUp(fleet())
    const run = await cleanUp(simulator, { 'runner-name': 'spot-3\nspot-151\nspot-249' })
    expect(run.exitCode).toBe(0)
    expect(gets(simulator)).toBe(3)
    expect(registry.deleted).toEqual([3, 151, 249])
    const times = simulator.requests.filter((r) => r.method === 'DELETE').map((r) => r.receivedAt)
    for (let i = 1; i < times.length; i++) {
      expect((times[i] as number) - (times[i - 1] as number)).toBeGreaterThanOrEqual(990)
    }
    expect(run.outputs).toEqual({
      counts: expect.any(String),
      deleted: 'true',
      'deleted-count': '3',
      runners: JSON.stringify([
        entry(3, 'spot-3', true),
        entry(151, 'spot-151', true),
        entry(249, 'spot-249', true)
      ])
    })
    expect(run.log).toContain('Deleted 2 of 3: spot-151 (id 151)')
    expect(run.summary).toContain('Deleted 3 of 3 runners chosen in organization octo-org.')
    expect(run.summary).toContain('<td>spot-249</td><td>249</td><td>offline</td><td>deleted</td>')
    expectNoLeak(run, [INPUT_TOKEN])
  })

  it('a name list with one online runner deletes nothing', async () => {
    const { registry, simulator } = await setUp(fleet())
    const run = await cleanUp(simulator, { 'runner-name': 'spot-3\nspot-10' })
    expectRefused(
      run,
      simulator,
      registry,
      "Runner 'spot-10' (id 10, online) of organization octo-org is online"
    )
  })

  it('a missing name with missing-ok true is skipped, and refused with missing-ok false', async () => {
    const { registry, simulator } = await setUp(fleet())
    const run = await cleanUp(simulator, { 'runner-name': 'spot-3\nspot-999' })
    expect(run.exitCode).toBe(0)
    expect(registry.deleted).toEqual([3])
    expect(run.log).toContain(
      "No runner of organization octo-org is named 'spot-999' (250 listed)."
    )
    expect(run.outputs['deleted-count']).toBe('1')

    const again = await setUp(fleet())
    const refused = await cleanUp(again.simulator, {
      'runner-name': 'spot-3\nspot-999',
      'missing-ok': 'false'
    })
    expectRefused(
      refused,
      again.simulator,
      again.registry,
      "is named 'spot-999' (250 listed). Check 'runner-name'"
    )
  })

  it('a prefix over three pages deletes only the offline runners it matches, skipping online ones', async () => {
    const { registry, simulator } = await setUp(fleet())
    const run = await cleanUp(simulator, { 'name-prefix': 'spot-24' })
    // spot-24 and spot-240..spot-249: 11 runners; spot-240 is online.
    expect(run.exitCode).toBe(0)
    expect(gets(simulator)).toBe(3)
    expect(registry.deleted).toEqual([24, 241, 242, 243, 244, 245, 246, 247, 248, 249])
    expect(run.outputs['deleted-count']).toBe('10')
    expect(run.log).toContain("Left alone 1 matching runners (online): 'spot-240' (id 240, online)")
    expect(run.summary).toContain(
      'Deleted 10 of 10 runners chosen in organization octo-org; 1 left alone.'
    )
  })

  it('a long list of runners left alone is named in a bounded line: the first 10, then a count', async () => {
    const online = Array.from({ length: 99 }, (_, i) =>
      runnerJson(i + 2, `spot-${i + 2}`, 'online')
    )
    const api = await startHostile((req, res) =>
      req.method === 'GET'
        ? listPage(res, [runnerJson(1, 'spot-1'), ...online], 100)
        : res.writeHead(204).end()
    )
    const run = await runDeleteRunner(api.url, { 'runner-name': '', 'name-prefix': 'spot-' })
    expect(run.exitCode).toBe(0)
    expect(run.outputs['deleted-count']).toBe('1')
    expect(longestLine(run)).toBeLessThan(1000)
    const line = run.log.split('\n').find((l) => l.startsWith('Left alone 99 matching runners'))
    expect(line).toMatch(
      /^Left alone 99 matching runners \(online\): 'spot-2' .*'spot-11' \(id 11, online\), and 89 more$/
    )
    expect(run.summary).toContain('deleted: 1, online: 99')
    expectNoLeak(run, [INPUT_TOKEN])
  })

  it('labels select runners that have all of them, case-insensitively', async () => {
    const { registry, simulator } = await setUp(fleet().slice(0, 30))
    const run = await cleanUp(simulator, { labels: 'gpu, LINUX' })
    expect(run.exitCode).toBe(0)
    expect(registry.deleted).toEqual([5, 15, 25])
  })

  it('a prefix and labels together must both match', async () => {
    const { registry, simulator } = await setUp(fleet().slice(0, 30))
    const run = await cleanUp(simulator, { 'name-prefix': 'spot-1', labels: 'GPU' })
    expect(run.exitCode).toBe(0)
    expect(registry.deleted).toEqual([15])
  })

  it('more than max-deletions fails before deleting any, saying how many matched', async () => {
    const { registry, simulator } = await setUp(fleet())
    const run = await cleanUp(simulator, { 'name-prefix': 'spot-1', 'max-deletions': '5' })
    expectRefused(
      run,
      simulator,
      registry,
      "runners would be deleted, more than 'max-deletions' (5)"
    )
  })

  it('dry-run reports what would be deleted and deletes nothing', async () => {
    const { registry, simulator } = await setUp(fleet().slice(0, 30))
    const run = await cleanUp(simulator, { labels: 'gpu', 'dry-run': 'true' })
    expect(run.exitCode).toBe(0)
    expect(deletes(simulator)).toBe(0)
    expect(registry.deleted).toEqual([])
    expect(run.outputs).toEqual({
      counts: expect.any(String),
      deleted: 'false',
      'deleted-count': '0',
      runners: JSON.stringify([
        ...[5, 15, 25].map((id) => entry(id, `spot-${id}`, false, 'dry run')),
        ...[10, 20, 30].map((id) => ({
          ...entry(id, `spot-${id}`, false, 'online'),
          status: 'online'
        }))
      ])
    })
    expect(run.summary).toContain(
      'Dry run: 3 runners of organization octo-org would be deleted; 3 left alone; nothing was deleted.'
    )
  })

  it('a runner whose deletion keeps failing does not stop the others; the step fails naming it', async () => {
    const { registry, simulator } = await setUp(fleet().slice(0, 30), { failDeletes: [15] })
    const run = await cleanUp(simulator, { labels: 'gpu', retries: '1' })
    expect(run.exitCode).toBe(1)
    expect(registry.deleted).toEqual([5, 25])
    expect(run.outputs.deleted).toBe('true')
    expect(run.outputs['deleted-count']).toBe('2')
    expect(JSON.parse(run.outputs.runners as string)).toEqual([
      entry(5, 'spot-5', true),
      entry(15, 'spot-15', false, 'the deletion failed'),
      entry(25, 'spot-25', true),
      ...[10, 20, 30].map((id) => ({
        ...entry(id, `spot-${id}`, false, 'online'),
        status: 'online'
      }))
    ])
    expect(run.log).toContain(
      'Error: Deleted 2 of 3 runners of organization octo-org; not deleted:'
    )
    expect(run.log).toContain(
      "'spot-15' (id 15, offline): DELETE /orgs/octo-org/actions/runners/15"
    )
    expectNoLeak(run, [INPUT_TOKEN])
  })

  it('a secondary rate limit during deletions is waited out, and every runner is deleted', async () => {
    const { registry, simulator } = await setUp(fleet().slice(0, 3), { minDeleteGapMs: 1500 })
    const run = await cleanUp(simulator, { 'runner-name': 'spot-1\nspot-2\nspot-3' })
    expect(run.exitCode).toBe(0)
    expect(registry.deleted).toEqual([1, 2, 3])
    expect(registry.rateLimited).toBeGreaterThan(0)
    expect(deletes(simulator)).toBe(3 + registry.rateLimited)
    expect(run.log).toMatch(/Attempt 1 of 4 failed \(403 secondary rate limit\); retrying in/)
    expect(run.outputs['deleted-count']).toBe('3')
  })

  it('a rate limit it may not wait out stops the deletions: the rest are not tried, and said so', async () => {
    const { registry, simulator } = await setUp(fleet().slice(0, 9), { rateLimitAfter: 1 })
    const run = await cleanUp(simulator, { 'name-prefix': 'spot-' })
    expect(run.exitCode).toBe(1)
    expect(registry.deleted).toEqual([1])
    expect(deletes(simulator)).toBe(2)
    expect(run.outputs.deleted).toBe('true')
    expect(run.outputs['deleted-count']).toBe('1')
    const runners = JSON.parse(run.outputs.runners as string) as { id: number; reason?: string }[]
    expect(runners.map((r) => r.reason)).toEqual([
      undefined,
      'the deletion failed',
      ...Array(7).fill('not tried: rate limited')
    ])
    expect(run.log).toContain('GitHub asked to wait 600 s, longer than the 60 s this step waits')
    expect(run.log).toContain('the 7 runners left are not tried')
    expect(run.log).toContain("'spot-3' (id 3, offline): not tried: rate limited")
    expect(run.summary).toContain('not tried: rate limited')
    expectNoLeak(run, [INPUT_TOKEN])
  })

  it('a runner listed on two pages (the list shifted while read) is deleted once', async () => {
    const runners = fleet()
      .slice(0, 150)
      .map((r): FakeRunner => (r.id === 100 ? { ...r, status: 'offline' } : r))
    const { registry, simulator } = await setUp(runners, { repeatOnNextPage: 100 })
    const run = await cleanUp(simulator, { 'runner-name': 'spot-100\nspot-101' })
    expect(run.exitCode).toBe(0)
    expect(registry.deleted).toEqual([100, 101])
    expect(deletes(simulator)).toBe(2)
  })

  describe('input errors, before any request', () => {
    it.each([
      [{}, "Input 'runner-name' is empty and no selector is set"],
      [
        { 'runner-name': 'a', 'name-prefix': 'b' },
        "Inputs 'runner-name' and 'name-prefix'/'labels' are both set"
      ],
      [
        { 'runner-name': 'a', labels: 'gpu' },
        "Inputs 'runner-name' and 'name-prefix'/'labels' are both set"
      ],
      [
        { 'name-prefix': 'spot-', 'only-offline': 'false' },
        "Input 'only-offline' is false, but a selector"
      ],
      [{ 'name-prefix': 'spot-', 'max-deletions': '0' }, 'Input \'max-deletions\' is "0"'],
      [{ 'name-prefix': 'spot-', 'max-deletions': '1001' }, 'Input \'max-deletions\' is "1001"'],
      [{ 'name-prefix': 'spot-', 'dry-run': 'maybe' }, 'Input \'dry-run\' is "maybe"'],
      [{ 'runner-name': 'a\nb\na' }, 'Input \'runner-name\' lists "a" twice'],
      [{ 'name-prefix': 'x'.repeat(65) }, "Input 'name-prefix' is"],
      [{ labels: 'gpu,a\u0007b' }, "Input 'labels' has"]
    ])(
      '%o',
      async (inputs, words) => {
        const { registry, simulator } = await setUp(fleet().slice(0, 3))
        const run = await cleanUp(simulator, inputs as Record<string, string>)
        expect(run.exitCode).toBe(1)
        expect(run.outputs).toEqual({})
        expect(run.log).toContain(`Error: ${words}`)
        expect(simulator.requests).toEqual([])
        expect(registry.deleted).toEqual([])
      },
      60_000
    )
  })
})

/** A hostile runner list: how it answers list request `n` (from 1) at `url`, on the server `api`. */
interface BadList {
  page: (res: ServerResponse, n: number, url: string, api: string) => void
  /** How many GETs it takes to fail (`[max]`: at most that many); no request is ever a DELETE. */
  gets: number | [number]
  words: string[]
  never?: (string | RegExp)[]
  inputs?: Record<string, string>
  boundMs?: number
}

const one =
  (runners: string[], total = 1) =>
  (res: ServerResponse) =>
    listPage(res, runners, total)
const plain = (headers: Record<string, string>, body: string) => (res: ServerResponse) =>
  void res.writeHead(200, headers).end(body)
const page2 =
  (second: (res: ServerResponse) => void, total: number): BadList['page'] =>
  (res, n, url, api) =>
    n === 1
      ? listPage(res, [runnerJson(1, 'spot-1')], total, `${api}${LIST_PATH}?page=2`)
      : second(res)
const UNECHOED = ['SERVER-PAGE-MARKER', '0 listed']
const NOT_JSON = [
  'SERVER-PAGE-MARKER',
  /Cannot use 'in' operator|Unexpected token|is not valid JSON/
]

const BAD_LISTS: Record<string, BadList> = {
  // GitHub's paginator would end the list there.
  'a 409 on page 2 fails the step, naming page 2': {
    page: page2((res) => answerError(res, 409, 'Conflict'), 150),
    gets: 2,
    words: ['GitHub answered 409: "Conflict"', 'page 2']
  },
  'a bad runner on page 2 fails the step, though page 1 holds the runner named': {
    page: page2(one([runnerJson('1.5', 'spot-2')], 2), 2),
    gets: 2,
    words: ['page 2 of the runner list']
  },
  ...Object.fromEntries(
    ['<http://[::1>; rel="next"', '<http://a b/>; rel="next"'].map((link) => [
      `a next link that is no URL (${link}) fails naming the page, not with a JavaScript message`,
      {
        page: plain({ ...JSON_TYPE, link }, '{"total_count":150,"runners":[]}'),
        gets: 1,
        words: ['page 1 of the runner list'],
        never: [/^Error: Invalid URL$/m]
      }
    ])
  ),
  ...Object.fromEntries(
    (
      [
        ['an empty 200', JSON_TYPE, '', UNECHOED],
        ['null', JSON_TYPE, 'null', UNECHOED],
        ['false', JSON_TYPE, 'false', UNECHOED],
        ['an array', JSON_TYPE, '[]', UNECHOED],
        ['an object with no runners list', JSON_TYPE, '{"total_count":1}', UNECHOED],
        [
          'an HTML page',
          { 'content-type': 'text/html' },
          '<html>SERVER-PAGE-MARKER</html>',
          UNECHOED
        ],
        [
          'JSON-typed text that is not JSON',
          JSON_TYPE,
          '<html>SERVER-PAGE-MARKER runners</html>',
          NOT_JSON
        ],
        [
          'plain text',
          { 'content-type': 'text/plain' },
          'total_count runners SERVER-PAGE-MARKER',
          NOT_JSON
        ]
      ] as const
    ).map(([what, headers, body, never]) => [
      `page 1 being ${what} fails, naming the page and never echoing it`,
      {
        page: plain(headers, body),
        gets: 1,
        words: ['page 1 of the runner list'],
        never: [...never]
      }
    ])
  ),
  'a next link back to the same page fails as a repeat, after one request': {
    page: (res, n, url, api) => listPage(res, [runnerJson(1, 'spot-1')], 1, `${api}${url}`),
    gets: 1,
    words: ['links to a page already read']
  },
  'a next link back to the same page fails as a repeat even when it holds `:name`': {
    page: (res, n, url, api) =>
      listPage(res, [], 10_000_000, `${api}${LIST_PATH}?page=2&q=::warning::x`),
    gets: [3],
    words: ['links to a page already read']
  },
  'a list that claims more pages than its total_count allows stops and fails': {
    page: (res, n, url, api) =>
      listPage(
        res,
        n === 1 ? [runnerJson(1, 'spot-1')] : [],
        1,
        `${api}${LIST_PATH}?page=${n + 1}`
      ),
    gets: [3],
    words: ['links to more pages than its total_count of 1 runners allows']
  },
  'a page of 5,000 runners (more than the 100 asked for) is refused, naming the page': {
    page: (res) =>
      listPage(
        res,
        Array.from({ length: 5000 }, (_, i) => runnerJson(i + 1, `spot-${i + 1}`)),
        5000
      ),
    gets: 1,
    words: [
      'page 1 of the runner list',
      'lists 5000 runners, more than the 100 a page was asked for'
    ]
  },
  // Three pages are what a total_count of 150 allows; 300 runners are not.
  'a list that grows past its total_count (plus 100) is refused, naming the page': {
    page: (res, n, url, api) =>
      listPage(
        res,
        Array.from({ length: 100 }, (_, i) => {
          const id = (n - 1) * 100 + i + 1
          return runnerJson(id, `spot-${id}`, 'online')
        }),
        150,
        n < 3 ? `${api}${LIST_PATH}?page=${n + 1}` : undefined
      ),
    inputs: { 'runner-name': '', 'name-prefix': 'spot-' },
    gets: 3,
    words: ['page 3 of the runner list', 'more than the 150 runners its total_count said, plus 100']
  },
  'a list that claims ten million runners is read 100 pages deep at most': {
    page: (res, n, url, api) => listPage(res, [], 10_000_000, `${api}${LIST_PATH}?page=${n + 1}`),
    inputs: { 'runner-name': '', 'name-prefix': 'spot-' },
    boundMs: 15_000,
    gets: 100,
    words: ['at most 100']
  },
  ...Object.fromEntries(
    ['1.5', '-1', '0', '1e400', '9007199254740993.0', '9007199254740993', '"7"'].map((id) => [
      `a runner id of ${id} is refused, and nothing is deleted`,
      {
        page: one([runnerJson(id, 'spot-1')]),
        gets: 1,
        words: ["whose 'id' is not a positive whole number"]
      }
    ])
  )
}

const counts = (run: ActionRun) => JSON.parse(run.outputs.counts ?? '{}') as Record<string, number>
const reasons = (run: ActionRun) =>
  (JSON.parse(run.outputs.runners ?? '[]') as { id: number; reason?: string }[]).map(
    ({ id, reason }) => [id, reason ?? 'deleted']
  )

describe('a grace period: only runners offline and idle in both listings are deleted', () => {
  it('leaves alone one that came online, one that became busy, and one that appeared, and says so', async () => {
    const { registry, simulator } = await setUp(
      [runner(1, 'spot-1'), runner(2, 'spot-2'), runner(3, 'spot-3'), runner(4, 'spot-4')],
      {
        afterListing: (listing, runners) => {
          if (listing !== 1) return
          const [, two, three] = runners
          if (two) two.status = 'online'
          if (three) three.busy = true
          runners.push(runner(9, 'spot-9'))
        }
      }
    )
    const run = await cleanUp(simulator, { 'name-prefix': 'spot-', 'grace-period': '2' })
    expect(run.exitCode).toBe(0)
    expect(registry.deleted).toEqual([1, 4])
    expect(operations(simulator).filter((op) => op.startsWith('GET'))).toHaveLength(2)
    expect(run.log).toMatch(/Grace period: listing again in 2 s/)
    expect(run.durationMs).toBeGreaterThanOrEqual(2000)
    expect(reasons(run)).toEqual([
      [1, 'deleted'],
      [4, 'deleted'],
      [2, 'changed during the grace period'],
      [3, 'changed during the grace period'],
      [9, 'new during the grace period']
    ])
    expect(counts(run)).toMatchObject({
      deleted: 2,
      'changed during the grace period': 2,
      'new during the grace period': 1
    })
    expect(run.summary).toContain('changed during the grace period: 2')
    expectNoLeak(run, [INPUT_TOKEN])
  })

  it('applies to names too: a named runner that came online in between is left alone', async () => {
    const { registry, simulator } = await setUp([runner(1, 'spot-1'), runner(2, 'spot-2')], {
      afterListing: (listing, runners) => {
        if (listing === 1 && runners[0]) runners[0].status = 'online'
      }
    })
    const run = await cleanUp(simulator, { 'runner-name': 'spot-1\nspot-2', 'grace-period': '1' })
    expect(run.exitCode).toBe(0)
    expect(registry.deleted).toEqual([2])
    expect(reasons(run)).toEqual([
      [2, 'deleted'],
      [1, 'changed during the grace period']
    ])
  })
})

describe('never a busy runner', () => {
  it('a selector leaves alone a runner GitHub lists offline and busy together', async () => {
    const { registry, simulator } = await setUp([
      runner(1, 'spot-1'),
      runner(2, 'spot-2', 'offline', true)
    ])
    const run = await cleanUp(simulator, { 'name-prefix': 'spot-' })
    expect(run.exitCode).toBe(0)
    expect(registry.deleted).toEqual([1])
    expect(operations(simulator)).not.toContain('DELETE /orgs/octo-org/actions/runners/2')
    expect(reasons(run)).toEqual([
      [1, 'deleted'],
      [2, 'busy']
    ])
  })

  it('a 422 "still running a job" to a selector\'s DELETE is reported as busy, not as a failure', async () => {
    const { registry, simulator } = await setUp([runner(1, 'spot-1'), runner(2, 'spot-2')], {
      busyFor: { 1: 99 }
    })
    const run = await cleanUp(simulator, { 'name-prefix': 'spot-' })
    expect(run.exitCode).toBe(0)
    expect(registry.deleted).toEqual([2])
    expect(reasons(run)).toEqual([
      [1, 'busy'],
      [2, 'deleted']
    ])
    expect(run.log).toContain(
      "Runner 'spot-1' (id 1) of organization octo-org is still running a job"
    )
  })
})

describe('exclusions', () => {
  it('an excluded runner is never deleted, even named explicitly, and is reported as excluded', async () => {
    const { registry, simulator } = await setUp([
      runner(1, 'spot-1'),
      runner(2, 'placeholder', 'offline', false, ['self-hosted', 'Scale-Placeholder']),
      runner(3, 'maint-3')
    ])
    const run = await cleanUp(simulator, {
      'runner-name': 'spot-1\nplaceholder\nmaint-3',
      'exclude-names': 'maint-3',
      'exclude-labels': 'scale-placeholder'
    })
    expect(run.exitCode).toBe(0)
    expect(registry.deleted).toEqual([1])
    expect(reasons(run)).toEqual([
      [1, 'deleted'],
      [2, 'excluded'],
      [3, 'excluded']
    ])
    expect(counts(run)).toMatchObject({ deleted: 1, excluded: 2 })
  })
})

describe('a runner group', () => {
  const groups = [
    { id: 1, name: 'Default' },
    { id: 7, name: 'gpu fleet' }
  ]
  it("lists only the group's runners, through its own list, across pages", async () => {
    const inGroup = Array.from({ length: 150 }, (_, i) => ({
      // Three offline, on both pages: a deletion takes a second.
      ...runner(100 + i, `spot-${100 + i}`, i % 50 === 1 ? 'offline' : 'online'),
      group: 7
    }))
    const { registry, simulator } = await setUp([runner(1, 'spot-1'), ...inGroup], { groups })
    const run = await cleanUp(simulator, {
      'name-prefix': 'spot-',
      'runner-group': 'gpu fleet'
    })
    expect(run.exitCode).toBe(0)
    const gets = operations(simulator).filter((op) => op.startsWith('GET'))
    expect(gets).toEqual([
      'GET /orgs/octo-org/actions/runner-groups',
      'GET /orgs/octo-org/actions/runner-groups/7/runners',
      'GET /orgs/octo-org/actions/runner-groups/7/runners'
    ])
    expect(registry.deleted).toEqual([101, 151, 201])
    expect(counts(run)).toMatchObject({ deleted: 3, online: 147, 'not matched': 0 })
    expect(run.log).toContain("Listed 150 runners in runner group 'gpu fleet' (2 pages)")
  })

  it('a group name that does not exist is an error naming the groups that do, before any DELETE', async () => {
    const { simulator } = await setUp([runner(1, 'spot-1')], { groups })
    const run = await cleanUp(simulator, { 'name-prefix': 'spot-', 'runner-group': 'GPU Fleet' })
    expectFailure(
      run,
      'No runner group of organization octo-org is named "GPU Fleet" (2 listed: "Default", "gpu fleet")'
    )
    expect(operations(simulator)).toEqual(['GET /orgs/octo-org/actions/runner-groups'])
  })

  it('is refused with a repository scope, before any request', async () => {
    const { simulator } = await setUp([runner(1, 'spot-1')])
    const run = await deleteRunner(simulator, {
      owner: 'octo-org',
      repo: 'hello-world',
      'name-prefix': 'spot-',
      'runner-group': 'gpu'
    })
    expectFailure(run, "Input 'runner-group' is set, but the scope is a repository")
    expect(simulator.requests).toEqual([])
  })
})

describe('inputs that would silently do nothing, or the wrong thing', () => {
  it('a runner-name with a comma is refused before any request: one name per line', async () => {
    const { simulator } = await setUp([runner(1, 'spot-1'), runner(2, 'spot-2')])
    const run = await cleanUp(simulator, { 'runner-name': 'spot-1, spot-2' })
    expectFailure(
      run,
      'Input \'runner-name\' has "spot-1, spot-2" on one line: give one name per line.'
    )
    expect(simulator.requests).toEqual([])
  })

  it('labels fold case in ASCII only: a Kelvin sign K does not match k8s', async () => {
    const { registry, simulator } = await setUp([
      runner(1, 'a-1', 'offline', false, ['self-hosted', '\u212A8s']),
      runner(2, 'a-2', 'offline', false, ['self-hosted', 'K8S'])
    ])
    const run = await cleanUp(simulator, { labels: 'k8s' })
    expect(run.exitCode).toBe(0)
    expect(registry.deleted).toEqual([2])
    expect(counts(run)).toMatchObject({ deleted: 1, 'not matched': 1 })
  })

  it.each([
    [{ 'grace-period': '3601' }, 'Input \'grace-period\' is "3601"'],
    [{ 'exclude-labels': 'a\u0007b' }, 'Input \'exclude-labels\' has "a\\u0007b"']
  ])('%o is refused before any request', async (inputs, message) => {
    const { simulator } = await setUp([runner(1, 'spot-1')])
    const run = await cleanUp(simulator, { 'name-prefix': 'spot-', ...inputs })
    expectFailure(run, message)
    expect(simulator.requests).toEqual([])
  })
})

describe('delete-runner refuses a runner list that is not whole and well-formed, before any DELETE', () => {
  it.each(Object.entries(BAD_LISTS))('%s', async (_, bad) => {
    const api = await startHostile((req, res, n) => bad.page(res, n, req.url, api.url))
    const run = await runDeleteRunner(api.url, bad.inputs)
    expectFailed(run, { boundMs: bad.boundMs })
    const query = bad.inputs ? 'per_page=100' : 'per_page=100&name=spot-1'
    expect(api.requests[0]?.url).toBe(`${LIST_PATH}?${query}`)
    expect(api.requests.every((s) => s.method === 'GET')).toBe(true)
    if (typeof bad.gets === 'number') expect(api.requests).toHaveLength(bad.gets)
    else expect(api.requests.length).toBeLessThanOrEqual(bad.gets[0])
    for (const words of bad.words) expect(run.log).toContain(words)
    for (const never of bad.never ?? []) {
      if (typeof never === 'string') expect(run.log).not.toContain(never)
      else expect(run.log).not.toMatch(never)
    }
  })
})

it('a runner-name of 65 characters is refused before any request', async () => {
  const api = await startHostile((req, res) => listPage(res, [], 0))
  const run = await runDeleteRunner(api.url, { 'runner-name': 'r'.repeat(65) })
  expectFailed(run)
  expect(api.connections).toBe(0)
  expect(run.log).toContain("Error: Input 'runner-name'")
  expect(run.log).toContain('at most 64 characters')
})
