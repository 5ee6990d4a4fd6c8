import type { Kysely, Migration } from 'kysely';

/**
 * What bounds stored data: rooms opened by a join by name are marked (`ad_hoc`), so they can be counted per
 * project and deleted once idle; tickets get an index by age, so the retention pass does not scan them all.
 */
export const abuseBounds: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('rooms')
      .addColumn('ad_hoc', 'boolean', (c) => c.notNull().defaultTo(false))
      .execute();
    // Counting a project's open ad-hoc rooms, and finding idle ones by age.
    await db.schema
      .createIndex('rooms_project_ad_hoc_idx')
      .on('rooms')
      .columns(['project_id', 'ad_hoc', 'ended_at'])
      .execute();
    await db.schema.createIndex('rooms_ad_hoc_created_idx').on('rooms').columns(['ad_hoc', 'created_at']).execute();
    await db.schema.createIndex('support_tickets_created_idx').on('support_tickets').column('created_at').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('support_tickets_created_idx').execute();
    await db.schema.dropIndex('rooms_ad_hoc_created_idx').execute();
    await db.schema.dropIndex('rooms_project_ad_hoc_idx').execute();
    await db.schema.alterTable('rooms').dropColumn('ad_hoc').execute();
  },
};
