import type { Kysely, Migration } from 'kysely';
import { sql } from '../kysely.js';

/** Support tickets get a status (`open` until someone closes them) and an assignee. */
export const ticketStatus: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('support_tickets')
      .addColumn('status', 'text', (c) => c.notNull().defaultTo(sql.lit('open')))
      .execute();
    await db.schema.alterTable('support_tickets').addColumn('assignee', 'text').execute();
    await db.schema.alterTable('support_tickets').addColumn('updated_at', 'text').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('support_tickets').dropColumn('updated_at').execute();
    await db.schema.alterTable('support_tickets').dropColumn('assignee').execute();
    await db.schema.alterTable('support_tickets').dropColumn('status').execute();
  },
};
