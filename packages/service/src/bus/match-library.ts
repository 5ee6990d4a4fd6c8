/**
 * What every matching script shares (see `match-scripts.ts` for the keys and the commands): reading members,
 * agents and pairs, the order and its index by visitor group, a line's figures and a member's status, pairs
 * ending, and `done`, which pairs what can be paired, tells every connection concerned on its node's channel,
 * and answers. Random pairing is `random-library.ts`; support agents and calls are `support-library.ts`.
 */
import { RANDOM_LIBRARY } from './random-library.js';
import { NOW } from './scripts.js';
import { SUPPORT_LIBRARY } from './support-library.js';

/**
 * Reading: ARGV[1] prefix, ARGV[2] this node, ARGV[3] its settings as JSON (the timings, a reply token,
 * `beats`: the key of the nodes' beats, which the seats keep, and `fanout`: the key of the Socket.io adapter's
 * stream); keys, members, agents, pairs, figures.
 */
const BASE = `
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
-- Support customers' news for the webhooks (published once, by the node that ran the script), and the lines
-- whose agents online changed (every node tells its waiting customers there at once).
local customers, lines_changed = {}, {}
local CALLER = ''

local function mkey(peer) return P .. 'member:' .. peer end
local function akey(peer) return P .. 'agent:' .. peer end
local function lkey(line) return P .. 'line:' .. line end
local function okey(line) return P .. 'line:' .. line .. ':order' end
local function hkey(line) return P .. 'line:' .. line .. ':heads' end
local function gkey(line, g) return P .. 'line:' .. line .. ':group:' .. g end
local function wkey(line) return P .. 'line:' .. line .. ':waits' end
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
  if m then m.peer, m.kind = peer, 'member' end
  return m
end
local function agent(peer)
  local a = hash(akey(peer))
  if a then a.peer, a.kind = peer, 'agent' end
  return a
end
-- Whoever a pair may hold: a member (random visitor or support customer) or an agent.
local function party(peer) return member(peer) or agent(peer) end
local function get_pair(id)
  if not id or id == '' then return nil end
  local pr = hash(pkey(id))
  if pr then pr.id = id end
  return pr
end
local function other(pr, peer) if pr.a == peer then return pr.b end return pr.a end
local function seated(pr, peer) return pr['s:' .. peer] == '1' end
local function holder_key(pr, peer) if pr.agent == peer then return akey(peer) end return mkey(peer) end

-- The fan-out stream's last entry (once per script): an ended pair's news (its end, its seat freed) waits there
-- for the room broadcasts sent before it, so that a partner hears the other's peer:left first, whichever nodes
-- they are on.
local FANOUT_MARK
local function fanout_mark()
  if not FANOUT_MARK then
    local last = redis.call('XREVRANGE', T.fanout, '+', '-', 'COUNT', 1)
    FANOUT_MARK = last[1] and last[1][1] or '0-0'
  end
  return FANOUT_MARK
end
local function tell(m, effect)
  effect.s = m.socket
  effect.p = m.peer
  if (effect.t == 'ended' or effect.t == 'unseat') and T.fanout then effect.a = fanout_mark() end
  local list = effects[m.node]
  if not list then list = {}; effects[m.node] = list end
  list[#list + 1] = effect
end
local function touch(peer)
  if not touched[peer] then touched[peer] = true; touched_list[#touched_list + 1] = peer end
end

-- A support line's figures: agents online, and the average of its last waits (nil without history).
local function online_of(line) return tonumber(redis.call('HGET', lkey(line), 'online') or '0') end
local averages = {}
local function average_of(line)
  if averages[line] == nil then
    local waits = redis.call('LRANGE', wkey(line), 0, -1)
    local sum = 0
    for _, w in ipairs(waits) do sum = sum + tonumber(w) end
    averages[line] = #waits > 0 and math.floor(sum / #waits + 0.5) or false
  end
  return averages[line] or nil
end
-- As matching/wait-estimate.ts: the average per customer ahead (and their own), shared among the agents online.
local function estimate(average, position, online)
  if not average or online == 0 or position < 1 then return cjson.null end
  return math.floor(average * position / math.max(1, online) + 0.5)
end

local function status_of(m, override, reason)
  local position = 0
  if not override and m.state == 'waiting' then
    local rank = redis.call('ZRANK', okey(m.line), m.peer)
    if rank then position = rank + 1 end
  end
  local s = { mode = m.mode, queue = m.queue, status = override or m.state, position = position,
    waiting = redis.call('ZCARD', okey(m.line)), agentsOnline = 0, estimatedWaitMs = cjson.null }
  if m.mode == 'support' then
    s.agentsOnline = online_of(m.line)
    s.estimatedWaitMs = estimate(average_of(m.line), position, s.agentsOnline)
  end
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
  redis.call('HSET', m.kind == 'agent' and akey(m.peer) or mkey(m.peer), 'node', node)
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
`;

