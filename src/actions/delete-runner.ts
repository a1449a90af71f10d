import * as core from '@actions/core'
import { log } from '../edge/log.js'
import { safeText } from '../edge/safe-text.js'
import { publishSummary, readCommonInputs, runStep, warnIfUnencrypted } from '../edge/step.js'
import { createClient, type GitHubClient } from '../github/client.js'
import { messageOf } from '../github/http-error.js'
import { describeTarget } from '../github/target.js'
import { chooseRunners, describeRunner, missingSentence } from '../operations/choose-runners.js'
import { removeRunner } from '../operations/delete-runner.js'
import { listRunners, type Runner } from '../operations/list-runners.js'
import { parseDeleteInputs, type DeleteInputs } from './delete-runner-inputs.js'
import { setOutputs, summarise, type Outcome } from './delete-runner-report.js'

/** GitHub's REST guidance: mutating requests one at a time, at least one second apart. */
export const DELETE_SPACING_MS = 1000

/**
 * delete-runner: inputs -> target -> list every page once -> choose (names, or a selector of
 * offline runners) -> refuse what is unsafe before any DELETE -> delete one at a time, paced ->
 * outputs -> summary.
 */
export function run(): Promise<void> {
  return runStep(async (cleanup) => {
    const inputs = parseDeleteInputs(
      {
        ...readCommonInputs(),
        runnerName: core.getInput('runner-name'),
        namePrefix: core.getInput('name-prefix'),
        labels: core.getInput('labels'),
        maxDeletions: core.getInput('max-deletions'),
        dryRun: core.getInput('dry-run'),
        onlyOffline: core.getInput('only-offline'),
        busyTimeout: core.getInput('busy-timeout'),
        missingOk: core.getInput('missing-ok')
      },
      process.env
    )
    const { target, choice } = inputs
    warnIfUnencrypted(inputs.apiUrl)
    const where = describeTarget(target)
    const single = choice.by === 'names' && choice.names.length === 1 ? choice.names[0] : undefined
    log.info(
      single !== undefined
        ? `Looking for runner '${safeText(single, 80)}' in ${where} at ${inputs.apiUrl}`
        : `Listing the runners of ${where} at ${inputs.apiUrl}`
    )
    const client = await createClient({ ...inputs, log })
    cleanup(client.close)

    const { runners, pages } = await listRunners(client, target, { ...inputs, name: single })
    if (single === undefined) log.info(`Listed ${runners.length} runners (${pages} pages)`)
    const plan = chooseRunners(runners, choice, { ...inputs, where })
    if (plan.refusals.length > 0) {
      throw new Error(
        plan.refusals.length === 1
          ? (plan.refusals[0] as string)
          : `Nothing was deleted:\n- ${plan.refusals.join('\n- ')}`
      )
    }
    for (const name of plan.missing) {
      log.info(`${missingSentence(name, runners, where)} Nothing to delete ('missing-ok' is true).`)
    }
    if (plan.skipped.length > 0) {
      log.info(
        `Skipped ${plan.skipped.length} matching runners that are not offline: ` +
          plan.skipped.map(describeRunner).join(', ')
      )
    }
    for (const runner of plan.chosen)
      if (single !== undefined) log.info(`Found runner ${describeRunner(runner)}`)

    const outcomes = inputs.dryRun
      ? plan.chosen.map((runner): Outcome => ({ runner, deleted: false, reason: 'dry run' }))
      : await deleteAll(client, plan.chosen, inputs, where)
    const deleted = outcomes.filter((outcome) => outcome.deleted).length
    const failed = outcomes.filter((outcome) => outcome.error !== undefined)
    if (failed.length > 0 && deleted === 0) throw failed[0]?.error
    setOutputs(outcomes, single !== undefined)
    await publishSummary(() => summarise(outcomes, plan, { where, single, dryRun: inputs.dryRun }))
    if (failed.length > 0) {
      throw new Error(
        `Deleted ${deleted} of ${outcomes.length} runners of ${where}; not deleted:\n- ` +
          failed
            .map((outcome) => `${describeRunner(outcome.runner)}: ${messageOf(outcome.error)}`)
            .join('\n- ')
      )
    }
  })
}

/** Deletes each runner in turn, at least DELETE_SPACING_MS apart; a failure does not stop the rest. */
async function deleteAll(
  client: GitHubClient,
  runners: Runner[],
  inputs: DeleteInputs,
  where: string,
  sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms))
): Promise<Outcome[]> {
  const outcomes: Outcome[] = []
  let lastStarted = -Infinity
  for (const runner of runners) {
    await sleep(Math.max(0, lastStarted + DELETE_SPACING_MS - performance.now()))
    lastStarted = performance.now()
    try {
      const removal = await removeRunner(client, inputs.target, runner, {
        ...inputs,
        log: log.info
      })
      if (removal === 'gone') {
        const gone =
          `Runner ${describeRunner(runner)} of ${where} was deleted by something else after it ` +
          'was listed (another teardown, or the runner itself if it is ephemeral).'
        if (!inputs.missingOk) throw new Error(`${gone} Set 'missing-ok: true' to accept that.`)
        log.info(`${gone} Nothing left to delete ('missing-ok' is true).`)
        outcomes.push({ runner, deleted: false, reason: 'already deleted by something else' })
        continue
      }
      outcomes.push({ runner, deleted: true })
      const count = outcomes.filter((outcome) => outcome.deleted).length
      log.info(
        runners.length === 1
          ? `Deleted runner ${describeRunner(runner)} from ${where}`
          : `Deleted ${count} of ${runners.length}: ${safeText(runner.name, 80)} (id ${runner.id})`
      )
    } catch (error) {
      outcomes.push({ runner, deleted: false, reason: 'the deletion failed', error })
    }
  }
  return outcomes
}
