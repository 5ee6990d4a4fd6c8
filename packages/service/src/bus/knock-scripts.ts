/**
 * The knock scripts (see `scripts.ts` for how they run): who waits at a room's door is one Redis hash, its peer id
 * to the knock as JSON (the knocking socket, the name shown, the stored room, the node holding the connection and
 * the knock's place in the order of seats and knocks). Each node's knocks are listed in a set of its own (members
 * `peer id` + space + room key, as its seats are), and the nodes with knocks in one set: the knocks of a node that
 * stopped beating are withdrawn by another (`CLAIM_DEAD_KNOCKS`). A host's admission is one key per guest and
 * room, with the admitted socket, kept until the guest's node reads it (then the connection keeps it) and for at
 * most a while.
 *
 * A knock takes its place from the seats' epoch counter: a host seated under an epoch below a knock's was seated
 * when the knock was made (and told of it then); one seated above it is shown the knock when it sits down.
 */
import { NODE_MEMBER, NOW } from './scripts.js';

/** The peer ids of the hosts seated in a room, given its seats' key. */
const HOSTS_OF = `
local function hosts_of(seats)
  local hosts = {}
  for _, raw in ipairs(redis.call('HVALS', seats)) do
    local seat = cjson.decode(raw)
    if seat.role == 'host' then table.insert(hosts, seat.peerId) end
  end
  return hosts
end
`;

/**
 * Puts a knock at a room's door (replacing one of the same peer). KEYS: the room's knocks, the knocking node's
 * knocks, the nodes with knocks, the room's seats, the seats' epoch counter, the nodes' beats (knocking is a beat);
 * ARGV: peer id, the knock as JSON (naming its node), the room key, the node, the keys' prefix. Returns the peer
 * ids of the hosts seated now, who are to be told.
 */
export const KNOCK = `
${NOW}
${HOSTS_OF}
local old = redis.call('HGET', KEYS[1], ARGV[1])
if old then redis.call('SREM', ARGV[5] .. 'node-knocks:' .. cjson.decode(old).node, ARGV[1] .. ' ' .. ARGV[3]) end
local knock = cjson.decode(ARGV[2])
knock.seq = redis.call('INCR', KEYS[5])
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(knock))
redis.call('SADD', KEYS[2], ARGV[1] .. ' ' .. ARGV[3])
redis.call('SADD', KEYS[3], ARGV[4])
redis.call('ZADD', KEYS[6], now, ARGV[4])
return hosts_of(KEYS[4])
`;

/**
 * Takes a knock off a room's door if `ARGV`'s socket made it; with `final` (its connection ended for good), also
 * the admission a host gave that socket there. KEYS: the room's knocks, the room's seats, the guest's admission;
 * ARGV: peer id, socket id, the keys' prefix, the room key, final (1 or 0). Returns `{the knock as JSON, each
 * host's peer id}`, or `{}` when that socket has no knock there.
 */
export const WITHDRAW_KNOCK = `
${HOSTS_OF}
if ARGV[5] == '1' then
  local admission = redis.call('GET', KEYS[3])
  if admission and cjson.decode(admission).socketId == ARGV[2] then redis.call('DEL', KEYS[3]) end
end
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return {} end
local knock = cjson.decode(raw)
if knock.socketId ~= ARGV[2] then return {} end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('SREM', ARGV[3] .. 'node-knocks:' .. knock.node, ARGV[1] .. ' ' .. ARGV[4])
return {raw, unpack(hosts_of(KEYS[2]))}
`;

/**
 * A host answers a knock: it is taken off the door (answered once), and an admission is kept for the knocking
 * socket. KEYS: the room's knocks, the room's seats, the guest's admission; ARGV: peer id, admitted (1 or 0), the
 * keys' prefix, the room key, how long the admission is kept unread (ms). Returns `{the knock as JSON, each host's
 * peer id}`, or `{}` when nobody by that id knocks there.
 */
export const ANSWER_KNOCK = `
${HOSTS_OF}
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return {} end
local knock = cjson.decode(raw)
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('SREM', ARGV[3] .. 'node-knocks:' .. knock.node, ARGV[1] .. ' ' .. ARGV[4])
if ARGV[2] == '1' then
  local admission = cjson.encode({socketId = knock.socketId, roomId = knock.roomId})
  redis.call('SET', KEYS[3], admission, 'PX', tonumber(ARGV[5]))
end
return {raw, unpack(hosts_of(KEYS[2]))}
`;

/**
 * Withdraws the knocks of the nodes with knocks that have not beaten for `ARGV[2]` ms (or were forgotten by
 * `CLAIM_DEAD`), other than `ARGV[3]` (the caller); those nodes' lists go. KEYS: the nodes with knocks, the nodes'
 * beats; ARGV: the keys' prefix, ms without a beat, the calling node. Returns, for each knock withdrawn, its room
 * key, the knock as JSON and the peer ids of the room's hosts joined by spaces, one after the other.
 */
export const CLAIM_DEAD_KNOCKS = `
${NODE_MEMBER}
${NOW}
${HOSTS_OF}
local prefix = ARGV[1]
local withdrawn = {}
for _, node in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local beat = redis.call('ZSCORE', KEYS[2], node)
  if node ~= ARGV[3] and (not beat or tonumber(beat) < now - tonumber(ARGV[2])) then
    local list = prefix .. 'node-knocks:' .. node
    for _, member in ipairs(redis.call('SMEMBERS', list)) do
      local peer, room = node_member(member)
      local knocks = prefix .. 'knocks:' .. room
      local raw = redis.call('HGET', knocks, peer)
      if raw and cjson.decode(raw).node == node then
        redis.call('HDEL', knocks, peer)
        table.insert(withdrawn, room)
        table.insert(withdrawn, raw)
        table.insert(withdrawn, table.concat(hosts_of(prefix .. 'seats:' .. room), ' '))
      end
    end
    redis.call('DEL', list)
    redis.call('SREM', KEYS[1], node)
  end
end
return withdrawn
`;
