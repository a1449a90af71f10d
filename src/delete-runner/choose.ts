/**
 * Which listed runners to delete, decided on the complete list before the first DELETE. Pure: the
 * list in, the plan (or every refusal) out.
 */
import type { Choice } from './inputs.js'
import { firstOf, forLog } from '../step/text.js'
import type { Runner } from './list.js'

/** Why a runner the names or selector matched is left alone. */
export type Reason =
  'online' | 'busy' | 'excluded' | 'changed during the grace period' | 'new during the grace period'

export interface Plan {
  /** The runners to delete, in list order. */
  chosen: Runner[]
  /** Names asked for that no runner has (accepted only with 'missing-ok'). */
  missing: string[]
  /** Runners the names or selector matched that are not deleted, and why, in list order. */
  leftAlone: { runner: Runner; reason: Reason }[]
  /** How many listed runners the names or selector did not match. */
  notMatched: number
  /** Why nothing may be deleted: each is a sentence; any one fails the step before any DELETE. */
  refusals: string[]
}

export interface ChooseOptions {
  /** `repository octo/hello`, to name in refusals. */
  where: string
  onlyOffline: boolean
  missingOk: boolean
  maxDeletions: number
  /** Never deleted, however chosen. */
  exclude: { names: string[]; labels: string[] }
  /** Runners that changed during the grace period (graceChanges), by id. */
  changed?: Map<number, Reason>
}

/**
 * GitHub compares labels case-insensitively in ASCII only: `\u212A8s` (KELVIN SIGN) is not `k8s`,
 * as full Unicode lower-casing would make it.
 */
export const foldLabel = (label: string) => label.replace(/[A-Z]+/g, (part) => part.toLowerCase())

export function chooseRunners(runners: Runner[], choice: Choice, options: ChooseOptions): Plan {
  const plan: Plan = { chosen: [], missing: [], leftAlone: [], notMatched: 0, refusals: [] }
  const excludedLabels = new Set(options.exclude.labels.map(foldLabel))
  /** Why a matched runner is not to be deleted, before its status is looked at. */
  const heldBack = (runner: Runner): Reason | undefined =>
    options.exclude.names.includes(runner.name) ||
    runner.labels.some((label) => excludedLabels.has(foldLabel(label)))
      ? 'excluded'
      : options.changed?.get(runner.id)
  let matched = 0
  if (choice.by === 'names') {
    for (const name of choice.names) {
      const matches = runners.filter((runner) => runner.name === name)
      const [runner] = matches
      matched += matches.length
      const held = runner && heldBack(runner)
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
      } else if (held) {
        plan.leftAlone.push({ runner, reason: held })
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
    const wanted = choice.labels.map(foldLabel)
    for (const runner of runners) {
      const labels = new Set(runner.labels.map(foldLabel))
      const matches =
        (choice.prefix === undefined || runner.name.startsWith(choice.prefix)) &&
        wanted.every((label) => labels.has(label))
      if (!matches) continue
      matched += 1
      // A selector never deletes a runner that is running a job, whatever its status says.
      const reason =
        heldBack(runner) ??
        (runner.status !== 'offline' ? 'online' : runner.busy ? 'busy' : undefined)
      if (reason) plan.leftAlone.push({ runner, reason })
      else plan.chosen.push(runner)
    }
  }
  plan.notMatched = runners.length - matched
  if (plan.chosen.length > options.maxDeletions) {
    plan.refusals.push(
      `${plan.chosen.length} runners would be deleted, more than 'max-deletions' ` +
        `(${options.maxDeletions}): nothing was deleted. Check the selection, or raise ` +
        "'max-deletions' if that many is right."
    )
  }
  return plan
}

/** Offline and not running a job: the only state in which a runner may be deleted. */
const idle = (runner: Runner) => runner.status === 'offline' && !runner.busy

/**
 * The runners of the second listing that did not stay as they were through the grace period: one
 * that came online or became busy (or the reverse), was renamed, or appeared only in the second
 * listing. GitHub's runner objects carry no timestamps: two listings are the only evidence.
 */
export function graceChanges(first: Runner[], second: Runner[]): Map<number, Reason> {
  const before = new Map(first.map((runner) => [runner.id, runner]))
  const changed = new Map<number, Reason>()
  for (const runner of second) {
    const earlier = before.get(runner.id)
    if (earlier === undefined || earlier.name !== runner.name) {
      changed.set(runner.id, 'new during the grace period')
    } else if (idle(earlier) !== idle(runner)) {
      changed.set(runner.id, 'changed during the grace period')
    }
  }
  return changed
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
