/**
 * Projects, their allowed origins and their API keys. One implementation over Kysely serves every dialect;
 * the conformance suite in `test/store` runs against each of them.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import {
  hashApiKey,
  mintApiKey,
  parseApiKey,
  type KeyEnvironment,
  type KeyType,
  type MintedKey,
} from '../auth/api-key.js';
import { CompiledOnce } from './compiled-once.js';
import { sqlBoolean, type Database } from './schema.js';

export interface Project {
  id: string;
  name: string;
  allowedOrigins: string[];
  /** Whether a publishable key may open a public room by joining a name no room has yet. */
  allowAdHocRooms: boolean;
  createdAt: string;
}

/** What a new project is made with; ad-hoc rooms are allowed unless said otherwise. */
/** See `ProjectStore.liveCredentials`: usable key id → its project; existing project id → its allowed origins. */
export interface LiveCredentials {
  keys: Map<string, string>;
  origins: Map<string, Set<string>>;
}

/** Ids in batches small enough for one `IN (…)` on either database. */
function* batches(ids: string[], size = 500): Generator<string[]> {
  for (let i = 0; i < ids.length; i += size) yield ids.slice(i, i + size);
}

export interface NewProject {
  name: string;
  allowedOrigins: string[];
  allowAdHocRooms?: boolean;
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
  /** A rolled key keeps working until this time. */
  expiresAt: string | null;
  replacedBy: string | null;
}

/** Longest a rolled key may keep working beside its replacement. */
export const MAX_ROLL_OVERLAP_SECONDS = 30 * 24 * 3600;

/** How stale a key's recorded last use may be: at most one write per key per this many ms. */
const LAST_USED_RESOLUTION_MS = 60_000;

export class ProjectStore {
  /** When each key's use was last written, so a busy key is not a write on every request. */
  private readonly lastUseWritten = new Map<string, number>();
  /** The key lookup, compiled once (see `authenticateKey`). */
  private keyLookup: ReturnType<ProjectStore['keyLookupQuery']> | null = null;
  /** A project and its origins, read on every token handshake and every room opened by name, compiled once. */
  private readonly projectById = new CompiledOnce((db, value) =>
    db.selectFrom('projects').selectAll().where('id', '=', value(0)),
  );
  private readonly originsById = new CompiledOnce((db, value) =>
    db.selectFrom('project_origins').select('origin').where('project_id', '=', value(0)),
  );

  constructor(private readonly db: Kysely<Database>) {}

