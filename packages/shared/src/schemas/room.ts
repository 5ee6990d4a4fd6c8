import { Type, type Static } from '@sinclair/typebox';
import { DisplayName, PeerId, RoomName, type IceTransportPolicy } from './common.js';
import type { LeaveReason } from '../protocol.js';
import { OfferDescription } from './signal.js';
import { MediaState } from './presence.js';

/** `room:join` — take a seat in a room (public rooms are created on first join). */
export const JoinRequest = Type.Object(
  {
    /** The room to join; may be left out on a connection made with a join token, which names its room. */
    room: Type.Optional(RoomName),
    displayName: Type.Optional(DisplayName),
    /**
     * An offer made before joining. The service hands it to one participant already in the room, so the
     * call starts without waiting for this command's reply; the reply's `offeredTo` says who got it.
     */
    offer: Type.Optional(OfferDescription),
    /** Which media this participant starts with; the others see it in `peer:joined` and `peers[]`. */
    media: Type.Optional(MediaState),
  },
  { additionalProperties: false },
);
export type JoinRequest = Static<typeof JoinRequest>;

/** `room:leave` — give the seat up; the others are told `hangup` at once. */
export const LeaveRequest = Type.Object({}, { additionalProperties: false });
export type LeaveRequest = Static<typeof LeaveRequest>;

/** `ice:servers` — fresh ICE servers (new TURN credentials), asked for before each ICE restart. */
export const IceServersRequest = Type.Object({}, { additionalProperties: false });
export type IceServersRequest = Static<typeof IceServersRequest>;

/** A participant as seen by another one. */
export interface PeerInfo {
  peerId: PeerId;
  displayName: string;
  /**
   * Whether the receiver of this record is the *polite* side of the pair in perfect negotiation.
   * The service decides, so both sides always agree.
   */
  polite: boolean;
  /** Their media as they last signaled it; absent when they never said (older widgets). */
  media?: MediaState;
}

/**
 * `peer:joined`. `offer`: to the participant the newcomer's join offer was for (`JoinResult.offeredTo`), that offer,
 * so it is read with the news of the newcomer, before anything is drawn for it; no `signal` carries it then.
 */
export type PeerJoined = PeerInfo & { offer?: OfferDescription };

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
  /** This room's policy; an offer made under another policy is not forwarded (see `offeredTo`). */
  iceTransportPolicy: IceTransportPolicy;
  /** The participant that received the join's offer, if it carried one and anyone was there. */
  offeredTo?: PeerId;
  /**
   * With several nodes: a token that takes this seat back through another node if the one holding this
   * connection goes away; sent back as `auth.resume` when connecting again. Replaced by `SessionInfo.resume`.
   */
  resume?: string;
}

/** `session`, pushed once a connection is accepted: who this connection is, and how to reach peers. */
export interface SessionInfo {
  peerId: PeerId;
  /** STUN and TURN servers; TURN credentials are fresh for this connection. */
  iceServers: IceServer[];
  /** The service's policy: what a link made before joining (the warm offer) must use. */
  iceTransportPolicy: IceTransportPolicy;
  /**
   * This connection dropped and came back within the grace period: it still holds its seat (or its place in a
   * queue or a pair), under the same peer id, and the messages sent to it meanwhile follow. The widget keeps
   * its calls as they are.
   */
  resumed?: boolean;
  /** With several nodes, when it holds its seat again: the token for the next time (see `JoinResult.resume`). */
  resume?: string;
  /**
   * When the seat was taken back with `auth.resume` (the node it was on went away, and the messages sent to it
   * meanwhile with it): who sits in the room now, for the widget to set its view and calls right.
   */
  peers?: PeerInfo[];
}

/** `peer:left` payload. */
export interface PeerLeft {
  peerId: PeerId;
  reason: LeaveReason;
}

export type { IceTransportPolicy, PeerId, RoomName };
