// Prints the test totals as one plain line ("Tests: N passed, N failed, N skipped").
import { readFileSync } from 'node:fs';

const file = process.argv[2];
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch (error) {
  console.error(`no test report at ${file}: ${error.message}`);
  process.exit(1);
}
const skipped = report.numPendingTests + report.numTodoTests;
// A file that fails outside its tests (a hook, an import) fails no test: count it on its own.
const failedFiles = (report.testResults ?? []).filter(
  (file) => file.status === 'failed' && !(file.assertionResults ?? []).some((test) => test.status === 'failed'),
);
const files = failedFiles.length > 0 ? `, ${failedFiles.length} test files failed outside their tests` : '';
console.log(`Tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped${files}`);
for (const file of failedFiles) console.error(`failed: ${file.name}: ${(file.message ?? '').split('\n')[0]}`);
if (report.numTotalTests === 0) {
  console.error('no test ran');
  process.exit(1);
}
process.exit(report.numFailedTests > 0 || failedFiles.length > 0 || !report.success ? 1 : 0);
