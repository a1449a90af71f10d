import {
  commonParsers,
  InputError,
  quote,
  validateAll,
  type InputEnv,
  type Inputs,
  type RawInputs
} from '../edge/inputs.js'

/** delete-runner's own inputs, as the runner passed them. */
export interface RawDeleteInputs extends RawInputs {
  runnerName: string
  onlyOffline: string
  busyTimeout: string
  missingOk: string
}

export interface DeleteInputs extends Inputs {
  runnerName: string
  /** Refuse to delete a runner GitHub reports online. */
  onlyOffline: boolean
  /** Seconds to keep trying while GitHub answers 422 because the runner is running a job. */
  busyTimeoutS: number
  /** No runner with that name is success (deleted=false) rather than an error. */
  missingOk: boolean
}

const MAX_BUSY_TIMEOUT_S = 3600
/** actions/runner: "Runner names can only be 64 characters in length". */
const RUNNER_NAME_MAX = 64
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u

export function parseDeleteInputs(raw: RawDeleteInputs, env: InputEnv): DeleteInputs {
  return validateAll<DeleteInputs>({
    ...commonParsers(raw, env),
    runnerName: () => parseRunnerName(raw.runnerName),
    onlyOffline: () => parseBoolean('only-offline', raw.onlyOffline, true),
    busyTimeoutS: () => parseBusyTimeout(raw.busyTimeout),
    missingOk: () => parseBoolean('missing-ok', raw.missingOk, true)
  })
}

function parseRunnerName(value: string): string {
  if (value === '') {
    throw new InputError(
      "Input 'runner-name' is empty. Set it to the runner's name exactly as it appears in " +
        'Settings > Actions > Runners (it is matched case-sensitively).'
    )
  }
  if (value.length > RUNNER_NAME_MAX || CONTROL.test(value)) {
    throw new InputError(
      `Input 'runner-name' is ${quote(value)}: a runner name has no control characters (such as ` +
        `a line break) and is at most ${RUNNER_NAME_MAX} characters. Give one runner's name.`
    )
  }
  return value
}

/** The YAML 1.2 booleans, as `core.getBooleanInput` reads them; '' takes the default. */
function parseBoolean(name: string, value: string, fallback: boolean): boolean {
  if (value === '') return fallback
  if (['true', 'True', 'TRUE'].includes(value)) return true
  if (['false', 'False', 'FALSE'].includes(value)) return false
  throw new InputError(
    `Input '${name}' is ${quote(value)}: give true or false (default ${fallback}).`
  )
}

function parseBusyTimeout(value: string): number {
  if (value === '') return 0
  const seconds = Number(value)
  if (/^\d+(?:\.\d+)?$/.test(value) && seconds <= MAX_BUSY_TIMEOUT_S) return seconds
  throw new InputError(
    `Input 'busy-timeout' is ${quote(value)}: give the seconds to keep trying while the runner ` +
      `is running a job, a number from 0 to ${MAX_BUSY_TIMEOUT_S} (default 0: do not wait).`
  )
}
