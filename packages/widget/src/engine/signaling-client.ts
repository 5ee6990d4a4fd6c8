/**
 * The widget's side of the signaling socket: connect with the handshake, commands as promises over acks,
 * and the service's notifications as typed events. Knows nothing of peers or media.
 */
import { io, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION, SIGNALING_PATH } from '@vcw/shared/protocol';
import { applyQueueChanges } from '@vcw/shared/queue-changes';
import type {
  QueueAvailability,
  Ack,
  ChatMessage,
  ChatSent,
  ClientCommand,
  ClientToServerEvents,
  HostMuted,
  KnockAnswer,
  KnockArrived,
  IceServer,
  JoinResult,
  MatchEnded,
  MatchFound,
  MediaState,
  CallQualityRequest,
  OfferDescription,
  PeerMedia,
  PeerInfo,
  PeerLeft,
  QueueChanges,
  QueueSnapshot,
  QueueStatus,
  RecordingAnswered,
  RecordingCancelled,
  RecordingRequested,
  RecordingState,
  RelayedSignal,
  RoomLockChanged,
  ServerToClientEvents,
  SessionInfo,
  SignalFailed,
  SignalRequest,
} from '@vcw/shared';
import { CallError } from './call-error.js';
import { BackoffPolicy, type ReconnectPolicy, type RetryCause } from './reconnect-policy.js';
import { TypedEmitter } from './typed-emitter.js';

type SignalingEvents = {
  'peer-joined': [PeerInfo];
  'peer-left': [PeerLeft];
  signal: [RelayedSignal];
  /** A signal this client sent was not relayed (the peer left, flooding…). */
  'signal-failed': [SignalFailed];
  /** A chat message from another participant. */
  'chat-message': [ChatMessage];
  /** Another participant turned a microphone, camera or screen share on or off. */
  'peer-media': [PeerMedia];
  /** The room was ended by its partner; the service already took every seat away. */
  'room-ended': [];
  /** A host locked or unlocked the room. */
  'room-locked': [RoomLockChanged];
  /** Hosts: someone knocks; a knock was answered or withdrawn. Guests: the answer to their knock. */
  'knock-request': [KnockArrived];
  'knock-withdrawn': [{ peerId: string }];
  'knock-answer': [KnockAnswer];
  /** A host muted this participant. */
  'host-muted': [HostMuted];
  /** The socket dropped without us asking; it is being re-established. */
  disconnected: [];
  /** The socket is back after a drop, as a new session (a new peer id). */
  reconnected: [SessionInfo];
  /** A connection attempt failed at the transport level; attempts go on with backoff. */
  unreachable: [string];
  /** The service refused a reconnection (key revoked, origin removed…); no more attempts are made. */
  refused: [CallError];
  /** Matching (random and support modes): this visitor's place in a queue changed. */
  'queue-update': [QueueStatus];
  /** Agents: the queue they serve changed; the whole view, rebuilt from `queue:changes`. */
  'queue-snapshot': [QueueSnapshot];
  /** Support, before waiting (after `queue:watch`): whether an agent is online changed. */
  'queue-availability': [QueueAvailability];
  /** Matched: join the room it names. */
  'match-found': [MatchFound];
  /** Random mode: the pair ended; waiting again. */
  'match-ended': [MatchEnded];
  /** Recording consent (see engine/recording-session.ts): the service's messages, as they come. */
  'recording:requested': [RecordingRequested];
  'recording:answered': [RecordingAnswered];
  'recording:cancelled': [RecordingCancelled];
  'recording:state': [RecordingState];
};

/** What a command sends, and what its successful acknowledgement carries (without `ok`). */
export type CommandRequest<E extends ClientCommand> = Parameters<ClientToServerEvents[E]>[0];
export type CommandResult<E extends ClientCommand> = Omit<
  Extract<Parameters<NonNullable<Parameters<ClientToServerEvents[E]>[1]>>[0], { ok: true }>,
  'ok'
>;

/** How the widget proves it may connect: the site's publishable key, or a join token. */
export type Credential = { apiKey: string } | { token: string };

export interface SignalingClientOptions {
  serverUrl: string;
  credential: Credential;
  /** When to try again after the connection was lost; the default backs off from 0.5 s to 3 s with jitter. */
  reconnectPolicy?: ReconnectPolicy;
}

const COMMAND_TIMEOUT_MS = 10_000;

export class SignalingClient extends TypedEmitter<SignalingEvents> {
  /** Who this connection is and its ICE servers, from the service's latest `session` message. */
  session: SessionInfo | null = null;
  private readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  private connecting: Promise<SessionInfo> | null = null;
  private pending: { resolve(session: SessionInfo): void; reject(error: CallError): void } | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** Set when the service closed this connection for good; no reconnection follows. */
  private closedByService: CallError | null = null;
  private readonly reconnectPolicy: ReconnectPolicy;
  /** Retries since the connection was last up. */
  private attempt = 0;
  /** Set by `service:draining`: the close that follows is a handover, not a failure. */
  private drainingWithinMs: number | null = null;
  private agentQueue: QueueSnapshot | null = null;
  /**
   * With several nodes: the token that takes our seat, or our place in a queue, back through another node (sent on
   * every connect).
   */
  private resumeToken: string | undefined;

