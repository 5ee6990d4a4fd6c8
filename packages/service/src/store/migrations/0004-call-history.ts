import type { Kysely, Migration } from 'kysely';

/**
 * Call history (a session per call in a room, with who joined and left and why), the per-project choice of
 * whether a publishable key may open rooms ad hoc (existing projects keep doing so), and the indexes that
 * let pruning find expired rooms and old idempotency keys without reading every row.
 */
export const callHistory: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('projects')
      .addColumn('allow_ad_hoc_rooms', 'boolean', (c) => c.notNull().defaultTo(true))
      .execute();
    await db.schema
      .createTable('room_sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
      .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.id').onDelete('cascade'))
      .addColumn('started_at', 'text', (c) => c.notNull())
      .addColumn('ended_at', 'text')
      .execute();
    // Serves both the newest-first listing of a room and finding its open session.
    await db.schema
      .createIndex('room_sessions_room_started_idx')
      .on('room_sessions')
      .columns(['room_id', 'started_at', 'id'])
      .execute();
    await db.schema
      .createTable('room_session_participants')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('session_id', 'text', (c) => c.notNull().references('room_sessions.id').onDelete('cascade'))
      .addColumn('peer_id', 'text', (c) => c.notNull())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('joined_at', 'text', (c) => c.notNull())
      .addColumn('left_at', 'text')
      .addColumn('leave_reason', 'text')
      .execute();
    await db.schema
      .createIndex('room_session_participants_session_idx')
      .on('room_session_participants')
      .columns(['session_id', 'peer_id'])
      .execute();
    await db.schema.createIndex('rooms_expires_idx').on('rooms').column('expires_at').execute();
    await db.schema.createIndex('idempotency_keys_created_idx').on('idempotency_keys').column('created_at').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('idempotency_keys_created_idx').execute();
    await db.schema.dropIndex('rooms_expires_idx').execute();
    await db.schema.dropTable('room_session_participants').execute();
    await db.schema.dropTable('room_sessions').execute();
    await db.schema.alterTable('projects').dropColumn('allow_ad_hoc_rooms').execute();
  },
};
