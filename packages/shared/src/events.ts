/**
 * The four typed Socket.io event maps. They are compile-time only: the service validates every inbound
 * payload against the runtime schemas before a handler runs.
 */
import type { ErrorBody } from './errors.js';
import type { LeaveReason } from './protocol.js';
import type { ChatMessage, ChatSendRequest, ChatSent } from './schemas/chat.js';
import type { Ack } from './schemas/common.js';
import type { MediaStateRequest, PeerMedia } from './schemas/presence.js';
import type { IceServer, IceServersRequest, JoinRequest, JoinResult, LeaveRequest, PeerInfo, PeerLeft, SessionInfo } from './schemas/room.js';
import type { RelayedSignal, SignalRequest } from './schemas/signal.js';

export interface ClientToServerEvents {
  'room:join': (request: JoinRequest, ack: (reply: Ack<JoinResult>) => void) => void;
  'room:leave': (request: LeaveRequest, ack: (reply: Ack) => void) => void;
  /** Fresh ICE servers for this connection (new TURN credentials), before an ICE restart. */
  'ice:servers': (request: IceServersRequest, ack: (reply: Ack<{ iceServers: IceServer[] }>) => void) => void;
  signal: (request: SignalRequest, ack: (reply: Ack) => void) => void;
  /** A chat message to the others in the room; the ack carries the id and time they receive. */
  'chat:send': (request: ChatSendRequest, ack: (reply: Ack<ChatSent>) => void) => void;
  /** This participant's microphone, camera or screen share changed. */
  'media:state': (request: MediaStateRequest, ack: (reply: Ack) => void) => void;
}

export interface ServerToClientEvents {
  session: (session: SessionInfo) => void;
  'peer:joined': (peer: PeerInfo) => void;
  'peer:left': (left: PeerLeft) => void;
  /** The room was ended (by its partner through REST); everyone in it has been removed. */
  'room:ended': (ended: { room: string }) => void;
  signal: (signal: RelayedSignal) => void;
  /** A chat message from another participant of your room. */
  'chat:message': (message: ChatMessage) => void;
  /** Another participant of your room turned a microphone, camera or screen share on or off. */
  'peer:media': (media: PeerMedia) => void;
  /** The service is closing this connection for good (e.g. it kept flooding); do not reconnect. */
  'session:closed': (reason: ErrorBody) => void;
}

/** Events between service nodes (none yet: one node, in-process bus). */
export type InterServerEvents = Record<never, never>;

/** What the service keeps on each socket once the handshake succeeded. */
export interface SocketData {
  projectId: string;
  /** This connection's identity, assigned when it is accepted. */
  peerId: string;
  /** The room this connection sits in, if any. */
  roomKey?: string;
  /** For a connection made with a join token: the room, role and name it grants. */
  grant?: { roomId: string; room: string; role: 'host' | 'guest' | 'agent'; displayName?: string };
  displayName?: string;
  /** Set when the service closes the connection itself: the reason the others are told. */
  closedAs?: LeaveReason;
}

export type ClientCommand = keyof ClientToServerEvents;
