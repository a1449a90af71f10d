/** Reading a step's inputs: every problem found before any request, all listed at once. */

/** A problem with the action's inputs, found before any request is sent. */
export class InputError extends Error {
  override name = 'InputError'
}

/** Runs every parser; throws one InputError that lists every problem, or returns every value. */
export function validateAll<T extends object>(parsers: { [K in keyof T]: () => T[K] }): T {
  const problems: string[] = []
  const values: Partial<T> = {}
  for (const key of Object.keys(parsers) as (keyof T)[]) {
    try {
      values[key] = parsers[key]()
    } catch (error) {
      // The parsers throw only InputError.
      problems.push((error as InputError).message)
    }
  }
  if (problems.length > 0) {
    throw new InputError(
      problems.length === 1
        ? (problems[0] as string)
        : `Invalid inputs:\n- ${problems.join('\n- ')}`
    )
  }
  return values as T
}
