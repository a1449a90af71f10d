import { commonParsers, type InputEnv, type Inputs, type RawInputs } from '../github/inputs.js'
import { validateAll } from '../step/inputs.js'
import {
  parseBinding,
  parseSealKey,
  type BindingEnv,
  type RunBinding
} from '../sealed-token/inputs.js'

/** The main action's inputs, as the runner passed them: the shared ones and `seal-key`. */
export interface RawMintInputs extends RawInputs {
  sealKey: string
}

/** What sealing needs: the key, and the repository and run the sealed token is bound to. */
export interface Seal {
  key: Uint8Array
  binding: RunBinding
}

export interface MintInputs extends Inputs {
  /** Set only when `seal-key` is: then `sealed-token` is output too. */
  seal: Seal | undefined
}

/** Without `seal-key`, the binding's variables are not read, so a step without it is unchanged. */
export function parseMintInputs(raw: RawMintInputs, env: InputEnv & BindingEnv): MintInputs {
  const sealing = raw.sealKey !== ''
  const { sealKey, binding, ...inputs } = validateAll({
    ...commonParsers(raw, env),
    sealKey: () => (sealing ? parseSealKey(raw.sealKey) : undefined),
    binding: () => (sealing ? parseBinding(env) : undefined)
  })
  return { ...inputs, seal: sealKey && binding && { key: sealKey, binding } }
}
