/**
 * Opens the store's database and migrates it: SQLite (better-sqlite3) by default, PostgreSQL when
 * `DATABASE_URL` is set. Both go through the same Kysely code.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from './kysely.js';
import { migrateToLatest } from './migrations/index.js';
import { withPreparedStatements } from './prepared-statements.js';
import type { Database } from './schema.js';

export const SQLITE_FILE_NAME = 'vcw.sqlite';

/** Opens (creating if needed) the SQLite store at `file`, or an in-memory one for `':memory:'`. */
export async function openSqlite(file: string): Promise<Kysely<Database>> {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma('journal_mode = WAL');
  // With WAL, NORMAL keeps every commit safe from a process crash and skips an fsync per commit (only an OS
  // crash can lose the last commits), the usual setting for a WAL database behind a service.
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withPreparedStatements(sqlite) }) });
  await migrateToLatest(db as Kysely<unknown>);
  return db;
}

/**
 * Opens the PostgreSQL store at `url`. `schema`, if given, is created if missing and used for every query
 * (tests use one schema per run).
 */
export async function openPostgres(url: string, { schema }: { schema?: string } = {}): Promise<Kysely<Database>> {
  // Loaded only here: a service on SQLite never pays for the PostgreSQL client.
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    ...(schema ? { options: `-c search_path=${quoteIdent(schema)}` } : {}),
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    if (schema) await pool.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    await migrateToLatest(db as Kysely<unknown>);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return db;
}

/** The store the configuration names: PostgreSQL for `DATABASE_URL`, else SQLite in `DATA_DIR`. */
export function openStore(config: { databaseUrl: string | null; dataDir: string }): Promise<Kysely<Database>> {
  return config.databaseUrl
    ? openPostgres(config.databaseUrl)
    : openSqlite(path.join(config.dataDir, SQLITE_FILE_NAME));
}

function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`Not a plain schema name: ${name}`);
  return `"${name}"`;
}
