/**
 * The recording scripts (see `scripts.ts` for how they run): each room's recording consent is one Redis string,
 * `<prefix>recording:<room key>`, the `RoomRecording` as JSON (`asked`: an object of peer id to whether they
 * accept). Every change of it is one script, so two nodes never interleave: of two requests at once, one is
 * refused `recording_busy`. Who is asked is read from the room's seats hash (every node's seats) in the same step.
 *
 * Every script but LEFT and CLEAR first reads the recording as `CURRENT` does: a request left unanswered for the
 * expiry (ARGV[1], in ms, against Redis's `TIME`) is deleted there and named in the answer's `expired`, so the
 * node that ran the script, and only that one, tells the room. Each answers a JSON object: `expired`, then
 * `refused` (an error code) or what the change did.
 */
import { NOW } from './scripts.js';

/**
 * Reads Redis's clock into `now`, the room's recording (KEYS[1]) into `recording` (nil when none), and starts
 * the answer `out`, with `expired` when the request there had expired (then deleted).
 */
const CURRENT = `
${NOW}local out = {}
local recording = nil
local raw = redis.call('GET', KEYS[1])
if raw then
  recording = cjson.decode(raw)
  if recording.since == nil and now - recording.requestedAt >= tonumber(ARGV[1]) then
    redis.call('DEL', KEYS[1])
    out.expired = recording.requestId
    recording = nil
  end
end
`;

/** Answers `out`, refused with `code`. */
const REFUSE = `
local function refuse(code)
  out.refused = code
  return cjson.encode(out)
end
`;

/**
 * Opens a request unless there is one. KEYS: the recording, the room's seats; ARGV: the expiry, the
 * requester's peer id, its display name, the request id. Answers `asked`: everyone seated but the requester, in
 * order of arrival.
 */
export const REQUEST_RECORDING = `
${CURRENT}
${REFUSE}
if recording then return refuse('recording_busy') end
local seated = {}
for _, seat in ipairs(redis.call('HVALS', KEYS[2])) do
  local decoded = cjson.decode(seat)
  if decoded.peerId ~= ARGV[2] then table.insert(seated, decoded) end
end
table.sort(seated, function(a, b)
  if a.joinedAt ~= b.joinedAt then return a.joinedAt < b.joinedAt end
  return a.epoch < b.epoch
end)
local asked, list = {}, {}
for i, seat in ipairs(seated) do
  asked[seat.peerId] = false
  list[i] = seat.peerId
end
recording = { requestId = ARGV[4], by = { peerId = ARGV[2], displayName = ARGV[3] }, requestedAt = now, asked = asked }
redis.call('SET', KEYS[1], cjson.encode(recording))
out.asked = list
return cjson.encode(out)
`;

/**
 * An answer. KEYS: the recording; ARGV: the expiry, the peer id, the request id, '1' to accept or '0'. Answers
 * `outcome`: accepted, left-out (a no while it runs) or declined (a no to a request: it is gone).
 */
export const ANSWER_RECORDING = `
${CURRENT}
${REFUSE}
if not recording or recording.requestId ~= ARGV[3] or recording.asked[ARGV[2]] == nil then
  return refuse('recording_not_found')
end
local accept = ARGV[4] == '1'
if accept or recording.since ~= nil then
  recording.asked[ARGV[2]] = accept
  redis.call('SET', KEYS[1], cjson.encode(recording))
  out.outcome = accept and 'accepted' or 'left-out'
else
  redis.call('DEL', KEYS[1])
  out.outcome = 'declined'
end
return cjson.encode(out)
`;

/** The requester withdraws. KEYS: the recording; ARGV: the expiry, the peer id, the request id. */
export const CANCEL_RECORDING = `
${CURRENT}
${REFUSE}
if not recording or recording.since ~= nil or recording.requestId ~= ARGV[3] or recording.by.peerId ~= ARGV[2] then
  return refuse('recording_not_found')
end
redis.call('DEL', KEYS[1])
return cjson.encode(out)
`;

/**
 * The requester starts, once everyone asked accepted. KEYS: the recording; ARGV: the expiry, the peer id, the
 * request id. Answers `recording`, with `since` (Redis's clock).
 */
export const START_RECORDING = `
${CURRENT}
${REFUSE}
if not recording or recording.by.peerId ~= ARGV[2] or recording.since ~= nil or recording.requestId ~= ARGV[3] then
  return refuse('recording_not_found')
end
for _, accepted in pairs(recording.asked) do
  if not accepted then return refuse('recording_not_consented') end
end
recording.since = now
redis.call('SET', KEYS[1], cjson.encode(recording))
out.recording = recording
return cjson.encode(out)
`;

/** The recorder stops. KEYS: the recording; ARGV: the expiry, the peer id. Answers `recording` as it was. */
export const STOP_RECORDING = `
${CURRENT}
${REFUSE}
if not recording or recording.by.peerId ~= ARGV[2] or recording.since == nil then
  return refuse('recording_not_found')
end
redis.call('DEL', KEYS[1])
out.recording = recording
return cjson.encode(out)
`;

/** The room's recording now. KEYS: the recording; ARGV: the expiry. Answers `recording` (absent: none). */
export const CURRENT_RECORDING = `
${CURRENT}
out.recording = recording
return cjson.encode(out)
`;

/**
 * A participant took a seat: asked too, unless it is the requester, or no longer seated (it left again before
 * this ran). KEYS: the recording, the room's seats; ARGV: the expiry, the peer id.
 */
export const JOINED_RECORDING = `
${CURRENT}
if recording and recording.by.peerId ~= ARGV[2] and redis.call('HEXISTS', KEYS[2], ARGV[2]) == 1 then
  recording.asked[ARGV[2]] = false
  redis.call('SET', KEYS[1], cjson.encode(recording))
end
return cjson.encode(out)
`;

/**
 * A participant left (its seat is already freed): a request or recording of theirs ends, and is answered as
 * `ended`; else it no longer waits for them, and goes when nobody is seated any more. KEYS: the recording, the
 * room's seats; ARGV: the peer id.
 */
export const LEFT_RECORDING = `
local raw = redis.call('GET', KEYS[1])
if not raw then return '{}' end
local recording = cjson.decode(raw)
if recording.by.peerId == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return cjson.encode({ ended = recording })
end
recording.asked[ARGV[1]] = nil
if redis.call('EXISTS', KEYS[2]) == 0 then
  redis.call('DEL', KEYS[1])
else
  redis.call('SET', KEYS[1], cjson.encode(recording))
end
return '{}'
`;
