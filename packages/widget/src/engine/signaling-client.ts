/**
 * The widget's side of the signaling socket: connect with the handshake, commands as promises over acks,
 * and the service's notifications as typed events. Knows nothing of peers or media.
 */
import { io, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION, SIGNALING_PATH } from '@vcw/shared/protocol';
import type {
  Ack,
  ChatMessage,
  ChatSent,
  ClientToServerEvents,
  IceServer,
  JoinResult,
  MediaState,
  OfferDescription,
  PeerMedia,
  PeerInfo,
  PeerLeft,
  RelayedSignal,
  ServerToClientEvents,
  SessionInfo,
  SignalRequest,
} from '@vcw/shared';
import { CallError } from './call-error.js';
import { TypedEmitter } from './typed-emitter.js';

type SignalingEvents = {
  'peer-joined': [PeerInfo];
  'peer-left': [PeerLeft];
  signal: [RelayedSignal];
  /** A chat message from another participant. */
  'chat-message': [ChatMessage];
  /** Another participant turned a microphone, camera or screen share on or off. */
  'peer-media': [PeerMedia];
  /** The room was ended by its partner; the service already took every seat away. */
  'room-ended': [];
  /** The socket dropped without us asking; it is being re-established. */
  disconnected: [];
  /** The socket is back after a drop, as a new session (a new peer id). */
  reconnected: [SessionInfo];
  /** A connection attempt failed at the transport level; attempts go on with backoff. */
  unreachable: [string];
  /** The service refused a reconnection (key revoked, origin removed…); no more attempts are made. */
  refused: [CallError];
};

/** How the widget proves it may connect: the site's publishable key, or a join token. */
export type Credential = { apiKey: string } | { token: string };

export interface SignalingClientOptions {
  serverUrl: string;
  credential: Credential;
}

const COMMAND_TIMEOUT_MS = 10_000;
/** Wait before reconnecting after the service closed the connection (typically while it restarts). */
const SERVICE_CLOSED_RETRY_MS = 1_000;
/** Wait before trying again when the service turned a connection away for coming too often. */
const RATE_LIMITED_RETRY_MS = 5_000;

export class SignalingClient extends TypedEmitter<SignalingEvents> {
  /** Who this connection is and its ICE servers, from the service's latest `session` message. */
  session: SessionInfo | null = null;
  private readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  private connecting: Promise<SessionInfo> | null = null;
  private pending: { resolve(session: SessionInfo): void; reject(error: CallError): void } | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** Set when the service closed this connection for good; no reconnection follows. */
  private closedByService: CallError | null = null;

  constructor(options: SignalingClientOptions) {
    super();
    this.socket = io(options.serverUrl, {
      path: SIGNALING_PATH,
      auth: { protocol: PROTOCOL_VERSION, ...options.credential },
      autoConnect: false,
      // WebSocket first for the lowest setup latency; long-polling if a proxy blocks it.
      transports: ['websocket', 'polling'],
      tryAllTransports: true,
      // Back off with jitter from 0.5 s up to 3 s: a service back from a restart is found within a few seconds,
      // and many widgets do not all knock at the same instant.
      reconnectionDelay: 500,
      reconnectionDelayMax: 3000,
      randomizationFactor: 0.5,
    });
    this.socket.on('session', (session) => {
      this.session = session;
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
    this.socket.on('chat:message', (message) => this.emit('chat-message', message));
    this.socket.on('peer:media', (media) => this.emit('peer-media', media));
    this.socket.on('room:ended', () => this.emit('room-ended'));
    this.socket.on('session:closed', (reason) => {
      this.closedByService = CallError.fromBody(reason, true) ?? new CallError('connection_failed', undefined, true);
    });
    this.socket.on('connect_error', (error: Error & { data?: unknown }) => this.onConnectError(error));
    this.socket.on('disconnect', (reason) => {
      if (reason === 'io client disconnect') return;
      if (this.closedByService) {
        this.emit('refused', this.closedByService);
        return;
      }
      this.emit('disconnected');
      // Socket.io retries by itself, except when the service itself closed the connection (a restart).
      if (reason === 'io server disconnect') {
        this.retryTimer = setTimeout(() => this.socket.connect(), SERVICE_CLOSED_RETRY_MS * (1 + Math.random()));
      }
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
  join(room: string | undefined, displayName?: string, offer?: OfferDescription, media?: MediaState): Promise<JoinResult> {
    return this.command<JoinResult>('room:join', {
      ...(room ? { room } : {}),
      ...(displayName ? { displayName } : {}),
      ...(offer ? { offer } : {}),
      ...(media ? { media } : {}),
    });
  }

  /** Sends a chat message to the others in the room; resolves with the id and time the service gave it. */
  sendChat(text: string): Promise<ChatSent> {
    return this.command<ChatSent>('chat:send', { text }).then(({ id, ts }) => ({ id, ts }));
  }

  /** Tells the others which of this participant's media are on. */
  async sendMediaState(media: MediaState): Promise<void> {
    await this.command('media:state', media);
  }

  async leave(): Promise<void> {
    await this.command('room:leave', {});
  }

  /** Fresh ICE servers (new TURN credentials) for this connection. */
  async iceServers(): Promise<IceServer[]> {
    return (await this.command<{ iceServers: IceServer[] }>('ice:servers', {})).iceServers;
  }

  async signal(request: SignalRequest): Promise<void> {
    await this.command('signal', request);
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
    // A transport failure is retried by Socket.io with backoff; a refusal by the service is final, except
    // being turned away for coming too often, which passes.
    if (!refusal && this.socket.active) {
      this.emit('unreachable', error.message);
      return;
    }
    if (refusal?.code === 'rate_limited') {
      this.emit('unreachable', refusal.message);
      this.retryTimer = setTimeout(() => this.socket.connect(), RATE_LIMITED_RETRY_MS * (1 + Math.random()));
      return;
    }
    this.socket.disconnect();
    const failure = refusal ?? new CallError('connection_failed', `Could not reach the service: ${error.message}`, true);
    if (!this.settle(failure)) this.emit('refused', failure);
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

  private command<R extends object>(event: keyof ClientToServerEvents, payload: unknown): Promise<R> {
    return new Promise((resolve, reject) => {
      // The typed maps cannot express "this command's payload" generically; the public methods above are typed.
      const withTimeout = this.socket.timeout(COMMAND_TIMEOUT_MS) as unknown as {
        emit(event: string, payload: unknown, ack: (timeout: Error | null, reply: Ack<R>) => void): void;
      };
      withTimeout.emit(event, payload, (timeout, reply) => {
        if (timeout) return reject(new CallError('connection_failed', `The service did not answer ${event} in time.`));
        if (reply.ok) return resolve(reply);
        reject(CallError.fromBody(reply.error) ?? new CallError('connection_failed'));
      });
    });
  }
}
