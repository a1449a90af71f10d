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
