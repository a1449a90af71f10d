/** What delete-runner tells the workflow (outputs) and the person (job summary). */
import * as core from '@actions/core'
import { firstOf, forJsonOutput, forLog, forSummary } from '../step/text.js'
import type { Plan } from './choose.js'
import { describeRunner } from './choose.js'
import type { Outcome } from './delete.js'

/** `deleted` (at least one runner deleted), `deleted-count`, and `runners` (JSON, for `fromJSON`). */
export function setOutputs(outcomes: Outcome[]): void {
  const deleted = outcomes.filter((outcome) => outcome.deleted).length
  core.setOutput('deleted', String(deleted > 0))
  core.setOutput('deleted-count', String(deleted))
  core.setOutput(
    'runners',
    forJsonOutput(
      outcomes.map(({ runner, deleted: gone, reason }) => ({
        id: runner.id,
        name: runner.name,
        status: runner.status,
        deleted: gone,
        ...(reason === undefined ? {} : { reason })
      }))
    )
  )
}

interface SummaryContext {
  where: string
  dryRun: boolean
}

/** A sentence, then a table of the runners chosen and what happened to each. */
export async function summarise(
  outcomes: Outcome[],
  plan: Plan,
  context: SummaryContext
): Promise<void> {
  const summary = core.summary.addHeading('Self-hosted runners', 3)
  summary.addRaw(forSummary(headline(outcomes, plan, context), 2000), true)
  if (outcomes.length > 0) {
    summary.addTable([
      [
        { data: 'Runner', header: true },
        { data: 'ID', header: true },
        { data: 'Status', header: true },
        { data: 'Result', header: true }
      ],
      ...outcomes.map(({ runner, deleted: gone, reason }) => [
        forSummary(runner.name, 80),
        String(runner.id),
        forSummary(runner.status, 32),
        gone ? 'deleted' : forSummary(reason, 80)
      ])
    ])
  }
  if (plan.skipped.length > 0) {
    summary.addRaw(
      forSummary(`Left alone (not offline): ${firstOf(plan.skipped.map(describeRunner))}`, 4000),
      true
    )
  }
  await summary.write()
}

function headline(outcomes: Outcome[], plan: Plan, { where, dryRun }: SummaryContext): string {
  if (dryRun) {
    return `Dry run: ${outcomes.length} runners of ${where} would be deleted; nothing was deleted.`
  }
  const count = outcomes.filter((outcome) => outcome.deleted).length
  const missing =
    plan.missing.length > 0
      ? `; no runner is named ${firstOf(plan.missing.map((name) => `'${forLog(name, 80)}'`))}`
      : ''
  const skipped =
    plan.skipped.length > 0
      ? `; ${plan.skipped.length} matching runners were not offline and were left alone`
      : ''
  return `Deleted ${count} of ${outcomes.length} runners chosen in ${where}${missing}${skipped}.`
}
