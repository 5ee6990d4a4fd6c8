/**
 * Rooms of a project: created through REST (public or private, with capacity, expiry and metadata) or
 * ad hoc by the first public join, listed with cursor paging, ended, and deleted once expired. One
 * implementation over Kysely for every dialect.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Insertable, Kysely, Selectable } from 'kysely';
import { DEFAULT_ROOM_CAPACITY, type IceTransportPolicy, type RoomPrivacy } from '@vcw/shared';
import { ServiceError } from '../errors.js';
import { CompiledOnce } from './compiled-once.js';
import { sortableId } from './ids.js';
import { newestFirstPage } from './paging.js';
import { sqlBoolean, type Database, type RoomsTable } from './schema.js';

export interface StoredRoom {
  id: string;
  projectId: string;
  name: string;
  privacy: RoomPrivacy;
  maxParticipants: number;
  metadata: Record<string, unknown> | null;
  /** `relay`: calls in this room go through TURN only (participants never see each other's addresses). */
  iceTransportPolicy: IceTransportPolicy | null;
  createdAt: string;
  expiresAt: string | null;
  endedAt: string | null;
  /** Nobody new joins it but its hosts (`room_locked`). */
  locked: boolean;
  /** Guests knock and wait until a host in the call admits them. */
  knock: boolean;
}

export interface NewRoom {
  name?: string;
  privacy: RoomPrivacy;
  maxParticipants?: number;
  ttlSeconds?: number;
  metadata?: Record<string, unknown>;
  iceTransportPolicy?: IceTransportPolicy;
  knock?: boolean;
}

/** What every room opened by name is made with, beside its id, project, name and creation time. */
const AD_HOC_ROOM: Omit<StoredRoom, 'id' | 'projectId' | 'name' | 'createdAt'> = {
  privacy: 'public',
  maxParticipants: DEFAULT_ROOM_CAPACITY,
  metadata: null,
  iceTransportPolicy: null,
  expiresAt: null,
  endedAt: null,
  locked: false,
  knock: false,
};

export class RoomStore {
  /** The lookups of every join, compiled once (see `CompiledOnce`). */
  private readonly byId = new CompiledOnce((db, value) =>
    db.selectFrom('rooms').selectAll().where('project_id', '=', value(0)).where('id', '=', value(1)),
  );
  private readonly byName = new CompiledOnce((db, value) =>
    db.selectFrom('rooms').selectAll().where('project_id', '=', value(0)).where('name', '=', value(1)),
  );

  /** A room opened by name: only its id, project, name and creation time vary. */
  private readonly adHocInsert = new CompiledOnce((db, value) =>
    db
      .insertInto('rooms')
      .values({
        ...toRow({ ...AD_HOC_ROOM, id: value(0), projectId: value(1), name: value(2), createdAt: value(3) }),
        ad_hoc: sqlBoolean(true),
      })
      .onConflict((oc) => oc.columns(['project_id', 'name']).doNothing()),
  );

  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Creates a room. With an idempotency key, the same key and body return the room made the first time
   * (`created: false`); the same key with another body is an `idempotency_conflict`.
   */
  async create(
    projectId: string,
    input: NewRoom,
    idempotencyKey?: string,
  ): Promise<{ room: StoredRoom; created: boolean }> {
    const requestHash = createHash('sha256').update(canonicalJson(input)).digest('hex');
    if (idempotencyKey) {
      const seen = await this.db
        .selectFrom('idempotency_keys')
        .selectAll()
        .where('project_id', '=', projectId)
        .where('key', '=', idempotencyKey)
        .executeTakeFirst();
      if (seen)
        return { room: await this.replay(seen.request_hash, requestHash, projectId, seen.room_id), created: false };
    }
    const now = new Date();
    const room: StoredRoom = {
      id: sortableId('room'),
      projectId,
      name: input.name ?? `room-${randomBytes(6).toString('hex')}`,
      privacy: input.privacy,
      maxParticipants: input.maxParticipants ?? DEFAULT_ROOM_CAPACITY,
      metadata: input.metadata ?? null,
      iceTransportPolicy: input.iceTransportPolicy ?? null,
      createdAt: now.toISOString(),
      expiresAt: input.ttlSeconds ? new Date(now.getTime() + input.ttlSeconds * 1000).toISOString() : null,
      endedAt: null,
      locked: false,
      knock: input.knock ?? false,
    };
    try {
      if (!idempotencyKey) {
        await this.db.insertInto('rooms').values(toRow(room)).execute(); // one statement: atomic by itself
      } else {
        await this.db.transaction().execute(async (trx) => {
          await trx.insertInto('rooms').values(toRow(room)).execute();
          await trx
            .insertInto('idempotency_keys')
            .values({
              project_id: projectId,
              key: idempotencyKey,
              request_hash: requestHash,
              room_id: room.id,
              created_at: room.createdAt,
            })
            .execute();
        });
      }
    } catch (error) {
      // A concurrent request with the same idempotency key won the race: answer as it did.
      const seen = idempotencyKey
        ? await this.db
            .selectFrom('idempotency_keys')
            .selectAll()
            .where('project_id', '=', projectId)
            .where('key', '=', idempotencyKey)
            .executeTakeFirst()
        : undefined;
      if (seen)
        return { room: await this.replay(seen.request_hash, requestHash, projectId, seen.room_id), created: false };
      if (await this.findByName(projectId, room.name))
        throw new ServiceError('room_name_taken', `A room named "${room.name}" already exists in this project.`);
      throw error;
    }
    return { room, created: true };
  }

