import type { Kysely, Migration } from 'kysely';

/** A rolled key stays valid until `expires_at`, so a site can switch to its replacement without downtime. */
export const keyExpiry: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('api_keys').addColumn('expires_at', 'text').execute();
    await db.schema.alterTable('api_keys').addColumn('replaced_by', 'text').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('api_keys').dropColumn('replaced_by').execute();
    await db.schema.alterTable('api_keys').dropColumn('expires_at').execute();
  },
};
