import type { Kysely, Migration } from 'kysely';

/** A room can be locked: nobody new joins it (hosts excepted) until it is unlocked. */
export const roomLock: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('rooms')
      .addColumn('locked', 'boolean', (c) => c.notNull().defaultTo(false))
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('rooms').dropColumn('locked').execute();
  },
};
