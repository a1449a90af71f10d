/** A step's lifecycle: run it, report one failure, close what it opened, publish its summary. */
import * as core from '@actions/core'
import { messageOf } from './errors.js'
import { log } from './log.js'
import { secrets } from './secrets.js'

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
