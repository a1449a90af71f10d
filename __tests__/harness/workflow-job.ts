/**
 * Runs one job of a workflow file as the runner would, in a FakeWorld: `${{ }}` expressions
 * and `if:` conditions evaluated by @actions/expressions (GitHub's own implementation), `run:`
 * steps as bash scripts started by a stand-in for Runner.Worker with the step's environment,
 * outputs read from GITHUB_OUTPUT, and `uses:` steps played by fakes the test supplies. As the
 * job ends, as the runner does, every process still carrying the job's RUNNER_TRACKING_ID is
 * killed; then the worker exits.
 */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import {
  appendFileSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  writeFileSync
} from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { Evaluator, Lexer, Parser, data } from '@actions/expressions'
import { truthy } from '@actions/expressions/result'
import { parse } from 'yaml'
import { killQuietly, processesWhoseEnvironmentHas, type FakeWorld } from './fake-world.js'

/** Plays a `uses:` step: gets its evaluated `with:` inputs, returns its outputs or throws. */
export type ActionFake = (inputs: Record<string, string>) => Record<string, string>

export interface JobRun {
  world: FakeWorld
  /** The workflow's YAML text. */
  workflow: string
  job: string
  /** Fakes for `uses:` steps, by action without its ref (`OWNER/runner-remove-token`). */
  actions: Record<string, ActionFake>
  inputs?: Record<string, string>
  secrets?: Record<string, string>
  matrix?: Record<string, string>
  needs?: Record<string, { result: string; outputs: Record<string, string> }>
  /** The fake host whose runner runs the job; a GitHub-hosted runner when absent. */
  host?: string
  /** Longest a step may run here, whatever its timeout-minutes. */
  stepTimeoutMs?: number
  /** Called after the last step, before the job's processes end. */
  onJobEnd?: () => void
}

export interface StepRecord {
  id?: string
  name: string
  outcome: 'success' | 'failure' | 'skipped'
  outputs: Record<string, string>
  /** What the step printed (stdout then stderr), or why its fake failed. */
  log: string
  /** A `run:` step's exit code (143: cancelled, the runner's service stopped under it). */
  exitCode?: number
}

export interface JobRecord {
  result: 'success' | 'failure'
  steps: StepRecord[]
  outputs: Record<string, string>
  /** Processes the runner's end-of-job cleanup killed (they carried RUNNER_TRACKING_ID). */
  orphansKilled: number[]
}

interface Step {
  id?: string
  name?: string
  if?: string | boolean
  uses?: string
  with?: Record<string, unknown>
  run?: string
  env?: Record<string, unknown>
  'continue-on-error'?: boolean
}

interface Job {
  env?: Record<string, unknown>
  steps: Step[]
  outputs?: Record<string, string>
}

