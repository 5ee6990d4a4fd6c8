/**
 * better-sqlite3 behind Kysely, with each SQL text prepared once: Kysely asks for `prepare(sql)` on every
 * query, and preparing costs more than running the small lookups that come with every connection and REST
 * request. Kysely builds the same text for the same query shape, so a few hundred statements cover them all;
 * the least recently used is dropped past that (texts with a varying number of `?` in an `IN` list).
 */
import type { Database as BetterSqlite, Statement } from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

const DEFAULT_CAPACITY = 256;

export function withPreparedStatements(sqlite: BetterSqlite, capacity = DEFAULT_CAPACITY): SqliteDatabase {
  const statements = new Map<string, Statement>();
  return {
    close: () => {
      statements.clear();
      sqlite.close();
    },
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (statement) {
        statements.delete(sql); // to the end: the most recently used
      } else {
        statement = sqlite.prepare(sql);
        if (statements.size >= capacity) statements.delete(statements.keys().next().value!);
      }
      statements.set(sql, statement);
      return statement;
    },
  };
}
