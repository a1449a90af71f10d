/**
 * The recipes' shell runs, not only their YAML: each recipe's job runs in bash against fake
 * runner hosts whose config.sh and svc.sh behave as actions/runner's do (see
 * __tests__/harness/fake-host/README.md), with ssh, sudo and uname stood in for. A recipe passes when the
 * runner ends deregistered, its service uninstalled before config.sh remove ran, and no token
 * or secret was ever on a command line. Variants of the recipes that would fail on a real host
 * fail here too, which shows the checks can fail.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { fakeActions } from '../harness/fake-actions.ts'
import { FakeWorld, type HostSpec } from '../harness/fake-world.ts'
import { runJob, type JobRecord } from '../harness/workflow-job.ts'

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))
const recipe = (name: string) => readFileSync(join(REPO_ROOT, 'examples', `${name}.yml`), 'utf8')
const TIMEOUT_MS = 60_000
const HOST = 'ci-1.example.com'
const RUNNER = { name: HOST, runnerId: 101, runnerName: 'ci-1' }

let world: FakeWorld
afterEach(() => world?.remove())
afterAll(() => FakeWorld.removeShims())

/** A fake value for every secret the workflow names. */
function fakeSecrets(workflow: string): Record<string, string> {
  const names = new Set(
    [...workflow.matchAll(/secrets\.([A-Z0-9_]+)/g)].map(([, name]) => name as string)
  )
  return Object.fromEntries([...names].map((name) => [name, world.secret(`${name}_`)]))
}

/** Runs the recipe's `teardown` job against one host, as a workflow_dispatch would. */
async function teardown(workflow: string, host: string) {
  return runJob({
    world,
    workflow,
    job: 'teardown',
    actions: fakeActions(world),
    secrets: fakeSecrets(workflow),
    inputs: { host, 'runner-name': 'ci-1', hosts: JSON.stringify([host]) },
    matrix: { host }
  })
}

/** Job "mint" on a GitHub-hosted runner, then job "teardown" on the runner it removes. */
async function handOff(workflow: string, host: HostSpec) {
  world = new FakeWorld([host])
  const secrets = fakeSecrets(workflow)
  const actions = fakeActions(world)
  const inputs = { 'runner-label': 'ci-1', 'runner-dir': 'actions-runner' }
  const mint = await runJob({ world, workflow, job: 'mint', actions, secrets, inputs })
  expectResult(mint, 'success')
  let registeredAtJobEnd: number[] = []
  const job = await runJob({
    world,
    workflow,
    job: 'teardown',
    actions,
    secrets,
    inputs,
    needs: { mint: { result: mint.result, outputs: mint.outputs } },
    host: host.name,
    // What GitHub sees as the job ends: is the runner still registered?
    onJobEnd: () => {
      registeredAtJobEnd = world.registeredRunners().map(({ id }) => id)
    }
  })
  const settled = await world.settle(15_000)
  return { mint, job, settled, registeredAtJobEnd }
}

/** The recipe with `from` replaced by `to`, which must change it. */
function changed(workflow: string, from: string | RegExp, to: string): string {
  const result = workflow.replace(from, to)
  expect(result).not.toBe(workflow)
  return result
}

/** Fails, showing each step's (masked) log, unless the job ended with `result`. */
function expectResult(job: JobRecord, result: JobRecord['result']) {
  if (job.result === result) return
  const steps = job.steps.map((step) => `${step.outcome}: ${step.name}\n${step.log}`)
  throw new Error(`The job's result is ${job.result}, not ${result}:\n${steps.join('\n')}`)
}

/** No secret of the world (tokens, keys) was on any command line, and the log is not empty. */
function expectNoSecretOnACommandLine() {
  const lines = world.commandLines()
  expect(lines.map((argv) => argv[0])).toEqual(expect.arrayContaining(['config.sh']))
  for (const secret of world.knownSecrets()) expect(world.commandLinesHolding(secret)).toEqual([])
}

