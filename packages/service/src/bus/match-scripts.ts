/**
 * The matching scripts of random mode (see `scripts.ts` for how they run): every transition of a random queue
 * is one of them, so no two nodes interleave and Redis's `TIME` is the one clock. `MATCH_LIBRARY` holds what
 * they share; each command is that library and a few lines of its own.
 *
 * Keys, all under the matching prefix P (`ARGV[1]`), a line being `project/random/queue`:
 * - `line:L` (hash: the counters of the front and back of the order, `ver` bumped by every change, `pairs`),
 *   `line:L:order` (sorted set: who waits, by place; the front counts down, the back up),
 *   `line:L:heads` and `line:L:group:G` (the free entries, indexed by visitor group: each group's free entries,
 *   and each group by its first one, so a search skips a group it may not meet in one step, as `match-queue.ts`);
 * - `member:PEER` (hash: the visitor, its state, place, pair, the node holding its connection, its last partner);
 * - `pair:ID` (hash: the two, `opening` or `found`, the room, who took their seat), `room:PROJECT/NAME` → ID;
 * - `reported:PROJECT` (set: `x y` for each identity pair kept apart, both ways), `project:PROJECT` (members);
 * - `timers` (sorted set of due timers, fired by whichever node asks first: `deadline ID`, `opening ID`,
 *   `rematch PEER`), `totals` (hash: `waiting:random`, the cluster's gauge).
 *
 * What a script decides for other connections is published, in the script, on the channel `node:NODE` of the
 * node holding each one: every node so hears of its connections' news in the order the scripts made it.
 */
import { NOW } from './scripts.js';

