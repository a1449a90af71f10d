import * as core from '@actions/core'
import { createClient } from '../github/client.js'
import { publishSummary, readCommonInputs, runStep, warnIfUnencrypted } from '../edge/step.js'
import { describeTarget } from '../github/target.js'
import { ambiguity, describeRunner, findRunners } from '../operations/list-runners.js'
import { parseDeleteInputs } from './delete-runner-inputs.js'
import { removeRunner } from '../operations/delete-runner.js'

/**
 * delete-runner: inputs -> target -> find the runner by exact name (every page) -> refuse what
 * is unsafe (several matches, an online runner) -> delete it -> outputs -> summary.
 */
export function run(): Promise<void> {
  return runStep(async (secrets) => {
    const inputs = parseDeleteInputs(
      {
        ...readCommonInputs(secrets),
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
    core.info(`Looking for runner '${runnerName}' in ${where} at ${inputs.apiUrl}`)
    const client = createClient({ ...inputs, log: { info: core.info, debug: core.debug } })

    const search = await findRunners(client, target, runnerName, inputs)
    const refusal = ambiguity(search, target, runnerName)
    if (refusal) throw new Error(refusal)
    const [runner] = search.matches
    if (!runner) {
      const near = search.nearMatches.map(describeRunner).join(', ')
      const missing =
        `No runner of ${where} is named '${runnerName}' (${search.listed} listed)` +
        (near ? `; ${near} differs only in case, and names are matched exactly.` : '.')
      if (!inputs.missingOk) {
        throw new Error(
          `${missing} Check 'runner-name', or set 'missing-ok: true' if it may be gone.`
        )
      }
      core.info(`${missing} Nothing to delete ('missing-ok' is true).`)
      setOutputs(false, '', '')
      await publishSummary(() =>
        summarise(`No runner named '${runnerName}' in ${where}: nothing deleted.`)
      )
      return
    }

    core.info(`Found runner ${describeRunner(runner)}`)
    if (inputs.onlyOffline && runner.status !== 'offline') {
      throw new Error(
        `Runner ${describeRunner(runner)} of ${where} is ${runner.status}, and 'only-offline' is ` +
          'true: refusing to delete it. Stop the runner first (or deregister it from its host with ' +
          "a remove token), or set 'only-offline: false' to delete it anyway."
      )
    }
    const removal = await removeRunner(client, target, runner, { ...inputs, log: core.info })
    if (removal === 'gone') {
      const gone =
        `Runner ${describeRunner(runner)} of ${where} was deleted by something else after it was ` +
        'listed (another teardown, or the runner itself if it is ephemeral).'
      if (!inputs.missingOk) throw new Error(`${gone} Set 'missing-ok: true' to accept that.`)
      core.info(`${gone} Nothing left to delete ('missing-ok' is true).`)
      setOutputs(false, String(runner.id), runner.status)
      await publishSummary(() => summarise(gone))
      return
    }
    core.info(`Deleted runner ${describeRunner(runner)} from ${where}`)
    setOutputs(true, String(runner.id), runner.status)
    await publishSummary(() => summarise(`Deleted runner ${describeRunner(runner)} from ${where}.`))
  })
}

function setOutputs(deleted: boolean, runnerId: string, status: string): void {
  core.setOutput('deleted', String(deleted))
  core.setOutput('runner-id', runnerId)
  core.setOutput('runner-status', status)
}

async function summarise(sentence: string): Promise<void> {
  await core.summary.addHeading('Self-hosted runner', 3).addRaw(escapeHtml(sentence), true).write()
}

/** Runner names are free text; the summary is HTML. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}