/** The runner on HOST is deregistered, after its service (if any) was uninstalled. */
function expectDeregistered(host: HostSpec) {
  expect(world.registeredRunners().map(({ id }) => id)).not.toContain(host.runnerId)
  expect(world.serviceInstalled(host.name)).toBe(false)
  expect(existsSync(join(world.runnerDir(host.name), '.runner'))).toBe(false)
  expect(world.configLog()).toEqual([`remove: runner ${host.runnerId} deregistered (token by env)`])
  const calls = world.commandLines()
  const called = (command: string) =>
    calls.filter(([name]) => name === command).map((argv) => argv.join(' '))
  const order = calls.map((argv) => argv.join(' '))
  if (host.service === false) {
    expect(called('svc.sh')).toEqual([])
  } else {
    expect(called('svc.sh')).toEqual(['svc.sh uninstall'])
    expect(order.indexOf('svc.sh uninstall')).toBeLessThan(order.indexOf('config.sh remove'))
    if (host.os === 'Darwin') expect(called('sudo')).toEqual([])
    else expect(called('sudo')).toContain('sudo -n ./svc.sh uninstall')
  }
  // A listener started with ./run.sh keeps running: whoever started it stops it (see the README).
  expect(world.isOnline(host.name)).toBe(host.service === false)
}

const SSH_RECIPES = [
  'teardown-over-ssh',
  'organization-runner',
  'github-app-token',
  'ghes',
  'matrix-teardown',
  'teardown-with-fallback'
]
const HOSTS: [string, HostSpec][] = [
  ['on Linux, installed as a systemd service', { ...RUNNER, os: 'Linux', service: true }],
  ['on macOS, installed as a launchd agent', { ...RUNNER, os: 'Darwin', service: true }],
  ['started with ./run.sh (no service)', { ...RUNNER, os: 'Linux', service: false }]
]

it('runs the shell of every recipe in examples/ that deregisters a runner on its host', () => {
  const recipes = readdirSync(join(REPO_ROOT, 'examples'))
    .map((file) => file.replace(/\.yml$/, ''))
    .filter((name) => recipe(name).includes('./config.sh remove'))
  expect(recipes.length).toBeGreaterThan(0)
  expect([...SSH_RECIPES, 'teardown-across-jobs'].sort()).toEqual(recipes.sort())
})

describe.each(SSH_RECIPES)('%s', (name) => {
  it.each(HOSTS)(
    'deregisters a runner %s, service first, with the token on no command line',
    async (_, host) => {
      world = new FakeWorld([host])
      const job = await teardown(recipe(name), host.name)
      expectResult(job, 'success')
      expectDeregistered(host)
      expectNoSecretOnACommandLine()
      expect(await world.settle(5_000)).toBe(true)
    },
    TIMEOUT_MS
  )

  it(
    'fails, deregistering nothing, when the host asks a password for sudo',
    async () => {
      const host: HostSpec = { ...RUNNER, sudo: 'password' }
      world = new FakeWorld([host])
      const job = await teardown(recipe(name), host.name)
      expectResult(job, 'failure')
      expect(job.steps.map((step) => step.log).join('')).toContain('sudo: a password is required')
      expect(world.registeredRunners().map(({ id }) => id)).toContain(host.runnerId)
      expect(job.steps.find((step) => step.id === 'delete')?.outcome ?? 'skipped').toBe('skipped')
    },
    TIMEOUT_MS
  )
})

it(
  'matrix-teardown: deregisters every host of the fleet, one job each',
  async () => {
    const fleet: HostSpec[] = [
      { ...RUNNER },
      { name: 'ci-2.example.com', runnerId: 102, runnerName: 'ci-2', os: 'Darwin' }
    ]
    world = new FakeWorld(fleet)
    for (const host of fleet) {
      const job = await teardown(recipe('matrix-teardown'), host.name)
      expectResult(job, 'success')
    }
    expect(world.registeredRunners()).toEqual([])
    expect(world.configLog()).toHaveLength(2)
    expectNoSecretOnACommandLine()
  },
  TIMEOUT_MS
)

