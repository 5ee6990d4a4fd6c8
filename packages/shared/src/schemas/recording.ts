/**
 * Consented call recording. The recording itself never touches the service (it is made in the requester's
 * browser); the service runs the consent exchange and keeps each room's recording state, so that nobody is
 * recorded without having agreed, and everyone, newcomers too, sees while a recording runs.
 *
 * 1. `recording:request` → the others present are asked (`recording:requested`); the ack lists them (`asked`).
 * 2. Each answers `recording:answer`; the room hears `recording:answered`. A decline ends the request for
 *    everyone (`recording:cancelled`, reason `declined`).
 * 3. Once every one of them still present accepted, the requester sends `recording:state {active: true}`; the
 *    room hears `recording:state`. `recording:state {active: false}` (or the recorder leaving) ends it.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { PeerId } from './common.js';

/** A consent request's id, minted by the service. */
export const RecordingRequestId = Type.String({ pattern: '^rec_[A-Za-z0-9_-]{8,32}$', maxLength: 36 });
export type RecordingRequestId = Static<typeof RecordingRequestId>;

/** `recording:request` — ask everyone else in the room to agree to a recording by this participant. */
export const RecordingRequest = Type.Object({}, { additionalProperties: false });
export type RecordingRequest = Static<typeof RecordingRequest>;

/** What a successful `recording:request` returns: the request, and who must accept it before recording starts. */
export interface RecordingRequestResult {
  requestId: RecordingRequestId;
  /** Everyone else in the room when the request was made. Someone who leaves meanwhile need not answer. */
  asked: PeerId[];
}

/** `recording:answer` — this participant's answer to a request that asked them. */
export const RecordingAnswerRequest = Type.Object(
  { requestId: RecordingRequestId, accept: Type.Boolean() },
  { additionalProperties: false },
);
export type RecordingAnswerRequest = Static<typeof RecordingAnswerRequest>;

/** `recording:cancel` — the requester withdraws its request (it gave up waiting, or changed its mind). */
export const RecordingCancelRequest = Type.Object({ requestId: RecordingRequestId }, { additionalProperties: false });
export type RecordingCancelRequest = Static<typeof RecordingCancelRequest>;

/**
 * `recording:state` — the requester started recording (`active: true`, naming the request everyone accepted),
 * or the recorder stopped (`active: false`).
 */
export const RecordingStateRequest = Type.Union([
  Type.Object({ active: Type.Literal(true), requestId: RecordingRequestId }, { additionalProperties: false }),
  Type.Object({ active: Type.Literal(false) }, { additionalProperties: false }),
]);
export type RecordingStateRequest = Static<typeof RecordingStateRequest>;

/** `recording:sync` — the room's recording state now, and any request still waiting for this participant's answer. */
export const RecordingSyncRequest = Type.Object({}, { additionalProperties: false });
export type RecordingSyncRequest = Static<typeof RecordingSyncRequest>;

/** Who asks for, or makes, a recording. */
export interface RecordingParticipant {
  peerId: PeerId;
  displayName: string;
}

/** `recording:requested`, to everyone asked: `by` wants to record the call. */
export interface RecordingRequested {
  requestId: RecordingRequestId;
  by: RecordingParticipant;
}

/** `recording:answered`, to the rest of the room: one participant's answer. */
export interface RecordingAnswered {
  requestId: RecordingRequestId;
  peerId: PeerId;
  accept: boolean;
}

/**
 * Why a request ended without a recording: someone `declined`, the requester `withdrew` it, the requester
 * `left`, or it went unanswered past the service's limit (`expired`).
 */
export type RecordingCancelReason = 'declined' | 'withdrawn' | 'left' | 'expired';

/** `recording:cancelled`, to the room: the request is over; close its prompt. No recording was made. */
export interface RecordingCancelled {
  requestId: RecordingRequestId;
  reason: RecordingCancelReason;
}

/** `recording:state`, to the room: `by` started (`active`) or ended a recording of the call. */
export interface RecordingState {
  active: boolean;
  by: RecordingParticipant;
  /** While active: when it started, in milliseconds since the epoch (stamped by the service). */
  since?: number;
}

/** What `recording:sync` returns. */
export interface RecordingSync {
  /** The recording running in the room, if any. */
  recording: RecordingState | null;
  /** A request that asked this participant and still waits for its answer, if any. */
  request: RecordingRequested | null;
}
