import * as core from '@actions/core'
import { setTimeout as wait } from 'node:timers/promises'
import { log } from '../step/log.js'
import { firstOf, forLog } from '../step/text.js'
import { publishSummary, runStep } from '../step/lifecycle.js'
import { readCommonInputs, warnIfUnencrypted } from '../github/inputs.js'
import { createClient } from '../github/client.js'
import { messageOf } from '../step/errors.js'
import { describeTarget } from '../github/target.js'
import {
  chooseRunners,
  describeRunner,
  graceChanges,
  missingSentence,
  type Reason
} from './choose.js'
import { deleteAll, type Outcome } from './delete.js'
import { findRunnerGroup, listRunners } from './list.js'
import { parseDeleteInputs } from './inputs.js'
import { setOutputs, summarise } from './report.js'

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
        missingOk: core.getInput('missing-ok'),
        gracePeriod: core.getInput('grace-period'),
        runnerGroup: core.getInput('runner-group'),
        excludeNames: core.getInput('exclude-names'),
        excludeLabels: core.getInput('exclude-labels')
      },
      process.env
    )
    const { target, choice } = inputs
    warnIfUnencrypted(inputs.apiUrl)
    const where = describeTarget(target)
    log.info(`Listing the runners of ${where} at ${inputs.apiUrl}`)
    const prefix = choice.by === 'selector' ? choice.prefix : undefined
    if (prefix !== undefined && /[*?[]/.test(prefix)) {
      log.warning(
        `'name-prefix' is '${forLog(prefix, 80)}': it is matched literally, as the ` +
          "start of a name, not as a pattern ('spot-' selects spot-1, spot-2, ...)."
      )
    }
    const client = await createClient({ ...inputs, log })
    cleanup(client.close)

    // GitHub's list filters by one name: asked for one, only that one is listed (where it obeys).
    const name = choice.by === 'names' && choice.names.length === 1 ? choice.names[0] : undefined
    const group =
      inputs.runnerGroup === undefined
        ? undefined
        : await findRunnerGroup(client, target, inputs.runnerGroup, inputs)
    const list = async () => {
      const { runners, pages } = await listRunners(client, target, {
        ...inputs,
        name,
        groupId: group?.id
      })
      const of = group ? ` in runner group '${forLog(group.name, 80)}'` : ''
      log.info(`Listed ${runners.length} runners${of} (${pages} pages)`)
      return runners
    }
    let runners = await list()
    let changed: Map<number, Reason> | undefined
    if (inputs.gracePeriodS > 0) {
      await gracePeriod(inputs.gracePeriodS)
      const first = runners
      runners = await list()
      changed = graceChanges(first, runners)
    }
    const plan = chooseRunners(runners, choice, { ...inputs, where, changed })
    if (plan.refusals.length > 0) {
      throw new Error(
        plan.refusals.length === 1
          ? (plan.refusals[0] as string)
          : `Nothing was deleted:\n- ${firstOf(plan.refusals, '\n- ')}`
      )
    }
    for (const name of plan.missing) {
      log.info(`${missingSentence(name, runners, where)} Nothing to delete ('missing-ok' is true).`)
    }
    for (const [reason, left] of Map.groupBy(plan.leftAlone, (left) => left.reason)) {
      log.info(
        `Left alone ${left.length} matching runners (${reason}): ` +
          firstOf(left.map(({ runner }) => describeRunner(runner)))
      )
    }

    if (inputs.dryRun) {
      plan.chosen.forEach((runner, index) =>
        log.info(
          `Would delete ${index + 1} of ${plan.chosen.length}: ${describeRunner(runner)} (dry run)`
        )
      )
    }
    const outcomes = inputs.dryRun
      ? plan.chosen.map((runner): Outcome => ({
          runner,
          deleted: false,
          failed: false,
          reason: 'dry run'
        }))
      : await deleteAll(client, plan.chosen, {
          ...inputs,
          where,
          log,
          busyFails: choice.by === 'names'
        })
    const notDeleted = outcomes.filter((outcome) => outcome.failed)
    setOutputs(outcomes, plan)
    await publishSummary(() => summarise(outcomes, plan, { where, dryRun: inputs.dryRun }))
    if (notDeleted.length > 0) {
      const deleted = outcomes.filter((outcome) => outcome.deleted).length
      throw new Error(
        `Deleted ${deleted} of ${outcomes.length} runners of ${where}; not deleted:\n- ` +
          firstOf(
            notDeleted.map(
              (outcome) =>
                `${describeRunner(outcome.runner)}: ${outcome.error === undefined ? outcome.reason : messageOf(outcome.error)}`
            ),
            '\n- '
          )
      )
    }
  })
}

/** The grace period between the two listings, with a line at least every 30 s. */
async function gracePeriod(seconds: number): Promise<void> {
  for (let left = seconds; left > 0; left -= 30) {
    log.info(
      `Grace period: listing again in ${left} s; only runners offline and idle in both listings ` +
        'can be deleted'
    )
    await wait(Math.min(30, left) * 1000)
  }
}
