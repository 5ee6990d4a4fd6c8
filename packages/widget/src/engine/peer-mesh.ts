/** Every remote participant of the call: one PeerLink each, and what the UI shows of them. */
import type { IceServer, LeaveReason, MediaState, PeerJoined, RelayedSignal } from '@vcw/shared';
import { CallError } from './call-error.js';
import type { NetworkQuality } from './network-quality.js';
import type { OutgoingSignal, PeerBinding, PeerLink, TrackKind } from './peer-link.js';
import { TypedEmitter } from './typed-emitter.js';

/** A remote participant as the UI sees it. */
export interface Participant {
  peerId: string;
  displayName: string;
  /** Their audio and video, once the first track arrived. */
  stream: MediaStream | null;
  connectionState: RTCPeerConnectionState;
  /** Microphone, camera and screen share as the participant signaled them (never guessed from the stream). */
  microphone: boolean;
  camera: boolean;
  screen: boolean;
  /** The loudest participant above the speaking threshold. */
  speaking: boolean;
  /** How healthy the media path to them is, from its statistics. */
  quality: NetworkQuality;
  /** No media path to them (not connected in time, or failed): they are reachable by chat only. */
  textOnly: boolean;
}

/** What a participant that never signaled its media is assumed to have (an older widget): everything on. */
const UNSIGNALED: MediaState = { microphone: true, camera: true, screen: false };
/** A media connection not up by then makes the participant text-only until it comes up (checked again as often). */
export const MEDIA_CONNECT_DEADLINE_MS = 8_000;

type PeerMeshEvents = {
  'participant-join': [Participant];
  'participant-update': [Participant];
  'participant-leave': [{ peerId: string; reason: LeaveReason }];
  error: [CallError];
};

export class PeerMesh extends TypedEmitter<PeerMeshEvents> {
  private readonly links = new Map<string, PeerLink>();
  private readonly people = new Map<string, Participant>();
  private readonly deadlines = new Map<string, ReturnType<typeof setTimeout>>();
  /** Newcomers whose offer (it came with their arrival) is being answered: the page hears of them once it went. */
  private readonly answering = new Set<string>();

  /** `send` delivers a signal to one participant through the service. */
  constructor(private readonly send: (to: string, signal: OutgoingSignal) => void) {
    super();
  }

  get participants(): Participant[] {
    return [...this.people.values()];
  }

  /** Each participant with the link to them (those with a media connection), for sampling statistics. */
  get entries(): Array<{ participant: Participant; link: PeerLink }> {
    return [...this.people.values()].flatMap((participant) => {
      const link = this.links.get(participant.peerId);
      return link ? [{ participant, link }] : [];
    });
  }

  /** Hands every link new ICE servers (fresh TURN credentials), for their next ICE restart. */
  useIceServers(iceServers: IceServer[]): void {
    for (const { link } of this.entries) link.useIceServers(iceServers);
  }

  link(peerId: string): PeerLink | undefined {
    return this.links.get(peerId);
  }

  /**
   * Adds a participant, calling them over `link`. `offerDelivered`: the link's offer already reached them; `peer.offer`:
   * theirs, made before they joined.
   * Without a link (this browser has no WebRTC) they are reachable by chat only.
   */
  add(peer: PeerJoined, link: PeerLink | null, offerDelivered = false): void {
    if (this.people.has(peer.peerId)) {
      link?.close();
      return;
    }
    const participant: Participant = {
      peerId: peer.peerId,
      displayName: peer.displayName,
      stream: null,
      connectionState: link?.state ?? 'new',
      ...(peer.media ?? UNSIGNALED),
      speaking: false,
      quality: 'unknown',
      textOnly: !link,
    };
    this.people.set(peer.peerId, participant);
    if (link) {
      this.connect(
        participant,
        link,
        { peerId: peer.peerId, polite: peer.polite, send: (signal) => this.send(peer.peerId, signal) },
        offerDelivered,
      );
      if (peer.offer) {
        // The newcomer's offer is answered before the page hears of them (and draws them): the answer is what
        // the call waits for, and a page drawing a new tile would hold it up.
        this.answering.add(peer.peerId);
        void link.receive({ from: peer.peerId, description: peer.offer }).finally(() => {
          if (!this.answering.delete(peer.peerId)) return; // gone meanwhile
          this.emit('participant-join', participant);
        });
        return;
      }
    }
    this.emit('participant-join', participant);
  }

