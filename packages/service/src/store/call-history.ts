/**
 * Call history: one session per call in a room, from the first participant joining the empty room until the
 * last one leaves (or the room is ended), with who joined, who left, when and why. One implementation over
 * Kysely for every dialect; the conformance suite in `test/store` runs it on each.
 */
import type { Kysely, Selectable, Transaction } from 'kysely';
import { LeaveReason, type CallNetworkQuality, type ParticipantRole } from '@vcw/shared';
import { CompiledOnce } from './compiled-once.js';
import { sortableId } from './ids.js';
import { newestFirstPage } from './paging.js';
import { upsertCall, type RecordedCall } from './recorded-call.js';
import { sqlBoolean, type Database, type RoomSessionParticipantsTable, type RoomSessionsTable } from './schema.js';

/** From best to worst. */
const QUALITIES: readonly CallNetworkQuality[] = ['good', 'fair', 'poor'];

export interface CallParticipant {
  peerId: string;
  displayName: string;
  role: ParticipantRole;
  joinedAt: string;
  leftAt: string | null;
  leaveReason: LeaveReason | null;
}

export interface CallSession {
  id: string;
  roomId: string;
  startedAt: string;
  endedAt: string | null;
  /** In order of arrival. */
  participants: CallParticipant[];
  /** The worst network quality a participant's widget reported; null when none reported. */
  worstNetworkQuality: CallNetworkQuality | null;
  /** Whether a widget reported a link through a TURN relay; null when none reported. */
  relayUsed: boolean | null;
}

/** Whether a call went through a relay: always in a relay-only room, else what its widgets reported (null: none did). */
export function relayUsedIn(session: CallSession, relayOnly: boolean): boolean | null {
  return relayOnly ? true : session.relayUsed;
}

/** What a participant's widget reported of its network during a call. */
export interface NetworkReport {
  roomId: string;
  /** The call the reporter sits in, when known (several nodes: the session id Redis gave it); else the room's open one. */
  sessionId?: string;
  quality: CallNetworkQuality;
  relay: boolean;
}

export interface ParticipantJoin {
  projectId: string;
  roomId: string;
  peerId: string;
  displayName: string;
  role: ParticipantRole;
  at: Date;
}

export interface ParticipantLeave {
  roomId: string;
  peerId: string;
  reason: LeaveReason;
  at: Date;
}

/** What recording a join did: the session it went into, and whether this join started it. */
export interface JoinOutcome {
  sessionId: string;
  started: boolean;
}

/** What recording a leave did: the session left, and the whole session if this leave ended it. */
export interface LeaveOutcome {
  sessionId: string;
  participant: CallParticipant | null;
  ended: CallSession | null;
}

/** What ending a room's call did: who was still in it (and left now), and the session it ended. */
export interface RoomEndOutcome {
  left: CallParticipant[];
  ended: CallSession | null;
}

export class CallHistory {
  /** What every join writes, compiled once (see `CompiledOnce`). */
  private readonly openSession = new CompiledOnce((db, value) =>
    db
      .selectFrom('room_sessions')
      .select('id')
      .where('room_id', '=', value(0))
      .where('ended_at', 'is', null)
      .orderBy('started_at', 'desc'),
  );
  private readonly newSession = new CompiledOnce((db, value) =>
    db
      .insertInto('room_sessions')
      .values({ id: value(0), project_id: value(1), room_id: value(2), started_at: value(3), ended_at: null }),
  );
  private readonly newParticipant = new CompiledOnce((db, value) =>
    db.insertInto('room_session_participants').values({
      id: value(0),
      session_id: value(1),
      peer_id: value(2),
      display_name: value(3),
      role: value(4) as ParticipantRole,
      joined_at: value(5),
      left_at: null,
      leave_reason: null,
    }),
  );

  constructor(private readonly db: Kysely<Database>) {}

  /** Records a participant joining; the first one into an empty room starts a new session. */
  async participantJoined(join: ParticipantJoin): Promise<JoinOutcome> {
    const at = join.at.toISOString();
    return this.db.transaction().execute(async (trx) => {
      let sessionId = (await this.openSession.first(trx, join.roomId))?.id;
      const started = !sessionId;
      if (!sessionId) {
        sessionId = sortableId('ses');
        await this.newSession.run(trx, sessionId, join.projectId, join.roomId, at);
      }
      await this.newParticipant.run(trx, sortableId('par'), sessionId, join.peerId, join.displayName, join.role, at);
      return { sessionId, started };
    });
  }

