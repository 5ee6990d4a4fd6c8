/**
 * The four typed Socket.io event maps. They are compile-time only: the service validates every inbound
 * payload against the runtime schemas before a handler runs.
 */
import type { ErrorBody } from './errors.js';
import type { LeaveReason } from './protocol.js';
import type { ChatMessage, ChatSendRequest, ChatSent } from './schemas/chat.js';
import type { Ack } from './schemas/common.js';
import type { MediaStateRequest, PeerMedia } from './schemas/presence.js';
import type { CallQualityRequest } from './schemas/call-quality.js';
import type {
  HostAdmitRequest,
  HostDenyRequest,
  HostEndRequest,
  HostLockRequest,
  HostMuted,
  HostMuteRequest,
  HostRemoveRequest,
  KnockAnswer,
  KnockArrived,
  KnockRequest,
  KnockStatus,
  RoomLockChanged,
} from './schemas/host.js';
import type {
  IceServer,
  IceServersRequest,
  JoinRequest,
  JoinResult,
  LeaveRequest,
  PeerJoined,
  PeerLeft,
  SessionInfo,
} from './schemas/room.js';
import type { RelayedSignal, SignalFailed, SignalRequest } from './schemas/signal.js';
import type {
  RecordingAnswered,
  RecordingAnswerRequest,
  RecordingCancelled,
  RecordingCancelRequest,
  RecordingRequest,
  RecordingRequested,
  RecordingRequestResult,
  RecordingState,
  RecordingStateRequest,
  RecordingSync,
  RecordingSyncRequest,
} from './schemas/recording.js';
import type {
  AgentDeclineRequest,
  AgentStatusRequest,
  AgentTaken,
  AgentTakeRequest,
  MatchEnded,
  MatchFound,
  MatchNextRequest,
  MatchReportRequest,
  QueueEnterRequest,
  QueueAvailability,
  QueueLeaveRequest,
  QueueWatchRequest,
  QueueChanges,
  QueueSnapshot,
  QueueEntered,
  QueueStatus,
  TicketCreated,
  TicketCreateRequest,
} from './schemas/queue.js';

