import type { Kysely, Migration } from 'kysely';

/**
 * What the widgets of a call report about its network: the worst quality any of them saw, and whether any
 * link went through a TURN relay. Null until a widget reports.
 */
export const callNetwork: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('room_sessions').addColumn('worst_network_quality', 'text').execute();
    await db.schema.alterTable('room_sessions').addColumn('relay_used', 'boolean').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('room_sessions').dropColumn('relay_used').execute();
    await db.schema.alterTable('room_sessions').dropColumn('worst_network_quality').execute();
  },
};
