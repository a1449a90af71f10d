/** What delete-runner tells the workflow (outputs) and the person (job summary). */
import * as core from '@actions/core'
import { firstOf, forJsonOutput, forLog, forSummary } from '../step/text.js'
import type { Plan, Reason } from './choose.js'
import type { Outcome } from './delete.js'

/** Runners left alone that are listed one by one (in the `runners` output and the summary). */
const LEFT_ALONE_LISTED = 100

/** Every runner considered, each once: what happened to the chosen, why the others were left. */
function accounted(outcomes: Outcome[], plan: Plan) {
  const leftAlone = plan.leftAlone.slice(0, LEFT_ALONE_LISTED).map(({ runner, reason }) => ({
    runner,
    deleted: false as const,
    reason: reason as string
  }))
  return [...outcomes, ...leftAlone]
}

/** How many runners ended each way: what the `counts` output and the summary's sentence say. */
export function countsOf(outcomes: Outcome[], plan: Plan): Record<string, number> {
  const counts: Record<string, number> = {
    deleted: outcomes.filter((outcome) => outcome.deleted).length,
    'not deleted': outcomes.filter((outcome) => !outcome.deleted).length
  }
  const reasons: Reason[] = [
    'online',
    'busy',
    'excluded',
    'changed during the grace period',
    'new during the grace period'
  ]
  for (const reason of reasons) {
    counts[reason] = plan.leftAlone.filter((left) => left.reason === reason).length
  }
  counts['not matched'] = plan.notMatched
  return counts
}

/**
 * `deleted` (at least one runner deleted), `deleted-count`, `runners` (JSON, for `fromJSON`: the
 * chosen, then up to 100 left alone, each with its reason) and `counts` (JSON, every runner
 * considered, by what happened to it).
 */
export function setOutputs(outcomes: Outcome[], plan: Plan): void {
  const deleted = outcomes.filter((outcome) => outcome.deleted).length
  core.setOutput('deleted', String(deleted > 0))
  core.setOutput('deleted-count', String(deleted))
  core.setOutput(
    'runners',
    forJsonOutput(
      accounted(outcomes, plan).map(({ runner, deleted: gone, reason }) => ({
        id: runner.id,
        name: runner.name,
        status: runner.status,
        deleted: gone,
        ...(reason === undefined ? {} : { reason })
      }))
    )
  )
  core.setOutput('counts', JSON.stringify(countsOf(outcomes, plan)))
}

interface SummaryContext {
  where: string
  dryRun: boolean
}

/** A sentence, the counts, then a table of the runners considered and what happened to each. */
export async function summarise(
  outcomes: Outcome[],
  plan: Plan,
  context: SummaryContext
): Promise<void> {
  const summary = core.summary.addHeading('Self-hosted runners', 3)
  summary.addRaw(forSummary(headline(outcomes, plan, context), 2000), true)
  const counts = Object.entries(countsOf(outcomes, plan)).filter(([, count]) => count > 0)
  if (counts.length > 0) {
    summary.addRaw(forSummary(counts.map(([what, count]) => `${what}: ${count}`).join(', ')), true)
  }
  const rows = accounted(outcomes, plan)
  if (rows.length > 0) {
    summary.addTable([
      [
        { data: 'Runner', header: true },
        { data: 'ID', header: true },
        { data: 'Status', header: true },
        { data: 'Result', header: true }
      ],
      ...rows.map(({ runner, deleted: gone, reason }) => [
        forSummary(runner.name, 80),
        String(runner.id),
        forSummary(`${runner.status}${runner.busy ? ', busy' : ''}`, 40),
        gone ? 'deleted' : forSummary(reason, 80)
      ])
    ])
  }
  const unlisted = plan.leftAlone.length - LEFT_ALONE_LISTED
  if (unlisted > 0) summary.addRaw(`and ${unlisted} more left alone`, true)
  await summary.write()
}

function headline(outcomes: Outcome[], plan: Plan, { where, dryRun }: SummaryContext): string {
  const left = plan.leftAlone.length > 0 ? `; ${plan.leftAlone.length} left alone` : ''
  if (dryRun) {
    return `Dry run: ${outcomes.length} runners of ${where} would be deleted${left}; nothing was deleted.`
  }
  const count = outcomes.filter((outcome) => outcome.deleted).length
  const missing =
    plan.missing.length > 0
      ? `; no runner is named ${firstOf(plan.missing.map((name) => `'${forLog(name, 80)}'`))}`
      : ''
  return `Deleted ${count} of ${outcomes.length} runners chosen in ${where}${missing}${left}.`
}