/** Pairs ending, whatever their mode, and `done`, every changing script's last step. */
const ENDS = `
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
    local key = holder_key(pr, peer)
    if redis.call('HGET', key, 'pair') == pr.id then redis.call('HSET', key, 'pair', '') end
  end
end
local function remember_partner(peer, partner, visitor)
  if redis.call('EXISTS', mkey(peer)) == 1 then
    redis.call('HSET', mkey(peer), 'lp', partner, 'lpv', visitor or '', 'lpat', now)
  end
end

-- After its pair ended, a member waits again at the front and an agent is free again; match:ended tells whoever
-- was sent match:found.
local function put_back(pr, peer, reason)
  local p = party(peer)
  if not p then return end
  if seated(pr, peer) then tell(p, { t = 'unseat', r = 'hangup' }) end
  if p.kind == 'agent' then
    if pr.phase == 'found' then tell(p, { t = 'ended', e = { reason = reason, status = agent_status(p) } }) end
    return
  end
  enqueue(p, true)
  if pr.phase ~= 'found' then return end
  tell(p, { t = 'ended', e = { reason = reason, status = status_of(p) } })
end
local function abandon(pr, leaver, seat_freed)
  local partner = other(pr, leaver)
  local in_call = pr.phase == 'found' and seated(pr, pr.a) and seated(pr, pr.b)
  finish(pr)
  local l = party(leaver)
  if l and not seat_freed and seated(pr, leaver) then tell(l, { t = 'unseat', r = 'hangup' }) end
  if pr.mode == 'support' and in_call then
    -- A support call is over when either side leaves: the other stays in the room (told by peer:left), nobody
    -- waits again, and the customer's visit ends with it.
    local p = member(partner)
    if p then forget(p) end
    return
  end
  if pr.mode == 'random' then remember_partner(partner, leaver, l and l.visitor) end
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
-- A party leaves matching altogether (cancel, disconnect): a seat it holds is freed as seat_reason, its partner
-- waits again (or is done, after a support call); an agent stops serving its line.
-- Tells m, a party of pr whose room is open, its match:found.
local function tell_found(pr, m)
  local partner = party(other(pr, m.peer))
  if not partner then return end
  local found = { mode = pr.mode, queue = pr.queue, room = pr.roomName,
    partner = { peerId = partner.peer, displayName = partner.name } }
  if partner.media and partner.media ~= '' then found.partner.media = cjson.decode(partner.media) end
  tell(m, { t = 'found', m = found })
end
local function depart(m, seat_reason)
  local pr = get_pair(m.pair)
  if pr then
    if seated(pr, m.peer) then tell(m, { t = 'unseat', r = seat_reason }) end
    abandon(pr, m.peer, true)
  end
  if m.kind == 'agent' then
    forget_agent(m)
  else
    forget(member(m.peer))
  end
end
-- m's connection is gone for good. Seated in its match room, its seat is freed too, and the pair ends then
-- (MATCH_SEAT), once the partner heard it leave (an agent is offline from now on, and forgotten then); else it
-- leaves matching now.
local function gone_for_good(m)
  local pr = get_pair(m.pair)
  if pr and seated(pr, m.peer) then
    if m.kind == 'agent' then
      set_online(m, false)
      redis.call('HSET', akey(m.peer), 'gone', '1')
    end
    return
  end
  abandoned(m, 'disconnected')
  depart(m, 'timeout')
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
  for line in pairs(lines_changed) do redis.call('PUBLISH', P .. 'lines', line) end
  local answer = respond and respond() or {}
  if #opens > 0 then answer.opens = opens end
  if #closes > 0 then answer.closes = closes end
  if #customers > 0 then answer.customers = customers end
  return cjson.encode(answer)
end
local function refuse(code) return cjson.encode({ err = code }) end
`;

export const MATCH_LIBRARY = `${BASE}${RANDOM_LIBRARY}${SUPPORT_LIBRARY}${ENDS}`;
