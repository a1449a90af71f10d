import * as core from '@actions/core'
import { parseInputs } from '../edge/inputs.js'
import { log } from '../edge/log.js'
import { secrets } from '../edge/secrets.js'
import { publishSummary, readCommonInputs, runStep, warnIfUnencrypted } from '../edge/step.js'
import { createClient } from '../github/client.js'
import { describeTarget } from '../github/target.js'
import { mintRemoveToken } from '../operations/mint.js'
import { writeSummary } from './remove-token-summary.js'

/**
 * The whole step: inputs -> target -> request -> checked answer -> mask -> outputs -> summary.
 * Every failure is reported once, by runStep, with no output set.
 */
export function run(): Promise<void> {
  return runStep(async (cleanup) => {
    const inputs = parseInputs(readCommonInputs(), process.env)
    const { target, apiUrl } = inputs
    warnIfUnencrypted(apiUrl)
    log.info(`Minting a runner remove token for ${describeTarget(target)} at ${apiUrl}`)

    const client = await createClient({ ...inputs, log })
    cleanup(client.close)
    const minted = await mintRemoveToken(client, target, {
      ...inputs,
      mask: (token) => secrets.add(token)
    })

    core.setOutput('token', minted.token)
    core.setOutput('expires_at', minted.expiresAt)
    log.info(
      `Minted a remove token for ${describeTarget(target)}; it expires at ${minted.expiresAt}`
    )
    await publishSummary(() => writeSummary(core.summary, target, apiUrl, minted.expiresAt))
  })
}
