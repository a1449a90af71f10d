import * as core from '@actions/core'
import { createClient } from '../github/client.js'
import { parseInputs } from '../edge/inputs.js'
import { mintRemoveToken } from '../operations/mint.js'
import { publishSummary, readCommonInputs, runStep, warnIfUnencrypted } from '../edge/step.js'
import { writeSummary } from './remove-token-summary.js'
import { describeTarget } from '../github/target.js'

/**
 * The whole step: inputs -> target -> request -> checked answer -> mask -> outputs -> summary.
 * Every failure is reported once, by runStep, with no output set.
 */
export function run(): Promise<void> {
  return runStep(async (secrets) => {
    const inputs = parseInputs(readCommonInputs(secrets), process.env)
    const { target, apiUrl } = inputs
    warnIfUnencrypted(apiUrl)
    core.info(`Minting a runner remove token for ${describeTarget(target)} at ${apiUrl}`)

    const client = createClient({ ...inputs, log: { info: core.info, debug: core.debug } })
    const minted = await mintRemoveToken(client, target, {
      ...inputs,
      mask: (token) => secrets.add(token)
    })

    core.setOutput('token', minted.token)
    core.setOutput('expires_at', minted.expiresAt)
    core.info(
      `Minted a remove token for ${describeTarget(target)}; it expires at ${minted.expiresAt}`
    )
    await publishSummary(() => writeSummary(core.summary, target, apiUrl, minted.expiresAt))
  })
}
