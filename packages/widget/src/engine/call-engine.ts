/**
 * The call engine: one signaling client, one media manager, one PeerLink per remote participant. It knows
 * nothing of the element; the element renders `state`, `participants` and `media`, and maps engine events to
 * DOM events.
 */
import { LeaveReason, type IceServer, type JoinResult, type PeerInfo, type SessionInfo } from '@vcw/shared';
import { CallError } from './call-error.js';
import { MediaManager } from './media-manager.js';
import { PeerLink, type OutgoingSignal } from './peer-link.js';
import { SignalingClient } from './signaling-client.js';
import { TypedEmitter } from './typed-emitter.js';

export type CallState = 'idle' | 'prejoin' | 'connecting' | 'connected' | 'reconnecting' | 'left' | 'error';

/** A remote participant as the UI sees it. */
export interface Participant {
  peerId: string;
  displayName: string;
  /** Their audio and video, once the first track arrived. */
  stream: MediaStream | null;
  connectionState: RTCPeerConnectionState;
}

type CallEngineEvents = {
  state: [CallState];
  /** Local devices changed (opened, toggled, released). */
  media: [];
  joined: [JoinResult];
  left: [{ reason: LeaveReason }];
  'participant-join': [Participant];
  'participant-update': [Participant];
  'participant-leave': [{ peerId: string; reason: LeaveReason }];
  error: [CallError];
};

export interface CallEngineOptions {
  serverUrl: string;
  apiKey: string;
}

export class CallEngine extends TypedEmitter<CallEngineEvents> {
  readonly media = new MediaManager();
  state: CallState = 'idle';
  private signaling: SignalingClient | null = null;
  private preparing: Promise<void> | null = null;
  /** The seat we hold, while in a room, and the name we took it under. */
  private joined: JoinResult | null = null;
  private joinedAs: string | undefined;
  /** A link with its offer already made, for the first participant we meet on joining. */
  private warm: PeerLink | null = null;
  private readonly links = new Map<string, PeerLink>();
  private readonly people = new Map<string, Participant>();

  constructor(private readonly options: CallEngineOptions) {
    super();
    this.media.on('change', () => this.emit('media'));
  }

  get participants(): Participant[] {
    return [...this.people.values()];
  }

  /**
   * Before joining: opens the devices and the socket in parallel, so Join has nothing left to open.
   * Rejects (after emitting `error`) when the service refuses the connection.
   */
  prepare(): Promise<void> {
    if (this.state === 'idle' || this.state === 'left') this.setState('prejoin');
    return this.prepared().catch((error: unknown) => {
      throw this.fail(error);
    });
  }

  private prepared(): Promise<void> {
    this.preparing ??= Promise.all([
      this.media.acquire().then(() => {
        if (this.media.issue) this.emit('error', this.media.issue);
      }),
      this.connect(),
    ]).then(
      () => this.warmUp(),
      (error: unknown) => {
        this.preparing = null;
        throw error;
      },
    );
    return this.preparing;
  }

  /** Takes a seat in `room` and calls everyone already there. Rejects (after emitting `error`) on failure. */
  async join(room: string, displayName?: string): Promise<void> {
    if (this.state === 'connecting' || this.state === 'connected' || this.state === 'reconnecting') return;
    this.setState('connecting');
    try {
      await this.prepared();
      const warm = this.warm;
      this.warm = null;
      let result: JoinResult;
      try {
        result = await this.signaling!.join(room, displayName, warm?.localOffer ?? undefined);
      } catch (error) {
        this.warm = warm; // not used: keep it for the next attempt
        throw error;
      }
      this.joined = result;
      this.joinedAs = displayName;
      // The warm link serves the peer that received its offer with the join (or, if it was not ready, the first).
      const warmFor = warm ? (result.offeredTo ?? result.peers[0]?.peerId) : undefined;
      for (const peer of result.peers) {
        const prepared = peer.peerId === warmFor && warm ? { link: warm, offerDelivered: result.offeredTo === warmFor } : undefined;
        this.addParticipant(peer, true, prepared);
      }
      if (warm && !warmFor) warm.close();
      this.setState('connected');
      this.emit('joined', result);
    } catch (error) {
      throw this.fail(error);
    }
  }

  /** Hangs up: closes every peer connection, gives the seat back, releases devices and the socket. */
  async leave(reason: LeaveReason = LeaveReason.hangup): Promise<void> {
    if (this.state === 'idle' || this.state === 'left') return;
    const wasInRoom = this.joined !== null;
    this.closeLinks();
    this.warm?.close();
    this.warm = null;
    this.joined = null;
    const signaling = this.signaling;
    this.signaling = null;
    this.preparing = null;
    if (signaling) {
      if (wasInRoom && signaling.connected) await signaling.leave().catch(() => undefined);
      signaling.close();
    }
    this.media.stop();
    this.setState('left');
    if (wasInRoom) this.emit('left', { reason });
  }

