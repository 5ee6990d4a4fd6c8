// A web-test-runner reporter that writes the run's totals to a JSON file, for the repository's test summary.
import { writeFileSync } from 'node:fs';

function countSuite(suite, totals) {
  for (const test of suite?.tests ?? []) {
    if (test.skipped) totals.skipped++;
    else if (test.passed) totals.passed++;
    else totals.failed++;
  }
  for (const child of suite?.suites ?? []) countSuite(child, totals);
}

export function countReporter(file) {
  return {
    onTestRunFinished({ sessions }) {
      const totals = { passed: 0, failed: 0, skipped: 0 };
      for (const session of sessions) {
        const before = totals.failed;
        countSuite(session.testResults, totals);
        // A file that failed to load, or failed outside any test, counts as one failure.
        if (!session.passed && totals.failed === before) totals.failed++;
      }
      if (file) writeFileSync(file, JSON.stringify(totals));
    },
  };
}
