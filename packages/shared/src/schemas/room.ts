import { Type, type Static } from '@sinclair/typebox';
import { DisplayName, PeerId, RoomName } from './common.js';
import type { LeaveReason } from '../protocol.js';

/** `room:join` — take a seat in a room (public rooms are created on first join). */
export const JoinRequest = Type.Object(
  {
    room: RoomName,
    displayName: Type.Optional(DisplayName),
  },
  { additionalProperties: false },
);
export type JoinRequest = Static<typeof JoinRequest>;

/** `room:leave` — give the seat up; the others are told `hangup` at once. */
export const LeaveRequest = Type.Object({}, { additionalProperties: false });
export type LeaveRequest = Static<typeof LeaveRequest>;

/** A participant as seen by another one. */
export interface PeerInfo {
  peerId: PeerId;
  displayName: string;
  /**
   * Whether the receiver of this record is the *polite* side of the pair in perfect negotiation.
   * The service decides, so both sides always agree.
   */
  polite: boolean;
}

/** An ICE server as given to `RTCPeerConnection`. */
export interface IceServer {
  urls: string[];
  username?: string;
  credential?: string;
}

/** What a successful `room:join` returns. */
export interface JoinResult {
  peerId: PeerId;
  room: RoomName;
  capacity: number;
  /** Participants already in the room; the newcomer offers to each of them. */
  peers: PeerInfo[];
  iceServers: IceServer[];
}

/** `peer:left` payload. */
export interface PeerLeft {
  peerId: PeerId;
  reason: LeaveReason;
}

export type { PeerId, RoomName };