/** What every matching script starts with: ARGV[1] prefix, ARGV[2] this node, ARGV[3] timings as JSON. */
const MATCH_LIBRARY = `
local P = ARGV[1]
local NODE = ARGV[2]
local T = cjson.decode(ARGV[3])
${NOW}
local TIMERS = P .. 'timers'
local TOTALS = P .. 'totals'
local effects = {}
local touched, touched_list = {}, {}
local fresh_list = {}
local opens, closes = {}, {}
local CALLER = ''

local function mkey(peer) return P .. 'member:' .. peer end
local function lkey(line) return P .. 'line:' .. line end
local function okey(line) return P .. 'line:' .. line .. ':order' end
local function hkey(line) return P .. 'line:' .. line .. ':heads' end
local function gkey(line, g) return P .. 'line:' .. line .. ':group:' .. g end
local function pkey(id) return P .. 'pair:' .. id end
local function rkey(project) return P .. 'reported:' .. project end

local function hash(key)
  local raw = redis.call('HGETALL', key)
  if #raw == 0 then return nil end
  local h = {}
  for i = 1, #raw, 2 do h[raw[i]] = raw[i + 1] end
  return h
end
local function member(peer)
  local m = hash(mkey(peer))
  if m then m.peer = peer end
  return m
end
local function get_pair(id)
  if not id or id == '' then return nil end
  local pr = hash(pkey(id))
  if pr then pr.id = id end
  return pr
end
local function other(pr, peer) if pr.a == peer then return pr.b end return pr.a end
local function seated(pr, peer) return pr['s:' .. peer] == '1' end

local function tell(m, effect)
  effect.s = m.socket
  effect.p = m.peer
  local list = effects[m.node]
  if not list then list = {}; effects[m.node] = list end
  list[#list + 1] = effect
end
local function touch(peer)
  if not touched[peer] then touched[peer] = true; touched_list[#touched_list + 1] = peer end
end

local function status_of(m, override, reason)
  local position = 0
  if not override and m.state == 'waiting' then
    local rank = redis.call('ZRANK', okey(m.line), m.peer)
    if rank then position = rank + 1 end
  end
  local s = { mode = m.mode, queue = m.queue, status = override or m.state, position = position,
    waiting = redis.call('ZCARD', okey(m.line)), agentsOnline = 0, estimatedWaitMs = cjson.null }
  if reason then s.reason = reason end
  return s
end

local function group_of(m)
  if m.visitor ~= '' then return 'v:' .. m.visitor end
  return 'p:' .. m.peer
end
local function index_free(m)
  local g = group_of(m)
  redis.call('ZADD', gkey(m.line, g), m.seq, m.peer)
  local first = redis.call('ZRANGE', gkey(m.line, g), 0, 0, 'WITHSCORES')
  redis.call('ZADD', hkey(m.line), first[2], g)
end
local function unindex(m)
  local g = group_of(m)
  if redis.call('ZREM', gkey(m.line, g), m.peer) == 0 then return end
  local first = redis.call('ZRANGE', gkey(m.line, g), 0, 0, 'WITHSCORES')
  if #first == 0 then redis.call('ZREM', hkey(m.line), g) else redis.call('ZADD', hkey(m.line), first[2], g) end
end
local function bump(line) redis.call('HINCRBY', lkey(line), 'ver', 1) end

-- In line: at the back, or at the front for one served once already. It is fresh: a new pair may involve it.
local function enqueue(m, front)
  local seq
  if front then seq = redis.call('HINCRBY', lkey(m.line), 'front', -1)
  else seq = redis.call('HINCRBY', lkey(m.line), 'back', 1) end
  m.seq, m.state, m.since, m.pair = tostring(seq), 'waiting', tostring(now), ''
  redis.call('HSET', mkey(m.peer), 'seq', m.seq, 'state', 'waiting', 'since', m.since, 'pair', '')
  if redis.call('ZADD', okey(m.line), seq, m.peer) == 1 then redis.call('HINCRBY', TOTALS, 'waiting:' .. m.mode, 1) end
  if m.susp ~= '1' then index_free(m); fresh_list[#fresh_list + 1] = m.peer end
  bump(m.line)
  touch(m.peer)
end
local function dequeue(m)
  unindex(m)
  if redis.call('ZREM', okey(m.line), m.peer) == 1 then redis.call('HINCRBY', TOTALS, 'waiting:' .. m.mode, -1) end
  bump(m.line)
end
local function forget(m)
  dequeue(m)
  redis.call('DEL', mkey(m.peer))
  if redis.call('DECR', P .. 'project:' .. m.project) <= 0 then redis.call('DEL', P .. 'project:' .. m.project) end
end
local function let_go(m, reason)
  local s = status_of(m, 'left', reason)
  forget(m)
  tell(m, { t = 'status', st = s })
end

local function ids_of(peer, visitor)
  if visitor and visitor ~= '' then return { 'p:' .. peer, 'v:' .. visitor } end
  return { 'p:' .. peer }
end
local function blocks(project, a, b)
  for _, x in ipairs(a) do
    for _, y in ipairs(b) do
      if redis.call('SISMEMBER', rkey(project), x .. ' ' .. y) == 1 then return true end
    end
  end
  return false
end
local function just_left(a, b) return a.lp == b.peer or b.lp == a.peer end
local function pause_left(a, b)
  local ended = -1
  if a.lp == b.peer then ended = math.max(ended, tonumber(a.lpat)) end
  if b.lp == a.peer then ended = math.max(ended, tonumber(b.lpat)) end
  if ended < 0 then return 0 end
  return ended + T.rematchMs - now
end

-- The earliest free entry m may be paired with: other groups in order, each walked only past those it may not meet.
local function earliest_partner(m, pausing)
  local own = group_of(m)
  local ids = ids_of(m.peer, m.visitor)
  local best, best_seq, retry = nil, math.huge, math.huge
  local i = 0
  while true do
    local heads = redis.call('ZRANGE', hkey(m.line), i, i + 15, 'WITHSCORES')
    if #heads == 0 then break end
    for h = 1, #heads, 2 do
      local g = heads[h]
      if tonumber(heads[h + 1]) > best_seq then return best, retry end
      local skip = g == own or (string.sub(g, 1, 2) == 'v:' and blocks(m.project, ids, { g }))
      local j = 0
      while not skip do
        local entries = redis.call('ZRANGE', gkey(m.line, g), j, j + 15, 'WITHSCORES')
        if #entries == 0 then break end
        for e = 1, #entries, 2 do
          local seq = tonumber(entries[e + 1])
          if seq > best_seq then skip = true; break end
          local o = member(entries[e])
          if o and not blocks(m.project, ids, ids_of(o.peer, o.visitor)) then
            local ok = true
            if just_left(m, o) then
              local wait = pausing and pause_left(m, o) or 1
              if wait > 0 then ok = false end
              if pausing and wait > 0 then retry = math.min(retry, wait) end
            end
            if ok then best, best_seq, skip = o, seq, true; break end
          end
        end
        j = j + 16
      end
    end
    i = i + 16
  end
  return best, retry
end

local function start_pair(a, b)
  local id = tostring(redis.call('INCR', P .. 'pair-ids'))
  redis.call('HSET', pkey(id), 'line', a.line, 'project', a.project, 'mode', a.mode, 'queue', a.queue,
    'a', a.peer, 'b', b.peer, 'phase', 'opening')
  for _, m in ipairs({ a, b }) do
    dequeue(m)
    redis.call('HSET', mkey(m.peer), 'state', 'matched', 'pair', id)
    touch(m.peer)
  end
  redis.call('HINCRBY', lkey(a.line), 'pairs', 1)
  redis.call('ZADD', TIMERS, now + T.openingMs, 'opening ' .. id)
  opens[#opens + 1] = { pair = id, projectId = a.project, mode = a.mode, queue = a.queue }
end

-- Random: forms every pair the fresh entries allow (after every script no two free entries may be paired).
local function pair_fresh()
  while #fresh_list > 0 do
    local list = {}
    for _, peer in ipairs(fresh_list) do
      local m = member(peer)
      if m and m.state == 'waiting' and m.susp ~= '1' then list[#list + 1] = m end
    end
    fresh_list = {}
    table.sort(list, function(x, y) return tonumber(x.seq) < tonumber(y.seq) end)
    for _, stale in ipairs(list) do
      local m = member(stale.peer)
      if m and m.state == 'waiting' and m.susp ~= '1' then
        local partner, retry = earliest_partner(m, false)
        if not partner then partner, retry = earliest_partner(m, true) end
        if partner then
          if tonumber(partner.seq) < tonumber(m.seq) then start_pair(partner, m) else start_pair(m, partner) end
        elseif retry < math.huge then
          redis.call('ZADD', TIMERS, now + retry, 'rematch ' .. m.peer)
        end
      end
    end
  end
end

local function finish(pr)
  redis.call('DEL', pkey(pr.id))
  redis.call('ZREM', TIMERS, 'opening ' .. pr.id, 'deadline ' .. pr.id)
  redis.call('HINCRBY', lkey(pr.line), 'pairs', -1)
  if pr.roomName then
    redis.call('DEL', P .. 'room:' .. pr.project .. '/' .. pr.roomName)
    -- A seat taken in it from now on is one whose join crossed the end of the pair (see MATCH_SEAT).
    redis.call('SET', P .. 'over:' .. pr.roomId, '1', 'PX', 3600000)
    closes[#closes + 1] = { projectId = pr.project, roomId = pr.roomId }
  end
  for _, peer in ipairs({ pr.a, pr.b }) do
    if redis.call('HGET', mkey(peer), 'pair') == pr.id then redis.call('HSET', mkey(peer), 'pair', '') end
  end
end
local function remember_partner(peer, partner, visitor)
  if redis.call('EXISTS', mkey(peer)) == 1 then
    redis.call('HSET', mkey(peer), 'lp', partner, 'lpv', visitor or '', 'lpat', now)
  end
end

-- After its pair ended, a party waits again at the front; match:ended tells whoever was sent match:found.
local function put_back(pr, peer, reason)
  local m = member(peer)
  if not m then return end
  if seated(pr, peer) then tell(m, { t = 'unseat', r = 'hangup' }) end
  enqueue(m, true)
  if pr.phase ~= 'found' then return end
  tell(m, { t = 'ended', e = { reason = reason, status = status_of(m) } })
end
local function abandon(pr, leaver, seat_freed)
  local partner = other(pr, leaver)
  finish(pr)
  local l = member(leaver)
  if l and not seat_freed and seated(pr, leaver) then tell(l, { t = 'unseat', r = 'hangup' }) end
  remember_partner(partner, leaver, l and l.visitor)
  put_back(pr, partner, 'partner-left')
end
local function split(pr, caller, reason)
  local partner = other(pr, caller)
  finish(pr)
  local c, p = member(caller), member(partner)
  remember_partner(caller, partner, p and p.visitor)
  remember_partner(partner, caller, c.visitor)
  if seated(pr, caller) then tell(c, { t = 'unseat', r = 'hangup' }) end
  enqueue(member(caller), true)
  -- The reported side is not told it was reported: to it, the partner just left.
  if reason == 'next' then put_back(pr, partner, 'next') else put_back(pr, partner, 'partner-left') end
end
local function cancel_opening(pr)
  finish(pr)
  put_back(pr, pr.a, 'partner-left')
  put_back(pr, pr.b, 'partner-left')
end
-- m leaves matching altogether (cancel, disconnect): a seat it holds is freed as seat_reason, its partner waits again.
local function depart(m, seat_reason)
  local pr = get_pair(m.pair)
  if pr then
    if seated(pr, m.peer) then tell(m, { t = 'unseat', r = seat_reason }) end
    abandon(pr, m.peer, true)
  end
  forget(member(m.peer))
end

-- Pairs what can be paired now, tells every connection concerned (its node, in order), and answers the caller.
-- A caller's reply token (T.reply) is published last on its own node's channel: once its node hears it, it has
-- heard everything published for it before, and may answer its client without overtaking any of it.
local function done(respond)
  pair_fresh()
  for _, peer in ipairs(touched_list) do
    if peer ~= CALLER then
      local m = member(peer)
      if m then tell(m, { t = 'status', st = status_of(m) }) end
    end
  end
  if T.reply then tell({ socket = T.reply, peer = '', node = NODE }, { t = 'reply' }) end
  for node, list in pairs(effects) do redis.call('PUBLISH', P .. 'node:' .. node, cjson.encode(list)) end
  local answer = respond and respond() or {}
  if #opens > 0 then answer.opens = opens end
  if #closes > 0 then answer.closes = closes end
  return cjson.encode(answer)
end
local function refuse(code) return cjson.encode({ err = code }) end
`;

