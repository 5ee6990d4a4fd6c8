/**
 * The seat scripts (see `scripts.ts` for how they run): a room's seats are one Redis hash, its peer id to the
 * seat as JSON, with the socket that holds it and the epoch it was taken or resumed under. One counter hands out
 * epochs. A seat is freed only by the socket and epoch that hold it, so a stale socket never frees a seat
 * that was resumed elsewhere. One hash keeps the deployment's totals, rooms with a seat and seats, changed by the
 * same scripts that change the seats (the cluster's gauges).
 *
 * Each seat names the node that holds its connection, and each node's seats are listed in a set of its own
 * (members `peer id` + space + room key: a peer id has no space). Nodes beat into one sorted set (score: the
 * time of the last beat); the seats of a node that stopped beating, and that nobody took back on another node
 * meanwhile, are freed once the grace period has passed since its last beat (`CLAIM_DEAD`).
 *
 * The same scripts keep each room's call (`call-book.ts`): taking the first seat opens it, freeing the last
 * closes it, in the step that changes the seats.
 */
import { CALL_BOOK } from './call-book.js';
import { HISTORY_JOURNAL } from './history-journal.js';
import { NODE_MEMBER, NOW } from './scripts.js';

/**
 * Takes `seat` (decoded, of peer `peer` in room `room`) off its node's list and out of the totals, once it is no
 * longer in the room's hash (`left`: how many seats that holds now). `prefix`: the keys'.
 */
const FORGET_SEAT = `
local function forget_seat(prefix, room, peer, seat, left)
  if seat.node then redis.call('SREM', prefix .. 'node-seats:' .. seat.node, peer .. ' ' .. room) end
  redis.call('HINCRBY', prefix .. 'seat-totals', 'participants', -1)
  if left == 0 then redis.call('HINCRBY', prefix .. 'seat-totals', 'rooms', -1) end
end
`;

/**
 * Takes a seat. KEYS: the room's seats, the epoch counter, the totals, the seats of the seat's node, the nodes'
 * beats (taking a seat is a beat: a node's seats are never without one); ARGV: peer id, the seat as JSON (naming
 * its node), the room's capacity, the room key, the keys' prefix, the node's call proposal as JSON (see
 * `call-book.ts`). The join goes into the node's journal, and the seat keeps the entry's id (`journal`), so that
 * undoing the take takes the entry back. Returns `{0}` when the room is full, else `{1, the seat as written, the
 * room's call as JSON, 1 when this seat started the call else 0, each seat already there}`.
 */
export const TAKE_SEAT = `
${CALL_BOOK}
${HISTORY_JOURNAL}
local taken = redis.call('HVALS', KEYS[1])
if #taken >= tonumber(ARGV[3]) then return {0} end
${NOW}
local seat = cjson.decode(ARGV[2])
seat.joinedAt = now
seat.epoch = redis.call('INCR', KEYS[2])
local call, started = call_joined(ARGV[5], ARGV[4], seat, #taken + 1, cjson.decode(ARGV[6]))
seat.journal = journal(ARGV[5], seat.node, 'k', 'joined', 'seat', cjson.encode(seat), 'call', call, 'started', started)
local written = cjson.encode(seat)
if redis.call('HSET', KEYS[1], ARGV[1], written) == 1 then
  redis.call('HINCRBY', KEYS[3], 'participants', 1)
  if #taken == 0 then redis.call('HINCRBY', KEYS[3], 'rooms', 1) end
end
redis.call('SADD', KEYS[4], ARGV[1] .. ' ' .. ARGV[4])
redis.call('ZADD', KEYS[5], now, seat.node)
return {1, written, call, started, unpack(taken)}
`;

/**
 * Lua for the scripts that free seats: `seat_left(prefix, node, raw, seat, left, reason, now, room)` records in
 * the call of room `room` (\`call_left\`) that `seat` (decoded from `raw`) was freed for `reason`, leaving
 * `left` seats, and journals it on `node`: a leave as such; an undone take (reason '') takes its join back out
 * of the journal, and journals only the end of a call others took part in. Returns the call as \`call_left\`
 * answers it, and the journal entry's id ('' when none).
 */
