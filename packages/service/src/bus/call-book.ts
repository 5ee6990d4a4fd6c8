/**
 * The call going on in each room, kept in Redis beside its seats (several nodes) and changed only by the seat
 * scripts: the seat that finds the room empty opens a call under the id its node proposed, each seat taken adds
 * a participant under the id its node proposed, each seat freed records its leave (Redis's clock, its reason),
 * and the seat that leaves the room empty closes the call and hands the whole record to its node. So whether a
 * call starts, goes on or ends is decided once, in Redis, whichever nodes the participants are on; the nodes
 * only copy what was decided into the store (`CallHistory.recordCall`, idempotent upserts by those ids).
 *
 * A room's call is one hash, `<prefix>call:<room key>`: field `call` (the call, as JSON) and one field
 * `p:<participant id>` per participant (as JSON). It lives exactly as long as the room has a seat.
 */
import type { LeaveReason, ParticipantRole } from '@vcw/shared';
import type { CallPlace } from '../events/call-events.js';

/** A call as Redis keeps it: its id (the stored session's), when it started (Redis's clock), where it happens. */
export interface BookedCall {
  id: string;
  startedAt: number;
  place: CallPlace;
  /** The most seats the room held at once during the call. */
  peak: number;
}

/** One participant of a booked call (a seat taken; a peer who leaves and comes back is two). */
export interface BookedParticipant {
  id: string;
  peerId: string;
  displayName: string;
  role: ParticipantRole;
  joinedAt: number;
  leftAt?: number;
  leaveReason?: LeaveReason;
}

/** A call the last seat left: everyone who took part, each with their leave. */
export interface EndedCall extends BookedCall {
  endedAt: number;
  participants: BookedParticipant[];
  /** The id of the entry that journals its end, when it ended without a leave to carry it (`history-journal.ts`). */
  journal?: string;
}

/** What a node proposes when it takes a seat: ids it made (unique even if Redis loses its state) and the place. */
export interface CallProposal {
  sessionId: string;
  participantId: string;
  place: CallPlace;
}

/**
 * The call a seat was taken into, whether taking it started the call, and the id of the entry that journals
 * the join (`history-journal.ts`).
 */
export type JoinedCall = BookedCall & { started: boolean; journal?: string };

/**
 * The call a seat was freed from: when the leave happened, the whole call if it left the room empty, and the id
 * of the entry that journals the leave.
 */
export interface LeftCall {
  call: BookedCall;
  leftAt: number;
  ended: EndedCall | null;
  journal?: string;
}

/**
 * Lua for the seat scripts (after `NOW`): `call_joined` when a seat is taken, `call_left` when one is freed.
 *
 * `call_joined(prefix, room, seat, seated, proposal)`: `seat` (decoded, `joinedAt` set) is the `seated`-th seat
 * of the room now; the first one opens the call with the proposal's session id (a call left over from Redis's
 * earlier state is dropped). The seat is given the call's id and its participant id. Returns the call as JSON
 * and 1 when this seat started it, else 0.
 *
 * `call_left(prefix, room, seat, left, reason, now)`: the seat (decoded) was freed for `reason`, leaving `left`
 * seats. Records the leave (reason '': the take is undone, nobody having heard of it: the participant goes);
 * when none is left, closes the call (whoever has not left, leaves now with `reason`, or `network`) and deletes
 * it. Returns the call as JSON, with `endedAt` and `participants` when it ended; '' when the seat was taken
 * before calls were kept in Redis, or the call ends with nobody in it (an undone take that opened it); and 1
 * when the call ended, else 0.
 */
export const CALL_BOOK = `
local function call_key(prefix, room) return prefix .. 'call:' .. room end

local function call_joined(prefix, room, seat, seated, proposal)
  local key = call_key(prefix, room)
  local raw = redis.call('HGET', key, 'call')
  local call
  local started = 0
  if raw and seated > 1 then
    call = cjson.decode(raw)
  else
    redis.call('DEL', key)
    call = {id = proposal.sessionId, startedAt = seat.joinedAt, place = proposal.place, peak = 0}
    started = 1
  end
  if seated > call.peak then call.peak = seated end
  seat.callId = call.id
  seat.participantId = proposal.participantId
  local participant = {id = proposal.participantId, peerId = seat.peerId, displayName = seat.displayName,
    role = seat.role, joinedAt = seat.joinedAt}
  local encoded = cjson.encode(call)
  redis.call('HSET', key, 'call', encoded, 'p:' .. proposal.participantId, cjson.encode(participant))
  return encoded, started
end

local function call_left(prefix, room, seat, left, reason, now)
  local key = call_key(prefix, room)
  local raw = redis.call('HGET', key, 'call')
  if not raw then return '' end
  if seat.participantId and reason == '' then
    redis.call('HDEL', key, 'p:' .. seat.participantId)
  elseif seat.participantId then
    local field = 'p:' .. seat.participantId
    local was = redis.call('HGET', key, field)
    if was then
      local participant = cjson.decode(was)
      if not participant.leftAt then
        participant.leftAt = now
        participant.leaveReason = reason
        redis.call('HSET', key, field, cjson.encode(participant))
      end
    end
  end
  if left > 0 then return raw, 0 end
  local call = cjson.decode(raw)
  local fields = redis.call('HGETALL', key)
  local participants = {}
  for i = 1, #fields, 2 do
    if fields[i] ~= 'call' then
      local participant = cjson.decode(fields[i + 1])
      if not participant.leftAt then
        participant.leftAt = now
        participant.leaveReason = reason ~= '' and reason or 'network'
      end
      table.insert(participants, participant)
    end
  end
  redis.call('DEL', key)
  if #participants == 0 then return '', 0 end
  call.endedAt = now
  call.participants = participants
  return cjson.encode(call), 1
end
`;

const byArrival = (a: BookedParticipant, b: BookedParticipant) => a.joinedAt - b.joinedAt || (a.id < b.id ? -1 : 1);

/** A call as `call_joined` answers it. */
export function joinedCall(json: string, started: number | string): JoinedCall {
  return { ...(JSON.parse(json) as BookedCall), started: Number(started) === 1 };
}

/** A call as `call_left` answers it (null: none was kept for the seat's room). */
export function leftCall(json: string, leftAt: number | string): LeftCall | null {
  if (!json) return null;
  const parsed = JSON.parse(json) as BookedCall & Partial<EndedCall>;
  const { endedAt, participants, ...call } = parsed;
  const ended =
    endedAt === undefined ? null : { ...call, endedAt, participants: [...(participants ?? [])].sort(byArrival) };
  return { call, leftAt: Number(leftAt), ended };
}
