/**
 * One WebRTC connection to one remote participant, negotiated with the "perfect negotiation" pattern: either
 * side may renegotiate at any time; on a collision the polite side (chosen by the service) yields. Signals are
 * handled one at a time, and ICE candidates that arrive before their description wait in a queue.
 */
import type { IceCandidate, IceServer, RelayedSignal, SessionDescription } from '@vcw/shared';
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
  peerId: string;
  polite: boolean;
  iceServers: IceServer[];
  /** Local tracks to send (missing kinds are received only). */
  localTracks: { audio: MediaStreamTrack | null; video: MediaStreamTrack | null };
  localStream: MediaStream;
  /** The side that makes the first offer: the newcomer, toward everyone already in the room. */
  initiator: boolean;
  send(signal: OutgoingSignal): void;
}

const KINDS = ['audio', 'video'] as const;

export class PeerLink extends TypedEmitter<PeerLinkEvents> {
  readonly peerId: string;
  readonly polite: boolean;
  readonly connection: RTCPeerConnection;
  remoteStream = new MediaStream();

  private makingOffer = false;
  private ignoreOffer = false;
  private tracksAttached = false;
  private readonly earlyCandidates: RTCIceCandidateInit[] = [];
  private inbox: Promise<void> = Promise.resolve();

  constructor(private readonly options: PeerLinkOptions) {
    super();
    this.peerId = options.peerId;
    this.polite = options.polite;
    this.connection = new RTCPeerConnection({ iceServers: options.iceServers });
    const pc = this.connection;

    pc.onicecandidate = ({ candidate }) => {
      if (candidate) options.send({ candidate: toIceCandidate(candidate) });
    };
    pc.onnegotiationneeded = async () => {
      try {
        this.makingOffer = true;
        await pc.setLocalDescription();
        this.sendLocalDescription();
      } catch (error) {
        this.emit('failure', asError(error));
      } finally {
        this.makingOffer = false;
      }
    };
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
    }
  }

  get state(): RTCPeerConnectionState {
    return this.connection.connectionState;
  }

  /** Applies a signal from the remote peer, after any that came before it. */
  receive(signal: RelayedSignal): Promise<void> {
    this.inbox = this.inbox.then(
      () => this.apply(signal),
      () => this.apply(signal),
    );
    return this.inbox.catch((error: unknown) => this.emit('failure', asError(error)));
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
      this.ignoreOffer = !this.polite && collision;
      if (this.ignoreOffer) return;
      await pc.setRemoteDescription(description); // a polite peer rolls its own offer back implicitly
      if (description.type === 'offer') {
        await this.attachLocalTracks();
        await pc.setLocalDescription();
        this.sendLocalDescription();
      }
      for (const candidate of this.earlyCandidates.splice(0)) await this.addCandidate(candidate);
    } else if (!pc.remoteDescription) {
      this.earlyCandidates.push(signal.candidate);
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

  /** The answering side sends its tracks on the transceivers the first offer created (no extra round). */
  private async attachLocalTracks(): Promise<void> {
    if (this.tracksAttached) return;
    this.tracksAttached = true;
    for (const kind of KINDS) {
      const track = this.options.localTracks[kind];
      const transceiver = this.connection.getTransceivers().find((t) => t.receiver.track.kind === kind && !t.sender.track);
      if (!track || !transceiver) continue;
      await transceiver.sender.replaceTrack(track);
      transceiver.sender.setStreams(this.options.localStream);
      transceiver.direction = 'sendrecv';
    }
  }

  private sendLocalDescription(): void {
    const local = this.connection.localDescription;
    if (local && (local.type === 'offer' || local.type === 'answer')) {
      this.options.send({ description: { type: local.type, sdp: local.sdp } });
    }
  }
}

function toIceCandidate(candidate: RTCIceCandidate): IceCandidate {
  const { candidate: line, sdpMid, sdpMLineIndex, usernameFragment } = candidate.toJSON();
  return { candidate: line ?? '', sdpMid: sdpMid ?? null, sdpMLineIndex: sdpMLineIndex ?? null, usernameFragment: usernameFragment ?? null };
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