  /**
   * Records (part of) a call whose course was decided elsewhere, under the ids decided there (several nodes):
   * idempotent, in any order; see `recorded-call.ts`.
   */
  async recordCall(call: RecordedCall): Promise<void> {
    await upsertCall(this.db, call);
  }

  /** Records a participant leaving; the session ends with its last participant. */
  async participantLeft(leave: ParticipantLeave): Promise<LeaveOutcome | null> {
    const at = leave.at.toISOString();
    return this.db.transaction().execute(async (trx) => {
      const sessionId = (await this.openSession.first(trx, leave.roomId))?.id;
      if (!sessionId) return null;
      await trx
        .updateTable('room_session_participants')
        .set({ left_at: at, leave_reason: leave.reason })
        .where('session_id', '=', sessionId)
        .where('peer_id', '=', leave.peerId)
        .where('left_at', 'is', null)
        .execute();
      const stillIn = await trx
        .selectFrom('room_session_participants')
        .select('id')
        .where('session_id', '=', sessionId)
        .where('left_at', 'is', null)
        .executeTakeFirst();
      if (!stillIn) await trx.updateTable('room_sessions').set({ ended_at: at }).where('id', '=', sessionId).execute();
      const session = await sessionById(trx, sessionId);
      const participant =
        [...(session?.participants ?? [])].reverse().find((p) => p.peerId === leave.peerId && p.leftAt === at) ?? null;
      return { sessionId, participant, ended: stillIn ? null : session };
    });
  }

  /** Records a room's call ended for everyone: those still in it leave with `room-ended`, and the session ends. */
  async roomEnded({ roomId, at }: { roomId: string; at: Date }): Promise<RoomEndOutcome> {
    return this.db.transaction().execute(async (trx) => {
      const sessionId = await openSessionOf(trx, roomId);
      await this.closeOpen(trx, at, LeaveReason.roomEnded, roomId);
      const ended = sessionId ? await sessionById(trx, sessionId) : null;
      const when = at.toISOString();
      return {
        left: ended?.participants.filter((p) => p.leftAt === when && p.leaveReason === LeaveReason.roomEnded) ?? [],
        ended,
      };
    });
  }

  /**
   * Folds a widget's network report into the room's call going on: the session keeps the worst quality and
   * whether any relay was used. Each update is one conditional statement, so reports from several nodes
   * never undo each other. Nothing happens without a call going on.
   */
  async networkReported({ roomId, sessionId, quality, relay }: NetworkReport): Promise<void> {
    const open = (db: Kysely<Database>) =>
      db
        .updateTable('room_sessions')
        .where(sessionId === undefined ? 'room_id' : 'id', '=', sessionId ?? roomId)
        .where('ended_at', 'is', null);
    const better = QUALITIES.slice(0, QUALITIES.indexOf(quality));
    await open(this.db)
      .set({ worst_network_quality: quality })
      .where((eb) =>
        better.length > 0
          ? eb.or([eb('worst_network_quality', 'is', null), eb('worst_network_quality', 'in', better)])
          : eb('worst_network_quality', 'is', null),
      )
      .execute();
    let relayUpdate = open(this.db).set({ relay_used: sqlBoolean(relay) });
    // A relay seen stays seen; "no relay" only fills in a session nobody reported for yet.
    if (!relay) relayUpdate = relayUpdate.where('relay_used', 'is', null);
    await relayUpdate.execute();
  }

  /** The calls going on in the store (at boot: those the last process left open), with their rooms. */
  async openCalls(): Promise<
    Array<{ projectId: string; roomId: string; room: string; relayOnly: boolean; sessionId: string }>
  > {
    const rows = await this.db
      .selectFrom('room_sessions')
      .innerJoin('rooms', 'rooms.id', 'room_sessions.room_id')
      .select([
        'room_sessions.id as sessionId',
        'room_sessions.project_id as projectId',
        'rooms.id as roomId',
        'rooms.name as room',
        'rooms.ice_transport_policy as policy',
      ])
      .where('room_sessions.ended_at', 'is', null)
      .orderBy('room_sessions.started_at')
      .execute();
    return rows.map(({ policy, ...call }) => ({ ...call, relayOnly: policy === 'relay' }));
  }

