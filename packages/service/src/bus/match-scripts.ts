/**
 * The matching scripts (see `scripts.ts` for how they run): every transition of a random or a support queue is
 * one of them, so no two nodes interleave and Redis's `TIME` is the one clock. `MATCH_LIBRARY` holds what they
 * share; each command is that library and a few lines of its own. The agents' own commands are in
 * `support-scripts.ts`.
 *
 * Keys, all under the matching prefix P (`ARGV[1]`), a line being `project/MODE/queue`:
 * - `line:L` (hash: the counters of the front and back of the order, `ver` bumped by every change, `pairs`),
 *   `line:L:order` (sorted set: who waits, by place; the front counts down, the back up),
 *   `line:L:heads` and `line:L:group:G` (the free entries, indexed by visitor group: each group's free entries,
 *   and each group by its first one, so a search skips a group it may not meet in one step, as `match-queue.ts`);
 * - `member:PEER` (hash: the visitor or customer, its state, place, pair, the node holding its connection, its
 *   last partner; a customer's message, when it first waited and whether an agent answered it);
 * - `agent:PEER` (hash: its line, status, pair, node and socket), `line:L` field `online` (agents online there),
 *   `line:L:waits` (list: the last waits, for the estimates);
 * - `pair:ID` (hash: the two, `opening` or `found`, the room, who took their seat, which is the agent in a
 *   support call), `room:PROJECT/NAME` → ID;
 * - `reported:PROJECT` (set: `x y` for each identity pair kept apart, both ways), `project:PROJECT` (members);
 * - `timers` (sorted set of due timers, fired by whichever node asks first: `deadline ID`, `opening ID`,
 *   `rematch PEER`), `totals` (hash: `waiting:random`, `waiting:support`, `agents:online`, the cluster's gauges).
 *
 * What a script decides for other connections is published, in the script, on the channel `node:NODE` of the
 * node holding each one: every node so hears of its connections' news in the order the scripts made it. A line
 * whose agents online changed is published on `lines`: every node tells its customers there at once.
 */
import { MATCH_LIBRARY } from './match-library.js';

/**
 * Puts a visitor or a customer in line. ARGV[4]: peer id; ARGV[5]: the visitor as JSON (project, mode, queue,
 * socket, name, media, visitor, message); ARGV[6], ARGV[7]: the caps per queue and per project (0: none).
 * Answers its status and line.
 */
export const MATCH_ENTER = `${MATCH_LIBRARY}
local peer = ARGV[4]
local v = cjson.decode(ARGV[5])
if redis.call('EXISTS', mkey(peer)) == 1 or redis.call('EXISTS', akey(peer)) == 1 then
  return refuse('already_in_queue')
end
local line = v.project .. '/' .. v.mode .. '/' .. v.queue
local per_queue, per_project = tonumber(ARGV[6]), tonumber(ARGV[7])
if per_queue > 0 and redis.call('ZCARD', okey(line)) >= per_queue then return refuse('queue_full:queue') end
if per_project > 0 and tonumber(redis.call('GET', P .. 'project:' .. v.project) or '0') >= per_project then
  return refuse('queue_full:project')
end
redis.call('HSET', mkey(peer), 'line', line, 'project', v.project, 'mode', v.mode, 'queue', v.queue,
  'socket', v.socket, 'name', v.name, 'media', v.media, 'visitor', v.visitor, 'susp', '0',
  'lp', '', 'lpv', '', 'lpat', '0', 'msg', v.message, 'wsince', now, 'answered', '0')
redis.call('INCR', P .. 'project:' .. v.project)
local m = member(peer)
held_by(m, NODE)
enqueue(m, false)
if v.mode == 'support' then customer_news(m, 'waiting', { since = now, message = v.message ~= '' and v.message or cjson.null }) end
CALLER = peer
return done(function() return { line = line, status = status_of(member(peer)) } end)
`;

/** Cancel: out of line, or out of its pair (the partner waits again). ARGV[4]: peer id. */
export const MATCH_LEAVE = `${MATCH_LIBRARY}
local m = member(ARGV[4])
if not m then return refuse('not_in_queue') end
abandoned(m, 'left')
depart(m, 'hangup')
return done()
`;

