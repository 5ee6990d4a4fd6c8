/**
 * The part of the matching library (`match-library.ts`) that pairs random visitors: the reported identity pairs,
 * the rematch pause, the search for a partner over the free entries indexed by visitor group (so it skips a whole
 * group it may not meet in one step, as `matching/match-queue.ts` does), and the pairs it starts. Support lines
 * are never searched: an agent takes a customer (`support-library.ts`).
 */
export const RANDOM_LIBRARY = `
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
      if m and m.mode == 'random' and m.state == 'waiting' and m.susp ~= '1' then list[#list + 1] = m end
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
`;