/**
 * Puts a visitor in line. ARGV[4]: peer id; ARGV[5]: the visitor as JSON (project, queue, socket, name, media,
 * visitor); ARGV[6], ARGV[7]: the caps per queue and per project (0: none). Answers its status and line.
 */
export const MATCH_ENTER = `${MATCH_LIBRARY}
local peer = ARGV[4]
local v = cjson.decode(ARGV[5])
if redis.call('EXISTS', mkey(peer)) == 1 then return refuse('already_in_queue') end
local line = v.project .. '/random/' .. v.queue
local per_queue, per_project = tonumber(ARGV[6]), tonumber(ARGV[7])
if per_queue > 0 and redis.call('ZCARD', okey(line)) >= per_queue then return refuse('queue_full:queue') end
if per_project > 0 and tonumber(redis.call('GET', P .. 'project:' .. v.project) or '0') >= per_project then
  return refuse('queue_full:project')
end
redis.call('HSET', mkey(peer), 'line', line, 'project', v.project, 'mode', 'random', 'queue', v.queue,
  'socket', v.socket, 'name', v.name, 'media', v.media, 'visitor', v.visitor, 'node', NODE, 'susp', '0',
  'lp', '', 'lpv', '', 'lpat', '0')
redis.call('INCR', P .. 'project:' .. v.project)
enqueue(member(peer), false)
CALLER = peer
return done(function() return { line = line, status = status_of(member(peer)) } end)
`;

