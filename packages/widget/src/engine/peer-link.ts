/**
 * One WebRTC connection to one remote participant, negotiated with the "perfect negotiation" pattern: either
 * side may renegotiate at any time; on a collision the polite side (chosen by the service) yields. Signals are
 * handled one at a time, and ICE candidates that arrive before their description wait in a queue.
 */
import type { IceCandidate, IceServer, OfferDescription, RelayedSignal, SessionDescription } from '@vcw/shared';
import { TypedEmitter } from './typed-emitter.js';

type PeerLinkEvents = {
  /** The remote stream changed (a track arrived). */
  stream: [MediaStream];
  state: [RTCPeerConnectionState];
  /** Something went wrong sending or applying a signal. */
  failure: [Error];
};

export type OutgoingSignal = { description: SessionDescription } | { candidate: IceCandidate };

export interface PeerLinkOptions {
  iceServers: IceServer[];
  /** Local tracks to send (missing kinds are received only). */
  localTracks: { audio: MediaStreamTrack | null; video: MediaStreamTrack | null };
  localStream: MediaStream;
  /** The side that makes the first offer: the newcomer, toward everyone already in the room. */
  initiator: boolean;
}

/** Who is on the other end; a link made before joining learns it later. */
export interface PeerBinding {
  peerId: string;
  polite: boolean;
  send(signal: OutgoingSignal): void;
}

const KINDS = ['audio', 'video'] as const;

export class PeerLink extends TypedEmitter<PeerLinkEvents> {
  readonly connection: RTCPeerConnection;
  private peer: PeerBinding | null = null;
  /** Signals made before the link was bound to a peer, sent on `bind`. */
  private readonly unsent: OutgoingSignal[] = [];
  remoteStream = new MediaStream();

  private makingOffer = false;
  private ignoreOffer = false;
  private tracksAttached = false;
  private readonly earlyCandidates: RTCIceCandidateInit[] = [];
  private inbox: Promise<void> = Promise.resolve();

  constructor(private readonly options: PeerLinkOptions) {
    super();
    this.connection = new RTCPeerConnection({ iceServers: options.iceServers });
    const pc = this.connection;

    pc.onicecandidate = ({ candidate }) => {
      if (candidate) this.send({ candidate: toIceCandidate(candidate) });
    };
    pc.onnegotiationneeded = () => void this.offer();
    pc.ontrack = ({ track }) => {
      // A fresh stream object lets views re-bind; the tracks are the same.
      this.remoteStream = new MediaStream([...this.remoteStream.getTracks().filter((t) => t.kind !== track.kind), track]);
      this.emit('stream', this.remoteStream);
    };
    pc.onconnectionstatechange = () => this.emit('state', pc.connectionState);

    if (options.initiator) {
      this.tracksAttached = true;
      for (const kind of KINDS) {
        const track = options.localTracks[kind];
        if (track) pc.addTransceiver(track, { direction: 'sendrecv', streams: [options.localStream] });
        else pc.addTransceiver(kind, { direction: 'recvonly' });
      }
      // Offer at once rather than a task later on `negotiationneeded`; once this offer is answered the
      // browser sees nothing left to negotiate, so no second offer follows.
      void this.offer();
    }
  }

  get peerId(): string | null {
    return this.peer?.peerId ?? null;
  }

  get state(): RTCPeerConnectionState {
    return this.connection.connectionState;
  }

  /** The local offer, once made (the link of an initiator that is not yet bound to a peer). */
  get localOffer(): OfferDescription | null {
    const local = this.connection.localDescription;
    return local?.type === 'offer' ? { type: 'offer', sdp: local.sdp } : null;
  }

  /** Attaches the link to its remote peer and sends what was made before (ICE candidates). */
  bind(peer: PeerBinding, { offerDelivered = false } = {}): this {
    this.peer = peer;
    for (const signal of this.unsent.splice(0)) {
      if (!(offerDelivered && 'description' in signal)) peer.send(signal);
    }
    return this;
  }

  /** Applies a signal from the remote peer, after any that came before it. */
  receive(signal: RelayedSignal): Promise<void> {
    this.inbox = this.inbox.then(
      () => this.apply(signal),
      () => this.apply(signal),
    );
    return this.inbox.catch((error: unknown) => this.emit('failure', asError(error)));
  }

  private async offer(): Promise<void> {
    try {
      this.makingOffer = true;
      await this.connection.setLocalDescription();
      this.sendLocalDescription();
    } catch (error) {
      this.emit('failure', asError(error));
    } finally {
      this.makingOffer = false;
    }
  }

  close(): void {
    this.connection.close();
    this.removeAllListeners();
  }

  private async apply(signal: RelayedSignal): Promise<void> {
    const pc = this.connection;
    if (pc.signalingState === 'closed') return;
    if ('description' in signal) {
      const description = signal.description;
      const collision = description.type === 'offer' && (this.makingOffer || pc.signalingState !== 'stable');
      this.ignoreOffer = !this.peer?.polite && collision;
      if (this.ignoreOffer) return;
      if (description.type === 'offer') this.attachLocalTracks();
      await pc.setRemoteDescription(description); // a polite peer rolls its own offer back implicitly
      if (description.type === 'offer') {
        await pc.setLocalDescription();
        this.sendLocalDescription();
      }
      for (const candidate of this.earlyCandidates.splice(0)) {
        await this.addCandidate(candidate).catch((error: unknown) => this.emit('failure', asError(error)));
      }
    } else if (!pc.remoteDescription) {
      // Candidates of an offer we ignored are dropped; any other waits for its description.
      if (!this.ignoreOffer) this.earlyCandidates.push(signal.candidate);
    } else {
      await this.addCandidate(signal.candidate);
    }
  }

  private async addCandidate(candidate: RTCIceCandidateInit): Promise<void> {
    try {
      await this.connection.addIceCandidate(candidate);
    } catch (error) {
      // Candidates of an offer we ignored are expected to fail.
      if (!this.ignoreOffer) throw error;
    }
  }

  /**
   * The answering side adds its tracks just before applying the first offer: the browser then binds them to
   * the offered audio and video sections (JSEP 5.10), so the answer already sends them, with no extra round.
   */
  private attachLocalTracks(): void {
    if (this.tracksAttached) return;
    this.tracksAttached = true;
    for (const kind of KINDS) {
      const track = this.options.localTracks[kind];
      if (track) this.connection.addTrack(track, this.options.localStream);
    }
  }

  private sendLocalDescription(): void {
    const local = this.connection.localDescription;
    if (local && (local.type === 'offer' || local.type === 'answer')) {
      this.send({ description: { type: local.type, sdp: local.sdp } });
    }
  }

  private send(signal: OutgoingSignal): void {
    if (this.peer) this.peer.send(signal);
    else this.unsent.push(signal);
  }
}

function toIceCandidate(candidate: RTCIceCandidate): IceCandidate {
  const { candidate: line, sdpMid, sdpMLineIndex, usernameFragment } = candidate.toJSON();
  return { candidate: line ?? '', sdpMid: sdpMid ?? null, sdpMLineIndex: sdpMLineIndex ?? null, usernameFragment: usernameFragment ?? null };
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