  /** The public room a first join creates, or the existing room of that name (concurrent joins agree). */
  async ensureAdHoc(projectId: string, name: string): Promise<StoredRoom> {
    const existing = await this.findByName(projectId, name);
    if (existing) return existing;
    await this.adHocInsert.run(this.db, sortableId('room'), projectId, name, new Date().toISOString());
    return (await this.findByName(projectId, name))!;
  }

  async find(projectId: string, id: string): Promise<StoredRoom | null> {
    const row = await this.byId.first(this.db, projectId, id);
    return row ? fromRow(row) : null;
  }

  async findByName(projectId: string, name: string): Promise<StoredRoom | null> {
    const row = await this.byName.first(this.db, projectId, name);
    return row ? fromRow(row) : null;
  }

  /** Newest first; `cursor` is the opaque `nextCursor` of the previous page. */
  async list(
    projectId: string,
    { limit, cursor }: { limit: number; cursor?: string },
  ): Promise<{ rooms: StoredRoom[]; nextCursor: string | null }> {
    const query = this.db.selectFrom('rooms').selectAll().where('project_id', '=', projectId);
    const { rows: page, nextCursor } = await newestFirstPage(query, 'created_at', { limit, cursor });
    return { rooms: page.map(fromRow), nextCursor };
  }

  /** Marks a room ended (it refuses joins from now on); returns it, or null if there is no such room. */
  async end(projectId: string, id: string): Promise<StoredRoom | null> {
    const endedAt = new Date().toISOString();
    await this.db
      .updateTable('rooms')
      .set({ ended_at: endedAt })
      .where('project_id', '=', projectId)
      .where('id', '=', id)
      .where('ended_at', 'is', null)
      .execute();
    return this.find(projectId, id);
  }

