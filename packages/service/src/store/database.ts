/** Opens the store's database and migrates it. SQLite by default; PostgreSQL arrives with DATABASE_URL. */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { migrateToLatest } from './migrations/index.js';
import type { Database } from './schema.js';

export const SQLITE_FILE_NAME = 'vcw.sqlite';

/** Opens (creating if needed) the SQLite store at `file`, or an in-memory one for `':memory:'`. */
export async function openSqlite(file: string): Promise<Kysely<Database>> {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  await migrateToLatest(db as Kysely<unknown>);
  return db;
}
