import type { Kysely, Migration } from 'kysely';
import { sql } from '../kysely.js';

/**
 * Only rooms with a `ttlSeconds` ever expire: index just those, so creating a room without one (the common
 * case, and the hot REST path) writes one index fewer.
 */
export const partialExpiryIndex: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.dropIndex('rooms_expires_idx').execute();
    await db.schema
      .createIndex('rooms_expires_idx')
      .on('rooms')
      .column('expires_at')
      .where(sql.ref('expires_at'), 'is not', null)
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('rooms_expires_idx').execute();
    await db.schema.createIndex('rooms_expires_idx').on('rooms').column('expires_at').execute();
  },
};
