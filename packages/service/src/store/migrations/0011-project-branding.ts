import type { Kysely, Migration } from 'kysely';

/** How a project's hosted join page looks: the name it shows, an accent colour and a logo (each optional). */
export const projectBranding: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('project_branding')
      .addColumn('project_id', 'text', (c) => c.primaryKey().references('projects.id').onDelete('cascade'))
      .addColumn('display_name', 'text')
      .addColumn('accent_color', 'text')
      .addColumn('logo_url', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('project_branding').execute();
  },
};
