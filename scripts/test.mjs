#!/usr/bin/env node
// Every test of the repository (run after `npm run build`): `npm test`, or `npm test -- service widget e2e`
// for some suites. Service tests run here; browser suites run inside a loopback-only network namespace.
// Ends with one line of totals: "N passed, N failed, N skipped". The service suite finds PostgreSQL and Redis
// through TEST_DATABASE_URL and TEST_REDIS_URL (.ci/run sets both); without them those tests are skipped.
// `service-redis` runs the service's own tests again with every service they build on the Redis bus
// (TEST_SUITE_REDIS_URL, taken from TEST_REDIS_URL; alone: `npm run test:redis`).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromiumAvailable, chromiumPath } from './chromium.mjs';
import { repoRoot, runNodeTests, testFiles } from './test-runners.mjs';

const SUITES = ['service', 'widget', 'e2e', 'service-redis'];
/** The suites run when none is named. */
const DEFAULT_SUITES = ['service', 'service-redis', 'widget', 'e2e'];
const requested = process.argv.slice(2);
const unknown = requested.filter((s) => !SUITES.includes(s));
if (unknown.length > 0) {
  console.error(`unknown suite(s): ${unknown.join(', ')}; choose from ${SUITES.join(', ')}`);
  process.exit(2);
}
const wanted = (name) => (requested.length === 0 ? DEFAULT_SUITES : requested).includes(name);
const underCI = process.env.CI === 'true';
const results = {};
const notes = [];

// The 'service' suite is every node:test file: the service's, and the widget's packaging checks (no browser).
const nodeTestDirs = ['packages/service/dist/test', 'packages/widget/test-node'];
if (wanted('service'))
  results.service = runNodeTests(nodeTestDirs.flatMap((dir) => testFiles(path.join(repoRoot, dir))));

if (wanted('service-redis')) {
  const redisUrl = process.env.TEST_SUITE_REDIS_URL || process.env.TEST_REDIS_URL;
  if (redisUrl) {
    // Only the files that build a service through the test helpers: the others (the store, the CLI, the several-
    // nodes tests, which start their own Redis nodes) run the same on either bus, and the service suite runs them.
    const files = testFiles(path.join(repoRoot, 'packages/service/dist/test')).filter((file) =>
      /\b(buildService|serviceOver|buildTestApp)\(/.test(readFileSync(file, 'utf8')),
    );
    results['service-redis'] = runNodeTests(files, { env: { TEST_SUITE_REDIS_URL: redisUrl } });
  } else {
    const why = 'TEST_REDIS_URL is not set (e.g. redis://127.0.0.1:6379)';
    if (underCI) {
      notes.push(`FAILED service-redis: ${why}`);
      results['service-redis'] = { passed: 0, failed: 1, skipped: 0 };
    } else notes.push(`skipped service-redis: ${why}`);
  }
}

const browserSuites = ['widget', 'e2e'].filter(wanted);
if (browserSuites.length > 0) {
  if (!chromiumAvailable()) {
    const why = `Chromium not found at ${chromiumPath} (install it with \`apt-get install chromium\` or set CHROMIUM_PATH)`;
    if (underCI) {
      notes.push(`FAILED browser suites (${browserSuites.join(', ')}): ${why}`);
      for (const s of browserSuites) results[s] = { passed: 0, failed: 1, skipped: 0 };
    } else {
      notes.push(`skipped browser suites (${browserSuites.join(', ')}): ${why}`);
    }
  } else {
    const dir = mkdtempSync(path.join(tmpdir(), 'vcw-counts-'));
    const counts = path.join(dir, 'browser.json');
    const { status } = spawnSync(
      process.execPath,
      ['scripts/in-loopback-netns.mjs', process.execPath, 'scripts/test-browser.mjs', counts, ...browserSuites],
      {
        stdio: 'inherit',
        cwd: repoRoot,
      },
    );
    try {
      Object.assign(results, JSON.parse(readFileSync(counts, 'utf8')));
    } catch {
      for (const s of browserSuites) results[s] = { passed: 0, failed: 1, skipped: 0 };
      notes.push(`browser suites did not report (exit ${status})`);
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

const total = { passed: 0, failed: 0, skipped: 0 };
console.log('\n── test summary ──');
for (const [suite, r] of Object.entries(results)) {
  console.log(`${suite.padEnd(13)} ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped`);
  for (const k of Object.keys(total)) total[k] += r[k];
}
for (const note of notes) console.log(note);
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed > 0 || total.passed === 0 ? 1 : 0);