describe('teardown-with-fallback, when the host cannot do it', () => {
  it.each([
    [
      'deletes the registration of an offline runner whose host is gone',
      [],
      'success',
      { deregister: 'success', delete: 'success' },
      [],
      `deleted runner ${RUNNER.runnerId} from GitHub`
    ],
    [
      'never deletes a runner that is online although ssh cannot reach its host',
      [{ ...RUNNER, unreachable: true }],
      'failure',
      { deregister: 'success', delete: 'failure' },
      [RUNNER.runnerId],
      ''
    ],
    [
      'fails without trying delete-runner when the host is reachable but removing fails',
      [{ ...RUNNER, sudo: 'denied' }],
      'failure',
      { deregister: 'failure', delete: 'skipped' },
      [RUNNER.runnerId],
      ''
    ]
  ] as const)(
    '%s',
    async (_, hosts, result, outcomes, registered, lastLog) => {
      world = new FakeWorld([...hosts])
      if (hosts.length === 0) world.registerGoneRunner(RUNNER.runnerId, RUNNER.runnerName, HOST)
      const job = await teardown(recipe('teardown-with-fallback'), HOST)
      expectResult(job, result)
      const outcome = Object.fromEntries(
        job.steps.map((step) => [step.id ?? step.name, step.outcome])
      )
      expect(outcome).toMatchObject(outcomes)
      expect(job.steps.at(-1)?.log).toContain(lastLog)
      expect(world.registeredRunners().map(({ id }) => id)).toEqual(registered)
    },
    TIMEOUT_MS
  )
})

describe('teardown-across-jobs', () => {
  const workflow = recipe('teardown-across-jobs')

  it.each(HOSTS)(
    'deregisters a runner %s after the job on it has ended',
    async (_, host) => {
      const { mint, job, settled, registeredAtJobEnd } = await handOff(workflow, host)
      expectResult(job, 'success')
      expect(registeredAtJobEnd).toEqual([host.runnerId])
      expect(job.orphansKilled).toEqual([])
      expect(settled).toBe(true)
      expectDeregistered(host)
      expectNoSecretOnACommandLine()
      const sealed = mint.outputs['sealed-token'] as string
      expect(sealed).toMatch(/^sealed\./)
      for (const secret of world.knownSecrets()) expect(sealed).not.toContain(secret)
      const log = readFileSync(
        join(world.runnerDir(host.name), '_diag/runner-teardown.log'),
        'utf8'
      )
      expect(world.mask(log)).toContain('The job has ended: deregistering this runner.')
    },
    TIMEOUT_MS
  )

  it(
    'fails the job, and removes nothing later, when the runner may not run svc.sh with sudo',
    async () => {
      const { job, settled } = await handOff(workflow, { ...RUNNER, sudo: 'password' })
      expectResult(job, 'failure')
      expect(job.steps.at(-1)?.log).toContain("may not run 'sudo")
      expect(settled).toBe(true)
      expect(world.registeredRunners().map(({ id }) => id)).toEqual([RUNNER.runnerId])
      expect(world.serviceInstalled(HOST)).toBe(true)
    },
    TIMEOUT_MS
  )
})