  /** Creates a project with its origins, and mints `keys` for it in the same transaction (all or nothing). */
  async createProject(input: NewProject): Promise<Project>;
  async createProject(
    input: NewProject,
    keys: Array<{ type: KeyType; environment: KeyEnvironment }>,
  ): Promise<{ project: Project; keys: Array<{ key: ApiKeyRecord; plaintext: string }> }>;
  async createProject(
    input: NewProject,
    keys?: Array<{ type: KeyType; environment: KeyEnvironment }>,
  ): Promise<Project | { project: Project; keys: Array<{ key: ApiKeyRecord; plaintext: string }> }> {
    const project: Project = {
      id: newId('prj'),
      name: input.name,
      allowedOrigins: [...new Set(input.allowedOrigins.map(normalizeOrigin))],
      allowAdHocRooms: input.allowAdHocRooms ?? true,
      createdAt: now(),
    };
    const minted = (keys ?? []).map(({ type, environment }) => {
      const secret = mintApiKey(type, environment);
      return { key: newKeyRecord(project.id, type, environment, secret), secret };
    });
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('projects')
        .values({
          id: project.id,
          name: project.name,
          created_at: project.createdAt,
          allow_ad_hoc_rooms: sqlBoolean(project.allowAdHocRooms),
        })
        .execute();
      if (project.allowedOrigins.length > 0) {
        await trx
          .insertInto('project_origins')
          .values(project.allowedOrigins.map((origin) => ({ project_id: project.id, origin })))
          .execute();
      }
      for (const { key, secret } of minted) await trx.insertInto('api_keys').values(keyRow(key, secret.hash)).execute();
    });
    if (!keys) return project;
    return { project, keys: minted.map(({ key, secret }) => ({ key, plaintext: secret.plaintext })) };
  }

  async findProject(id: string): Promise<Project | null> {
    const row = await this.projectById.first(this.db, id);
    if (!row) return null;
    return {
      id: row.id,
      name: row.name,
      createdAt: row.created_at,
      allowAdHocRooms: Boolean(row.allow_ad_hoc_rooms),
      allowedOrigins: await this.originsOf(id),
    };
  }

  /** Allows or stops ad-hoc rooms for a project; false when there is no such project. */
  async setAllowAdHocRooms(projectId: string, allow: boolean): Promise<boolean> {
    const result = await this.db
      .updateTable('projects')
      .set({ allow_ad_hoc_rooms: sqlBoolean(allow) })
      .where('id', '=', projectId)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async listProjects(): Promise<Project[]> {
    const rows = await this.db.selectFrom('projects').select('id').orderBy('created_at').orderBy('id').execute();
    const projects = await Promise.all(rows.map((r) => this.findProject(r.id)));
    return projects.filter((p): p is Project => p !== null);
  }

  async findProjectByName(name: string): Promise<Project | null> {
    const row = await this.db
      .selectFrom('projects')
      .select('id')
      .where('name', '=', name)
      .orderBy('created_at')
      .orderBy('id')
      .executeTakeFirst();
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

  /** Removes an allowed origin; false when the project did not have it. */
  async removeOrigin(projectId: string, origin: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('project_origins')
      .where('project_id', '=', projectId)
      .where('origin', '=', normalizeOrigin(origin))
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async originsOf(projectId: string): Promise<string[]> {
    const { rows } = await this.originsById.run(this.db, projectId);
    // Sorted here, not by the database, whose collation differs between SQLite and PostgreSQL locales.
    return rows.map((r) => r.origin).sort();
  }

  /** Mints a key for a project; the plaintext is returned once and never stored. */
  async createApiKey(
    projectId: string,
    type: KeyType,
    environment: KeyEnvironment = 'test',
  ): Promise<{ key: ApiKeyRecord; plaintext: string }> {
    const minted = mintApiKey(type, environment);
    const key = newKeyRecord(projectId, type, environment, minted);
    await this.db.insertInto('api_keys').values(keyRow(key, minted.hash)).execute();
    return { key, plaintext: minted.plaintext };
  }

  async findKey(keyId: string): Promise<ApiKeyRecord | null> {
    const row = await this.db.selectFrom('api_keys').selectAll().where('id', '=', keyId).executeTakeFirst();
    return row ? toKeyRecord(row) : null;
  }

  /** A project's keys, newest first (their display prefix and last four characters only). */
  async listKeys(projectId: string): Promise<ApiKeyRecord[]> {
    const rows = await this.db
      .selectFrom('api_keys')
      .selectAll()
      .where('project_id', '=', projectId)
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .execute();
    return rows.map(toKeyRecord);
  }

  /**
   * Replaces a key with a new one of the same kind. The old key keeps working for `overlapSeconds` (0: stops
   * at once), so a site can deploy the new key first. Returns the new key, shown once.
   */
  async rollKey(
    keyId: string,
    overlapSeconds: number,
  ): Promise<{ key: ApiKeyRecord; plaintext: string; previous: ApiKeyRecord }> {
    if (!Number.isInteger(overlapSeconds) || overlapSeconds < 0 || overlapSeconds > MAX_ROLL_OVERLAP_SECONDS) {
      throw new RangeError(`The overlap must be a whole number of seconds from 0 to ${MAX_ROLL_OVERLAP_SECONDS}.`);
    }
    const old = await this.findKey(keyId);
    if (!old || old.revokedAt || old.replacedBy) throw new RangeError(`No active key ${keyId} to roll.`);
    const minted = mintApiKey(old.type, old.environment);
    const next = newKeyRecord(old.projectId, old.type, old.environment, minted);
    const expiresAt = new Date(Date.now() + overlapSeconds * 1000).toISOString();
    // One transaction, and the old key is claimed only if nobody rolled or revoked it meanwhile: two
    // concurrent rolls cannot both leave a replacement behind.
    await this.db.transaction().execute(async (trx) => {
      const claimed = await trx
        .updateTable('api_keys')
        .set({ expires_at: expiresAt, replaced_by: next.id })
        .where('id', '=', keyId)
        .where('replaced_by', 'is', null)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (claimed.numUpdatedRows === 0n) throw new RangeError(`No active key ${keyId} to roll.`);
      await trx.insertInto('api_keys').values(keyRow(next, minted.hash)).execute();
    });
    return { key: next, plaintext: minted.plaintext, previous: { ...old, expiresAt, replacedBy: next.id } };
  }

  /**
   * Resolves a presented key to its active record and project, or `null` when it is malformed, unknown or
   * revoked. The lookup is by hash, so the store never sees the key itself.
   */
  async authenticateKey(
    plaintext: string,
    expectedType: KeyType,
  ): Promise<{ key: ApiKeyRecord; project: Project } | null> {
    const parsed = parseApiKey(plaintext);
    if (!parsed || parsed.type !== expectedType) return null;
    // Key, project and origins in one query (a row per origin): this runs on every REST request and every
    // connection, so it is built once and only its parameter changes.
    const query = (this.keyLookup ??= this.keyLookupQuery(''));
    const { rows } = await this.db.executeQuery({ ...query, parameters: [hashApiKey(plaintext)] } as typeof query);
    const row = rows[0];
    if (!row || row.revoked_at !== null) return null;
    if (row.expires_at !== null && Date.parse(row.expires_at) <= Date.now()) return null;
    const project: Project = {
      id: row.project_id,
      name: row.project_name,
      createdAt: row.project_created_at,
      allowAdHocRooms: Boolean(row.project_allow_ad_hoc_rooms),
      // Sorted here, as originsOf does.
      allowedOrigins: rows.flatMap((r) => (r.origin === null ? [] : [r.origin])).sort(),
    };
    return { key: toKeyRecord(row), project };
  }

  private keyLookupQuery(hash: string) {
    return this.db
      .selectFrom('api_keys')
      .innerJoin('projects', 'projects.id', 'api_keys.project_id')
      .leftJoin('project_origins', 'project_origins.project_id', 'api_keys.project_id')
      .selectAll('api_keys')
      .select([
        'projects.name as project_name',
        'projects.created_at as project_created_at',
        'projects.allow_ad_hoc_rooms as project_allow_ad_hoc_rooms',
        'project_origins.origin as origin',
      ])
      .where('api_keys.hash', '=', hash)
      .compile();
  }

  async revokeKey(keyId: string): Promise<boolean> {
    const result = await this.db
      .updateTable('api_keys')
      .set({ revoked_at: now() })
      .where('id', '=', keyId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Records that a key was used (to the minute: repeated uses within a minute are not written again). */
  /**
   * What live connections still stand on: of `keyIds`, those usable now (not revoked, not expired), with their
   * project; of `projectIds`, those that still exist, with their allowed origins. Looked up in batches.
   */
  async liveCredentials(keyIds: string[], projectIds: string[]): Promise<LiveCredentials> {
    const keys = new Map<string, string>();
    const origins = new Map<string, Set<string>>();
    const at = Date.now();
    for (const batch of batches(keyIds)) {
      const rows = await this.db
        .selectFrom('api_keys')
        .select(['id', 'project_id', 'revoked_at', 'expires_at'])
        .where('id', 'in', batch)
        .execute();
      for (const row of rows)
        if (row.revoked_at === null && (row.expires_at === null || Date.parse(row.expires_at) > at))
          keys.set(row.id, row.project_id);
    }
    for (const batch of batches(projectIds)) {
      const projects = await this.db.selectFrom('projects').select('id').where('id', 'in', batch).execute();
      for (const { id } of projects) origins.set(id, new Set());
      const rows = await this.db
        .selectFrom('project_origins')
        .select(['project_id', 'origin'])
        .where('project_id', 'in', batch)
        .execute();
      for (const row of rows) origins.get(row.project_id)?.add(row.origin);
    }
    return { keys, origins };
  }

  async markKeyUsed(keyId: string): Promise<void> {
    const at = Date.now();
    if (at - (this.lastUseWritten.get(keyId) ?? -Infinity) < LAST_USED_RESOLUTION_MS) return;
    this.lastUseWritten.set(keyId, at);
    await this.db
      .updateTable('api_keys')
      .set({ last_used_at: new Date(at).toISOString() })
      .where('id', '=', keyId)
      .execute();
  }
}

/** `https://Example.com:443/` → `https://example.com`; throws on anything that is not an http(s) origin. */
export function normalizeOrigin(origin: string): string {
  const url = new URL(origin);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`Not an http(s) origin: ${origin}`);
  return url.origin;
}

function newKeyRecord(projectId: string, type: KeyType, environment: KeyEnvironment, minted: MintedKey): ApiKeyRecord {
  return {
    id: newId('key'),
    projectId,
    type,
    environment,
    displayPrefix: minted.displayPrefix,
    last4: minted.last4,
    createdAt: now(),
    lastUsedAt: null,
    revokedAt: null,
    expiresAt: null,
    replacedBy: null,
  };
}

function keyRow(key: ApiKeyRecord, hash: string): Database['api_keys'] {
  return {
    id: key.id,
    project_id: key.projectId,
    type: key.type,
    environment: key.environment,
    hash,
    display_prefix: key.displayPrefix,
    last4: key.last4,
    created_at: key.createdAt,
    last_used_at: key.lastUsedAt,
    revoked_at: key.revokedAt,
    expires_at: key.expiresAt,
    replaced_by: key.replacedBy,
  };
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
    expiresAt: row.expires_at,
    replacedBy: row.replaced_by,
  };
}

function newId(prefix: string): string {
  return `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
}

function now(): string {
  return new Date().toISOString();
}