const CONTEXTS = [
  'github',
  'inputs',
  'secrets',
  'steps',
  'matrix',
  'needs',
  'env',
  'runner',
  'job',
  'vars'
]
const STATUS_FUNCTIONS = /\b(success|failure|always|cancelled)\s*\(/

export async function runJob(run: JobRun): Promise<JobRecord> {
  const workflow = parse(run.workflow) as {
    env?: Record<string, unknown>
    jobs: Record<string, Job>
  }
  const job = workflow.jobs[run.job]
  if (!job) throw new Error(`The workflow has no job '${run.job}'`)
  const { world } = run
  const jobDir = join(world.dir, 'jobs', `${run.job}-${randomBytes(4).toString('hex')}`)
  mkdirSync(jobDir, { recursive: true })
  const home = run.host ? world.hostHome(run.host) : join(world.dir, 'github-hosted-home')
  const work = run.host
    ? join(world.runnerDir(run.host), '_work')
    : join(world.dir, 'github-hosted-work')
  const workspace = join(work, 'repo', 'repo')
  const runnerTemp = join(work, '_temp')
  for (const dir of [home, workspace, runnerTemp]) mkdirSync(dir, { recursive: true })
  const trackingId = `github_${randomBytes(8).toString('hex')}`
  const hostOs = run.host ? readFileSync(join(home, '.fake', 'os'), 'utf8').trim() : 'Linux'
  const runnerOs = hostOs === 'Darwin' ? 'macOS' : 'Linux'
  const jobEnded = join(jobDir, 'job-ended')

  const steps: Record<
    string,
    { outputs: Record<string, string>; outcome: string; conclusion: string }
  > = {}
  const records: StepRecord[] = []
  const workers: Promise<void>[] = []
  const workerPids: number[] = []
  let failed = false

  const context = (env: Record<string, string>) =>
    toExpressionData({
      github: {
        repository: 'octo-org/octo-repo',
        repository_owner: 'octo-org',
        api_url: 'https://api.github.com',
        workspace,
        run_id: '1',
        run_attempt: '1'
      },
      inputs: run.inputs ?? {},
      secrets: run.secrets ?? {},
      matrix: run.matrix ?? {},
      needs: run.needs ?? {},
      steps,
      env,
      runner: { os: runnerOs, temp: runnerTemp },
      job: { status: failed ? 'failure' : 'success' },
      vars: {}
    })
  const statusFunctions = new Map([
    ['success', statusFunction('success', () => !failed)],
    ['failure', statusFunction('failure', () => failed)],
    ['always', statusFunction('always', () => true)],
    ['cancelled', statusFunction('cancelled', () => false)]
  ])
  const evaluate = (expression: string, env: Record<string, string>) => {
    const { tokens } = new Lexer(expression).lex()
    const parsed = new Parser(tokens, CONTEXTS, [...statusFunctions.values()]).parse()
    return new Evaluator(parsed, context(env), statusFunctions).evaluate()
  }
  const substitute = (text: unknown, env: Record<string, string>) =>
    String(text).replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expression: string) =>
      evaluate(expression, env).coerceString()
    )
  const evaluateEnv = (values: Record<string, unknown> | undefined, env: Record<string, string>) =>
    Object.fromEntries(
      Object.entries(values ?? {}).map(([key, value]) => [key, substitute(value, env)])
    )

  const workflowEnv = evaluateEnv(workflow.env, {})
  const jobEnv = { ...workflowEnv, ...evaluateEnv(job.env, workflowEnv) }

  for (const [index, step] of job.steps.entries()) {
    const name = substitute(step.name ?? step.uses ?? `Run ${index + 1}`, jobEnv)
    const condition = String(step.if ?? 'success()').replace(/^\s*\$\{\{([\s\S]*)\}\}\s*$/, '$1')
    const guarded = STATUS_FUNCTIONS.test(condition) ? condition : `success() && (${condition})`
    if (!truthy(evaluate(guarded, jobEnv))) {
      records.push({ id: step.id, name, outcome: 'skipped', outputs: {}, log: '' })
      if (step.id) steps[step.id] = { outputs: {}, outcome: 'skipped', conclusion: 'skipped' }
      continue
    }
    const stepEnv = { ...jobEnv, ...evaluateEnv(step.env, jobEnv) }
    let outcome: StepRecord['outcome'] = 'success'
    let outputs: Record<string, string> = {}
    let log = ''
    let exitCode: number | undefined
    if (step.uses) {
      const action = step.uses.replace(/@.*$/, '')
      const fake = run.actions[action]
      if (!fake) throw new Error(`No fake for 'uses: ${step.uses}'`)
      try {
        outputs = fake(evaluateEnv(step.with, stepEnv))
      } catch (error) {
        outcome = 'failure'
        log = (error as Error).message
      }
    } else {
      const script = join(jobDir, `step-${index}.sh`)
      const githubOutput = join(jobDir, `step-${index}.output`)
      writeFileSync(script, substitute(step.run, stepEnv))
      writeFileSync(githubOutput, '')
      const env = {
        ...stepEnv,
        HOME: home,
        PATH: world.path,
        LANG: 'C.UTF-8',
        CI: 'true',
        GITHUB_ACTIONS: 'true',
        GITHUB_OUTPUT: githubOutput,
        GITHUB_WORKSPACE: workspace,
        RUNNER_TEMP: runnerTemp,
        RUNNER_OS: runnerOs,
        RUNNER_TRACKING_ID: trackingId,
        FAKE_WORLD: world.dir
      }
      const { status, finished } = await startStep(
        script,
        jobEnded,
        workspace,
        env,
        run.stepTimeoutMs ?? 20_000
      )
      workers.push(finished)
      workerPids.push(status.pid)
      if (run.host) appendFileSync(join(home, '.fake', 'job-workers'), `${status.pid}\n`)
      exitCode = await status.code
      outcome = exitCode === 0 ? 'success' : 'failure'
      outputs = readOutputs(githubOutput)
      log = [readFileSync(`${script}.out`, 'utf8'), readFileSync(`${script}.err`, 'utf8')].join('')
      if (exitCode === undefined) log += `\n(the step ran longer than the test allows)`
    }
    const conclusion = outcome === 'failure' && step['continue-on-error'] ? 'success' : outcome
    if (conclusion === 'failure') failed = true
    if (step.id) steps[step.id] = { outputs, outcome, conclusion }
    records.push({ id: step.id, name, outcome, outputs, log: world.mask(log), exitCode })
  }

  const outputs = Object.fromEntries(
    Object.entries(job.outputs ?? {}).map(([key, value]) => [key, substitute(value, jobEnv)])
  )
  run.onJobEnd?.()
  const orphansKilled = await cleanUpOrphans(trackingId, workerPids)
  writeFileSync(jobEnded, '')
  await Promise.all(workers)
  return { result: failed ? 'failure' : 'success', steps: records, outputs, orphansKilled }
}