const SEAT_LEFT = `
local function seat_left(prefix, node, raw, seat, left, reason, now, room)
  local call, ended = call_left(prefix, room, seat, left, reason, now)
  if reason == '' and seat.journal then redis.call('XDEL', journal_key(prefix, seat.node), seat.journal) end
  if call == '' then return call, '' end
  if reason ~= '' then
    return call, journal(prefix, node, 'k', 'left', 'seat', raw, 'reason', reason, 'at', now, 'call', call)
  end
  if ended == 1 then return call, journal(prefix, node, 'k', 'ended', 'at', now, 'call', call) end
  return call, ''
end
`;

/**
 * Frees a seat, if `ARGV`'s socket and epoch still hold it. KEYS: the room's seats; ARGV: peer id, socket id,
 * epoch (empty: whichever, for a take whose answer was lost), the keys' prefix, the room key, the leave reason
 * (empty: the take is undone), the node freeing it (whose journal holds the leave).
 * Returns `{the freed seat as JSON, when (Redis's clock), its call as \`call_left\` answers, the journal entry's
 * id}`, or false when the seat is gone or held by another socket or epoch.
 */
export const LEAVE_SEAT = `
${FORGET_SEAT}
${CALL_BOOK}
${HISTORY_JOURNAL}
${SEAT_LEFT}
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return false end
local seat = cjson.decode(raw)
if seat.socketId ~= ARGV[2] or (ARGV[3] ~= '' and seat.epoch ~= tonumber(ARGV[3])) then return false end
redis.call('HDEL', KEYS[1], ARGV[1])
local left = redis.call('HLEN', KEYS[1])
forget_seat(ARGV[4], ARGV[5], ARGV[1], seat, left)
${NOW}
local call, entry = seat_left(ARGV[4], ARGV[7], raw, seat, left, ARGV[6], now, ARGV[5])
return {raw, now, call, entry}
`;

/**
 * Writes `seat` (of peer `peer`, in the room `room`; KEYS as `RESUME_SEAT`'s) anew under a new epoch, as held by
 * node `node`: off its former node's list, on this one's, and a beat of this node. Returns the seat as written.
 */
const MOVE_SEAT = `
local function move_seat(seat, peer, node, prefix, room)
  local member = peer .. ' ' .. room
  if seat.node and seat.node ~= node then redis.call('SREM', prefix .. 'node-seats:' .. seat.node, member) end
  seat.node = node
  seat.epoch = redis.call('INCR', KEYS[2])
  local written = cjson.encode(seat)
  redis.call('HSET', KEYS[1], peer, written)
  redis.call('SADD', KEYS[3], member)
  ${NOW}
  redis.call('ZADD', KEYS[4], now, node)
  return written
end
`;

/**
 * A recovered socket takes its seat back, on whichever node: under a new epoch, so the node it dropped from can
 * no longer free it, and now listed as that node's. KEYS: the room's seats, the epoch counter, the seats of the
 * node taking it back, the nodes' beats (a beat of that node); ARGV: peer id, socket id, that node, the keys' prefix, the room key. Returns the seat as
 * JSON, or false when it is gone (or held by another socket).
 */
export const RESUME_SEAT = `
${MOVE_SEAT}
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return false end
local seat = cjson.decode(raw)
if seat.socketId ~= ARGV[2] then return false end
return move_seat(seat, ARGV[1], ARGV[3], ARGV[4], ARGV[5])
`;

/**
 * A new socket takes over a seat with a resume token (its node went away, so Socket.io had no session to
 * recover): only the taking the token names (its epoch), under a new epoch, now listed as the new node's.
 * KEYS: the room's seats, the epoch counter, the seats of the node taking it over, the nodes' beats; ARGV: peer
 * id, the token's epoch, the new socket id, that node, the keys' prefix, the room key. Returns
 * `{the seat as written, the socket id that held it, each other seat}`, or false when the seat is gone or taken
 * since.
 */
