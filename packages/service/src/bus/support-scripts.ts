/**
 * The agents' scripts of support lines (see `match-scripts.ts` for the keys, and `support-library.ts`): an agent
 * online or away, taking a customer, declining one; and the two reads every node makes of support lines, what
 * its agents see of them and their figures. Everything else a support line goes through (customers entering,
 * leaving, dropping, calls starting and ending, deadlines) is one of the matching scripts, as for random lines.
 */
import { MATCH_LIBRARY } from './match-library.js';

/**
 * An agent online (ARGV[6] 'online') or away ('away'). ARGV[4]: peer id; ARGV[5]: the connection as JSON
 * (project, queue, socket, name); ARGV[7]: how many customers its snapshot lists. Answers the snapshot of its
 * line, the line, and the line's version the snapshot stands for.
 */
export const SUPPORT_AGENT_STATUS = `${MATCH_LIBRARY}
local c = cjson.decode(ARGV[5])
local a = agent_of(ARGV[4], c)
if not a then return refuse('already_in_queue') end
set_online(a, ARGV[6] == 'online')
return done(function()
  return { line = a.line, snapshot = snapshot_of(a.line, a.queue, tonumber(ARGV[7])),
    ver = tonumber(redis.call('HGET', lkey(a.line), 'ver') or '0') }
end)
`;

/**
 * An agent takes the customer waiting longest (ARGV[6] empty) or the one named: both are matched, and this node
 * opens their room. ARGV[4], ARGV[5]: the agent as for SUPPORT_AGENT_STATUS. Answers the customer and the line.
 */
export const SUPPORT_TAKE = `${MATCH_LIBRARY}
local a = agent_of(ARGV[4], cjson.decode(ARGV[5]))
if not a then return refuse('already_in_queue') end
if a.pair ~= '' then return refuse('already_in_room') end
local c
if ARGV[6] ~= '' then
  c = member(ARGV[6])
  if not c or c.line ~= a.line or c.state ~= 'waiting' then return refuse('customer_not_waiting') end
  if c.susp == '1' then return refuse('customer_not_waiting:suspended') end
else
  local head = redis.call('ZRANGE', hkey(a.line), 0, 0)
  if #head == 0 then return refuse('queue_empty') end
  c = member(string.sub(head[1], 3))
end
start_call(a, c)
return done(function() return { customerId = c.peer, line = a.line } end)
`;

/**
 * An agent turns a waiting customer away: out of line, told ARGV[7]. ARGV[4], ARGV[5]: the agent as for
 * SUPPORT_AGENT_STATUS; ARGV[6]: the customer.
 */
export const SUPPORT_DECLINE = `${MATCH_LIBRARY}
local a = agent_of(ARGV[4], cjson.decode(ARGV[5]))
if not a then return refuse('already_in_queue') end
local c = member(ARGV[6])
if not c or c.line ~= a.line or c.state ~= 'waiting' then return refuse('customer_not_waiting') end
local s = status_of(c, 'declined', ARGV[7])
forget(c)
tell(c, { t = 'status', st = s })
return done(function() return { line = a.line } end)
`;

/**
 * What this node's agents see of their lines, for those that changed: ARGV[4] how many customers a snapshot
 * lists, then pairs of a line and the version this node read last. Answers, per line that changed since, its
 * version and snapshot. Read-only; O(snapshot size + log n) per line.
 */
export const SUPPORT_VIEWS = `${MATCH_LIBRARY}
local size = tonumber(ARGV[4])
local out = {}
for i = 5, #ARGV - 1, 2 do
  local line, seen = ARGV[i], tonumber(ARGV[i + 1])
  local ver = tonumber(redis.call('HGET', lkey(line), 'ver') or '0')
  if ver ~= seen then
    local queue = string.match(line, '^[^/]*/support/(.*)$')
    out[#out + 1] = { line = line, ver = ver, snapshot = snapshot_of(line, queue, size) }
  end
end
if #out == 0 then return '[]' end
return cjson.encode(out)
`;

/** A support line's figures (ARGV[4]): waiting, agents online, average wait. Read-only. */
export const SUPPORT_FIGURES = `${MATCH_LIBRARY}
local line = ARGV[4]
return cjson.encode({ waiting = redis.call('ZCARD', okey(line)), agentsOnline = online_of(line),
  averageWaitMs = average_of(line) or cjson.null })
`;
