/**
 * What a participant whose role is `host` (from its join token) may do to its room: remove someone, lock the
 * room (nobody new joins but hosts), and end the call for everyone.
 */
import { Type, type Static } from '@sinclair/typebox';
import { DisplayName, PeerId, RoomName } from './common.js';

/** `host:remove`: the participant leaves with reason `kicked`; their join token admits them no more. */
export const HostRemoveRequest = Type.Object({ peerId: PeerId }, { additionalProperties: false });
export type HostRemoveRequest = Static<typeof HostRemoveRequest>;

/** `host:lock`: lock (`true`) or unlock the room. */
export const HostLockRequest = Type.Object({ locked: Type.Boolean() }, { additionalProperties: false });
export type HostLockRequest = Static<typeof HostLockRequest>;

/** `host:end`: end the call for everyone; the room refuses joins from then on. */
export const HostEndRequest = Type.Object({}, { additionalProperties: false });
export type HostEndRequest = Static<typeof HostEndRequest>;

/** `host:mute`: ask a participant to mute: their widget turns its microphone off (they may turn it on again). */
export const HostMuteRequest = Type.Object({ peerId: PeerId }, { additionalProperties: false });
export type HostMuteRequest = Static<typeof HostMuteRequest>;

/** `host:muted`, to the participant a host muted: who did. */
export interface HostMuted {
  by: { peerId: string; displayName: string };
}

/**
 * `room:knock`: a guest asks to enter a room that makes guests knock (a token's room, or a public one by name).
 * The ack says whether it may join at once (`admitted`: no knocking there, or a host's token) or waits, and how
 * many hosts are in the call to answer; a `knock:answer` follows the wait.
 */
export const KnockRequest = Type.Object(
  { room: Type.Optional(RoomName), displayName: Type.Optional(DisplayName) },
  { additionalProperties: false },
);
export type KnockRequest = Static<typeof KnockRequest>;
export interface KnockStatus {
  status: 'admitted' | 'waiting';
  hostsPresent: number;
}

/** `host:admit`: let a knocking guest in (they may `room:join` now). */
export const HostAdmitRequest = Type.Object({ peerId: PeerId }, { additionalProperties: false });
export type HostAdmitRequest = Static<typeof HostAdmitRequest>;

/** `host:deny`: turn a knocking guest away, with a reason they are shown. */
export const HostDenyRequest = Type.Object(
  { peerId: PeerId, reason: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);
export type HostDenyRequest = Static<typeof HostDenyRequest>;

/** `knock:request`, to the room's hosts: someone knocks (also each one still waiting, when a host joins). */
export interface KnockArrived {
  peerId: string;
  displayName: string;
}

/** `knock:answer`, to the knocking guest. Denied, they must knock again to be let in. */
export type KnockAnswer = { admitted: true } | { admitted: false; reason: string };

/** `room:locked`, to everyone in the room: it was locked or unlocked, by whom (`null`: the partner, over REST). */
export interface RoomLockChanged {
  locked: boolean;
  by: { peerId: string; displayName: string } | null;
}
