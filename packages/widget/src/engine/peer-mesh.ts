/** Every remote participant of the call: one PeerLink each, and what the UI shows of them. */
import type { LeaveReason, PeerInfo, RelayedSignal } from '@vcw/shared';
import { CallError } from './call-error.js';
import type { OutgoingSignal, PeerLink } from './peer-link.js';
import { TypedEmitter } from './typed-emitter.js';

/** A remote participant as the UI sees it. */
export interface Participant {
  peerId: string;
  displayName: string;
  /** Their audio and video, once the first track arrived. */
  stream: MediaStream | null;
  connectionState: RTCPeerConnectionState;
}

type PeerMeshEvents = {
  'participant-join': [Participant];
  'participant-update': [Participant];
  'participant-leave': [{ peerId: string; reason: LeaveReason }];
  error: [CallError];
};

export class PeerMesh extends TypedEmitter<PeerMeshEvents> {
  private readonly links = new Map<string, PeerLink>();
  private readonly people = new Map<string, Participant>();

  /** `send` delivers a signal to one participant through the service. */
  constructor(private readonly send: (to: string, signal: OutgoingSignal) => void) {
    super();
  }

  get participants(): Participant[] {
    return [...this.people.values()];
  }

  /** Adds a participant, calling them over `link`. `offerDelivered`: the link's offer already reached them. */
  add(peer: PeerInfo, link: PeerLink, offerDelivered = false): void {
    if (this.links.has(peer.peerId)) {
      link.close();
      return;
    }
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
    link.bind({ peerId: peer.peerId, polite: peer.polite, send: (signal) => this.send(peer.peerId, signal) }, { offerDelivered });
    this.emit('participant-join', participant);
  }

  /** Hands a signal to the link of its sender; signals from strangers are dropped. */
  receive(signal: RelayedSignal): void {
    void this.links.get(signal.from)?.receive(signal);
  }

  remove(peerId: string, reason: LeaveReason): void {
    const link = this.links.get(peerId);
    if (!link) return;
    link.close();
    this.links.delete(peerId);
    this.people.delete(peerId);
    this.emit('participant-leave', { peerId, reason });
  }

  /** Closes every link without reporting departures (we are the one leaving). */
  clear(): void {
    for (const link of this.links.values()) link.close();
    this.links.clear();
    this.people.clear();
  }
}
