/** What delete-runner tells the workflow (outputs) and the person (job summary). */
import * as core from '@actions/core'
import { safeText, summaryText } from '../step/text.js'
import { secrets } from '../step/secrets.js'
import type { Plan } from './choose.js'
import { describeRunner } from './choose.js'
import type { Outcome } from './delete.js'

/**
 * `deleted` (at least one runner deleted), `deleted-count`, `runners` (JSON, for `fromJSON`), and
 * for one name, `runner-id` and `runner-status` as before fleets (empty otherwise).
 */
export function setOutputs(outcomes: Outcome[], single: boolean): void {
  const deleted = outcomes.filter((outcome) => outcome.deleted).length
  const [only] = outcomes
  core.setOutput('deleted', String(deleted > 0))
  core.setOutput('deleted-count', String(deleted))
  core.setOutput('runner-id', single && only ? String(only.runner.id) : '')
  core.setOutput('runner-status', single && only ? only.runner.status : '')
  core.setOutput(
    'runners',
    inertJson(
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

/**
 * JSON that no later step can turn into a workflow command by printing it: `::` and `##[` can only
 * occur inside its strings, where `\u003a` and `\u005b` read back (with `fromJSON`) as the same;
 * and redacted, like every string that leaves this step.
 */
export function inertJson(value: unknown): string {
  return secrets
    .redact(JSON.stringify(value))
    .replace(/::/g, ':\\u003a')
    .replace(/##\[/g, '##\\u005b')
}

interface SummaryContext {
  where: string
  single?: string
  dryRun: boolean
}

/** A sentence, then a table of the runners chosen and what happened to each. */
export async function summarise(
  outcomes: Outcome[],
  plan: Plan,
  context: SummaryContext
): Promise<void> {
  const summary = core.summary.addHeading('Self-hosted runners', 3)
  summary.addRaw(summaryText(headline(outcomes, plan, context), 2000), true)
  if (outcomes.length > 0) {
    summary.addTable([
      [
        { data: 'Runner', header: true },
        { data: 'ID', header: true },
        { data: 'Status', header: true },
        { data: 'Result', header: true }
      ],
      ...outcomes.map(({ runner, deleted: gone, reason }) => [
        summaryText(runner.name, 80),
        String(runner.id),
        summaryText(runner.status, 32),
        gone ? 'deleted' : summaryText(reason, 80)
      ])
    ])
  }
  if (plan.skipped.length > 0) {
    summary.addRaw(
      summaryText(`Left alone (not offline): ${plan.skipped.map(describeRunner).join(', ')}`, 4000),
      true
    )
  }
  await summary.write()
}

function headline(
  outcomes: Outcome[],
  plan: Plan,
  { where, single, dryRun }: SummaryContext
): string {
  const [only] = outcomes
  if (single !== undefined && !dryRun) {
    if (!only) return `No runner named '${safeText(single, 80)}' in ${where}: nothing deleted.`
    return only.deleted
      ? `Deleted runner ${describeRunner(only.runner)} from ${where}.`
      : `Runner ${describeRunner(only.runner)} of ${where}: ${only.reason}.`
  }
  const count = outcomes.filter((outcome) => outcome.deleted).length
  if (dryRun)
    return `Dry run: ${outcomes.length} runners of ${where} would be deleted; nothing was deleted.`
  return (
    `Deleted ${count} of ${outcomes.length} runners chosen in ${where}` +
    (plan.skipped.length > 0
      ? `; ${plan.skipped.length} matching runners were not offline and were left alone.`
      : '.')
  )
}
