import type { Kysely, Migration } from 'kysely';

/** A room can be relay-only (TURN), hiding participants' addresses from each other, whatever the service's setting. */
export const roomIcePolicy: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('rooms').addColumn('ice_transport_policy', 'text').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('rooms').dropColumn('ice_transport_policy').execute();
  },
};
