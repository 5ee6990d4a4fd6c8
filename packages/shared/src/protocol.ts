/**
 * Version of the signaling protocol. A client sends it in the handshake; the service refuses versions it
 * does not speak with `protocol_unsupported`. Bump it only for breaking changes to the socket messages.
 */
export const PROTOCOL_VERSION = 1;

/** Path of the Socket.io endpoint on the service. */
export const SIGNALING_PATH = '/signal';

/** Seats in a room when nothing else says otherwise (a full mesh stays healthy up to about four). */
export const DEFAULT_ROOM_CAPACITY = 4;

/** Why a participant left a call, as reported in `peer:left` and the widget's `vc-participant-leave`. */
export const LeaveReason = {
  hangup: 'hangup',
  timeout: 'timeout',
  network: 'network',
  kicked: 'kicked',
  roomEnded: 'room-ended',
} as const;
export type LeaveReason = (typeof LeaveReason)[keyof typeof LeaveReason];

/** Longest chat message, in characters once trimmed. */
export const CHAT_TEXT_MAX_LENGTH = 2000;