  constructor(options: SignalingClientOptions) {
    super();
    this.socket = io(options.serverUrl, {
      path: SIGNALING_PATH,
      // Read at each attempt: a reconnection carries the latest resume token, if the service gave one.
      auth: (send) =>
        send({
          protocol: PROTOCOL_VERSION,
          ...options.credential,
          ...(this.resumeToken ? { resume: this.resumeToken } : {}),
        }),
      autoConnect: false,
      // WebSocket first for the lowest setup latency; long-polling if a proxy blocks it.
      transports: ['websocket', 'polling'],
      tryAllTransports: true,
      // Every retry is scheduled here, by the reconnect policy, whatever ended the connection.
      reconnection: false,
    });
    this.reconnectPolicy = options.reconnectPolicy ?? new BackoffPolicy();
    this.socket.on('session', (session) => {
      this.session = session;
      // A new participant (no seat kept) has nothing to take back; one that kept its seat has a fresh token.
      if (session.resume || !session.resumed) this.resumeToken = session.resume;
      this.attempt = 0;
      if (this.pending) {
        this.pending.resolve(session);
        this.pending = null;
      } else {
        this.emit('reconnected', session);
      }
    });
    this.socket.on('peer:joined', (peer) => this.emit('peer-joined', peer));
    this.socket.on('peer:left', (left) => this.emit('peer-left', left));
    this.socket.on('signal', (signal) => this.emit('signal', signal));
    this.socket.on('signal:failed', (failure) => this.emit('signal-failed', failure));
    this.socket.on('chat:message', (message) => this.emit('chat-message', message));
    this.socket.on('peer:media', (media) => this.emit('peer-media', media));
    this.socket.on('room:ended', () => this.emit('room-ended'));
    this.socket.on('room:locked', (change) => this.emit('room-locked', change));
    this.socket.on('knock:request', (knock) => this.emit('knock-request', knock));
    this.socket.on('knock:withdrawn', (withdrawn) => this.emit('knock-withdrawn', withdrawn));
    this.socket.on('knock:answer', (answer) => this.emit('knock-answer', answer));
    this.socket.on('host:muted', (muted) => this.emit('host-muted', muted));
    this.socket.on('queue:update', (status) => this.emit('queue-update', status));
    this.socket.on('queue:changes', (changes) => this.applyChanges(changes));
    this.socket.on('queue:availability', (availability) => this.emit('queue-availability', availability));
    this.socket.on('match:found', (match) => this.emit('match-found', match));
    this.socket.on('match:ended', (ended) => this.emit('match-ended', ended));
    this.socket.on('recording:requested', (p) => this.emit('recording:requested', p));
    this.socket.on('recording:answered', (p) => this.emit('recording:answered', p));
    this.socket.on('recording:cancelled', (p) => this.emit('recording:cancelled', p));
    this.socket.on('recording:state', (p) => this.emit('recording:state', p));
    this.socket.on('session:closed', (reason) => {
      this.closedByService = CallError.fromBody(reason, true) ?? new CallError('connection_failed', undefined, true);
    });
    this.socket.on('service:draining', ({ reconnectWithinMs }) => {
      this.drainingWithinMs = reconnectWithinMs;
    });
    this.socket.on('connect_error', (error: Error & { data?: unknown }) => this.onConnectError(error));
    this.socket.on('disconnect', (reason) => {
      if (reason === 'io client disconnect') return;
      if (this.closedByService) {
        this.emit('refused', this.closedByService);
        return;
      }
      this.emit('disconnected');
      const draining = this.drainingWithinMs !== null;
      this.retry(draining ? 'draining' : reason === 'io server disconnect' ? 'service-closed' : 'network');
    });
  }

  /**
   * Connects once; resolves with the session when the handshake is accepted, rejects with the service's
   * error code when it is refused (or when the client is closed first).
   */
  connect(): Promise<SessionInfo> {
    this.connecting ??= new Promise<SessionInfo>((resolve, reject) => {
      this.pending = { resolve, reject };
      this.socket.connect();
    });
    return this.connecting;
  }

  /**
   * Takes a seat (with a join token, `room` may be left out: the token names it); `offer`, if given, goes to
   * one participant already there (see `JoinResult.offeredTo`).
   */
  async join(
    room: string | undefined,
    displayName?: string,
    offer?: OfferDescription,
    media?: MediaState,
  ): Promise<JoinResult> {
    const joined = await this.command('room:join', {
      ...(room ? { room } : {}),
      ...(displayName ? { displayName } : {}),
      ...(offer ? { offer } : {}),
      ...(media ? { media } : {}),
    });
    this.resumeToken = joined.resume;
    return joined;
  }

  /** A token the service gave for a place in a queue: sent on the next connects, as a seat's is. */
  keepResumeToken(token: string): void {
    this.resumeToken = token;
  }

  /** Sends a chat message to the others in the room; resolves with the id and time the service gave it. */
  sendChat(text: string): Promise<ChatSent> {
    return this.command('chat:send', { text });
  }