describe('the recipe tests fail a recipe that would fail on a real host', () => {
  const overSsh = recipe('teardown-over-ssh')
  const remoteScript = /ssh "\$SSH_USER@\$HOST" '\n[\s\S]*?\.\/config\.sh remove'\n/

  it.each([
    [
      'config.sh remove without uninstalling the service first: refused, nothing removed',
      remoteScript,
      `ssh "$SSH_USER@$HOST" \\\n            'read -r dir && read -r token && cd "$dir" && ./config.sh remove --token "$token"'\n`,
      { ...RUNNER },
      'failure',
      ['remove refused: service installed'],
      'Uninstall service first',
      ['config.sh remove --token ***']
    ],
    [
      'the token passed with --token: seen on the host command line',
      'ACTIONS_RUNNER_INPUT_TOKEN="$token" ./config.sh remove',
      './config.sh remove --token "$token"',
      { ...RUNNER },
      'success',
      [`remove: runner ${RUNNER.runnerId} deregistered (token by flag)`],
      '',
      ['config.sh remove --token ***']
    ],
    [
      'svc.sh with sudo on macOS: refused ("Must not run with sudo"), nothing removed',
      /if \[ "\$\(uname -s\)" = Darwin \]; then .*; fi/,
      'sudo -n ./svc.sh uninstall',
      { ...RUNNER, os: 'Darwin' },
      'failure',
      [],
      'Must not run with sudo',
      []
    ]
  ] as const)(
    '%s',
    async (_, from, to, host, result, configLog, lastLog, tokenOnCommandLines) => {
      world = new FakeWorld([host])
      const job = await teardown(changed(overSsh, from, to), HOST)
      expectResult(job, result)
      expect(world.configLog()).toEqual(configLog)
      expect(job.steps.at(-1)?.log).toContain(lastLog)
      const registered = world.registeredRunners().map(({ id }) => id)
      expect(registered).toEqual(result === 'success' ? [] : [RUNNER.runnerId])
      const [token] = world.issuedRemoveTokens()
      expect(world.commandLinesHolding(token as string)).toEqual(tokenOnCommandLines)
    },
    TIMEOUT_MS
  )

  it(
    'the old fallback (continue-on-error, outcome failure) sends a reachable, online runner to delete-runner',
    async () => {
      const old = changed(
        changed(
          recipe('teardown-with-fallback'),
          "if: steps.deregister.outputs.reachable == 'false'",
          "if: steps.deregister.outcome == 'failure'"
        ),
        '        timeout-minutes: 5\n',
        '        continue-on-error: true\n        timeout-minutes: 5\n'
      )
      world = new FakeWorld([{ ...RUNNER, sudo: 'denied' }])
      const job = await teardown(old, HOST)
      expect(job.steps.find((step) => step.id === 'delete')?.outcome).toBe('failure')
      expect(job.steps.find((step) => step.id === 'delete')?.log).toContain(
        'is online: not deleted'
      )
    },
    TIMEOUT_MS
  )

  describe('teardown-across-jobs', () => {
    const workflow = recipe('teardown-across-jobs')
    it(
      'without clearing RUNNER_TRACKING_ID: the end-of-job cleanup kills the teardown',
      async () => {
        const tracked = changed(workflow, 'env -u RUNNER_TRACKING_ID ', 'env ')
        const { job } = await handOff(tracked, { ...RUNNER })
        expectResult(job, 'success')
        expect(job.orphansKilled.length).toBeGreaterThan(0)
        expect(world.registeredRunners().map(({ id }) => id)).toEqual([RUNNER.runnerId])
      },
      TIMEOUT_MS
    )

    it(
      'without its own process group (set -m): unloading the macOS agent kills the teardown',
      async () => {
        const grouped = changed(workflow, '          set -m\n', '')
        const { settled } = await handOff(grouped, { ...RUNNER, os: 'Darwin' })
        expect(settled).toBe(true)
        const log = readFileSync(join(world.runnerDir(HOST), '_diag/runner-teardown.log'), 'utf8')
        expect(log).toContain('stopping actions.runner.octo-org.ci-1')
        expect(world.configLog()).toEqual([])
        expect(world.registeredRunners().map(({ id }) => id)).toEqual([RUNNER.runnerId])
      },
      TIMEOUT_MS
    )

    it(
      'removing inline, in the job: stopping the service cancels the job mid-step',
      async () => {
        const inline = changed(
          workflow,
          / {10}mkdir -p _diag\n[\s\S]*$/,
          '          sudo -n ./svc.sh uninstall\n          ACTIONS_RUNNER_INPUT_TOKEN="$REMOVE_TOKEN" ./config.sh remove\n'
        )
        const { job } = await handOff(inline, { ...RUNNER })
        expectResult(job, 'failure')
        expect(job.steps.at(-1)?.exitCode).toBe(143)
        expect(world.configLog()).toEqual([])
        expect(world.registeredRunners().map(({ id }) => id)).toEqual([RUNNER.runnerId])
      },
      TIMEOUT_MS
    )
  })
})
