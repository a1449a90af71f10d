/** What anything thrown says, read by shape. */

// Errors are recognised by shape, not `instanceof Error`: undici's DOMException and errors from
// another realm (a VM context, as under Jest) are not instances of this realm's Error.
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}

/** The message of anything thrown. */
export function messageOf(error: unknown): string {
  return isObject(error) && typeof error.message === 'string' ? error.message : String(error)
}

/** How far `causes` looks: a cycle of causes, or a very long chain, ends there. */
const MAX_CAUSES = 6

/** `error`, then its `cause`, then that one's, ...: at most MAX_CAUSES of them, none null. */
export function causes(error: unknown): unknown[] {
  const chain: unknown[] = []
  let cause = error
  while (cause !== undefined && cause !== null && chain.length < MAX_CAUSES) {
    chain.push(cause)
    cause = isObject(cause) ? cause.cause : undefined
  }
  return chain
}
