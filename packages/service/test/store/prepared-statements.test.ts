/** SQLite statements are prepared once per SQL text, and a connection's key check is one query. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { migrateToLatest } from '../../src/store/migrations/index.js';
import { withPreparedStatements } from '../../src/store/prepared-statements.js';
import { ProjectStore } from '../../src/store/project-store.js';
import type { Database } from '../../src/store/schema.js';

/** A real in-memory SQLite whose `prepare` calls and statement runs are counted. */
function countedSqlite() {
  const sqlite = new SqliteDatabase(':memory:');
  const counts = { prepared: 0, run: 0 };
  const prepare = sqlite.prepare.bind(sqlite);
  sqlite.prepare = ((sql: string) => {
    counts.prepared++;
    const statement = prepare(sql);
    for (const method of ['all', 'run', 'iterate', 'get'] as const) {
      const original = statement[method].bind(statement) as (...args: unknown[]) => unknown;
      (statement as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
        counts.run++;
        return original(...args);
      };
    }
    return statement;
  }) as typeof sqlite.prepare;
  return { sqlite, counts };
}

describe('prepared SQLite statements', () => {
  it('prepares a key check once, and checks a key with one query, origins included', async () => {
    const { sqlite, counts } = countedSqlite();
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withPreparedStatements(sqlite) }) });
    try {
      await migrateToLatest(db as Kysely<unknown>);
      const projects = new ProjectStore(db);
      const project = await projects.createProject({
        name: 'Shop',
        allowedOrigins: ['https://b.example', 'https://a.example'],
      });
      const { plaintext } = await projects.createApiKey(project.id, 'publishable');
      const first = await projects.authenticateKey(plaintext, 'publishable');
      assert.deepEqual(first?.project.allowedOrigins, ['https://a.example', 'https://b.example']);
      const before = { ...counts };
      for (let i = 0; i < 5; i++)
        assert.equal((await projects.authenticateKey(plaintext, 'publishable'))?.project.id, project.id);
      assert.equal(counts.prepared - before.prepared, 0, 'no statement prepared again');
      assert.equal(counts.run - before.run, 5, 'one query per check');
      // A project without origins still authenticates (the join keeps the key's row).
      const bare = await projects.createProject({ name: 'Bare', allowedOrigins: [] });
      const key = await projects.createApiKey(bare.id, 'publishable');
      assert.deepEqual((await projects.authenticateKey(key.plaintext, 'publishable'))?.project.allowedOrigins, []);
    } finally {
      await db.destroy();
    }
  });

  it('keeps at most its capacity of statements, dropping the least recently used', () => {
    const { sqlite, counts } = countedSqlite();
    const prepared = withPreparedStatements(sqlite, 2);
    prepared.prepare('SELECT 1');
    prepared.prepare('SELECT 2');
    prepared.prepare('SELECT 1'); // now the most recent
    prepared.prepare('SELECT 3'); // drops SELECT 2
    assert.equal(counts.prepared, 3);
    prepared.prepare('SELECT 1');
    assert.equal(counts.prepared, 3, 'SELECT 1 was kept');
    prepared.prepare('SELECT 2');
    assert.equal(counts.prepared, 4, 'SELECT 2 was dropped');
    prepared.close();
  });
});