/** Random "next": ends the pair and both wait again. ARGV[4]: peer id. Answers its status. */
export const MATCH_NEXT = `${MATCH_LIBRARY}
local peer = ARGV[4]
local m = member(peer)
if not m or m.mode ~= 'random' then return refuse('not_matched') end
-- Already waiting, or matched anew (a "next" that crossed its partner's): nothing to end.
local pr = get_pair(m.pair)
if pr and pr.phase == 'found' then split(pr, peer, 'next') end
CALLER = peer
return done(function() return { status = status_of(member(peer)) } end)
`;

/**
 * Random report: keeps the current (or the just left) partner away for good, in the project's reported set,
 * and ends the pair. ARGV[4]: peer id. Answers its status and both sides' identities.
 */
export const MATCH_REPORT = `${MATCH_LIBRARY}
local peer = ARGV[4]
local m = member(peer)
if not m or m.mode ~= 'random' then return refuse('not_matched') end
local pr = get_pair(m.pair)
local reported, reported_visitor
if pr and pr.phase == 'found' then
  reported = other(pr, peer)
  local o = member(reported)
  reported_visitor = o and o.visitor or ''
elseif m.lp ~= '' then
  reported, reported_visitor = m.lp, m.lpv
else
  return refuse('not_matched')
end
for _, x in ipairs(ids_of(peer, m.visitor)) do
  for _, y in ipairs(ids_of(reported, reported_visitor)) do
    redis.call('SADD', rkey(m.project), x .. ' ' .. y, y .. ' ' .. x)
  end
end
if pr and pr.phase == 'found' then
  split(pr, peer, 'reported')
elseif pr then
  local o = member(other(pr, peer))
  if o and blocks(m.project, ids_of(peer, m.visitor), ids_of(o.peer, o.visitor)) then cancel_opening(pr) end
end
CALLER = peer
return done(function()
  return { status = status_of(member(peer)), queue = m.queue, reporter = { peerId = peer, visitorId = m.visitor },
    reported = { peerId = reported, visitorId = reported_visitor } }
end)
`;

/** A pair's room is open: both are sent match:found, and their deadline starts. ARGV[4..6]: pair, room id, name. */
export const MATCH_OPENED = `${MATCH_LIBRARY}
local pr = get_pair(ARGV[4])
if not pr or pr.phase ~= 'opening' then return cjson.encode({ close = true }) end
redis.call('HSET', pkey(pr.id), 'phase', 'found', 'roomId', ARGV[5], 'roomName', ARGV[6])
redis.call('SET', P .. 'room:' .. pr.project .. '/' .. ARGV[6], pr.id)
redis.call('ZREM', TIMERS, 'opening ' .. pr.id)
redis.call('ZADD', TIMERS, now + T.deadlineMs, 'deadline ' .. pr.id)
pr.roomName = ARGV[6]
for _, peer in ipairs({ pr.a, pr.b }) do
  local m = party(peer)
  if m then tell_found(pr, m) end
end
return done()
`;

/**
 * A pair's room could not be opened: both wait again at the front, kept from each other for the rematch pause
 * (so a store that fails does not make them retry each other at once). A support customer is let go, told
 * ARGV[5], and the agent is free again (as on one node). ARGV[4]: pair.
 */
export const MATCH_OPEN_FAILED = `${MATCH_LIBRARY}
local pr = get_pair(ARGV[4])
if not pr or pr.phase ~= 'opening' then return done() end
finish(pr)
if pr.mode == 'support' then
  local c = member(pr.a)
  if c then let_go(c, ARGV[5]) end
  return done()
end
local a, b = member(pr.a), member(pr.b)
remember_partner(pr.a, pr.b, b and b.visitor)
remember_partner(pr.b, pr.a, a and a.visitor)
put_back(pr, pr.a, 'partner-left')
put_back(pr, pr.b, 'partner-left')
return done()
`;

/**
 * A seat was taken (ARGV[5]: 1) or freed (0) in room ARGV[6] by peer ARGV[4]. Answers "stale" for a seat taken
 * in the room of a pair that is over.
 */
