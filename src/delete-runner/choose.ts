/**
 * Which listed runners to delete, decided on the complete list before the first DELETE. Pure: the
 * list in, the plan (or every refusal) out.
 */
import type { Choice } from './inputs.js'
import { firstOf, forLog } from '../step/text.js'
import type { Runner } from './list.js'

export interface Plan {
  /** The runners to delete, in list order. */
  chosen: Runner[]
  /** Names asked for that no runner has (accepted only with 'missing-ok'). */
  missing: string[]
  /** Runners a selector matched that are not offline, and so are left alone. */
  skipped: Runner[]
  /** Why nothing may be deleted: each is a sentence; any one fails the step before any DELETE. */
  refusals: string[]
}

export interface ChooseOptions {
  /** `repository octo/hello`, to name in refusals. */
  where: string
  onlyOffline: boolean
  missingOk: boolean
  maxDeletions: number
}

export function chooseRunners(runners: Runner[], choice: Choice, options: ChooseOptions): Plan {
  const plan: Plan = { chosen: [], missing: [], skipped: [], refusals: [] }
  if (choice.by === 'names') {
    for (const name of choice.names) {
      const matches = runners.filter((runner) => runner.name === name)
      const [runner] = matches
      if (matches.length > 1) {
        plan.refusals.push(
          `${matches.length} runners of ${options.where} are named '${forLog(name, 80)}' (ids ` +
            `${firstOf(matches.map((match) => String(match.id)))}): refusing to guess which one to ` +
            'delete. Remove the duplicates by hand (Settings > Actions > Runners), or give each ' +
            'runner a unique name.'
        )
      } else if (!runner) {
        plan.missing.push(name)
        if (!options.missingOk) {
          plan.refusals.push(
            `${missingSentence(name, runners, options.where)} Check 'runner-name', or set ` +
              "'missing-ok: true' if it may be gone."
          )
        }
      } else if (options.onlyOffline && runner.status !== 'offline') {
        plan.refusals.push(
          `Runner ${describeRunner(runner)} of ${options.where} is ${runner.status}, and ` +
            "'only-offline' is true: " +
            'refusing to delete it. Stop the runner first (or deregister it from its host with a ' +
            "remove token), or set 'only-offline: false' to delete it anyway."
        )
      } else plan.chosen.push(runner)
    }
  } else {
    const wanted = choice.labels.map((label) => label.toLowerCase())
    for (const runner of runners) {
      const labels = new Set(runner.labels.map((label) => label.toLowerCase()))
      const matches =
        (choice.prefix === undefined || runner.name.startsWith(choice.prefix)) &&
        wanted.every((label) => labels.has(label))
      if (!matches) continue
      if (runner.status === 'offline') plan.chosen.push(runner)
      else plan.skipped.push(runner)
    }
  }
  if (plan.chosen.length > options.maxDeletions) {
    plan.refusals.push(
      `${plan.chosen.length} runners would be deleted, more than 'max-deletions' ` +
        `(${options.maxDeletions}): nothing was deleted. Check the selection, or raise ` +
        "'max-deletions' if that many is right."
    )
  }
  return plan
}

/** Why a name matched nothing, naming runners whose name differs only in case. */
export function missingSentence(name: string, runners: Runner[], where: string): string {
  const near = firstOf(
    runners.filter((listed) => listed.name.toLowerCase() === name.toLowerCase()).map(describeRunner)
  )
  return (
    `No runner of ${where} is named '${forLog(name, 80)}' (${runners.length} listed)` +
    (near ? `; ${near} differs only in case, and names are matched exactly.` : '.')
  )
}

/** `'spot-7' (id 42, offline)`, the name made safe to show. */
export function describeRunner(runner: Runner): string {
  return `'${forLog(runner.name, 80)}' (id ${runner.id}, ${runner.status}${runner.busy ? ', busy' : ''})`
}
