/** What `promise` rejects with, checked to be a `type`: the test fails if it resolves or throws another. */
export async function rejection<T>(
  promise: Promise<unknown>,
  type: abstract new (...args: never[]) => T
): Promise<T> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown
  )
  if (!(error instanceof type)) throw new Error(`expected a ${type.name}: ${String(error)}`)
  return error
}
