// Runs one suite and returns its totals {passed, failed, skipped}; used by scripts/test.mjs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const repoRoot = path.resolve(new URL('..', import.meta.url).pathname);

/** Every `*.test.js`/`*.test.mjs` below `dir`. */
export function testFiles(dir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && /\.test\.m?js$/.test(entry.name))
      found.push(path.join(entry.parentPath ?? entry.path, entry.name));
  }
  return found.sort();
}

function withTempFile(name, fn) {
  const dir = mkdtempSync(path.join(tmpdir(), 'vcw-test-'));
  try {
    return fn(path.join(dir, name));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const crashed = (status, totals) => (status !== 0 && totals.failed === 0 ? { ...totals, failed: 1 } : totals);

/** node:test over `files`, human output on stdout, totals read from a TAP copy. */
export function runNodeTests(files, { timeoutMs = 120_000, env = {} } = {}) {
  return withTempFile('results.tap', (tap) => {
    const { status } = spawnSync(
      process.execPath,
      [
        '--test',
        `--test-timeout=${timeoutMs}`,
        '--test-reporter=spec',
        '--test-reporter-destination=stdout',
        '--test-reporter=tap',
        `--test-reporter-destination=${tap}`,
        ...files,
      ],
      { stdio: 'inherit', cwd: repoRoot, env: { ...process.env, ...env } },
    );
    let text = '';
    try {
      text = readFileSync(tap, 'utf8');
    } catch {
      // no report: the runner itself failed
    }
    const count = (label) => Number(new RegExp(`^# ${label} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
    return crashed(status, {
      passed: count('pass'),
      failed: count('fail') + count('cancelled'),
      skipped: count('skipped') + count('todo'),
    });
  });
}

/** web-test-runner with the widget's config; totals come from its count reporter. */
export function runWebTestRunner() {
  return withTempFile('wtr.json', (file) => {
    const bin = path.join(repoRoot, 'node_modules/@web/test-runner/dist/bin.js');
    const { status } = spawnSync(process.execPath, [bin, '--config', 'packages/widget/web-test-runner.config.mjs'], {
      stdio: 'inherit',
      cwd: repoRoot,
      env: { ...process.env, VCW_COUNTS_FILE: file },
    });
    let totals = { passed: 0, failed: 0, skipped: 0 };
    try {
      totals = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      // no report: the runner itself failed
    }
    return crashed(status, totals);
  });
}
