/**
 * Writing a call whose course was decided elsewhere (several nodes: the seat scripts in Redis, `bus/call-book.ts`)
 * as idempotent upserts keyed by the ids decided there: the session by its id, each participant by theirs. Any
 * node may write any part of a call, any number of times, in any order, and the rows come out the same: a
 * recorded leave or end is never undone by a late write that does not know of it, and a late join finds its
 * rows written already. The times come from the same place (Redis's clock), so two writers never disagree on them.
 */
import type { Kysely } from 'kysely';
import type { LeaveReason, ParticipantRole } from '@vcw/shared';
import type { Database } from './schema.js';

export interface RecordedParticipant {
  id: string;
  peerId: string;
  displayName: string;
  role: ParticipantRole;
  joinedAt: Date;
  leftAt: Date | null;
  leaveReason: LeaveReason | null;
}

/** A call, or the part of it one event knows: the participants it names, and the end if it ended. */
export interface RecordedCall {
  id: string;
  projectId: string;
  roomId: string;
  startedAt: Date;
  endedAt: Date | null;
  participants: RecordedParticipant[];
}

export async function upsertCall(db: Kysely<Database>, call: RecordedCall): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('room_sessions')
      .values({
        id: call.id,
        project_id: call.projectId,
        room_id: call.roomId,
        started_at: call.startedAt.toISOString(),
        ended_at: call.endedAt?.toISOString() ?? null,
      })
      .onConflict((oc) =>
        oc
          .column('id')
          .doUpdateSet((eb) => ({ ended_at: eb.fn.coalesce('room_sessions.ended_at', eb.ref('excluded.ended_at')) })),
      )
      .execute();
    if (call.participants.length === 0) return;
    await trx
      .insertInto('room_session_participants')
      .values(
        call.participants.map((p) => ({
          id: p.id,
          session_id: call.id,
          peer_id: p.peerId,
          display_name: p.displayName,
          role: p.role,
          joined_at: p.joinedAt.toISOString(),
          left_at: p.leftAt?.toISOString() ?? null,
          leave_reason: p.leaveReason,
        })),
      )
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          left_at: eb.fn.coalesce('room_session_participants.left_at', eb.ref('excluded.left_at')),
          leave_reason: eb.fn.coalesce('room_session_participants.leave_reason', eb.ref('excluded.leave_reason')),
        })),
      )
      .execute();
  });
}
