// The browser suites (component tests, end to end), run by scripts/test.mjs inside a loopback-only network
// namespace. Writes their totals as JSON to the file named by its first argument.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot, runNodeTests, runWebTestRunner, testFiles } from './test-runners.mjs';

const [countsFile, ...suites] = process.argv.slice(2);
const wanted = (name) => suites.length === 0 || suites.includes(name);
const results = {};
if (wanted('widget')) results.widget = runWebTestRunner();
if (wanted('e2e')) results.e2e = runNodeTests(testFiles(path.join(repoRoot, 'e2e')), { timeoutMs: 300_000 });
writeFileSync(countsFile, JSON.stringify(results));
