/**
 * Kysely, from its CommonJS build. Its ES module build is 262 files, each one a module record, a loader job and
 * a URL for Node's ES module loader to resolve: 5–7 MB of the service's memory at start, against one `require`
 * tree for the same code. Everything the service runs takes Kysely from here; `import type` from 'kysely' is free.
 */
import { createRequire } from 'node:module';
import type * as KyselyModule from 'kysely';

const kysely = createRequire(import.meta.url)('kysely') as typeof KyselyModule;

export const { Migrator, PostgresDialect, SqliteDialect, sql } = kysely;
export const Kysely = kysely.Kysely;
export type Kysely<DB> = KyselyModule.Kysely<DB>;
