import { Type, type Static } from '@sinclair/typebox';
import type { ErrorBody } from '../errors.js';
import { PeerId } from './common.js';

/** Upper bound of an SDP body; a mesh call's offer is a few kilobytes. */
export const MAX_SDP_LENGTH = 64 * 1024;

export const SessionDescription = Type.Object(
  {
    type: Type.Union([Type.Literal('offer'), Type.Literal('answer')]),
    sdp: Type.String({ minLength: 1, maxLength: MAX_SDP_LENGTH }),
  },
  { additionalProperties: false },
);
export type SessionDescription = Static<typeof SessionDescription>;

/** An SDP offer, as carried by `room:join`. */
export const OfferDescription = Type.Object(
  { type: Type.Literal('offer'), sdp: Type.String({ minLength: 1, maxLength: MAX_SDP_LENGTH }) },
  { additionalProperties: false },
);
export type OfferDescription = Static<typeof OfferDescription>;

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Optional(Type.Union([schema, Type.Null()]));

export const IceCandidate = Type.Object(
  {
    // An empty string is the end-of-candidates marker.
    candidate: Type.String({ maxLength: 1024 }),
    sdpMid: Nullable(Type.String({ maxLength: 32 })),
    sdpMLineIndex: Nullable(Type.Integer({ minimum: 0, maximum: 255 })),
    usernameFragment: Nullable(Type.String({ maxLength: 256 })),
  },
  { additionalProperties: false },
);
export type IceCandidate = Static<typeof IceCandidate>;

/**
 * The offset of the last event the sender received (Socket.io's, the last argument of each event it is sent): what
 * the service kept of earlier events for a resume can go. Optional; the service reads it when it alone keeps them.
 */
const Seen = Type.Optional(Type.String({ pattern: '^[0-9a-z-]{1,32}$' }));

/** `signal` sent by a client: one offer, answer or ICE candidate for one peer of the same room. */
export const SignalRequest = Type.Union([
  Type.Object({ to: PeerId, description: SessionDescription, seen: Seen }, { additionalProperties: false }),
  Type.Object({ to: PeerId, candidate: IceCandidate, seen: Seen }, { additionalProperties: false }),
]);
export type SignalRequest = Static<typeof SignalRequest>;

/**
 * `signal:failed`: a `signal` sent without an acknowledgement was not relayed (the peer left, the sender is
 * not in a room, the payload is invalid, too many messages). `to` is the peer it was for, when it named one.
 */
export interface SignalFailed {
  to: string | null;
  error: ErrorBody;
}

/** `signal` delivered by the service: the same payload, stamped with its sender. */
export type RelayedSignal =
  { from: string; description: SessionDescription } | { from: string; candidate: IceCandidate };
