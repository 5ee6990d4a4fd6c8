import type { Kysely, Migration } from 'kysely';

/**
 * Join tokens of participants removed from a room, so they stay refused after a restart and on every node.
 * A row lives as long as any token can (it is pruned once past `expires_at`) or until its room is deleted.
 */
export const removedTokens: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('removed_tokens')
      .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.id').onDelete('cascade'))
      .addColumn('token_id', 'text', (c) => c.notNull())
      .addColumn('removed_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('removed_tokens_pk', ['room_id', 'token_id'])
      .execute();
    await db.schema.createIndex('removed_tokens_expires_idx').on('removed_tokens').column('expires_at').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('removed_tokens').execute();
  },
};
