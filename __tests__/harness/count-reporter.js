/**
 * Ends the Jest run with one plain line, "Tests: N passed, N failed, N skipped", that CI systems
 * which do not parse Jest's own summary can read.
 */
export default class CountReporter {
  onRunComplete(_contexts, results) {
    const { numPassedTests, numFailedTests, numPendingTests, numTodoTests } = results
    process.stdout.write(
      `Tests: ${numPassedTests} passed, ${numFailedTests} failed, ${numPendingTests + numTodoTests} skipped\n`
    )
  }
}
