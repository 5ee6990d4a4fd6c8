import type { Kysely, Migration } from 'kysely';

/** A room can make guests knock: they wait until a host in the call admits them. */
export const roomKnock: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('rooms')
      .addColumn('knock', 'boolean', (c) => c.notNull().defaultTo(false))
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('rooms').dropColumn('knock').execute();
  },
};
