/**
 * The store conformance suite on PostgreSQL at TEST_DATABASE_URL. Every test gets its own schema, dropped
 * afterwards. Without TEST_DATABASE_URL the suite is skipped, except under CI=true where that is a failure.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { openPostgres } from '../../src/store/database.js';
import type { Database } from '../../src/store/schema.js';
import { describeStoreConformance } from './conformance.js';

const SUITE = 'store conformance: PostgreSQL';
const EXAMPLE_URL = 'postgres://postgres@127.0.0.1:5432/test';
const CONNECT_TIMEOUT_MS = 5_000;
const url = process.env.TEST_DATABASE_URL;

if (url) {
  const schemas = new Map<Kysely<Database>, string>();
  let opened = 0;
  describeStoreConformance(
    'PostgreSQL',
    async () => {
      const schema = `vcw_test_${process.pid}_${++opened}_${randomBytes(4).toString('hex')}`;
      // Creating the schema here (not IF NOT EXISTS) proves it is fresh and that the server answers.
      await withClient(url, (client) => client.query(`CREATE SCHEMA "${schema}"`));
      try {
        const db = await openPostgres(url, { schema });
        schemas.set(db, schema);
        return db;
      } catch (error) {
        await dropSchema(url, schema);
        throw error;
      }
    },
    {
      dispose: async (db) => {
        const schema = schemas.get(db);
        schemas.delete(db);
        if (schema) await dropSchema(url, schema);
      },
    },
  );
} else {
  describe(SUITE, () => {
    if (process.env.CI === 'true') {
      it('needs TEST_DATABASE_URL under CI', () => {
        assert.fail(`TEST_DATABASE_URL is required under CI=true (e.g. ${EXAMPLE_URL}); .ci/run sets it`);
      });
    } else {
      // A skipped test rather than a skipped describe: node 20 leaves skipped suites out of its skip count.
      it('runs against PostgreSQL', { skip: `TEST_DATABASE_URL is not set (e.g. ${EXAMPLE_URL})` });
    }
  });
}

/** Set once the server has failed to answer, so later tests fail at once instead of waiting again. */
let unreachable: Error | undefined;

async function withClient<T>(databaseUrl: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  if (unreachable) throw unreachable;
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  try {
    await client.connect();
  } catch (error) {
    unreachable = new Error(
      `PostgreSQL at TEST_DATABASE_URL=${redacted(databaseUrl)} is unreachable: ${error instanceof Error ? error.message : String(error)}`,
    );
    throw unreachable;
  }
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

function dropSchema(databaseUrl: string, schema: string): Promise<unknown> {
  return withClient(databaseUrl, (client) => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
}

/** The URL without its password, for messages. */
function redacted(databaseUrl: string): string {
  try {
    const parsed = new URL(databaseUrl);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(not a URL)';
  }
}
