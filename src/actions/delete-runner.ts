import * as core from '@actions/core'
import { log } from '../edge/log.js'
import { safeText, summaryText } from '../edge/safe-text.js'
import { publishSummary, readCommonInputs, runStep, warnIfUnencrypted } from '../edge/step.js'
import { createClient } from '../github/client.js'
import { describeTarget, type Target } from '../github/target.js'
import { removeRunner } from '../operations/delete-runner.js'
import { listRunners, type Runner } from '../operations/list-runners.js'
import { parseDeleteInputs } from './delete-runner-inputs.js'

/**
 * delete-runner: inputs -> target -> list every page -> find the runner by exact name -> refuse
 * what is unsafe (several matches, an online runner) -> delete it -> outputs -> summary.
 */
export function run(): Promise<void> {
  return runStep(async (cleanup) => {
    const inputs = parseDeleteInputs(
      {
        ...readCommonInputs(),
        runnerName: core.getInput('runner-name'),
        onlyOffline: core.getInput('only-offline'),
        busyTimeout: core.getInput('busy-timeout'),
        missingOk: core.getInput('missing-ok')
      },
      process.env
    )
    const { target, runnerName } = inputs
    warnIfUnencrypted(inputs.apiUrl)
    const where = describeTarget(target)
    log.info(`Looking for runner '${runnerName}' in ${where} at ${inputs.apiUrl}`)
    const client = await createClient({ ...inputs, log })
    cleanup(client.close)

    const { runners } = await listRunners(client, target, { ...inputs, name: runnerName })
    const matches = runners.filter((runner) => runner.name === runnerName)
    if (matches.length > 1) throw new Error(ambiguity(matches, target, runnerName))
    const [runner] = matches
    if (!runner) {
      const near = runners
        .filter((listed) => listed.name.toLowerCase() === runnerName.toLowerCase())
        .map(describeRunner)
        .join(', ')
      const missing =
        `No runner of ${where} is named '${runnerName}' (${runners.length} listed)` +
        (near ? `; ${near} differs only in case, and names are matched exactly.` : '.')
      if (!inputs.missingOk) {
        throw new Error(
          `${missing} Check 'runner-name', or set 'missing-ok: true' if it may be gone.`
        )
      }
      log.info(`${missing} Nothing to delete ('missing-ok' is true).`)
      setOutputs(false, '', '')
      await publishSummary(() =>
        summarise(`No runner named '${runnerName}' in ${where}: nothing deleted.`)
      )
      return
    }

    log.info(`Found runner ${describeRunner(runner)}`)
    if (inputs.onlyOffline && runner.status !== 'offline') {
      throw new Error(
        `Runner ${describeRunner(runner)} of ${where} is ${runner.status}, and 'only-offline' is ` +
          'true: refusing to delete it. Stop the runner first (or deregister it from its host with ' +
          "a remove token), or set 'only-offline: false' to delete it anyway."
      )
    }
    const removal = await removeRunner(client, target, runner, { ...inputs, log: log.info })
    if (removal === 'gone') {
      const gone =
        `Runner ${describeRunner(runner)} of ${where} was deleted by something else after it was ` +
        'listed (another teardown, or the runner itself if it is ephemeral).'
      if (!inputs.missingOk) throw new Error(`${gone} Set 'missing-ok: true' to accept that.`)
      log.info(`${gone} Nothing left to delete ('missing-ok' is true).`)
      setOutputs(false, String(runner.id), runner.status)
      await publishSummary(() => summarise(gone))
      return
    }
    log.info(`Deleted runner ${describeRunner(runner)} from ${where}`)
    setOutputs(true, String(runner.id), runner.status)
    await publishSummary(() => summarise(`Deleted runner ${describeRunner(runner)} from ${where}.`))
  })
}

/** `'spot-7' (id 42, offline)`, the name made safe to show. */
export function describeRunner(runner: Runner): string {
  return `'${safeText(runner.name, 80)}' (id ${runner.id}, ${runner.status}${runner.busy ? ', busy' : ''})`
}

function ambiguity(matches: Runner[], target: Target, name: string): string {
  const ids = matches.map((runner) => runner.id).join(', ')
  return (
    `${matches.length} runners of ${describeTarget(target)} are named '${name}' ` +
    `(ids ${ids}): refusing to guess which one to delete. Remove the duplicates by hand ` +
    '(Settings > Actions > Runners), or give each runner a unique name.'
  )
}

function setOutputs(deleted: boolean, runnerId: string, status: string): void {
  core.setOutput('deleted', String(deleted))
  core.setOutput('runner-id', runnerId)
  core.setOutput('runner-status', status)
}

async function summarise(sentence: string): Promise<void> {
  await core.summary
    .addHeading('Self-hosted runner', 3)
    .addRaw(summaryText(sentence, 2000), true)
    .write()
}
