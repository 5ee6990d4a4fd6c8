/**
 * The journal of call history each node keeps in Redis (several nodes). The seat scripts decide a call's course
 * (`call-book.ts`) and, in the same step, add what they decided to the journal of the node that will write it to
 * the store. The entry stays until that node has written it and published what it tells (webhooks); a node that
 * stops before then has its journal adopted by the node that claims its seats, which writes what is left. The
 * store's writes are idempotent upserts (`store/recorded-call.ts`), so an entry written twice changes nothing.
 */
import type { LeaveReason } from '@vcw/shared';
import { joinedCall, leftCall, type EndedCall, type JoinedCall, type LeftCall } from './call-book.js';
import type { BookedSeat } from './seat-book.js';

/**
 * Lua for the seat scripts: each node's journal of the call history they decided (a Redis stream,
 * `<prefix>history:<node>`), written in the same step as the seats, so that a node stopping between a seat
 * script and its store write loses nothing: its journal is adopted by the node that claims it (`CLAIM_DEAD`).
 * A node deletes an entry once the store holds it and what it publishes went out (`signaling/history-journal-replay.ts`).
 *
 * Each entry's fields: `k`, its kind (`joined`, `left`, `ended`); `seat`, the seat as JSON (joined, left);
 * `call`, the call as \`call_joined\` or \`call_left\` answers it; `started` (joined); `reason` (left); `at`, when
 * (Redis's clock: left, ended).
 *
 * `journal(prefix, node, ...)`: adds an entry with those fields to the node's journal; returns its id.
 * `adopt_journal(prefix, node, from)`: moves every entry of node `from`'s journal to the end of `node`'s, in
 * order; returns `{new id, fields}` for each.
 */
export const HISTORY_JOURNAL = `
local function journal_key(prefix, node) return prefix .. 'history:' .. node end

local function journal(prefix, node, ...)
  return redis.call('XADD', journal_key(prefix, node), '*', ...)
end

local function adopt_journal(prefix, node, from)
  local adopted = {}
  local key = journal_key(prefix, from)
  for _, entry in ipairs(redis.call('XRANGE', key, '-', '+')) do
    local id = journal(prefix, node, unpack(entry[2]))
    table.insert(adopted, {id, entry[2]})
  end
  redis.call('DEL', key)
  return adopted
end
`;

/** What one entry says happened: a seat taken into a call, a seat freed from it, or a call ended with a room. */
export type JournalEvent =
  | { kind: 'joined'; seat: BookedSeat; call: JoinedCall }
  | { kind: 'left'; seat: BookedSeat; reason: LeaveReason; left: LeftCall }
  | { kind: 'ended'; ended: EndedCall };

export interface JournalEntry {
  /** The entry's id in its node's journal. */
  id: string;
  event: JournalEvent;
}

/** The key of a node's journal. */
export const journalKey = (prefix: string, node: string): string => `${prefix}history:${node}`;

/** An entry from its stream fields (name, value, …); null when it says nothing this version knows. */
export function journalEntry(id: string, fields: string[]): JournalEntry | null {
  const field = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) field.set(fields[i]!, fields[i + 1]!);
  const seat = field.get('seat');
  const call = field.get('call') ?? '';
  const at = field.get('at') ?? '0';
  const kind = field.get('k');
  if (kind === 'joined' && seat)
    return {
      id,
      event: { kind, seat: JSON.parse(seat) as BookedSeat, call: joinedCall(call, field.get('started') ?? 0) },
    };
  const left = leftCall(call, at);
  if (!left) return null;
  if (kind === 'left' && seat)
    return {
      id,
      event: { kind, seat: JSON.parse(seat) as BookedSeat, reason: field.get('reason') as LeaveReason, left },
    };
  if (kind === 'ended' && left.ended) return { id, event: { kind, ended: left.ended } };
  return null;
}
