/**
 * What every matching script shares (see `match-scripts.ts` for the keys and the commands): reading members and
 * pairs, the order and its index by visitor group, the search for a partner, pairs starting and ending, and
 * `done`, which pairs what can be paired, tells every connection concerned on its node's channel, and answers.
 */
import { NOW } from './scripts.js';

/**
 * What every matching script starts with: ARGV[1] prefix, ARGV[2] this node, ARGV[3] its settings as JSON (the
 * timings, a reply token, and `beats`: the key of the nodes' beats, which the seats keep).
 */
export const MATCH_LIBRARY = `
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
-- The node holding m's connection: its places are claimed if it stops beating (holding a place is a beat).
local function held_by(m, node)
  if m.node and m.node ~= node then redis.call('SREM', P .. 'node-places:' .. m.node, m.peer) end
  m.node = node
  redis.call('HSET', mkey(m.peer), 'node', node)
  redis.call('SADD', P .. 'node-places:' .. node, m.peer)
  redis.call('SADD', P .. 'place-nodes', node)
  redis.call('ZADD', T.beats, now, node)
end
local function forget(m)
  dequeue(m)
  if m.node then redis.call('SREM', P .. 'node-places:' .. m.node, m.peer) end
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