export interface ClientToServerEvents {
  'room:join': (request: JoinRequest, ack: (reply: Ack<JoinResult>) => void) => void;
  'room:leave': (request: LeaveRequest, ack: (reply: Ack) => void) => void;
  /** Fresh ICE servers for this connection (new TURN credentials), before an ICE restart. */
  'ice:servers': (request: IceServersRequest, ack: (reply: Ack<{ iceServers: IceServer[] }>) => void) => void;
  /**
   * Without an acknowledgement (what the widget sends: one frame in, one out): nothing comes back when it is
   * relayed, and `signal:failed` when it is not. With one, it is answered like any other command.
   */
  signal: (request: SignalRequest, ack?: (reply: Ack) => void) => void;
  /** A chat message to the others in the room; the ack carries the id and time they receive. */
  'chat:send': (request: ChatSendRequest, ack: (reply: Ack<ChatSent>) => void) => void;
  /** This participant's microphone, camera or screen share changed. */
  'media:state': (request: MediaStateRequest, ack: (reply: Ack) => void) => void;
  /** This participant's network quality and whether it goes through a relay, on change (for the call summary). */
  'call:quality': (request: CallQualityRequest, ack: (reply: Ack) => void) => void;
  /** Wait in a random or support queue (see schemas/queue.ts). */
  'queue:enter': (request: QueueEnterRequest, ack: (reply: Ack<QueueEntered>) => void) => void;
  'queue:leave': (request: QueueLeaveRequest, ack: (reply: Ack) => void) => void;
  /** Support, before waiting: the line's availability now, then `queue:availability` on every change. */
  'queue:watch': (request: QueueWatchRequest, ack: (reply: Ack<QueueAvailability>) => void) => void;
  /** Random mode: end the pair, both wait again. */
  'match:next': (request: MatchNextRequest, ack: (reply: Ack<QueueStatus>) => void) => void;
  /** Random mode: report the partner; the pair ends and is never matched again. */
  'match:report': (request: MatchReportRequest, ack: (reply: Ack<QueueStatus>) => void) => void;
  /** Hosts: remove a participant from the room (reason `kicked`). */
  'host:remove': (request: HostRemoveRequest, ack: (reply: Ack) => void) => void;
  /** Hosts: lock or unlock the room (a locked room admits nobody new but hosts). */
  'host:lock': (request: HostLockRequest, ack: (reply: Ack) => void) => void;
  /** Hosts: turn a participant's microphone off (they are told `host:muted`, and may turn it on again). */
  'host:mute': (request: HostMuteRequest, ack: (reply: Ack) => void) => void;
  /** Ask to enter a room that makes guests knock; hosts answer with `host:admit` or `host:deny`. */
  'room:knock': (request: KnockRequest, ack: (reply: Ack<KnockStatus>) => void) => void;
  /** Hosts: let a knocking guest in. */
  'host:admit': (request: HostAdmitRequest, ack: (reply: Ack) => void) => void;
  /** Hosts: turn a knocking guest away, with a reason they see. */
  'host:deny': (request: HostDenyRequest, ack: (reply: Ack) => void) => void;
  /** Hosts: end the call for everyone (they are told `room:ended`). */
  'host:end': (request: HostEndRequest, ack: (reply: Ack) => void) => void;
  /** Support mode: leave a message for the support team (stored as a ticket). */
  'ticket:create': (request: TicketCreateRequest, ack: (reply: Ack<TicketCreated>) => void) => void;
  /** Agents only (agent token): availability; the ack is the queue as it stands. */
  'agent:status': (request: AgentStatusRequest, ack: (reply: Ack<QueueSnapshot>) => void) => void;
  'agent:take': (request: AgentTakeRequest, ack: (reply: Ack<AgentTaken>) => void) => void;
  'agent:decline': (request: AgentDeclineRequest, ack: (reply: Ack) => void) => void;
  /** Ask everyone else in the room to agree to a recording (see schemas/recording.ts). */
  'recording:request': (request: RecordingRequest, ack: (reply: Ack<RecordingRequestResult>) => void) => void;
  /** Accept or decline a request that asked this participant. */
  'recording:answer': (request: RecordingAnswerRequest, ack: (reply: Ack) => void) => void;
  /** The requester withdraws its request. */
  'recording:cancel': (request: RecordingCancelRequest, ack: (reply: Ack) => void) => void;
  /** The requester started recording (everyone accepted), or the recorder stopped. */
  'recording:state': (request: RecordingStateRequest, ack: (reply: Ack) => void) => void;
  /** The room's recording state now, and a request still waiting for this participant's answer. */
  'recording:sync': (request: RecordingSyncRequest, ack: (reply: Ack<RecordingSync>) => void) => void;
}

