/**
 * The part of the matching library (`match-library.ts`) for support lines: agents (a hash each, `agent:PEER`,
 * counted in their line's `online` while online), what an agent sees of its line (the first customers and the
 * line's figures), a call an agent takes, and the customers' news for the webhooks (`queue.customer.*`), which
 * the node that ran the script publishes, so each fires once whichever node holds whom.
 *
 * A support line `project/support/queue` is ordered as a random one (customers wait in arrival order; one put
 * back after a call that never started goes to the front); each customer is its own group of the free index, so
 * the first free customer is the first entry of `heads`. `line:L:waits` keeps the last waits (from entering to
 * being taken), for the estimates.
 */

/** How many recent waits the average covers (as `matching/wait-estimate.ts`). */
export const RECENT_WAITS = 20;

export const SUPPORT_LIBRARY = `
local function customer_news(m, kind, fields)
  local news = { type = kind, projectId = m.project, queue = m.queue, peerId = m.peer, displayName = m.name, at = now }
  for k, v in pairs(fields) do news[k] = v end
  customers[#customers + 1] = news
end
-- A customer nobody answered goes: queue.customer.abandoned.
local function abandoned(m, reason)
  if m.mode == 'support' and m.answered ~= '1' then
    customer_news(m, 'abandoned', { reason = reason, waitedMs = now - tonumber(m.wsince) })
  end
end

-- An agent's status when its call is over: it is free, not in line.
local function agent_status(a)
  return { mode = 'support', queue = a.queue, status = 'left', position = 0,
    waiting = redis.call('ZCARD', okey(a.line)), agentsOnline = online_of(a.line), estimatedWaitMs = cjson.null }
end
local function set_online(a, online)
  if (a.status == 'online') == online then return end
  local change = online and 1 or -1
  redis.call('HINCRBY', lkey(a.line), 'online', change)
  redis.call('HINCRBY', TOTALS, 'agents:online', change)
  a.status = online and 'online' or 'away'
  redis.call('HSET', akey(a.peer), 'status', a.status)
  bump(a.line)
  lines_changed[a.line] = true
end
-- An agent whose connection is gone for good: offline, and forgotten.
local function forget_agent(a)
  set_online(a, false)
  redis.call('SREM', P .. 'node-places:' .. a.node, a.peer)
  redis.call('DEL', akey(a.peer))
end
-- The agent of connection c (project, queue, socket, name), away until it says otherwise; nil if it waits in line.
local function agent_of(peer, c)
  local a = agent(peer)
  if a then return a end
  if redis.call('EXISTS', mkey(peer)) == 1 then return nil end
  local line = c.project .. '/support/' .. c.queue
  redis.call('HSET', akey(peer), 'line', line, 'project', c.project, 'queue', c.queue, 'socket', c.socket,
    'name', c.name, 'status', 'away', 'pair', '')
  local a = agent(peer)
  held_by(a, NODE)
  return a
end

-- What an agent sees of its line: the first size customers (their entries), how many wait, agents, average.
local function snapshot_of(line, queue, size)
  local list = {}
  for _, peer in ipairs(redis.call('ZRANGE', okey(line), 0, size - 1)) do
    local c = redis.call('HMGET', mkey(peer), 'name', 'since', 'msg')
    local entry = { customerId = peer, displayName = c[1], since = tonumber(c[2]) }
    if c[3] and c[3] ~= '' then entry.message = c[3] end
    list[#list + 1] = entry
  end
  return { queue = queue, customers = list, total = redis.call('ZCARD', okey(line)), agentsOnline = online_of(line),
    averageWaitMs = average_of(line) or cjson.null }
end

-- Agent a takes customer c: c leaves the line, its wait counts in the average, and this node opens their room.
local function start_call(a, c)
  local id = tostring(redis.call('INCR', P .. 'pair-ids'))
  redis.call('HSET', pkey(id), 'line', a.line, 'project', a.project, 'mode', 'support', 'queue', a.queue,
    'a', c.peer, 'b', a.peer, 'agent', a.peer, 'phase', 'opening')
  redis.call('LPUSH', wkey(a.line), math.max(0, now - tonumber(c.since)))
  redis.call('LTRIM', wkey(a.line), 0, ${RECENT_WAITS - 1})
  averages[a.line] = nil
  dequeue(c)
  redis.call('HSET', mkey(c.peer), 'state', 'matched', 'pair', id, 'answered', '1')
  touch(c.peer)
  redis.call('HSET', akey(a.peer), 'pair', id)
  redis.call('HINCRBY', lkey(a.line), 'pairs', 1)
  redis.call('ZADD', TIMERS, now + T.openingMs, 'opening ' .. id)
  local customer = { peerId = c.peer, displayName = c.name, message = cjson.null }
  if c.msg and c.msg ~= '' then customer.message = c.msg end
  opens[#opens + 1] = { pair = id, projectId = a.project, mode = 'support', queue = a.queue, customer = customer }
  if c.answered ~= '1' then
    customer_news(c, 'answered', { agent = { peerId = a.peer, displayName = a.name },
      waitedMs = now - tonumber(c.wsince) })
  end
end
`;