  setMicrophoneEnabled(on: boolean): void {
    this.media.setMicrophoneEnabled(on);
  }

  setCameraEnabled(on: boolean): void {
    this.media.setCameraEnabled(on);
  }

  /**
   * Makes the offer for the first participant before Join is clicked: the link gathers its ICE candidates and
   * its offer travels with the join request, so the call starts a round trip sooner.
   */
  private warmUp(): void {
    const session = this.signaling?.session;
    if (!this.warm && session && !this.joined) this.warm = this.createLink(session.iceServers, true);
  }

  private createLink(iceServers: IceServer[], initiator: boolean): PeerLink {
    return new PeerLink({
      iceServers,
      localTracks: { audio: this.media.audioTrack, video: this.media.videoTrack },
      localStream: this.media.stream ?? new MediaStream(),
      initiator,
    });
  }

  private connect(): Promise<SessionInfo> {
    if (!this.signaling) {
      const signaling = new SignalingClient({ serverUrl: this.options.serverUrl, apiKey: this.options.apiKey });
      signaling.on('peer-joined', (peer) => {
        if (this.joined) this.addParticipant(peer, false);
      });
      signaling.on('peer-left', ({ peerId, reason }) => this.removeParticipant(peerId, reason));
      signaling.on('signal', (signal) => void this.links.get(signal.from)?.receive(signal));
      signaling.on('disconnected', () => {
        if (this.state === 'connected') this.setState('reconnecting');
      });
      signaling.on('reconnected', () => void this.rejoin());
      signaling.on('unreachable', (why) => this.emit('error', new CallError('connection_failed', `Could not reach the video chat service (${why}); retrying…`)));
      this.signaling = signaling;
    }
    return this.signaling.connect();
  }

  /**
   * After the socket came back, the service has given our seat away: take a new one. Media to peers that are
   * still connected is renegotiated under the new identity.
   */
  private async rejoin(): Promise<void> {
    const room = this.joined?.room;
    const displayName = this.joinedAs;
    if (!room || this.state !== 'reconnecting') return;
    for (const peerId of [...this.people.keys()]) this.removeParticipant(peerId, LeaveReason.network);
    this.joined = null;
    this.setState('prejoin');
    await this.join(room, displayName).catch(() => undefined);
  }

  private addParticipant(peer: PeerInfo, initiator: boolean, prepared?: { link: PeerLink; offerDelivered: boolean }): void {
    if (this.links.has(peer.peerId)) return;
    const signaling = this.signaling!;
    const link = prepared?.link ?? this.createLink(this.joined?.iceServers ?? [], initiator);
    const send = (signal: OutgoingSignal) => {
      signaling.signal({ to: peer.peerId, ...signal }).catch((error: unknown) => {
        // The peer may have just left; anything else is worth reporting.
        if (!(error instanceof CallError && error.code === 'peer_not_found')) this.emit('error', toCallError(error));
      });
    };
    link.bind({ peerId: peer.peerId, polite: peer.polite, send }, { offerDelivered: prepared?.offerDelivered ?? false });
    const participant: Participant = { peerId: peer.peerId, displayName: peer.displayName, stream: null, connectionState: link.state };
    link.on('stream', (stream) => {
      participant.stream = stream;
      this.emit('participant-update', participant);
    });
    link.on('state', (state) => {
      participant.connectionState = state;
      this.emit('participant-update', participant);
      if (state === 'failed') this.emit('error', new CallError('peer_connection_failed', `The call to ${participant.displayName} could not be connected.`));
    });
    link.on('failure', (error) => this.emit('error', new CallError('peer_connection_failed', error.message)));
    this.links.set(peer.peerId, link);
    this.people.set(peer.peerId, participant);
    this.emit('participant-join', participant);
  }

  private removeParticipant(peerId: string, reason: LeaveReason): void {
    const link = this.links.get(peerId);
    if (!link) return;
    link.close();
    this.links.delete(peerId);
    this.people.delete(peerId);
    this.emit('participant-leave', { peerId, reason });
  }

  private closeLinks(): void {
    for (const link of this.links.values()) link.close();
    this.links.clear();
    this.people.clear();
  }

  /** Reports a failure; a fatal one stops the widget, any other returns it to the pre-join screen. */
  private fail(error: unknown): CallError {
    const failure = toCallError(error);
    this.emit('error', failure);
    this.setState(failure.fatal ? 'error' : 'prejoin');
    return failure;
  }

  private setState(state: CallState): void {
    if (this.state === state) return;
    this.state = state;
    this.emit('state', state);
  }
}

function toCallError(error: unknown): CallError {
  if (error instanceof CallError) return error;
  return new CallError('connection_failed', error instanceof Error ? error.message : String(error));
}
