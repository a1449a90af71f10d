import { commonParsers, type InputEnv, type Inputs, type RawInputs } from '../github/inputs.js'
import { InputError, validateAll } from '../step/inputs.js'
import { hasUnsafeCharacter, quotedForLog } from '../step/text.js'

/** delete-runner's own inputs, as the runner passed them. */
export interface RawDeleteInputs extends RawInputs {
  runnerName: string
  namePrefix: string
  labels: string
  maxDeletions: string
  dryRun: string
  onlyOffline: string
  busyTimeout: string
  missingOk: string
  gracePeriod: string
  runnerGroup: string
  excludeNames: string
  excludeLabels: string
}

/** How the runners to delete are chosen: by exact names, or by a selector (offline ones only). */
export type Choice =
  { by: 'names'; names: string[] } | { by: 'selector'; prefix?: string; labels: string[] }

export interface DeleteInputs extends Inputs {
  choice: Choice
  /** More runners than this to delete fails the step before any deletion. */
  maxDeletions: number
  /** Decide and report, but send no DELETE. */
  dryRun: boolean
  /** Refuse to delete a runner GitHub reports online (always true for a selector). */
  onlyOffline: boolean
  /** Seconds to keep trying while GitHub answers 422 because the runner is running a job. */
  busyTimeoutS: number
  /** No runner with a given name is success (deleted=false) rather than an error. */
  missingOk: boolean
  /** Seconds between the two listings; only a runner offline and idle in both can be deleted. */
  gracePeriodS: number
  /** Only this runner group's runners are considered (organization and enterprise scopes). */
  runnerGroup?: string
  /** Never deleted, whichever way runners are chosen. */
  exclude: { names: string[]; labels: string[] }
}

const MAX_BUSY_TIMEOUT_S = 3600
const MAX_GRACE_PERIOD_S = 3600
/** GitHub's limit for a runner group's name. */
const GROUP_NAME_MAX = 128
const DEFAULT_MAX_DELETIONS = 20
const MAX_MAX_DELETIONS = 1000
/** actions/runner: "Runner names can only be 64 characters in length". */
const RUNNER_NAME_MAX = 64
const LABEL_MAX = 256

export function parseDeleteInputs(raw: RawDeleteInputs, env: InputEnv): DeleteInputs {
  const inputs = validateAll<DeleteInputs>({
    ...commonParsers(raw, env),
    choice: () => parseChoice(raw),
    maxDeletions: () => parseMaxDeletions(raw.maxDeletions),
    dryRun: () => parseBoolean('dry-run', raw.dryRun, false),
    onlyOffline: () => parseBoolean('only-offline', raw.onlyOffline, true),
    busyTimeoutS: () => parseBusyTimeout(raw.busyTimeout),
    missingOk: () => parseBoolean('missing-ok', raw.missingOk, true),
    gracePeriodS: () => parseGracePeriod(raw.gracePeriod),
    runnerGroup: () => parseRunnerGroup(raw.runnerGroup),
    exclude: () => ({
      names: lines(raw.excludeNames).map((name) => checkName('exclude-names', name)),
      labels: parseLabels('exclude-labels', raw.excludeLabels)
    })
  })
  if (inputs.runnerGroup !== undefined && inputs.target.scope === 'repository') {
    throw new InputError(
      "Input 'runner-group' is set, but the scope is a repository, whose runners are in no group. " +
        "Set 'org' or 'enterprise' (runner groups belong to those), or remove 'runner-group'."
    )
  }
  return inputs
}

/** Exactly one way of choosing: names, or a selector (prefix and/or labels) of offline runners. */
function parseChoice(raw: RawDeleteInputs): Choice {
  const names = lines(raw.runnerName)
  const labels = parseLabels('labels', raw.labels)
  const selector = raw.namePrefix !== '' || labels.length > 0
  if (names.length > 0 && selector) {
    throw new InputError(
      "Inputs 'runner-name' and 'name-prefix'/'labels' are both set. Choose runners one way: " +
        "exact names in 'runner-name', or a selector ('name-prefix' and/or 'labels')."
    )
  }
  if (!selector) return { by: 'names', names: parseNames(names) }
  if (raw.onlyOffline === 'false' || raw.onlyOffline === 'False' || raw.onlyOffline === 'FALSE') {
    throw new InputError(
      "Input 'only-offline' is false, but a selector ('name-prefix', 'labels') only ever deletes " +
        "offline runners. Remove 'only-offline', or name the runners in 'runner-name'."
    )
  }
  const prefix = raw.namePrefix === '' ? undefined : checkName('name-prefix', raw.namePrefix)
  return { by: 'selector', prefix, labels }
}

