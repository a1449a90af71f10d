/** What both actions of this repository do at their edges: read inputs, mask, summarise, fail. */
import * as core from '@actions/core'
import { messageOf } from '../github/http-error.js'
import type { RawInputs } from './inputs.js'

/** Shorter starts of a secret are too common to hide (and too short to be of use). */
const MIN_HIDDEN_PREFIX = 4

/** Secrets seen so far; the failure message is scrubbed of each. */
export class Secrets {
  private readonly values: string[] = []

  /** Masks a value for the rest of the job's log, and remembers it for `redact`. */
  add(value: string): void {
    // Each part of a value with whitespace too: the runner masks what it is given, whole.
    const parts = value.split(/\s+/).filter((part) => part.length >= MIN_HIDDEN_PREFIX)
    for (const secret of new Set([value, ...parts])) {
      if (secret === '' || this.values.includes(secret)) continue
      core.setSecret(secret)
      this.values.push(secret)
    }
  }

  /** Last line of defence: no message reaches the log with a secret in it, even outside a runner. */
  redact(message: string): string {
    return this.values.reduce((text, secret) => {
      let redacted = text.split(secret).join('***')
      // A secret cut short by `cut` ends right before its '…': hide any such start of it.
      for (let length = secret.length - 1; length >= MIN_HIDDEN_PREFIX; length--) {
        redacted = redacted.split(`${secret.slice(0, length)}…`).join('***…')
      }
      return redacted
    }, message)
  }
}

/** The inputs both actions declare, read once, with the token masked before anything else. */
export function readCommonInputs(secrets: Secrets): RawInputs {
  const token = core.getInput('token')
  secrets.add(token)
  return {
    token,
    owner: core.getInput('owner'),
    repo: core.getInput('repo'),
    org: core.getInput('org'),
    enterprise: core.getInput('enterprise'),
    apiUrl: core.getInput('api-url'),
    retries: core.getInput('retries'),
    timeout: core.getInput('timeout')
  }
}

/** Runs a step: any failure is reported once, with `core.setFailed`, scrubbed of every secret. */
export async function runStep(step: (secrets: Secrets) => Promise<void>): Promise<void> {
  const secrets = new Secrets()
  try {
    await step(secrets)
  } catch (error) {
    core.setFailed(secrets.redact(messageOf(error)))
  }
}

/** The token goes in a header: over plain http, anyone on the way can read it. */
export function warnIfUnencrypted(apiUrl: string): void {
  const { protocol, hostname } = new URL(apiUrl)
  const loopback = hostname === 'localhost' || hostname.startsWith('127.') || hostname === '[::1]'
  if (protocol === 'http:' && !loopback) {
    core.warning(
      `'api-url' is ${apiUrl}: plain http sends the token unencrypted to ${hostname}. ` +
        'Use https unless this network is trusted end to end.'
    )
  }
}

/** The summary is a courtesy: the step's work is done and its outputs are set, so only warn. */
export async function publishSummary(write: () => Promise<void>): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) {
    core.debug('GITHUB_STEP_SUMMARY is not set: no job summary written')
    return
  }
  try {
    await write()
  } catch (error) {
    core.warning(`Could not write the job summary: ${messageOf(error)}`)
  }
}
