import * as core from '@actions/core'
import { log } from '../step/log.js'
import { readSealKey } from '../sealed-token/inputs.js'
import { secrets } from '../step/secrets.js'
import { publishSummary, runStep } from '../step/lifecycle.js'
import { readCommonInputs, warnIfUnencrypted } from '../github/inputs.js'
import { createClient } from '../github/client.js'
import { describeTarget } from '../github/target.js'
import { mintRemoveToken } from './mint.js'
import { sealToken } from '../sealed-token/seal.js'
import { parseMintInputs } from './inputs.js'
import { writeSummary } from './summary.js'

/**
 * The whole step: inputs -> target -> request -> checked answer -> mask -> (seal) -> outputs ->
 * summary. Every failure is reported once, by runStep, with no output set.
 */
export function run(): Promise<void> {
  return runStep(async (cleanup) => {
    const inputs = parseMintInputs(
      { ...readCommonInputs(), sealKey: readSealKey(secrets) },
      process.env
    )
    const { target, apiUrl, seal } = inputs
    warnIfUnencrypted(apiUrl)
    log.info(`Minting a runner remove token for ${describeTarget(target)} at ${apiUrl}`)

    const client = await createClient({ ...inputs, log })
    cleanup(client.close)
    const minted = await mintRemoveToken(client, target, {
      ...inputs,
      mask: (token) => secrets.add(token)
    })
    // Sealed before any output is set, so that a failure leaves none.
    const sealed = seal ? await sealToken(minted, seal.key, seal.binding) : undefined

    core.setOutput('token', minted.token)
    core.setOutput('expires_at', minted.expiresAt)
    log.info(
      `Minted a remove token for ${describeTarget(target)}; it expires at ${minted.expiresAt}`
    )
    if (sealed !== undefined) {
      core.setOutput('sealed-token', sealed)
      log.info(
        "Sealed it in the 'sealed-token' output, for a later job of this workflow run to open " +
          'with the unseal-token action'
      )
    }
    await publishSummary(() =>
      writeSummary(core.summary, target, apiUrl, minted.expiresAt, sealed !== undefined)
    )
  })
}
