/** What every action of this repository does at its edges: read inputs, mask, summarise, fail. */
import * as core from '@actions/core'
import { messageOf } from '../github/http-error.js'
import type { RawInputs } from './inputs.js'
import { log } from './log.js'
import { secrets, type Secrets } from './secrets.js'

/** The inputs the token-using actions declare, read once, with the token masked first. */
export function readCommonInputs(known: Secrets = secrets): RawInputs {
  const token = core.getInput('token')
  known.add(token)
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

/**
 * Runs a step: any failure is reported once, with `core.setFailed`, redacted of every secret;
 * whatever the step opened (`cleanup`, e.g. a proxy connection) is closed either way, so that
 * nothing keeps the process alive after its result is known.
 */
export async function runStep(
  step: (cleanup: (close: () => Promise<void>) => void) => Promise<void>
): Promise<void> {
  const closers: (() => Promise<void>)[] = []
  secrets.forget()
  try {
    await step((close) => closers.push(close))
  } catch (error) {
    core.setFailed(secrets.redact(messageOf(error)))
  } finally {
    await Promise.allSettled(closers.map((close) => close()))
  }
}

/** Loopback hosts: `localhost`, `127.0.0.0/8` and `::1`, as literals. */
export function isLoopback(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname === '[::1]' ||
    /^127\.(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){2}(?:25[0-5]|2[0-4]\d|1?\d?\d)$/.test(hostname)
  )
}

/** The token goes in a header: over plain http, anyone on the way can read it. */
export function warnIfUnencrypted(apiUrl: string): void {
  const { protocol, hostname } = new URL(apiUrl)
  if (protocol === 'http:' && !isLoopback(hostname)) {
    log.warning(
      `'api-url' is ${apiUrl}: plain http sends the token unencrypted to ${hostname}. ` +
        'Use https unless this network is trusted end to end.'
    )
  }
}

/** The summary is a courtesy: the step's work is done and its outputs are set, so only warn. */
export async function publishSummary(write: () => Promise<void>): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) {
    log.debug('GITHUB_STEP_SUMMARY is not set: no job summary written')
    return
  }
  try {
    await write()
  } catch (error) {
    log.warning(`Could not write the job summary: ${messageOf(error)}`)
  }
}
