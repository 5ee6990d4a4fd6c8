/**
 * The seat scripts (see `scripts.ts` for how they run): a room's seats are one Redis hash, its peer id to the
 * seat as JSON, with the socket that holds it and the epoch it was taken or resumed under. One counter hands out
 * epochs. A seat is freed only by the socket and epoch that hold it, so a stale socket never frees a seat
 * that was resumed elsewhere. One hash keeps the deployment's totals, rooms with a seat and seats, changed by the
 * same scripts that change the seats (the cluster's gauges).
 */

/** Reads Redis's clock in ms into `now`. */
const NOW = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
`;

/**
 * Takes a seat. KEYS: the room's seats, the epoch counter, the totals; ARGV: peer id, the seat as JSON, the
 * room's capacity. Returns `{0}` when the room is full, else `{1, the seat as written, each seat already there}`.
 */
export const TAKE_SEAT = `
local taken = redis.call('HVALS', KEYS[1])
if #taken >= tonumber(ARGV[3]) then return {0} end
${NOW}
local seat = cjson.decode(ARGV[2])
seat.joinedAt = now
seat.epoch = redis.call('INCR', KEYS[2])
local written = cjson.encode(seat)
if redis.call('HSET', KEYS[1], ARGV[1], written) == 1 then
  redis.call('HINCRBY', KEYS[3], 'participants', 1)
  if #taken == 0 then redis.call('HINCRBY', KEYS[3], 'rooms', 1) end
end
return {1, written, unpack(taken)}
`;

/**
 * Frees a seat, if `ARGV`'s socket and epoch still hold it. KEYS: the room's seats, the totals; ARGV: peer id,
 * socket id, epoch (empty: whichever, for a take whose answer was lost). Returns the freed seat as JSON, or false
 * when it is gone or held by another socket or epoch.
 */
export const LEAVE_SEAT = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return false end
local seat = cjson.decode(raw)
if seat.socketId ~= ARGV[2] or (ARGV[3] ~= '' and seat.epoch ~= tonumber(ARGV[3])) then return false end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HINCRBY', KEYS[2], 'participants', -1)
if redis.call('HLEN', KEYS[1]) == 0 then redis.call('HINCRBY', KEYS[2], 'rooms', -1) end
return raw
`;

/**
 * A recovered socket takes its seat back, on whichever node: under a new epoch, so the node it dropped from can
 * no longer free it. KEYS: the room's seats, the epoch counter; ARGV: peer id, socket id. Returns the seat as
 * JSON, or false when it is gone (or held by another socket).
 */
export const RESUME_SEAT = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return false end
local seat = cjson.decode(raw)
if seat.socketId ~= ARGV[2] then return false end
seat.epoch = redis.call('INCR', KEYS[2])
local written = cjson.encode(seat)
redis.call('HSET', KEYS[1], ARGV[1], written)
return written
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

/** Empties a room. KEYS: the room's seats, the totals. Returns each seat that was there, as JSON. */
export const CLEAR_SEATS = `
local seats = redis.call('HVALS', KEYS[1])
if #seats > 0 then
  redis.call('DEL', KEYS[1])
  redis.call('HINCRBY', KEYS[2], 'participants', -#seats)
  redis.call('HINCRBY', KEYS[2], 'rooms', -1)
end
return seats
`;
