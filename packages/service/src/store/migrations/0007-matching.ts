import type { Kysely, Migration } from 'kysely';

/**
 * Matching: the reports of random pairs (read back per project, to keep reported pairs apart) and the tickets
 * customers leave for a support queue (listed per queue, newest first).
 */
export const matching: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('match_reports')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
      .addColumn('queue', 'text', (c) => c.notNull())
      .addColumn('reporter_peer_id', 'text', (c) => c.notNull())
      .addColumn('reporter_visitor_id', 'text')
      .addColumn('reported_peer_id', 'text', (c) => c.notNull())
      .addColumn('reported_visitor_id', 'text')
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('note', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('match_reports_project_idx')
      .on('match_reports')
      .columns(['project_id', 'created_at'])
      .execute();
    await db.schema
      .createTable('support_tickets')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
      .addColumn('queue', 'text', (c) => c.notNull())
      .addColumn('display_name', 'text')
      .addColumn('message', 'text', (c) => c.notNull())
      .addColumn('contact', 'text')
      .addColumn('peer_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    // Serves the newest-first listing of one queue's tickets.
    await db.schema
      .createIndex('support_tickets_queue_created_idx')
      .on('support_tickets')
      .columns(['project_id', 'queue', 'created_at', 'id'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('support_tickets').execute();
    await db.schema.dropTable('match_reports').execute();
  },
};
