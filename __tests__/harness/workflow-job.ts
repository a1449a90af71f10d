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
import { once } from 'node:events'
import fs from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { data } from '@actions/expressions'
import { truthy } from '@actions/expressions/result'
import { parse } from 'yaml'
import { killQuietly, processesWhoseEnvironmentHas, type FakeWorld } from './fake-world.ts'
import { evaluateExpression, evaluateTemplate, parseOutputFile } from './run-action.ts'

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
  /** Called after the last step, before the job's processes end. */
  onJobEnd?: () => void
}

export interface StepRecord {
  id?: string
  name: string
  outcome: 'success' | 'failure' | 'skipped'
  /** What `steps.<id>.conclusion` says: success for a failure with continue-on-error. */
  conclusion: StepRecord['outcome']
  outputs: Record<string, string>
  /** What the step printed (stdout then stderr), masked, or why its fake failed. */
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

type Env = Record<string, unknown>
interface Step {
  id?: string
  name?: string
  if?: string | boolean
  uses?: string
  with?: Env
  run?: string
  env?: Env
  'continue-on-error'?: boolean
}

type StepResult = Omit<StepRecord, 'id' | 'name' | 'conclusion'>
const SKIPPED = { outcome: 'skipped', conclusion: 'skipped', outputs: {}, log: '' } as const

/** Longest a step may run here, whatever its timeout-minutes. */
const STEP_TIMEOUT_MS = 20_000

export async function runJob(run: JobRun): Promise<JobRecord> {
  const workflow = parse(run.workflow) as {
    on?: { workflow_dispatch?: { inputs?: Record<string, { default?: unknown }> } }
    env?: Env
    jobs: Record<string, { env?: Env; steps: Step[]; outputs?: Record<string, string> }>
  }
  // As GitHub does for a dispatched run: an input left out takes its declared default.
  const defaults = Object.entries(workflow.on?.workflow_dispatch?.inputs ?? {}).flatMap(
    ([name, input]) => (input.default === undefined ? [] : [[name, String(input.default)]])
  )
  const inputs = { ...Object.fromEntries(defaults), ...run.inputs }
  const job = workflow.jobs[run.job]
  if (!job) throw new Error(`The workflow has no job '${run.job}'`)
  const { world } = run
  const jobDir = join(world.dir, 'jobs', `${run.job}-${randomBytes(4).toString('hex')}`)
  const home = run.host ? world.hostHome(run.host) : join(world.dir, 'github-hosted-home')
  const work = run.host
    ? join(world.runnerDir(run.host), '_work')
    : join(world.dir, 'github-hosted-work')
  const [workspace, temp] = [join(work, 'repo', 'repo'), join(work, '_temp')]
  for (const dir of [jobDir, home, workspace, temp]) fs.mkdirSync(dir, { recursive: true })
  const trackingId = `github_${randomBytes(8).toString('hex')}`
  const macOS = run.host && fs.readFileSync(join(home, '.fake', 'os'), 'utf8').trim() === 'Darwin'
  const jobEnded = join(jobDir, 'job-ended')
  const records: StepRecord[] = []
  const workers: { pid: number; exited: Promise<unknown> }[] = []
  let failed = false

  const contexts = (env: Record<string, string>) => ({
    github: { repository: 'octo-org/octo-repo', repository_owner: 'octo-org', workspace },
    inputs,
    secrets: run.secrets ?? {},
    matrix: run.matrix ?? {},
    needs: run.needs ?? {},
    steps: Object.fromEntries(records.flatMap((step) => (step.id ? [[step.id, step]] : []))),
    env,
    runner: { os: macOS ? 'macOS' : 'Linux', temp },
    job: { status: failed ? 'failure' : 'success' }
  })
  const status = {
    success: () => !failed,
    failure: () => failed,
    always: () => true,
    cancelled: () => false
  }
  const statusFunctions = new Map(
    Object.entries(status).map(([name, value]) => {
      const call = () => new data.BooleanData(value())
      return [name, { name, minArgs: 0, maxArgs: 0, call }]
    })
  )
  const evaluateEnv = (values: Env | undefined, env: Record<string, string>) =>
    Object.fromEntries(
      Object.entries(values ?? {}).map(([k, v]) => [k, evaluateTemplate(String(v), contexts(env))])
    )

  const workflowEnv = evaluateEnv(workflow.env, {})
  const jobEnv = { ...workflowEnv, ...evaluateEnv(job.env, workflowEnv) }

  for (const [index, step] of job.steps.entries()) {
    const name = evaluateTemplate(step.name ?? step.uses ?? `Run ${index + 1}`, contexts(jobEnv))
    const condition = String(step.if ?? 'success()').replace(/^\s*\$\{\{([\s\S]*)\}\}\s*$/, '$1')
    const guarded = /\b(success|failure|always|cancelled)\s*\(/.test(condition)
      ? condition
      : `success() && (${condition})`
    if (!truthy(evaluateExpression(guarded, contexts(jobEnv), statusFunctions))) {
      records.push({ id: step.id, name, ...SKIPPED })
      continue
    }
    const stepEnv = { ...jobEnv, ...evaluateEnv(step.env, jobEnv) }
    let record: StepResult = { outcome: 'success', outputs: {}, log: '' }
    if (step.uses) {
      const fake = run.actions[step.uses.replace(/@.*$/, '')]
      if (!fake) throw new Error(`No fake for 'uses: ${step.uses}'`)
      try {
        record.outputs = fake(evaluateEnv(step.with, stepEnv))
      } catch (error) {
        record = { outcome: 'failure', outputs: {}, log: (error as Error).message }
      }
    } else {
      const script = join(jobDir, `step-${index}.sh`)
      fs.writeFileSync(script, evaluateTemplate(String(step.run), contexts(stepEnv)))
      fs.writeFileSync(`${script}.output`, '')
      const worker = startWorker(script, jobEnded, workspace, {
        ...stepEnv,
        HOME: home,
        PATH: world.path,
        LANG: 'C.UTF-8',
        CI: 'true',
        GITHUB_ACTIONS: 'true',
        GITHUB_OUTPUT: `${script}.output`,
        GITHUB_WORKSPACE: workspace,
        RUNNER_TEMP: temp,
        RUNNER_OS: macOS ? 'macOS' : 'Linux',
        RUNNER_TRACKING_ID: trackingId,
        FAKE_WORLD: world.dir
      })
      workers.push(worker)
      if (run.host) fs.appendFileSync(join(home, '.fake', 'job-workers'), `${worker.pid}\n`)
      const exitCode = await worker.exitCode
      const printed = ['out', 'err'].map((stream) => fs.readFileSync(`${script}.${stream}`, 'utf8'))
      if (exitCode === undefined) printed.push('\n(the step ran longer than the test allows)')
      record = {
        outcome: exitCode === 0 ? 'success' : 'failure',
        outputs: parseOutputFile(fs.readFileSync(`${script}.output`, 'utf8')),
        log: printed.join(''),
        exitCode
      }
    }
    const { outcome } = record
    const conclusion = outcome === 'failure' && step['continue-on-error'] ? 'success' : outcome
    if (conclusion === 'failure') failed = true
    records.push({ id: step.id, name, ...record, conclusion, log: world.mask(record.log) })
  }

  const outputs = evaluateEnv(job.outputs, jobEnv)
  run.onJobEnd?.()
  const orphansKilled = await cleanUpOrphans(
    trackingId,
    workers.map(({ pid }) => pid)
  )
  fs.writeFileSync(jobEnded, '')
  await Promise.all(workers.map(({ exited }) => exited))
  return { result: failed ? 'failure' : 'success', steps: records, outputs, orphansKilled }
}

/**
 * What Runner.Worker does as it finishes a job (JobExtension.FinalizeJob): kill every process
 * whose environment carries the job's RUNNER_TRACKING_ID, itself aside. The runner cleans up well
 * after a step's shell exits: a process a step left mid-exec (nohup, env, bash) gets a moment to
 * settle first, so that it is seen with the environment it will keep.
 */
async function cleanUpOrphans(trackingId: string, workerPids: number[]): Promise<number[]> {
  const tracked = () =>
    processesWhoseEnvironmentHas(`RUNNER_TRACKING_ID=${trackingId}`).filter(
      (pid) => !workerPids.includes(pid)
    )
  await sleep(300)
  const deadline = Date.now() + 1_000
  while (tracked().length > 0 && Date.now() < deadline) await sleep(50)
  const orphans = tracked()
  for (const pid of orphans) killQuietly(pid)
  return orphans
}

/**
 * Starts worker.sh for one step, in its own process group. `exitCode` resolves with the step's
 * exit code, which the worker writes to fd 3 (undefined when the step ran too long: its process
 * group is then killed); `exited` once the worker has exited, after the job.
 */
function startWorker(script: string, jobEnded: string, cwd: string, env: Record<string, string>) {
  const [out, err] = ['out', 'err'].map((stream) => fs.openSync(`${script}.${stream}`, 'w'))
  const worker = spawn(join(env.FAKE_WORLD as string, 'worker.sh'), [script, jobEnded], {
    cwd,
    env,
    stdio: ['ignore', out, err, 'pipe'],
    detached: true
  })
  for (const fd of [out, err]) fs.closeSync(fd as number)
  const pid = worker.pid as number
  const exited = once(worker, 'exit')
  const exitCode = (async () => {
    const timer = setTimeout(() => killQuietly(-pid), STEP_TIMEOUT_MS)
    let written = ''
    for await (const chunk of worker.stdio[3] as NodeJS.ReadableStream) written += String(chunk)
    clearTimeout(timer)
    return written.trim() === '' ? undefined : Number(written)
  })()
  return { pid, exited, exitCode }
}