export const MATCH_SEAT = `${MATCH_LIBRARY}
local peer, taken, room = ARGV[4], ARGV[5] == '1', ARGV[6]
local m = party(peer)
local pr = m and get_pair(m.pair)
if not pr or pr.roomId ~= room then
  -- Seated in the room of a pair that ended meanwhile (its deadline fired while it joined): its node frees the seat.
  if not taken or redis.call('EXISTS', P .. 'over:' .. room) == 0 then return done() end
  -- A visitor or customer was told it is out when its pair ended; an agent, not seated then, was told nothing
  -- (on one node its join would have been refused): it hears the call is over.
  if m and m.kind == 'agent' and m.pair == '' then
    tell(m, { t = 'ended', e = { reason = 'partner-left', status = agent_status(m) } })
  end
  return done(function() return { stale = true } end)
end
if taken then
  redis.call('HSET', pkey(pr.id), 's:' .. peer, '1')
  if seated(pr, other(pr, peer)) then redis.call('ZREM', TIMERS, 'deadline ' .. pr.id) end
  return done()
end
if not seated(pr, peer) then return done() end
-- It left its match room (hung up, or did not come back in time): the pair is over, and a visitor or customer is
-- done with matching; an agent stays an agent.
abandon(pr, peer, true)
if m.kind == 'member' then forget(member(peer)) elseif m.gone == '1' then forget_agent(agent(peer)) end
return done()
`;

/**
 * The connection dropped (ARGV[5] 'suspend': it keeps its place, unmatchable; an agent keeps counting as online),
 * came back on this node, or a new one took its place over ('resume', ARGV[6] its socket: answers whether it had
 * a place, and its line or, for an agent, its line and status), or is gone for good ('gone'). A drop or an end is
 * heard only from the node and the socket (ARGV[6], if given) holding the place now: those it left no longer
 * speak for it (a node it left is told `moved`).
 */
export const MATCH_CONNECTION = `${MATCH_LIBRARY}
local peer, what = ARGV[4], ARGV[5]
local m = party(peer)
if not m then return done(function() return { had = false } end) end
if what == 'resume' then
  if m.node ~= NODE then tell(m, { t = 'moved' }) end
  -- Taken over by a new connection (a resume token: its node went away), not recovered by Socket.io (which
  -- replays what the connection missed).
  local taken_over = m.socket ~= ARGV[6]
  held_by(m, NODE)
  redis.call('HSET', m.kind == 'agent' and akey(peer) or mkey(peer), 'socket', ARGV[6])
  m.socket = ARGV[6]
  if m.kind == 'agent' then
    return done(function() return { had = true, agent = { line = m.line, status = m.status } } end)
  end
  -- Told its status as it stands: news sent while it was being recovered may not have reached it. One taken
  -- over may have missed the match found meanwhile (its node died before telling it): told again, unless it sits
  -- in its room already.
  touch(peer)
  local found = get_pair(m.pair)
  if taken_over and found and found.phase == 'found' and not seated(found, peer) then tell_found(found, m) end
  if m.susp == '1' then
    redis.call('HSET', mkey(peer), 'susp', '0')
    m.susp = '0'
    if m.state == 'waiting' then index_free(m); fresh_list[#fresh_list + 1] = peer; bump(m.line) end
  end
  return done(function() return { had = true, line = m.line } end)
end
if m.node ~= NODE or (ARGV[6] and ARGV[6] ~= '' and m.socket ~= ARGV[6]) then
  return done(function() return { had = true } end)
end
if what == 'suspend' then
  if m.kind == 'member' then
    redis.call('HSET', mkey(peer), 'susp', '1')
    unindex(m)
    bump(m.line)
  end
else
  gone_for_good(m)
end
return done(function() return { had = true } end)
`;

/** A match room's call was ended from outside: its pair is over and nobody waits again. ARGV[4], [5]: project, room name. */
export const MATCH_ROOM_ENDED = `${MATCH_LIBRARY}
local pr = get_pair(redis.call('GET', P .. 'room:' .. ARGV[4] .. '/' .. ARGV[5]))
if not pr then return done() end
finish(pr)
for _, peer in ipairs({ pr.a, pr.b }) do
  local m = member(peer)
  if m then
    -- Those seated were told room:ended; one still on its way is told here.
    if not seated(pr, peer) then tell(m, { t = 'status', st = status_of(m, 'left', ARGV[6]) }) end
    forget(m)
  end
end
return done()
`;

/**
 * Lets go of the places (and agents) held by nodes that have not beaten for ARGV[4] ms (died, or stopped and
 * nobody came back within the grace), other than this one, as if each connection were gone for good: partners
 * wait again and are told, agents go offline. One seated in its match room is left to the seats' claim, which
 * frees its seat first (its partner hears it leave, then that the pair is over). Those nodes' lists go. Answers
 * how many it let go.
 */