/** Labels separated by commas or line breaks, each checked. */
function parseLabels(input: string, value: string): string[] {
  const labels = value
    .split(/[,\n]/)
    .map((label) => label.trim())
    .filter(Boolean)
  for (const label of labels) {
    if (label.length > LABEL_MAX || hasUnsafeCharacter(label)) {
      throw new InputError(
        `Input '${input}' has ${quotedForLog(label)}: a label has no control characters nor ` +
          `invisible ones (such as a zero-width space) and is at most ${LABEL_MAX} characters. ` +
          'Separate labels with commas or line breaks.'
      )
    }
  }
  return labels
}

function parseNames(names: string[]): string[] {
  if (names.length === 0) {
    throw new InputError(
      "Input 'runner-name' is empty and no selector is set. Set 'runner-name' to one or more " +
        'runner names (one per line), exactly as ' +
        "they appear in Settings > Actions > Runners, or select offline runners with 'name-prefix' " +
        "and/or 'labels'."
    )
  }
  const listed = names.find((name) => name.includes(','))
  if (listed !== undefined) {
    throw new InputError(
      `Input 'runner-name' has ${quotedForLog(listed)} on one line: give one name per line. ` +
        'Names are matched exactly, so a comma is not split on a guess.'
    )
  }
  const twice = names.find((name, index) => names.indexOf(name) !== index)
  if (twice !== undefined) {
    throw new InputError(
      `Input 'runner-name' lists ${quotedForLog(twice)} twice: give each name once.`
    )
  }
  return names.map((name) => checkName('runner-name', name))
}

function checkName(input: string, value: string): string {
  if (value.length > RUNNER_NAME_MAX || hasUnsafeCharacter(value)) {
    throw new InputError(
      `Input '${input}' is ${quotedForLog(value)}: a runner name has no control characters (such as ` +
        `a tab) nor invisible ones (such as a zero-width space) and is at most ${RUNNER_NAME_MAX} ` +
        'characters.'
    )
  }
  return value
}

/** One value per line, each trimmed; blank lines ignored. */
function lines(value: string): string[] {
  return value
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
}

function parseMaxDeletions(value: string): number {
  if (value === '') return DEFAULT_MAX_DELETIONS
  if (/^\d{1,4}$/.test(value) && Number(value) >= 1 && Number(value) <= MAX_MAX_DELETIONS) {
    return Number(value)
  }
  throw new InputError(
    `Input 'max-deletions' is ${quotedForLog(value)}: give the most runners this step may delete, a ` +
      `whole number from 1 to ${MAX_MAX_DELETIONS} (default ${DEFAULT_MAX_DELETIONS}).`
  )
}

/** The YAML 1.2 booleans, as `core.getBooleanInput` reads them; '' takes the default. */
function parseBoolean(name: string, value: string, fallback: boolean): boolean {
  if (value === '') return fallback
  if (['true', 'True', 'TRUE'].includes(value)) return true
  if (['false', 'False', 'FALSE'].includes(value)) return false
  throw new InputError(
    `Input '${name}' is ${quotedForLog(value)}: give true or false (default ${fallback}).`
  )
}

function parseGracePeriod(value: string): number {
  if (value === '') return 0
  if (/^\d{1,4}$/.test(value) && Number(value) <= MAX_GRACE_PERIOD_S) return Number(value)
  throw new InputError(
    `Input 'grace-period' is ${quotedForLog(value)}: give the seconds between the two listings, ` +
      `a whole number from 0 to ${MAX_GRACE_PERIOD_S} (default 0: list once).`
  )
}

function parseRunnerGroup(value: string): string | undefined {
  if (value === '') return undefined
  if (value.length <= GROUP_NAME_MAX && !hasUnsafeCharacter(value)) return value
  throw new InputError(
    `Input 'runner-group' is ${quotedForLog(value)}: give a runner group's name as shown in ` +
      `Settings > Actions > Runner groups, at most ${GROUP_NAME_MAX} characters with no control ` +
      'or invisible characters.'
  )
}

function parseBusyTimeout(value: string): number {
  if (value === '') return 0
  const seconds = Number(value)
  if (/^\d+(?:\.\d+)?$/.test(value) && seconds <= MAX_BUSY_TIMEOUT_S) return seconds
  throw new InputError(
    `Input 'busy-timeout' is ${quotedForLog(value)}: give the seconds to keep trying while the runner ` +
      `is running a job, a number from 0 to ${MAX_BUSY_TIMEOUT_S} (default 0: do not wait).`
  )
}