  /** One session with its participants. */
  async session(id: string): Promise<CallSession | null> {
    return this.db.transaction().execute((trx) => sessionById(trx, id));
  }

  /**
   * Closes what a service that stopped without recording the ends left open (in `roomIds` only, when given):
   * its participants leave with `network` at `at`, and their sessions end then. Returns how many of each it closed.
   */
  async closeInterrupted(at: Date, roomIds?: string[]): Promise<{ sessions: number; participants: number }> {
    if (roomIds?.length === 0) return { sessions: 0, participants: 0 };
    return this.db.transaction().execute((trx) => this.closeOpen(trx, at, LeaveReason.network, roomIds));
  }

  /** A room's sessions, newest first; `cursor` is the opaque `nextCursor` of the previous page. */
  async listSessions(
    projectId: string,
    roomId: string,
    { limit, cursor }: { limit: number; cursor?: string },
  ): Promise<{ sessions: CallSession[]; nextCursor: string | null }> {
    const query = this.db
      .selectFrom('room_sessions')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('room_id', '=', roomId);
    const { rows: page, nextCursor } = await newestFirstPage(query, 'started_at', { limit, cursor });
    const participants =
      page.length === 0
        ? []
        : await this.db
            .selectFrom('room_session_participants')
            .selectAll()
            .where(
              'session_id',
              'in',
              page.map((s) => s.id),
            )
            .orderBy('joined_at')
            .orderBy('id')
            .execute();
    return {
      sessions: page.map((row) =>
        toSession(
          row,
          participants.filter((p) => p.session_id === row.id),
        ),
      ),
      nextCursor,
    };
  }

  /** Closes open participants and sessions (of some rooms, or all), everyone leaving with `reason` at `at`. */
  private async closeOpen(
    trx: Transaction<Database>,
    at: Date,
    reason: LeaveReason,
    roomId?: string | string[],
  ): Promise<{ sessions: number; participants: number }> {
    const when = at.toISOString();
    const roomIds = roomId === undefined ? undefined : [roomId].flat();
    let open = trx.selectFrom('room_sessions').select('id').where('ended_at', 'is', null);
    if (roomIds) open = open.where('room_id', 'in', roomIds);
    const participants = await trx
      .updateTable('room_session_participants')
      .set({ left_at: when, leave_reason: reason })
      .where('left_at', 'is', null)
      .where('session_id', 'in', open)
      .executeTakeFirst();
    let sessions = trx.updateTable('room_sessions').set({ ended_at: when }).where('ended_at', 'is', null);
    if (roomIds) sessions = sessions.where('room_id', 'in', roomIds);
    const ended = await sessions.executeTakeFirst();
    return { sessions: Number(ended.numUpdatedRows), participants: Number(participants.numUpdatedRows) };
  }
}

/** The session a room's call is in now, if one is going on. */
async function openSessionOf(trx: Transaction<Database>, roomId: string): Promise<string | undefined> {
  const row = await trx
    .selectFrom('room_sessions')
    .select('id')
    .where('room_id', '=', roomId)
    .where('ended_at', 'is', null)
    .orderBy('started_at', 'desc')
    .executeTakeFirst();
  return row?.id;
}

async function sessionById(trx: Transaction<Database>, id: string): Promise<CallSession | null> {
  const row = await trx.selectFrom('room_sessions').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return null;
  const participants = await trx
    .selectFrom('room_session_participants')
    .selectAll()
    .where('session_id', '=', id)
    .orderBy('joined_at')
    .orderBy('id')
    .execute();
  return toSession(row, participants);
}

function toSession(
  row: Selectable<RoomSessionsTable>,
  participants: Selectable<RoomSessionParticipantsTable>[],
): CallSession {
  return {
    id: row.id,
    roomId: row.room_id,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    participants: participants.map((p) => ({
      peerId: p.peer_id,
      displayName: p.display_name,
      role: p.role,
      joinedAt: p.joined_at,
      leftAt: p.left_at,
      leaveReason: p.leave_reason,
    })),
    worstNetworkQuality: row.worst_network_quality,
    relayUsed: row.relay_used === null ? null : Boolean(row.relay_used),
  };
}