/** Cancel: out of line, or out of its pair (the partner waits again). ARGV[4]: peer id. */
export const MATCH_LEAVE = `${MATCH_LIBRARY}
local m = member(ARGV[4])
if not m then return refuse('not_in_queue') end
depart(m, 'hangup')
return done()
`;

/** Random "next": ends the pair and both wait again. ARGV[4]: peer id. Answers its status. */
export const MATCH_NEXT = `${MATCH_LIBRARY}
local peer = ARGV[4]
local m = member(peer)
if not m then return refuse('not_matched') end
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
if not m then return refuse('not_matched') end
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
local a, b = member(pr.a), member(pr.b)
for _, side in ipairs({ { a, b }, { b, a } }) do
  local m, partner = side[1], side[2]
  local found = { mode = pr.mode, queue = pr.queue, room = ARGV[6],
    partner = { peerId = partner.peer, displayName = partner.name } }
  if partner.media ~= '' then found.partner.media = cjson.decode(partner.media) end
  tell(m, { t = 'found', m = found })
end
return done()
`;

/**
 * A pair's room could not be opened: both wait again at the front, kept from each other for the rematch pause
 * (so a store that fails does not make them retry each other at once). ARGV[4]: pair.
 */
export const MATCH_OPEN_FAILED = `${MATCH_LIBRARY}
local pr = get_pair(ARGV[4])
if not pr or pr.phase ~= 'opening' then return done() end
finish(pr)
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
local m = member(peer)
local pr = m and get_pair(m.pair)
if not pr or pr.roomId ~= room then
  -- Seated in the room of a pair that ended meanwhile (its deadline fired while it joined): its node frees the seat.
  if taken and redis.call('EXISTS', P .. 'over:' .. room) == 1 then return cjson.encode({ stale = true }) end
  return done()
end
if taken then
  redis.call('HSET', pkey(pr.id), 's:' .. peer, '1')
  if seated(pr, other(pr, peer)) then redis.call('ZREM', TIMERS, 'deadline ' .. pr.id) end
  return done()
end
if not seated(pr, peer) then return done() end
-- It left its match room (hung up, or did not come back in time): the pair is over, and it is done with matching.
abandon(pr, peer, true)
forget(member(peer))
return done()
`;

