import * as core from '@actions/core'
import { createClient } from './client.js'
import { messageOf } from './http-error.js'
import { parseInputs, type RawInputs } from './inputs.js'
import { mintRemoveToken } from './remove-token.js'
import { writeSummary } from './summary.js'
import { describeTarget } from './target.js'

/**
 * The whole step: inputs -> target -> request -> checked answer -> mask -> outputs -> summary.
 * Every failure is reported once, here, with no output set.
 */
export async function run(): Promise<void> {
  const secrets: string[] = []
  try {
    const raw = readRawInputs()
    if (raw.token !== '') {
      core.setSecret(raw.token)
      secrets.push(raw.token)
    }
    const inputs = parseInputs(raw, process.env)
    const { target, apiUrl } = inputs
    core.info(`Minting a runner remove token for ${describeTarget(target)} at ${apiUrl}`)

    const client = createClient({ ...inputs, log: { info: core.info, debug: core.debug } })
    const minted = await mintRemoveToken(client, target, inputs)
    core.setSecret(minted.token)
    secrets.push(minted.token)

    core.setOutput('token', minted.token)
    core.setOutput('expires_at', minted.expiresAt)
    core.info(
      `Minted a remove token for ${describeTarget(target)}; it expires at ${minted.expiresAt}`
    )
    await publishSummary(() => writeSummary(core.summary, target, apiUrl, minted.expiresAt))
  } catch (error) {
    core.setFailed(redact(messageOf(error), secrets))
  }
}

function readRawInputs(): RawInputs {
  return {
    token: core.getInput('token'),
    owner: core.getInput('owner'),
    repo: core.getInput('repo'),
    org: core.getInput('org'),
    enterprise: core.getInput('enterprise'),
    apiUrl: core.getInput('api-url'),
    retries: core.getInput('retries'),
    timeout: core.getInput('timeout')
  }
}

/** The summary is a courtesy: the token is minted and the outputs are set, so only warn. */
async function publishSummary(write: () => Promise<void>): Promise<void> {
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

/** Last line of defence: no message reaches the log with a token in it, even outside a runner. */
export function redact(message: string, secrets: readonly string[]): string {
  return secrets.reduce((text, secret) => text.split(secret).join('***'), message)
}
