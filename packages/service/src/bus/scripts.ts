/**
 * The Lua scripts the nodes change shared state with: each runs whole inside Redis, so no two nodes interleave,
 * and each reads Redis's `TIME`, the one clock all nodes agree on. Loaded with `defineCommand` (EVALSHA).
 */

/** Reads Redis's clock in ms into `now`. */
export const NOW = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
`;

/**
 * Splits a member of a node's list (of seats, of knocks): `peer id` + space + room key (a peer id has no space).
 */
export const NODE_MEMBER = `
local function node_member(member)
  local space = string.find(member, ' ', 1, true)
  return string.sub(member, 1, space - 1), string.sub(member, space + 1)
end
`;

/**
 * A token bucket. KEYS[1]: the bucket; ARGV: capacity, tokens earned per second. Spends one token if there is
 * one. Returns `{1, 0}`, or `{0, ms until a token is earned}`. The bucket expires once it would be full again:
 * a full bucket carries no information, so idle keys cost no memory.
 */
export const TAKE_TOKEN = `
local capacity = tonumber(ARGV[1])
local per_second = tonumber(ARGV[2])
${NOW}
local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(bucket[1]) or capacity
local at = tonumber(bucket[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) / 1000 * per_second)
local granted = 0
local retry_ms = 0
if tokens >= 1 then
  tokens = tokens - 1
  granted = 1
else
  retry_ms = math.ceil((1 - tokens) / per_second * 1000)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens) / per_second * 1000) + 1000)
return {granted, retry_ms}
`;

/**
 * A lease. KEYS[1]: the lease; ARGV: this node's id, lifetime in ms. Takes it when free, renews it when this
 * node holds it. Returns 1 when this node holds it now, else 0.
 */
export const HOLD_LEASE = `
local holder = redis.call('GET', KEYS[1])
if holder == false or holder == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
`;