export interface ServerToClientEvents {
  session: (session: SessionInfo) => void;
  'peer:joined': (peer: PeerJoined) => void;
  'peer:left': (left: PeerLeft) => void;
  /** The room was ended (by its partner through REST); everyone in it has been removed. */
  'room:ended': (ended: { room: string }) => void;
  /** Hosts: someone knocks to enter your room. */
  'knock:request': (knock: KnockArrived) => void;
  /** Hosts: a knock was answered (by any host) or its guest went away. */
  'knock:withdrawn': (withdrawn: { peerId: string }) => void;
  /** The answer to your knock. */
  'knock:answer': (answer: KnockAnswer) => void;
  /** A host muted you: turn the microphone off. */
  'host:muted': (muted: HostMuted) => void;
  /** A host locked or unlocked the room. */
  'room:locked': (change: RoomLockChanged) => void;
  signal: (signal: RelayedSignal) => void;
  /** A `signal` you sent without an acknowledgement was not relayed, and why. */
  'signal:failed': (failure: SignalFailed) => void;
  /** A chat message from another participant of your room. */
  'chat:message': (message: ChatMessage) => void;
  /** Another participant of your room turned a microphone, camera or screen share on or off. */
  'peer:media': (media: PeerMedia) => void;
  /** The service is closing this connection for good (e.g. it kept flooding); do not reconnect. */
  'session:closed': (reason: ErrorBody) => void;
  /**
   * This node is shutting down (SIGTERM) and is about to close the connection: reconnect, spread over about
   * `reconnectWithinMs` (a load balancer sends you to another node; a single node is back after its restart).
   */
  'service:draining': (drain: { reconnectWithinMs: number }) => void;
  /** Your place in the queue changed. */
  'queue:update': (status: QueueStatus) => void;
  /** After `queue:watch`: the support line's availability changed (agents online, estimated wait). */
  'queue:availability': (availability: QueueAvailability) => void;
  /**
   * Agents: the queue changed (someone came, left, was taken or declined; an agent came or went). Relative to
   * what this agent was sent before (the `agent:status` ack, then earlier changes): see `applyQueueChanges`.
   */
  'queue:changes': (changes: QueueChanges) => void;
  /** You were matched: join `room` now. */
  'match:found': (match: MatchFound) => void;
  /** Random mode: the pair ended; you wait again. */
  'match:ended': (ended: MatchEnded) => void;
  /** Someone in your room wants to record the call: answer with `recording:answer`. */
  'recording:requested': (requested: RecordingRequested) => void;
  /** A participant answered a recording request. */
  'recording:answered': (answered: RecordingAnswered) => void;
  /** A recording request ended without a recording (declined, withdrawn, requester gone, expired). */
  'recording:cancelled': (cancelled: RecordingCancelled) => void;
  /** A recording of your room's call started or ended. */
  'recording:state': (state: RecordingState) => void;
}

/** Events between service nodes (through the Redis bus). */
export interface InterServerEvents {
  /** A room was ended on one node: every node removes the room's participants it holds. */
  'room:end': (projectId: string, roomName: string) => void;
  /** A participant was removed: the node holding this connection closes it (reason `kicked`). */
  'participant:remove': (socketId: string) => void;
  /** A seat was taken over by a new connection (resume token): the node holding the old one lets it go quietly. */
  'participant:taken-over': (socketId: string, roomKey: string, peerId: string) => void;
}

/** A token bucket: the tokens left, and when they were counted (ms since the epoch). */
export interface TokenBucket {
  tokens: number;
  at: number;
}

/** What the service keeps on each socket once the handshake succeeded. */
export interface SocketData {
  projectId: string;
  /** This connection's identity, assigned when it is accepted. */
  peerId: string;
  /** The room this connection sits in, if any. */
  roomKey?: string;
  /** With several nodes: which taking of its seat this connection holds (a resume takes it anew). */
  seatEpoch?: number;
  /** For a connection made with a join token: the room, role and name it grants. */
  grant?: { roomId: string; room: string; role: 'host' | 'guest' | 'agent'; displayName?: string; tokenId?: string };
  displayName?: string;
  /** The room a host let this connection into after it knocked (until it disconnects). */
  admittedTo?: string;
  /** The room at whose door this connection knocks, while it waits for a host's answer. */
  knockingAt?: string;
  /**
   * For a connection made with an agent token: the support queue it serves and the agent's name. Such a
   * connection joins no room but those of the customers it takes.
   */
  agent?: { queue: string; displayName: string };
  /** For a connection made with a publishable key: the key's id and the page's origin, re-checked while it lives. */
  keyId?: string;
  origin?: string;
  /** Set when the service closes the connection itself: the reason the others are told. */
  closedAs?: LeaveReason;
  /** Support messages (`ticket:create`) this connection has left; they are capped per connection. */
  ticketsCreated?: number;
  /**
   * What this connection may still send: its messages, and its refused messages before it is closed. Kept with
   * the connection, so they come back with it when it resumes, on this node or another: a dropped transport buys
   * no fresh allowance. Two fields of the data rather than one object holding both: one object less for each
   * connection.
   */
  messageAllowance?: TokenBucket;
  strikeAllowance?: TokenBucket;
}

export type ClientCommand = keyof ClientToServerEvents;
