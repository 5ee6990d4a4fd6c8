/**
 * What a participant whose role is `host` (from its join token) may do to its room: remove someone, lock the
 * room (nobody new joins but hosts), and end the call for everyone.
 */
import { Type, type Static } from '@sinclair/typebox';
import { PeerId } from './common.js';

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

/** `room:locked`, to everyone in the room: it was locked or unlocked, by whom. */
export interface RoomLockChanged {
  locked: boolean;
  by: { peerId: string; displayName: string };
}
