/**
 * A project's branding for the join page the service hosts: the name it shows (else the project's name), an
 * accent colour and a logo URL. Values arrive checked (see `ProjectBranding` in @vcw/shared).
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface ProjectBranding {
  displayName: string | null;
  accentColor: string | null;
  logoUrl: string | null;
}

const NONE: ProjectBranding = { displayName: null, accentColor: null, logoUrl: null };

export class ProjectBrandingStore {
  constructor(private readonly db: Kysely<Database>) {}

  async get(projectId: string): Promise<ProjectBranding> {
    const row = await this.db
      .selectFrom('project_branding')
      .selectAll()
      .where('project_id', '=', projectId)
      .executeTakeFirst();
    return row ? { displayName: row.display_name, accentColor: row.accent_color, logoUrl: row.logo_url } : { ...NONE };
  }

  /** Changes the fields given (null clears one); the branding as it is now. */
  async update(projectId: string, patch: Partial<ProjectBranding>): Promise<ProjectBranding> {
    return this.db.transaction().execute(async (trx) => {
      const current = await new ProjectBrandingStore(trx).get(projectId);
      const next = { ...current, ...patch };
      const row = {
        display_name: next.displayName,
        accent_color: next.accentColor,
        logo_url: next.logoUrl,
        updated_at: new Date().toISOString(),
      };
      await trx
        .insertInto('project_branding')
        .values({ project_id: projectId, ...row })
        .onConflict((oc) => oc.column('project_id').doUpdateSet(row))
        .execute();
      return next;
    });
  }
}
