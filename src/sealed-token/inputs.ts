/** The sealed hand-off's inputs: the seal key, and the repository and run a sealed token is bound to. */
import * as core from '@actions/core'
import { InputError } from '../step/inputs.js'
import { quotedForLog } from '../step/text.js'
import type { Secrets } from '../step/secrets.js'

/** The repository and workflow run a sealed token belongs to, as the runner names them. */
export interface RunBinding {
  /** `owner/name`: shown in errors; the id is what is compared (a rename keeps the id). */
  repository: string
  repositoryId: string
  /** The same in every attempt of a run, so a re-run can open what the first attempt sealed. */
  runId: string
}

/** The runner's variables the binding is read from. */
export interface BindingEnv {
  GITHUB_REPOSITORY?: string
  GITHUB_REPOSITORY_ID?: string
  GITHUB_RUN_ID?: string
}

const KEY_BYTES = 32
const MAKE_KEY =
  'Make a key with `openssl rand -base64 32`, store it as a secret (e.g. RUNNER_SEAL_KEY) that ' +
  'both jobs can read, and pass it as `seal-key: ${{ secrets.RUNNER_SEAL_KEY }}`.'

/** Reads `seal-key` and masks it before anything can fail or print. */
export function readSealKey(secrets: Secrets): string {
  const key = core.getInput('seal-key')
  secrets.add(key)
  return key
}

/**
 * Exactly what `openssl rand -base64 32` prints: standard base64, padded, canonical. base64url is
 * refused rather than guessed at: that spelling comes from other tools (a JWK's `k`), and a key
 * made for this hand-off, not reused from elsewhere, is what keeps a sealed token's reach small.
 * Never echoes the value; says only what is wrong with it.
 */
export function parseSealKey(value: string): Uint8Array {
  if (value === '') {
    throw new InputError(
      "Input 'seal-key' is empty. Pass the same secret as the step that sealed the token; if you " +
        'did, check that the secret exists and that this job can read it (an environment secret ' +
        `is only available to jobs that use that environment). ${MAKE_KEY}`
    )
  }
  const key = Buffer.from(value, 'base64')
  if (key.length === KEY_BYTES && key.toString('base64') === value) return new Uint8Array(key)
  throw new InputError(
    `Input 'seal-key' is not a seal key: ${keyProblem(value, key.length)}. A seal key is ` +
      `${KEY_BYTES} random bytes in standard base64, 44 characters ending in '='. ${MAKE_KEY}`
  )
}

function keyProblem(value: string, decodedBytes: number): string {
  if (/[-_]/.test(value) && !/[+/]/.test(value)) {
    return "it looks like base64url ('-' and '_'), which is not accepted"
  }
  if (/\s/.test(value)) return 'it has whitespace or a line break inside'
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value)) return 'it has characters base64 does not use'
  if (decodedBytes !== KEY_BYTES) return `it decodes to ${decodedBytes} bytes`
  if (!value.endsWith('=')) return "it lacks the '=' padding openssl prints"
  return 'its last characters are not a base64 ending openssl would print (a typo?)'
}

export const DIGITS = /^\d{1,20}$/
/** `owner/name` as GitHub spells them: letters, digits, `-`, `_`, `.`. */
export const REPOSITORY = /^[\w.-]{1,39}\/[\w.-]{1,100}$/

/**
 * The binding, from the runner's environment. Every missing or malformed variable is named at
 * once; the values are not secret, so they are shown.
 */
export function parseBinding(env: BindingEnv): RunBinding {
  const problems = [
    checkVariable('GITHUB_REPOSITORY', env.GITHUB_REPOSITORY, REPOSITORY, "'owner/name'"),
    checkVariable('GITHUB_REPOSITORY_ID', env.GITHUB_REPOSITORY_ID, DIGITS, 'a number'),
    checkVariable('GITHUB_RUN_ID', env.GITHUB_RUN_ID, DIGITS, 'a number')
  ].filter((problem) => problem !== undefined)
  if (problems.length > 0) {
    throw new InputError(
      `${problems.join('; ')}. 'seal-key' binds the sealed token to this repository and workflow ` +
        'run, which the Actions runner names in these variables: run this step in a GitHub ' +
        "Actions job, and do not override them in 'env:'."
    )
  }
  return {
    repository: env.GITHUB_REPOSITORY as string,
    repositoryId: env.GITHUB_REPOSITORY_ID as string,
    runId: env.GITHUB_RUN_ID as string
  }
}

function checkVariable(
  name: string,
  value: string | undefined,
  shape: RegExp,
  expected: string
): string | undefined {
  if (value === undefined || value === '') return `${name} is not set`
  return shape.test(value) ? undefined : `${name} is ${quotedForLog(value)}, not ${expected}`
}

/** `sealed-token` as the runner passed it: only its presence is checked here; `open` does the rest. */
export function parseSealedTokenInput(value: string): string {
  if (value !== '') return value
  throw new InputError(
    "Input 'sealed-token' is empty. Pass the minting job's output, e.g. " +
      '`sealed-token: ${{ needs.mint.outputs.sealed-token }}`, with `mint` listed in `needs:` and ' +
      'the job declaring `outputs: sealed-token: ${{ steps.ID.outputs.sealed-token }}`; the ' +
      "minting step needs 'seal-key' set to output it."
  )
}