  /** Rooms whose `ttlSeconds` ran out by `now`, soonest expired first (at most `limit`). */
  async expired(now: Date, limit = 500): Promise<StoredRoom[]> {
    const rows = await this.db
      .selectFrom('rooms')
      .selectAll()
      .where('expires_at', '<=', now.toISOString())
      .orderBy('expires_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(fromRow);
  }

  /**
   * Deletes the rooms of `ids` that have expired by `now` (checked again here: never a room still open), with
   * their call history and the idempotency keys that would replay them. Returns how many it deleted.
   */
  async deleteExpired(ids: string[], now: Date): Promise<number> {
    if (ids.length === 0) return 0;
    return this.db.transaction().execute(async (trx) => {
      const doomed = trx
        .selectFrom('rooms')
        .select('id')
        .where('id', 'in', ids)
        .where('expires_at', '<=', now.toISOString());
      await trx.deleteFrom('idempotency_keys').where('room_id', 'in', doomed).execute();
      const deleted = await trx
        .deleteFrom('rooms')
        .where('id', 'in', ids)
        .where('expires_at', '<=', now.toISOString())
        .executeTakeFirst();
      return Number(deleted.numDeletedRows);
    });
  }

  /** How many rooms opened by a join by name the project has open (not ended). */
  async countOpenAdHoc(projectId: string): Promise<number> {
    const row = await this.db
      .selectFrom('rooms')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('project_id', '=', projectId)
      .where('ad_hoc', '=', sqlBoolean(true))
      .where('ended_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /**
   * Rooms opened by a join by name in which nothing happened since `since`: created before it, and no call
   * started or ended after it (at most `limit`, oldest first). Whether someone is in one right now is the
   * caller's to check (seats live in memory).
   */
  async idleAdHoc(since: Date, limit = 500): Promise<StoredRoom[]> {
    const at = since.toISOString();
    const rows = await this.idleAdHocQuery(this.db, at)
      .selectAll('rooms')
      .orderBy('created_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(fromRow);
  }

  /** Deletes the rooms of `ids` still idle since `since` (checked again here), with their call history; how many. */
  async deleteIdleAdHoc(ids: string[], since: Date): Promise<number> {
    if (ids.length === 0) return 0;
    const at = since.toISOString();
    return this.db.transaction().execute(async (trx) => {
      const doomed = (await this.idleAdHocQuery(trx, at).select('rooms.id').where('rooms.id', 'in', ids).execute()).map(
        (r) => r.id,
      );
      if (doomed.length === 0) return 0;
      await trx.deleteFrom('idempotency_keys').where('room_id', 'in', doomed).execute();
      const deleted = await trx.deleteFrom('rooms').where('id', 'in', doomed).executeTakeFirst();
      return Number(deleted.numDeletedRows);
    });
  }

  private idleAdHocQuery(db: Kysely<Database>, at: string) {
    return db
      .selectFrom('rooms')
      .where('ad_hoc', '=', sqlBoolean(true))
      .where('created_at', '<', at)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('room_sessions')
              .select('room_sessions.id')
              .whereRef('room_sessions.room_id', '=', 'rooms.id')
              .where((s) => s.or([s('room_sessions.started_at', '>=', at), s('room_sessions.ended_at', '>=', at)])),
          ),
        ),
      );
  }

  /** Locks or unlocks a room; the room as it is now, or null if the project has no such room. */
  async setLocked(projectId: string, id: string, locked: boolean): Promise<StoredRoom | null> {
    return this.setAccess(projectId, id, { locked });
  }

  /** Changes who gets in (locked, knock to enter); the room as it is now, or null if the project has no such room. */
  async setAccess(
    projectId: string,
    id: string,
    change: { locked?: boolean; knock?: boolean },
  ): Promise<StoredRoom | null> {
    const set = {
      ...(change.locked !== undefined ? { locked: sqlBoolean(change.locked) } : {}),
      ...(change.knock !== undefined ? { knock: sqlBoolean(change.knock) } : {}),
    };
    if (Object.keys(set).length)
      await this.db.updateTable('rooms').set(set).where('id', '=', id).where('project_id', '=', projectId).execute();
    return this.find(projectId, id);
  }

  /** Forgets idempotency keys first used before `before`, so a partner may use them again; returns how many. */
  async forgetIdempotencyKeys(before: Date): Promise<number> {
    const deleted = await this.db
      .deleteFrom('idempotency_keys')
      .where('created_at', '<', before.toISOString())
      .executeTakeFirst();
    return Number(deleted.numDeletedRows);
  }

  private async replay(firstHash: string, requestHash: string, projectId: string, roomId: string): Promise<StoredRoom> {
    if (firstHash !== requestHash) throw new ServiceError('idempotency_conflict');
    const room = await this.find(projectId, roomId);
    if (!room) throw new ServiceError('room_not_found');
    return room;
  }
}

/** Refuses a room that no longer admits anyone: ended through REST, or past its `ttlSeconds`. */
export function assertRoomOpen(room: StoredRoom): void {
  if (room.endedAt) throw new ServiceError('room_ended');
  if (room.expiresAt && Date.parse(room.expiresAt) <= Date.now()) throw new ServiceError('room_expired');
}

function toRow(room: StoredRoom): Insertable<RoomsTable> {
  return {
    id: room.id,
    project_id: room.projectId,
    name: room.name,
    privacy: room.privacy,
    max_participants: room.maxParticipants,
    metadata: room.metadata ? JSON.stringify(room.metadata) : null,
    ice_transport_policy: room.iceTransportPolicy,
    created_at: room.createdAt,
    expires_at: room.expiresAt,
    ended_at: room.endedAt,
    locked: sqlBoolean(room.locked),
    knock: sqlBoolean(room.knock),
  };
}

function fromRow(row: Selectable<RoomsTable>): StoredRoom {
  return {
    id: row.id,
    projectId: row.project_id,
    name: row.name,
    privacy: row.privacy,
    maxParticipants: Number(row.max_participants),
    metadata: row.metadata ? (JSON.parse(row.metadata) as Record<string, unknown>) : null,
    iceTransportPolicy: row.ice_transport_policy ?? null,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    endedAt: row.ended_at,
    locked: Boolean(row.locked),
    knock: Boolean(row.knock),
  };
}

/** JSON with object keys sorted, so equal requests hash equally whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