/**
 * The connection dropped (ARGV[5] 'suspend': it keeps its place, unmatchable), came back on this node
 * ('resume': answers whether it had a place, and its line), or is gone for good ('gone'). A drop or an end is
 * heard only from the node holding the connection now: the node it left no longer speaks for it.
 */
export const MATCH_CONNECTION = `${MATCH_LIBRARY}
local peer, what = ARGV[4], ARGV[5]
local m = member(peer)
if not m then return done(function() return { had = false } end) end
if what == 'resume' then
  redis.call('HSET', mkey(peer), 'node', NODE, 'socket', ARGV[6])
  m.node, m.socket = NODE, ARGV[6]
  if m.susp == '1' then
    redis.call('HSET', mkey(peer), 'susp', '0')
    m.susp = '0'
    if m.state == 'waiting' then index_free(m); fresh_list[#fresh_list + 1] = peer; bump(m.line) end
  end
  return done(function() return { had = true, line = m.line } end)
end
if m.node ~= NODE then return done(function() return { had = true } end) end
if what == 'suspend' then
  redis.call('HSET', mkey(peer), 'susp', '1')
  unindex(m)
  bump(m.line)
else
  depart(m, 'timeout')
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
 * Where a connection stands: its state, its status, and the ticket to its room once open. ARGV[4]: peer id.
 * Read-only.
 */
export const MATCH_STATE = `${MATCH_LIBRARY}
local m = member(ARGV[4])
if not m then return '{}' end
local answer = { state = m.state, status = status_of(m) }
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
