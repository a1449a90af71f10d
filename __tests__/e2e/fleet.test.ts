/**
 * Fleet cleanup: the bundled delete-runner sub-action, run as a runner runs it, choosing many
 * runners by names or by a selector, against the simulator (held to GitHub's description).
 */
import { join } from 'node:path'
import type { Simulator } from '../harness/github-simulator.ts'
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

async function setUp(runners: FakeRunner[], options?: RegistryOptions) {
  const registry = new RunnerRegistry(runners, options)
  const simulator = await startTestSimulator({ respond: registry.respond })
  return { registry, simulator }
}

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
    deleted: 'true',
    'deleted-count': '3',
    runners: JSON.stringify([
      entry(3, 'spot-3', true),
      entry(151, 'spot-151', true),
      entry(249, 'spot-249', true)
    ]),
    'runner-id': '',
    'runner-status': ''
  })
  expect(run.log).toContain('Deleted 2 of 3: spot-151 (id 151)')
  expect(run.summary).toContain('Deleted 3 of 3 runners chosen in organization octo-org.')
  expect(run.summary).toContain('<td>spot-249</td><td>249</td><td>offline</td><td>deleted</td>')
  expectNoLeak(run, [INPUT_TOKEN])
}, 60_000)

it('a name list with one online runner deletes nothing', async () => {
  const { registry, simulator } = await setUp(fleet())
  const run = await cleanUp(simulator, { 'runner-name': 'spot-3\nspot-10' })
  expectRefused(
    run,
    simulator,
    registry,
    "Runner 'spot-10' (id 10, online) of organization octo-org is online"
  )
}, 60_000)

it('a missing name with missing-ok true is skipped, and refused with missing-ok false', async () => {
  const { registry, simulator } = await setUp(fleet())
  const run = await cleanUp(simulator, { 'runner-name': 'spot-3\nspot-999' })
  expect(run.exitCode).toBe(0)
  expect(registry.deleted).toEqual([3])
  expect(run.log).toContain("No runner of organization octo-org is named 'spot-999' (250 listed).")
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
}, 60_000)

it('a prefix over three pages deletes only the offline runners it matches, skipping online ones', async () => {
  const { registry, simulator } = await setUp(fleet())
  const run = await cleanUp(simulator, { 'name-prefix': 'spot-24' })
  // spot-24 and spot-240..spot-249: 11 runners; spot-240 is online.
  expect(run.exitCode).toBe(0)
  expect(gets(simulator)).toBe(3)
  expect(registry.deleted).toEqual([24, 241, 242, 243, 244, 245, 246, 247, 248, 249])
  expect(run.outputs['deleted-count']).toBe('10')
  expect(run.log).toContain(
    "Skipped 1 matching runners that are not offline: 'spot-240' (id 240, online)"
  )
  expect(run.summary).toContain('1 matching runners were not offline and were left alone')
}, 60_000)

it('labels select runners that have all of them, case-insensitively', async () => {
  const { registry, simulator } = await setUp(fleet().slice(0, 30))
  const run = await cleanUp(simulator, { labels: 'gpu, LINUX' })
  expect(run.exitCode).toBe(0)
  expect(registry.deleted).toEqual([5, 15, 25])
}, 60_000)

it('a prefix and labels together must both match', async () => {
  const { registry, simulator } = await setUp(fleet().slice(0, 30))
  const run = await cleanUp(simulator, { 'name-prefix': 'spot-1', labels: 'GPU' })
  expect(run.exitCode).toBe(0)
  expect(registry.deleted).toEqual([15])
}, 60_000)

it('more than max-deletions fails before deleting any, saying how many matched', async () => {
  const { registry, simulator } = await setUp(fleet())
  const run = await cleanUp(simulator, { 'name-prefix': 'spot-1', 'max-deletions': '5' })
  expectRefused(run, simulator, registry, "runners would be deleted, more than 'max-deletions' (5)")
}, 60_000)

it('dry-run reports what would be deleted and deletes nothing', async () => {
  const { registry, simulator } = await setUp(fleet().slice(0, 30))
  const run = await cleanUp(simulator, { labels: 'gpu', 'dry-run': 'true' })
  expect(run.exitCode).toBe(0)
  expect(deletes(simulator)).toBe(0)
  expect(registry.deleted).toEqual([])
  expect(run.outputs).toEqual({
    deleted: 'false',
    'deleted-count': '0',
    runners: JSON.stringify([5, 15, 25].map((id) => entry(id, `spot-${id}`, false, 'dry run'))),
    'runner-id': '',
    'runner-status': ''
  })
  expect(run.summary).toContain(
    'Dry run: 3 runners of organization octo-org would be deleted; nothing was deleted.'
  )
}, 60_000)

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
    entry(25, 'spot-25', true)
  ])
  expect(run.log).toContain('Error: Deleted 2 of 3 runners of organization octo-org; not deleted:')
  expect(run.log).toContain("'spot-15' (id 15, offline): DELETE /orgs/octo-org/actions/runners/15")
  expectNoLeak(run, [INPUT_TOKEN])
}, 60_000)

it('a secondary rate limit during deletions is waited out, and every runner is deleted', async () => {
  const { registry, simulator } = await setUp(fleet().slice(0, 3), { minDeleteGapMs: 1500 })
  const run = await cleanUp(simulator, { 'runner-name': 'spot-1\nspot-2\nspot-3' })
  expect(run.exitCode).toBe(0)
  expect(registry.deleted).toEqual([1, 2, 3])
  expect(registry.rateLimited).toBeGreaterThan(0)
  expect(deletes(simulator)).toBe(3 + registry.rateLimited)
  expect(run.log).toMatch(/Attempt 1 of 4 failed \(403 secondary rate limit\); retrying in/)
  expect(run.outputs['deleted-count']).toBe('3')
}, 60_000)

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
}, 60_000)

it('a runner listed on two pages (the list shifted while read) is deleted once', async () => {
  const runners = fleet()
    .slice(0, 150)
    .map((r): FakeRunner => (r.id === 100 ? { ...r, status: 'offline' } : r))
  const { registry, simulator } = await setUp(runners, { repeatOnNextPage: 100 })
  const run = await cleanUp(simulator, { 'runner-name': 'spot-100\nspot-101' })
  expect(run.exitCode).toBe(0)
  expect(registry.deleted).toEqual([100, 101])
  expect(deletes(simulator)).toBe(2)
}, 60_000)

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
