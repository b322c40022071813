/**
 * Prints one plain closing line, `jest: N passed, N failed, N skipped`, after jest's own summary,
 * so any log reader sees how many tests ran.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    process.stdout.write(
      `jest: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests} skipped\n`,
    );
  }
}
module.exports = SummaryReporter;
