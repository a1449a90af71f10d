import * as core from '@actions/core'
import { validateAll } from '../step/inputs.js'
import { log } from '../step/log.js'
import { secrets } from '../step/secrets.js'
import { runStep } from '../step/lifecycle.js'
import {
  parseBinding,
  parseSealedTokenInput,
  parseSealKey,
  readSealKey
} from '../sealed-token/inputs.js'
import { openSealedToken } from '../sealed-token/seal.js'

/**
 * unseal-token: inputs (the key masked first) -> open and check the sealed token -> mask the
 * token -> outputs. No request is sent: everything it needs is in its inputs and the runner's
 * environment.
 */
export function run(): Promise<void> {
  return runStep(async () => {
    const sealKey = readSealKey(secrets)
    const sealedToken = core.getInput('sealed-token')
    const inputs = validateAll({
      sealedToken: () => parseSealedTokenInput(sealedToken),
      key: () => parseSealKey(sealKey),
      binding: () => parseBinding(process.env)
    })
    const opened = await openSealedToken(inputs.sealedToken, inputs.key, inputs.binding, {
      mask: (token) => secrets.add(token)
    })
    core.setOutput('token', opened.token)
    core.setOutput('expires_at', opened.expiresAt)
    log.info(
      `Unsealed the remove token minted in this workflow run; it expires at ${opened.expiresAt}`
    )
  })
}