export const MATCH_CLAIM_DEAD = `${MATCH_LIBRARY}
local dead_ms = tonumber(ARGV[4])
local claimed = 0
for _, node in ipairs(redis.call('SMEMBERS', P .. 'place-nodes')) do
  local beat = redis.call('ZSCORE', T.beats, node)
  if node ~= NODE and (not beat or tonumber(beat) < now - dead_ms) then
    local list = P .. 'node-places:' .. node
    for _, peer in ipairs(redis.call('SMEMBERS', list)) do
      local m = party(peer)
      if m and m.node == node then
        claimed = claimed + 1
        gone_for_good(m)
      end
    end
    redis.call('DEL', list)
    redis.call('SREM', P .. 'place-nodes', node)
  end
end
return done(function() return { claimed = claimed } end)
`;

/** Fires the due timers (any node; each once): join deadlines, rooms that never opened, rematch pauses over. */
export const MATCH_FIRE = `${MATCH_LIBRARY}
local due = redis.call('ZRANGEBYSCORE', TIMERS, '-inf', now, 'LIMIT', 0, 50)
for _, timer in ipairs(due) do
  redis.call('ZREM', TIMERS, timer)
  local space = string.find(timer, ' ', 1, true)
  local kind, id = string.sub(timer, 1, space - 1), string.sub(timer, space + 1)
  if kind == 'rematch' then
    local m = member(id)
    if m and m.state == 'waiting' and m.susp ~= '1' then fresh_list[#fresh_list + 1] = id end
  else
    local pr = get_pair(id)
    if pr and kind == 'opening' and pr.phase == 'opening' then
      cancel_opening(pr)
    elseif pr and kind == 'deadline' and pr.phase == 'found' and not (seated(pr, pr.a) and seated(pr, pr.b)) then
      -- Whoever took its seat waits again at the front; whoever did not is let go.
      finish(pr)
      for _, peer in ipairs({ pr.a, pr.b }) do
        if seated(pr, peer) then put_back(pr, peer, 'partner-left')
        else
          local m = member(peer)
          if m then let_go(m, ARGV[4]) end
        end
      end
    end
  end
end
return done(function() return { fired = #due } end)
`;

/**
 * Where a connection stands: its state, its status (an agent has none, and is `matched` while in a call), and the
 * ticket to its room once open. ARGV[4]: peer id. Read-only.
 */
export const MATCH_STATE = `${MATCH_LIBRARY}
local m = party(ARGV[4])
if not m then return '{}' end
local answer = {}
if m.kind == 'member' then answer.state, answer.status = m.state, status_of(m)
elseif m.pair ~= '' then answer.state = 'matched' end
local pr = get_pair(m.pair)
if pr and pr.phase == 'found' then
  answer.ticket = { roomId = pr.roomId, room = pr.roomName, mode = pr.mode, queue = pr.queue,
    partnerPeerId = other(pr, m.peer), displayName = m.name }
end
return cjson.encode(answer)
`;

/**
 * Tells this node's waiting connections of line ARGV[4] their place, if the line changed since version ARGV[5]:
 * published on this node's channel like every other status, so it never overtakes a newer one. ARGV[6..]: the
 * peers this node holds in the line. Answers the line's version and those no longer this node's there.
 */
export const MATCH_SWEEP = `${MATCH_LIBRARY}
local line = ARGV[4]
local ver = redis.call('HGET', lkey(line), 'ver') or '0'
if ver == ARGV[5] then return cjson.encode({ ver = ver }) end
local gone = {}
for i = 6, #ARGV do
  local m = member(ARGV[i])
  if not m or m.node ~= NODE or m.line ~= line then gone[#gone + 1] = ARGV[i]
  elseif m.state == 'waiting' then tell(m, { t = 'status', st = status_of(m) }) end
end
for node, list in pairs(effects) do redis.call('PUBLISH', P .. 'node:' .. node, cjson.encode(list)) end
if #gone == 0 then return cjson.encode({ ver = ver }) end
return cjson.encode({ ver = ver, gone = gone })
`;

/** Who waits in line ARGV[4], in order: peer, socket, since, suspended. Read-only; O(n), for inspection. */
export const MATCH_WAITING = `${MATCH_LIBRARY}
local out = {}
for _, peer in ipairs(redis.call('ZRANGE', okey(ARGV[4]), 0, -1)) do
  local m = member(peer)
  if m then out[#out + 1] = { peerId = peer, socketId = m.socket, since = tonumber(m.since), suspended = m.susp == '1' } end
end
if #out == 0 then return '[]' end
return cjson.encode(out)
`;
