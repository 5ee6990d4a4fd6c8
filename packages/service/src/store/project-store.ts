/**
 * Projects, their allowed origins and their API keys. One implementation over Kysely serves every dialect;
 * the conformance suite in `test/store` runs against each of them.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { hashApiKey, mintApiKey, parseApiKey, type KeyEnvironment, type KeyType } from '../auth/api-key.js';
import type { Database } from './schema.js';

export interface Project {
  id: string;
  name: string;
  allowedOrigins: string[];
  createdAt: string;
}

export interface ApiKeyRecord {
  id: string;
  projectId: string;
  type: KeyType;
  environment: KeyEnvironment;
  displayPrefix: string;
  last4: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export class ProjectStore {
  constructor(private readonly db: Kysely<Database>) {}

  async createProject(input: { name: string; allowedOrigins: string[] }): Promise<Project> {
    const project: Project = {
      id: newId('prj'),
      name: input.name,
      allowedOrigins: [...new Set(input.allowedOrigins.map(normalizeOrigin))],
      createdAt: now(),
    };
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('projects').values({ id: project.id, name: project.name, created_at: project.createdAt }).execute();
      if (project.allowedOrigins.length > 0) {
        await trx
          .insertInto('project_origins')
          .values(project.allowedOrigins.map((origin) => ({ project_id: project.id, origin })))
          .execute();
      }
    });
    return project;
  }

  async findProject(id: string): Promise<Project | null> {
    const row = await this.db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return null;
    return { id: row.id, name: row.name, createdAt: row.created_at, allowedOrigins: await this.originsOf(id) };
  }

  async findProjectByName(name: string): Promise<Project | null> {
    const row = await this.db.selectFrom('projects').select('id').where('name', '=', name).orderBy('created_at').executeTakeFirst();
    return row ? this.findProject(row.id) : null;
  }

  async hasProjects(): Promise<boolean> {
    return (await this.db.selectFrom('projects').select('id').limit(1).executeTakeFirst()) !== undefined;
  }

  async addOrigin(projectId: string, origin: string): Promise<void> {
    await this.db
      .insertInto('project_origins')
      .values({ project_id: projectId, origin: normalizeOrigin(origin) })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  async originsOf(projectId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('project_origins').select('origin').where('project_id', '=', projectId).orderBy('origin').execute();
    return rows.map((r) => r.origin);
  }

  /** Mints a key for a project; the plaintext is returned once and never stored. */
  async createApiKey(projectId: string, type: KeyType, environment: KeyEnvironment = 'test'): Promise<{ key: ApiKeyRecord; plaintext: string }> {
    const minted = mintApiKey(type, environment);
    const key: ApiKeyRecord = {
      id: newId('key'),
      projectId,
      type,
      environment,
      displayPrefix: minted.displayPrefix,
      last4: minted.last4,
      createdAt: now(),
      lastUsedAt: null,
      revokedAt: null,
    };
    await this.db
      .insertInto('api_keys')
      .values({
        id: key.id,
        project_id: projectId,
        type,
        environment,
        hash: minted.hash,
        display_prefix: key.displayPrefix,
        last4: key.last4,
        created_at: key.createdAt,
        last_used_at: null,
        revoked_at: null,
      })
      .execute();
    return { key, plaintext: minted.plaintext };
  }

  /**
   * Resolves a presented key to its active record and project, or `null` when it is malformed, unknown or
   * revoked. The lookup is by hash, so the store never sees the key itself.
   */
  async authenticateKey(plaintext: string, expectedType: KeyType): Promise<{ key: ApiKeyRecord; project: Project } | null> {
    const parsed = parseApiKey(plaintext);
    if (!parsed || parsed.type !== expectedType) return null;
    const row = await this.db.selectFrom('api_keys').selectAll().where('hash', '=', hashApiKey(plaintext)).executeTakeFirst();
    if (!row || row.revoked_at !== null) return null;
    const project = await this.findProject(row.project_id);
    if (!project) return null;
    return { key: toKeyRecord(row), project };
  }

  async revokeKey(keyId: string): Promise<boolean> {
    const result = await this.db.updateTable('api_keys').set({ revoked_at: now() }).where('id', '=', keyId).where('revoked_at', 'is', null).executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async markKeyUsed(keyId: string): Promise<void> {
    await this.db.updateTable('api_keys').set({ last_used_at: now() }).where('id', '=', keyId).execute();
  }
}

/** `https://Example.com:443/` → `https://example.com`; throws on anything that is not an http(s) origin. */
export function normalizeOrigin(origin: string): string {
  const url = new URL(origin);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`Not an http(s) origin: ${origin}`);
  return url.origin;
}

function toKeyRecord(row: Database['api_keys']): ApiKeyRecord {
  return {
    id: row.id,
    projectId: row.project_id,
    type: row.type,
    environment: row.environment,
    displayPrefix: row.display_prefix,
    last4: row.last4,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

function newId(prefix: string): string {
  return `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
}

function now(): string {
  return new Date().toISOString();
}