/**
 * What Runner.Worker does as it finishes a job (JobExtension.FinalizeJob, after post steps and
 * log uploads): kill every process whose environment carries the job's RUNNER_TRACKING_ID,
 * itself aside. Processes a step started just before it ended get a moment first, as they
 * would on a runner, to become what they will be (e.g. to exec past `env -u`).
 */
async function cleanUpOrphans(trackingId: string, workerPids: number[]): Promise<number[]> {
  const tracked = () =>
    processesWhoseEnvironmentHas(`RUNNER_TRACKING_ID=${trackingId}`).filter(
      (pid) => !workerPids.includes(pid)
    )
  // The runner cleans up well after a step's shell exits; let a process it left mid-exec (nohup,
  // env, bash) settle first, so that it is seen with the environment it will keep.
  await sleep(300)
  const deadline = Date.now() + 1_000
  let orphans = tracked()
  while (orphans.length > 0 && Date.now() < deadline) {
    await sleep(50)
    orphans = tracked()
  }
  for (const pid of orphans) killQuietly(pid)
  return orphans
}

/**
 * Starts worker.sh for one step. `code` resolves with the step's exit code (undefined when it
 * ran too long: its process group is then killed); `finished` when the worker has exited.
 */
async function startStep(
  script: string,
  jobEnded: string,
  cwd: string,
  env: Record<string, string>,
  timeoutMs: number
) {
  const out = openSync(`${script}.out`, 'w')
  const err = openSync(`${script}.err`, 'w')
  const worker = spawn(join(env.FAKE_WORLD as string, 'worker.sh'), [script, jobEnded], {
    cwd,
    env,
    stdio: ['ignore', out, err],
    detached: true
  })
  closeSync(out)
  closeSync(err)
  const finished = new Promise<void>((resolve) => worker.once('exit', () => resolve()))
  const code = (async () => {
    const deadline = Date.now() + timeoutMs
    while (!existsSync(`${script}.rc`)) {
      if (Date.now() > deadline) {
        killQuietly(-(worker.pid as number))
        return undefined
      }
      await sleep(20)
    }
    return Number(readFileSync(`${script}.rc`, 'utf8'))
  })()
  return { status: { pid: worker.pid as number, code }, finished }
}

/** Reads GITHUB_OUTPUT: `name=value` lines and `name<<DELIMITER` blocks. */
function readOutputs(path: string): Record<string, string> {
  const lines = readFileSync(path, 'utf8').split('\n')
  const outputs: Record<string, string> = {}
  for (let at = 0; at < lines.length; at++) {
    const line = lines[at] as string
    const block = /^([^=<]+)<<(.+)$/.exec(line)
    if (block) {
      const end = lines.indexOf(block[2] as string, at + 1)
      if (end < 0) throw new Error(`GITHUB_OUTPUT: '${block[1]}' has no closing ${block[2]}`)
      outputs[block[1] as string] = lines.slice(at + 1, end).join('\n')
      at = end
    } else if (line.includes('=')) {
      outputs[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1)
    }
  }
  return outputs
}

function statusFunction(name: string, value: () => boolean) {
  return { name, minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(value()) }
}

function toExpressionData(value: unknown): data.Dictionary {
  return JSON.parse(JSON.stringify(value), data.reviver) as data.Dictionary
}