export const TAKE_OVER_SEAT = `
${MOVE_SEAT}
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return false end
local seat = cjson.decode(raw)
if seat.epoch ~= tonumber(ARGV[2]) then return false end
local before = seat.socketId
seat.socketId = ARGV[3]
local written = move_seat(seat, ARGV[1], ARGV[4], ARGV[5], ARGV[6])
local others = {}
for _, other in ipairs(redis.call('HVALS', KEYS[1])) do
  if other ~= written then table.insert(others, other) end
end
return {written, before, unpack(others)}
`;

/**
 * Records a participant's media state on its seat, if `ARGV`'s socket holds it. KEYS: the room's seats; ARGV:
 * peer id, socket id, the media state as JSON. Returns 1 when recorded, else 0.
 */
export const SET_MEDIA = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 0 end
local seat = cjson.decode(raw)
if seat.socketId ~= ARGV[2] then return 0 end
seat.media = cjson.decode(ARGV[3])
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(seat))
return 1
`;

/**
 * Empties a room: everyone in it leaves with `room-ended`, and its call ends, journaled once (its end, with
 * everyone) on the node emptying it. KEYS: the room's seats; ARGV: the keys' prefix, the room key, that node.
 * Returns `{when (Redis's clock), the ended call as JSON or '', the journal entry's id or '', each seat that
 * was there as JSON}`.
 */
export const CLEAR_SEATS = `
${FORGET_SEAT}
${CALL_BOOK}
${HISTORY_JOURNAL}
${NOW}
local seats = redis.call('HVALS', KEYS[1])
redis.call('DEL', KEYS[1])
local ended = ''
for i, raw in ipairs(seats) do
  local seat = cjson.decode(raw)
  forget_seat(ARGV[1], ARGV[2], seat.peerId, seat, #seats - i)
  local call = call_left(ARGV[1], ARGV[2], seat, #seats - i, 'room-ended', now)
  if i == #seats then ended = call end
end
local entry = ''
if ended ~= '' then entry = journal(ARGV[1], ARGV[3], 'k', 'ended', 'at', now, 'call', ended) end
return {now, ended, entry, unpack(seats)}
`;

/** A node's beat. KEYS: the nodes' beats; ARGV: the node. */
export const BEAT = `
${NOW}
redis.call('ZADD', KEYS[1], now, ARGV[1])
return now
`;

/**
 * Frees the seats of the nodes that stopped beating at least the grace period ago (`ARGV[2]` ms), other than
 * `ARGV[3]` (the caller), unless another node took them back meanwhile; those nodes are forgotten. Their
 * journals of call history are adopted first (moved to the caller's), then each freed seat leaves its call with
 * `timeout`, journaled on the caller. KEYS: the nodes' beats; ARGV: the keys' prefix, the grace in ms, the
 * calling node. Returns `{when (Redis's clock), the adopted entries ({id, fields} each), then for each seat
 * freed: its room key, the seat as JSON, its call as \`call_left\` answers and its journal entry's id}`.
 */
export const CLAIM_DEAD = `
${NODE_MEMBER}
${FORGET_SEAT}
${CALL_BOOK}
${HISTORY_JOURNAL}
${SEAT_LEFT}
${NOW}
local prefix = ARGV[1]
local adopted = {}
local freed = {now, adopted}
local dead = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))
for _, node in ipairs(dead) do
  if node ~= ARGV[3] then
    for _, entry in ipairs(adopt_journal(prefix, ARGV[3], node)) do table.insert(adopted, entry) end
    local list = prefix .. 'node-seats:' .. node
    for _, member in ipairs(redis.call('SMEMBERS', list)) do
      local peer, room = node_member(member)
      local seats = prefix .. 'seats:' .. room
      local raw = redis.call('HGET', seats, peer)
      if raw then
        local seat = cjson.decode(raw)
        if seat.node == node then
          redis.call('HDEL', seats, peer)
          local left = redis.call('HLEN', seats)
          forget_seat(prefix, room, peer, seat, left)
          local call, entry = seat_left(prefix, ARGV[3], raw, seat, left, 'timeout', now, room)
          table.insert(freed, room)
          table.insert(freed, raw)
          table.insert(freed, call)
          table.insert(freed, entry)
        end
      end
    end
    redis.call('DEL', list)
    redis.call('ZREM', KEYS[1], node)
  end
end
return freed
`;
