import type { Kysely, Migration } from 'kysely';

export const rooms: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('rooms')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('privacy', 'text', (c) => c.notNull())
      .addColumn('max_participants', 'integer', (c) => c.notNull())
      .addColumn('metadata', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text')
      .addColumn('ended_at', 'text')
      .addUniqueConstraint('rooms_project_name_unique', ['project_id', 'name'])
      .execute();
    await db.schema
      .createIndex('rooms_project_created_idx')
      .on('rooms')
      .columns(['project_id', 'created_at', 'id'])
      .execute();
    await db.schema
      .createTable('idempotency_keys')
      .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('request_hash', 'text', (c) => c.notNull())
      .addColumn('room_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('idempotency_keys_pk', ['project_id', 'key'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('idempotency_keys').execute();
    await db.schema.dropTable('rooms').execute();
  },
};