  /** Tells the others which of this participant's media are on. */
  async sendMediaState(media: MediaState): Promise<void> {
    await this.command('media:state', media);
  }

  /** Tells the service this participant's network quality and whether it goes through a relay (call summary). */
  async sendCallQuality(report: CallQualityRequest): Promise<void> {
    await this.command('call:quality', report);
  }

  async leave(): Promise<void> {
    this.resumeToken = undefined;
    await this.command('room:leave', {});
  }

  /** Fresh ICE servers (new TURN credentials) for this connection. */
  async iceServers(): Promise<IceServer[]> {
    return (await this.command('ice:servers', {})).iceServers;
  }

  /**
   * Sends an offer, answer or candidate without waiting for an answer: the service says nothing when it relays
   * it, and `signal-failed` when it does not (one frame each way per signal, not two back).
   */
  signal(request: SignalRequest): void {
    // With it, the offset of the last event received (Socket.io's own, which a resume sends too: 4.8.4 keeps it as
    // `_lastOffset`; undefined before any, and then left out of the JSON): the service lets go of what it kept of
    // those for a resume now, not at the next pong.
    this.socket.emit('signal', { ...request, seen: (this.socket as unknown as { _lastOffset?: string })._lastOffset });
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  close(): void {
    clearTimeout(this.retryTimer);
    this.socket.disconnect();
    this.settle(new CallError('connection_failed', 'The connection was closed before it was established.'));
    this.removeAllListeners();
  }

  private onConnectError(error: Error & { data?: unknown }): void {
    const refusal = CallError.fromBody(error.data, true);
    // A transport failure is retried with backoff; a refusal by the service is final, except being turned
    // away for coming too often, or by a node that is shutting down, which pass.
    if (!refusal || refusal.code === 'rate_limited' || refusal.code === 'shutting_down') {
      // A node going away is a handover, not a failure to show: the next attempt finds another one.
      if (refusal?.code !== 'shutting_down') this.emit('unreachable', refusal?.message ?? error.message);
      this.retry(refusal?.code === 'rate_limited' ? 'rate-limited' : 'network');
      return;
    }
    this.socket.disconnect();
    if (!this.settle(refusal)) this.emit('refused', refusal);
  }

  /** Schedules the next connection attempt as the reconnect policy says, or gives up when it says so. */
  private retry(cause: RetryCause): void {
    clearTimeout(this.retryTimer);
    const withinMs = this.drainingWithinMs ?? undefined;
    this.drainingWithinMs = null;
    const delay = this.reconnectPolicy.nextRetryDelayInMs({
      attempt: this.attempt++,
      cause,
      ...(withinMs !== undefined ? { withinMs } : {}),
    });
    if (delay === null) {
      const failure = new CallError(
        'connection_failed',
        'Could not reach the video chat service; gave up retrying.',
        true,
      );
      this.socket.disconnect();
      if (!this.settle(failure)) this.emit('refused', failure);
      return;
    }
    this.retryTimer = setTimeout(() => this.socket.connect(), delay);
  }

  /** Rejects a pending `connect()`; false when none was pending. */
  private settle(failure: CallError): boolean {
    const pending = this.pending;
    if (!pending) return false;
    this.pending = null;
    this.connecting = null;
    pending.reject(failure);
    return true;
  }

  /** Agents: the queue they serve as this connection was last told (the `agent:status` ack, then its changes). */
  get queueView(): QueueSnapshot | null {
    return this.agentQueue;
  }

  /** Applies `queue:changes` to the view it builds on; one naming a customer never sent is a protocol fault, ignored. */
  private applyChanges(changes: QueueChanges): void {
    const view = applyQueueChanges(this.agentQueue ?? { ...changes, customers: [] }, changes);
    if (!view) {
      console.error(
        'video-chat-widget: protocol problem: queue:changes names a customer it never sent; ignored.',
        changes.order,
      );
      return;
    }
    this.agentQueue = view;
    this.emit('queue-snapshot', view);
  }

  /** Sends a command and resolves with its acknowledgement's result, or rejects with its error code. */
  command<E extends ClientCommand>(event: E, payload: CommandRequest<E>): Promise<CommandResult<E>> {
    return new Promise((resolve, reject) => {
      // The typed maps cannot express "this command's ack" generically; the signature above is typed.
      const withTimeout = this.socket.timeout(COMMAND_TIMEOUT_MS) as unknown as {
        emit(event: string, payload: unknown, ack: (timeout: Error | null, reply: Ack<CommandResult<E>>) => void): void;
      };
      withTimeout.emit(event, payload, (timeout, reply) => {
        if (timeout) return reject(new CallError('connection_failed', `The service did not answer ${event} in time.`));
        if (reply.ok) {
          const { ok: _ok, ...result } = reply;
          // Agents: the queue as it stands, which the next `queue:changes` builds on (kept before any of them runs).
          if (event === 'agent:status') this.agentQueue = result as unknown as QueueSnapshot;
          return resolve(result as unknown as CommandResult<E>);
        }
        reject(CallError.fromBody(reply.error) ?? new CallError('connection_failed'));
      });
    });
  }
}
