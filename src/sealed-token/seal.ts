/**
 * Seals a remove token for a later job of the same workflow run, and opens it there: a compact
 * JWE (RFC 7516) with `alg: dir`, `enc: A256GCM`, whose JWT claims (RFC 7519) hold the token, its
 * expiry and the repository and run it belongs to. The format is in docs/hand-off.md ("Sealed
 * token format"), for any JOSE library to open.
 */
import { InputError } from '../step/inputs.js'
import { DIGITS, REPOSITORY, type RunBinding } from './inputs.js'
import { isCalendarTime, isMaskable, isRemoveToken, TOKEN_SHAPE } from './token.js'

/** A minted remove token, exactly as GitHub returned it. */
export interface RemoveToken {
  token: string
  expiresAt: string
}

/** Explicit typing (RFC 8725 §3.11): a JWT made for another purpose with the same key is refused. */
export const SEALED_TYPE = 'runner-remove-token+jwt'

/** The one protected header a sealed token has: nothing compressed, no key or URL to fetch. */
const SEALED_HEADER = { alg: 'dir', enc: 'A256GCM', typ: SEALED_TYPE }

/** The claims inside a sealed token; `iat` and `exp` are the registered JWT claims. */
interface SealedClaims {
  token: string
  /** Byte for byte what GitHub returned; `exp` is the same instant, in whole seconds. */
  expires_at: string
  repository: string
  repository_id: string
  run_id: string
}

// jose is loaded only by a step that seals or opens: a step without `seal-key` starts as fast as
// it did before the hand-off existed.
const loadJose = () => import('jose')

export async function sealToken(
  minted: RemoveToken,
  key: Uint8Array,
  binding: RunBinding,
  now: () => number = Date.now
): Promise<string> {
  const { EncryptJWT } = await loadJose()
  const claims: SealedClaims = {
    token: minted.token,
    expires_at: minted.expiresAt,
    repository: binding.repository,
    repository_id: binding.repositoryId,
    run_id: binding.runId
  }
  return new EncryptJWT({ ...claims })
    .setProtectedHeader(SEALED_HEADER)
    .setIssuedAt(seconds(now()))
    .setExpirationTime(seconds(Date.parse(minted.expiresAt)))
    .encrypt(key)
}

/**
 * Opens a sealed token and checks that it was sealed with this key, in this repository and run,
 * and has not expired, and that what it holds is what this action seals (a remove token of GitHub's
 * shape, a real time), as the mint checks GitHub's answer: whoever holds the key could seal
 * anything. `mask` gets the token as soon as it is decrypted (if it is long enough to be one),
 * before any check can fail.
 */
export async function openSealedToken(
  sealed: string,
  key: Uint8Array,
  binding: RunBinding,
  { mask, now = Date.now }: { mask: (token: string) => void; now?: () => number }
): Promise<RemoveToken> {
  const { claims, expired } = await decrypt(sealed, key, now)
  if (isMaskable(claims.token)) mask(claims.token)
  if (!isSealedClaims(claims)) {
    throw new InputError(
      "Input 'sealed-token' opened with 'seal-key', but it does not hold what runner-remove-token " +
        `seals (a remove token of ${TOKEN_SHAPE}, its expiry as an ISO 8601 time, the ` +
        'repository and run as GitHub names them), so nothing in it is used. Pass the minting ' +
        "job's `sealed-token` output unchanged, and keep 'seal-key' for this hand-off alone."
    )
  }
  // The binding before the expiry: a token from another run is refused for that, expired or not.
  if (claims.repository_id !== binding.repositoryId) {
    throw new InputError(
      `Input 'sealed-token' was sealed in repository ${claims.repository} (id ` +
        `${claims.repository_id}), not in this one, ${binding.repository} (id ` +
        `${binding.repositoryId}): a sealed token opens only in the repository and workflow run ` +
        'that minted it. Mint and unseal in jobs of the same workflow run.'
    )
  }
  if (claims.run_id !== binding.runId) {
    throw new InputError(
      `Input 'sealed-token' was sealed in workflow run ${claims.run_id}, not in this one ` +
        `(${binding.runId}): a sealed token opens only in the run that minted it (in any attempt ` +
        'of it). Pass the output of a job of this run.'
    )
  }
  if (expired) {
    throw new InputError(
      `Input 'sealed-token' holds a remove token that expired at ${claims.expires_at}. A remove ` +
        'token lasts one hour: re-run the minting job and this one together (re-run all jobs).'
    )
  }
  return { token: claims.token, expiresAt: claims.expires_at }
}

const NOT_SEALED =
  "Input 'sealed-token' is not a token sealed by runner-remove-token: pass the minting job's " +
  '`sealed-token` output unchanged (a compact JWE: five base64url parts separated by dots).'

/**
 * Decrypts and authenticates with jose, which also checks the header and `exp`. An expired token
 * is still returned (jose checks `exp` only after decrypting), so the caller can mask it and say
 * when it expired.
 */
async function decrypt(
  sealed: string,
  key: Uint8Array,
  now: () => number
): Promise<{ claims: Record<string, unknown>; expired: boolean }> {
  const { decodeProtectedHeader, jwtDecrypt, errors } = await loadJose()
  let header: Record<string, unknown>
  try {
    header = decodeProtectedHeader(sealed)
  } catch {
    throw new InputError(NOT_SEALED)
  }
  if (JSON.stringify(header) !== JSON.stringify(SEALED_HEADER)) {
    // Not echoed: it is not ours. jose would accept more (`zip`, `kid`, `jku`, other spellings).
    throw new InputError(
      "Input 'sealed-token' has another protected header than the one runner-remove-token " +
        `writes (${JSON.stringify(SEALED_HEADER)}, exactly): it was not sealed by this action. ` +
        "Pass the minting job's `sealed-token` output unchanged."
    )
  }
  try {
    const { payload } = await jwtDecrypt(sealed, key, {
      keyManagementAlgorithms: ['dir'],
      contentEncryptionAlgorithms: ['A256GCM'],
      typ: SEALED_TYPE,
      requiredClaims: ['exp'],
      currentDate: new Date(now())
    })
    return { claims: payload, expired: false }
  } catch (error) {
    if (error instanceof errors.JWTExpired) return { claims: error.payload, expired: true }
    if (error instanceof errors.JWEDecryptionFailed) {
      throw new InputError(
        "Input 'sealed-token' could not be opened with 'seal-key': either 'seal-key' is not " +
          'the key it was sealed with (both steps must read the same secret), or the sealed ' +
          'token was changed on its way. Pass the `sealed-token` output unchanged.'
      )
    }
    throw new InputError(NOT_SEALED)
  }
}

function isSealedClaims(
  claims: Record<string, unknown>
): claims is Record<string, unknown> & SealedClaims {
  const { token, expires_at, repository, repository_id, run_id } = claims
  return (
    isRemoveToken(token) &&
    isCalendarTime(expires_at) &&
    typeof repository === 'string' &&
    REPOSITORY.test(repository) &&
    [repository_id, run_id].every((id) => typeof id === 'string' && DIGITS.test(id))
  )
}

const seconds = (ms: number) => Math.floor(ms / 1000)