  /** Tells the page a participant changed, unless it has not heard of them yet (their join says it all). */
  private changed(participant: Participant): void {
    if (!this.answering.has(participant.peerId)) this.emit('participant-update', participant);
  }

  private connect(participant: Participant, link: PeerLink, binding: PeerBinding, offerDelivered: boolean): void {
    link.on('stream', (stream) => {
      participant.stream = stream;
      this.changed(participant);
    });
    link.on('state', (state) => {
      participant.connectionState = state;
      if (state === 'connected') participant.textOnly = false; // a late or restored path upgrades back
      if (state === 'failed') participant.textOnly = true;
      this.changed(participant);
      if (state === 'failed')
        this.emit(
          'error',
          new CallError(
            'peer_connection_failed',
            `The call to ${participant.displayName} could not be connected; you can still chat.`,
          ),
        );
    });
    link.on('failure', (error) => this.emit('error', new CallError('peer_connection_failed', error.message)));
    this.links.set(participant.peerId, link);
    this.watchConnection(participant, link);
    link.bind(binding, { offerDelivered });
  }

  /**
   * Every deadline the media path is still not up, the participant is text-only and the path is tried again
   * with fresh candidates; once it comes up (the `state` listener), they are upgraded back.
   */
  private watchConnection(participant: Participant, link: PeerLink): void {
    const check = () => {
      if (participant.connectionState !== 'connected') {
        link.restartIce();
        if (!participant.textOnly) {
          participant.textOnly = true;
          this.changed(participant);
        }
      }
      this.deadlines.set(participant.peerId, setTimeout(check, MEDIA_CONNECT_DEADLINE_MS));
    };
    this.deadlines.set(participant.peerId, setTimeout(check, MEDIA_CONNECT_DEADLINE_MS));
  }

  /** Hands a signal to the link of its sender; signals from strangers are dropped. */
  receive(signal: RelayedSignal): void {
    void this.links.get(signal.from)?.receive(signal);
  }

  /** Applies what the participant signaled about its media, or what the widget measured about them. */
  update(
    peerId: string,
    change: Partial<Pick<Participant, 'microphone' | 'camera' | 'screen' | 'speaking' | 'quality'>>,
  ): void {
    const participant = this.people.get(peerId);
    if (!participant) return;
    const changed = Object.entries(change).some(([key, value]) => participant[key as keyof Participant] !== value);
    if (!changed) return;
    Object.assign(participant, change);
    this.changed(participant);
  }

  /** Sends `track` for `kind` on every link, without renegotiating where a sender exists. */
  async replaceTrack(kind: TrackKind, track: MediaStreamTrack | null): Promise<void> {
    await Promise.all([...this.links.values()].map((link) => link.replaceTrack(kind, track)));
  }

  remove(peerId: string, reason: LeaveReason): void {
    if (!this.people.has(peerId)) return;
    this.links.get(peerId)?.close();
    clearTimeout(this.deadlines.get(peerId));
    this.deadlines.delete(peerId);
    this.links.delete(peerId);
    this.people.delete(peerId);
    // One the page never heard of leaves without a word.
    if (!this.answering.delete(peerId)) this.emit('participant-leave', { peerId, reason });
  }

  /** Removes everyone, each reported gone for `reason`. */
  removeAll(reason: LeaveReason): void {
    for (const peerId of [...this.people.keys()]) this.remove(peerId, reason);
  }

  /** Closes every link without reporting departures (we are the one leaving). */
  clear(): void {
    for (const link of this.links.values()) link.close();
    for (const timer of this.deadlines.values()) clearTimeout(timer);
    this.deadlines.clear();
    this.links.clear();
    this.people.clear();
    this.answering.clear();
  }
}
