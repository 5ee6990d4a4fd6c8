/** The admin CLI as a user runs it: the compiled `vcw-admin` in a child process against a real SQLite store. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import type { ProjectCreated } from '../../src/cli/commands/projects.js';
import { openSqlite, SQLITE_FILE_NAME } from '../../src/store/database.js';
import { ProjectStore } from '../../src/store/project-store.js';
import type { Database } from '../../src/store/schema.js';

const ADMIN = fileURLToPath(new URL('../../src/cli/admin.js', import.meta.url));

export interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** What `--json` prints: the result without its internal `kind`. */
export type Json<T> = Omit<T, 'kind'>;

export interface Cli {
  dir: string;
  /** Runs `vcw-admin …` with DATA_DIR set to this test's directory (and no DATABASE_URL). */
  run(...args: string[]): Promise<Outcome>;
  /** Runs a command that must succeed with `--json` and returns its document. */
  json<T>(...args: string[]): Promise<Json<T>>;
  /** The same SQLite file, opened as the service would open it. */
  store(): Promise<ProjectStore>;
  /** Remembers a key the CLI printed, to check later that the store never held it. */
  minted(...keys: string[]): void;
  assertNoKeyStored(): Promise<void>;
}

export async function cli(t: TestContext): Promise<Cli> {
  const dir = await mkdtemp(path.join(tmpdir(), 'vcw-admin-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, SQLITE_FILE_NAME);
  const keys: string[] = [];
  let db: Kysely<Database> | null = null;
  t.after(() => db?.destroy());

  const run = (...args: string[]) =>
    new Promise<Outcome>((resolve, reject) => {
      const child = spawn(process.execPath, [ADMIN, ...args], {
        env: { DATA_DIR: dir },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });

  return {
    dir,
    run,
    async json<T>(...args: string[]) {
      const outcome = await run(...args, '--json');
      assert.equal(outcome.code, 0, `vcw-admin ${args.join(' ')} --json failed: ${outcome.stderr}`);
      assert.equal(outcome.stderr, '');
      return JSON.parse(outcome.stdout) as Json<T>;
    },
    async store() {
      db ??= await openSqlite(file);
      return new ProjectStore(db);
    },
    minted(...more) {
      keys.push(...more);
    },
    async assertNoKeyStored() {
      assert.ok(keys.length > 0, 'the test minted keys');
      const files = (await readdir(dir)).filter((f) => f.startsWith(SQLITE_FILE_NAME)); // the file, its -wal and -shm
      assert.ok(files.includes(SQLITE_FILE_NAME));
      for (const name of files) {
        const bytes = await readFile(path.join(dir, name));
        for (const key of keys) {
          assert.equal(bytes.includes(key), false, `${name} holds a minted key`);
          assert.equal(bytes.includes(key.slice(8, 30)), false, `${name} holds a minted key's random part`);
        }
      }
    },
  };
}

/** Creates a project through the CLI and returns its id and keys. */
export async function createProject(
  c: Cli,
  name = 'Acme',
  origins = ['https://acme.example'],
): Promise<Json<ProjectCreated>> {
  const created = await c.json<ProjectCreated>(
    'projects',
    'create',
    '--name',
    name,
    ...origins.flatMap((o) => ['--origin', o]),
  );
  c.minted(created.publishableKey.plaintext, created.secretKey.plaintext);
  return created;
}

export function assertUsageError(outcome: Outcome, pattern: RegExp): void {
  assert.equal(outcome.code, 2, `exit code 2 expected; stderr: ${outcome.stderr}`);
  assert.equal(outcome.stdout, '');
  assert.match(outcome.stderr, pattern);
}
