/**
 * The widget's side of the signaling socket: connect with the handshake, commands as promises over acks,
 * and the service's notifications as typed events. Knows nothing of peers or media.
 */
import { io, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION, SIGNALING_PATH } from '@vcw/shared/protocol';
import type {
  Ack,
  ClientToServerEvents,
  JoinResult,
  OfferDescription,
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
  /** The socket dropped without us asking; Socket.io is retrying. */
  disconnected: [];
  /** The socket came back after a drop. */
  reconnected: [];
  /** A connection attempt failed at the transport level; Socket.io keeps retrying with backoff. */
  unreachable: [string];
};

export interface SignalingClientOptions {
  serverUrl: string;
  apiKey: string;
}

const COMMAND_TIMEOUT_MS = 10_000;

export class SignalingClient extends TypedEmitter<SignalingEvents> {
  private readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  private connecting: Promise<SessionInfo> | null = null;
  private everConnected = false;
  /** Who this connection is and its ICE servers, from the service's `session` message. */
  session: SessionInfo | null = null;

  constructor(options: SignalingClientOptions) {
    super();
    this.socket = io(options.serverUrl, {
      path: SIGNALING_PATH,
      auth: { protocol: PROTOCOL_VERSION, apiKey: options.apiKey },
      autoConnect: false,
      // WebSocket first for the lowest setup latency; long-polling if a proxy blocks it.
      transports: ['websocket', 'polling'],
      tryAllTransports: true,
    });
    this.socket.on('session', (session) => (this.session = session));
    this.socket.on('peer:joined', (peer) => this.emit('peer-joined', peer));
    this.socket.on('peer:left', (left) => this.emit('peer-left', left));
    this.socket.on('signal', (signal) => this.emit('signal', signal));
    this.socket.on('connect', () => {
      if (this.everConnected) this.emit('reconnected');
      this.everConnected = true;
    });
    this.socket.on('disconnect', (reason) => {
      if (reason !== 'io client disconnect') this.emit('disconnected');
    });
  }

  /**
   * Connects once; resolves with the session when the handshake is accepted, rejects with the service's
   * error code when it is refused.
   */
  connect(): Promise<SessionInfo> {
    this.connecting ??= new Promise<SessionInfo>((resolve, reject) => {
      const onConnect = () => {
        this.socket.off('connect_error', onError);
        this.socket.once('session', resolve);
      };
      const onError = (error: Error & { data?: unknown }) => {
        const refusal = CallError.fromBody(error.data, true);
        // A refusal by the service is final; a transport failure is retried by Socket.io until it gives up.
        if (!refusal && this.socket.active) {
          this.emit('unreachable', error.message);
          return;
        }
        this.socket.off('connect', onConnect);
        this.socket.off('connect_error', onError);
        this.socket.disconnect();
        this.connecting = null;
        reject(refusal ?? new CallError('connection_failed', `Could not reach the service: ${error.message}`, true));
      };
      this.socket.once('connect', onConnect);
      this.socket.on('connect_error', onError);
      this.socket.connect();
    });
    return this.connecting;
  }

  /** Takes a seat; `offer`, if given, goes to one participant already there (see `JoinResult.offeredTo`). */
  join(room: string, displayName?: string, offer?: OfferDescription): Promise<JoinResult> {
    return this.command<JoinResult>('room:join', { room, ...(displayName ? { displayName } : {}), ...(offer ? { offer } : {}) });
  }

  async leave(): Promise<void> {
    await this.command('room:leave', {});
  }

  async signal(request: SignalRequest): Promise<void> {
    await this.command('signal', request);
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  close(): void {
    this.socket.disconnect();
    this.removeAllListeners();
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
