/**
 * One WebRTC connection to one remote participant, negotiated with the "perfect negotiation" pattern: either
 * side may renegotiate at any time; on a collision the polite side (chosen by the service) yields. Signals are
 * handled one at a time, and ICE candidates that arrive before their description wait in a queue.
 */
import type {
  IceCandidate,
  IceServer,
  IceTransportPolicy,
  OfferDescription,
  RelayedSignal,
  SessionDescription,
} from '@vcw/shared';
import { scaleDownFor, type SendLimit } from './send-quality.js';
import { TypedEmitter } from './typed-emitter.js';

type PeerLinkEvents = {
  /** The remote stream changed (a track arrived). */
  stream: [MediaStream];
  state: [RTCPeerConnectionState];
  /** Something went wrong sending or applying a signal. */
  failure: [Error];
};

export type OutgoingSignal = { description: SessionDescription } | { candidate: IceCandidate };

export type TrackKind = 'audio' | 'video';

export interface PeerLinkOptions {
  iceServers: IceServer[];
  /** `relay`: only TURN candidates are gathered, so the other side never learns this browser's addresses. */
  iceTransportPolicy: IceTransportPolicy;
  /** Local tracks to send (missing kinds are received only); `replaceTrack` changes them later. */
  localTracks: Record<TrackKind, MediaStreamTrack | null>;
  localStream: MediaStream;
  /** The side that makes the first offer: the newcomer, toward everyone already in the room. */
  initiator: boolean;
  /**
   * The answering side's link made ahead, for a newcomer yet to come: its tracks are attached now (and its sender
   * settings applied as soon as they are set), so the offer finds them bound. It makes no offer of its own before
   * it has the other side's first.
   */
  tracksAhead?: boolean;
  /** Fresh ICE servers (TURN credentials the relay still accepts), asked for before each ICE restart. */
  freshIceServers?: () => Promise<IceServer[]>;
  /** Runs `run` after `ms`; returns what cancels it (tests run it by hand). Default: a timer. */
  schedule?: Schedule;
}

export type Schedule = (run: () => void, ms: number) => () => void;

const timer: Schedule = (run, ms) => {
  const id = setTimeout(run, ms);
  return () => clearTimeout(id);
};

/** Who is on the other end; a link made before joining learns it later. */
export interface PeerBinding {
  peerId: string;
  polite: boolean;
  send(signal: OutgoingSignal): void;
}

const KINDS = ['audio', 'video'] as const;
/** How long a `disconnected` path may take to come back by itself before ICE is restarted. */
const DISCONNECTED_GRACE_MS = 2_000;
/** ICE restarts without the path coming back before the link gives up and says so (chat goes on). */
const MAX_ICE_RESTARTS = 6;
/**
 * An offer with no answer after this long is sent again, with its candidates: it may have been lost on the way
 * (the service's node that held the other side died with it). Then after twice as long, a few times.
 */
export const OFFER_UNANSWERED_MS = 3_000;
const OFFER_RESENDS = 4;

export class PeerLink extends TypedEmitter<PeerLinkEvents> {
  readonly connection: RTCPeerConnection;
  private peer: PeerBinding | null = null;
  /** Signals made before the link was bound to a peer, sent on `bind`. */
  private readonly unsent: OutgoingSignal[] = [];
  remoteStream = new MediaStream();

  private makingOffer = false;
  private disconnectedTimer: ReturnType<typeof setTimeout> | undefined;
  /** ICE restarts since the path was last connected; one in flight while fetching fresh servers. */
  private restarts = 0;
  private restarting = false;
  private ignoreOffer = false;
  /** The `o=` line's session id and version of the last remote description applied. */
  private remoteVersion: SessionVersion | null = null;
  private tracksAttached = false;
  private readonly earlyCandidates: RTCIceCandidateInit[] = [];
  /** The offer sent last and the candidates sent since, until it is answered (or given up for another). */
  private unanswered: { signals: OutgoingSignal[]; resends: number; cancel?: () => void } | null = null;
  /** Callers of `answered()` still waiting. */
  private readonly answerWaiters: Array<() => void> = [];
  private readonly schedule: Schedule;
  private inbox: Promise<void> = Promise.resolve();
  /** The offer SDP `offerToCarry` gave last ('' before). */
  private carried = '';
  /** Signals received and not yet applied (the inbox is idle at 0). */
  private inboxed = 0;
  /** What this link sends now: the options' tracks until `replaceTrack` swaps one. */
  private readonly tracks: Record<TrackKind, MediaStreamTrack | null>;
  /** Cap of the video encoding (bitrate and size), re-applied after each negotiation and each new track; none until set. */
  private limit: SendLimit | null = null;
  /** `setParameters` calls run one at a time: a second one in flight would be refused. */
  private encoding: Promise<void> = Promise.resolve();

  constructor(private readonly options: PeerLinkOptions) {
    super();
    this.tracks = { ...options.localTracks };
    this.schedule = options.schedule ?? timer;
    this.connection = new RTCPeerConnection({
      iceServers: options.iceServers,
      iceTransportPolicy: options.iceTransportPolicy,
    });
    const pc = this.connection;

    pc.onicecandidate = ({ candidate }) => {
      if (candidate) this.send({ candidate: toIceCandidate(candidate) });
    };
    pc.onnegotiationneeded = () => {
      // The answering side waits for the first offer (tracks attached ahead ask for a negotiation already: the
      // browser asks again after the answer if the offer left anything out).
      if (!options.initiator && !pc.remoteDescription) return;
      void this.offer();
    };
    pc.ontrack = ({ track }) => {
      // A fresh stream object lets views re-bind; the tracks are the same.
      this.remoteStream = new MediaStream([
        ...this.remoteStream.getTracks().filter((t) => t.kind !== track.kind),
        track,
      ]);
      this.emit('stream', this.remoteStream);
    };
    pc.onconnectionstatechange = () => {
      // A failed path may come back with fresh candidates; perfect negotiation carries the restart's offer.
      // A disconnected one often recovers by itself (a blip): give it a moment first.
      clearTimeout(this.disconnectedTimer);
      if (pc.connectionState === 'connected') this.restarts = 0;
      if (pc.connectionState === 'failed') this.restartIce();
      if (pc.connectionState === 'disconnected') {
        this.disconnectedTimer = setTimeout(
          () => pc.connectionState === 'disconnected' && this.restartIce(),
          DISCONNECTED_GRACE_MS,
        );
      }
      this.emit('state', pc.connectionState);
    };
    pc.onsignalingstatechange = () => {
      if (pc.signalingState !== 'stable') return;
      // Our offer was answered, or rolled back for theirs: nothing waits for an answer any more.
      this.unanswered?.cancel?.();
      this.unanswered = null;
      // Encodings exist only once a description is applied; a cap set before that is applied now.
      this.applyLimit();
    };

    if (options.initiator) {
      this.tracksAttached = true;
      for (const kind of KINDS) {
        const track = this.tracks[kind];
        if (track) pc.addTransceiver(track, { direction: 'sendrecv', streams: [options.localStream] });
        else pc.addTransceiver(kind, { direction: 'recvonly' });
      }
      // Offer at once rather than a task later on `negotiationneeded`; once this offer is answered the
      // browser sees nothing left to negotiate, so no second offer follows.
      void this.offer();
    } else if (options.tracksAhead) {
      this.attachLocalTracks();
    }
  }

  get iceTransportPolicy(): IceTransportPolicy {
    return this.options.iceTransportPolicy;
  }

  /** New ICE servers (fresh TURN credentials) for the next ICE restart; the policy stays. */
  useIceServers(iceServers: IceServer[]): void {
    if (this.connection.signalingState !== 'closed')
      this.connection.setConfiguration({ ...this.connection.getConfiguration(), iceServers });
  }

  get peerId(): string | null {
    return this.peer?.peerId ?? null;
  }

  get state(): RTCPeerConnectionState {
    return this.connection.connectionState;
  }

  /**
   * The local offer, once made (the link of an initiator that is not yet bound to a peer), as it stands now: with
   * the candidates gathered so far. Remembered, so that `bind` does not send again what it carried.
   */
  offerToCarry(): OfferDescription | null {
    const local = this.connection.localDescription;
    if (local?.type !== 'offer') return null;
    this.carried = local.sdp;
    return { type: 'offer', sdp: local.sdp };
  }

  /**
   * Attaches the link to its remote peer and sends what was made before (ICE candidates). `offerDelivered`: the
   * offer went with the join (`offerToCarry`), and so did the candidates it held.
   */
  bind(peer: PeerBinding, { offerDelivered = false } = {}): this {
    this.peer = peer;
    const carried = offerDelivered ? this.carried : '';
    for (const signal of this.unsent.splice(0)) {
      if ('description' in signal ? !offerDelivered : !carries(carried, signal.candidate)) peer.send(signal);
    }
    this.awaitAnswer(); // the offer made before is on its way now (sent here, or with the join)
    return this;
  }

  /**
   * Applies a signal from the remote peer, after any that came before it. With none waiting it starts now, in
   * this task: an offer reaches the browser before the page draws whoever sent it, and is worked on meanwhile.
   */
  receive(signal: RelayedSignal): Promise<void> {
    const apply = () => this.apply(signal);
    this.inboxed++;
    this.inbox = (this.inboxed === 1 ? apply() : this.inbox.then(apply, apply)).finally(() => this.inboxed--);
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

  /**
   * Sends `track` (or nothing) for `kind` from now on. Where the link already has a transceiver sending that
   * kind this is `RTCRtpSender.replaceTrack`, with no renegotiation; a receive-only one is turned to send,
   * which needs one (perfect negotiation makes the offer).
   */
  async replaceTrack(kind: TrackKind, track: MediaStreamTrack | null): Promise<void> {
    this.tracks[kind] = track;
    const pc = this.connection;
    if (!this.tracksAttached || pc.signalingState === 'closed') return; // attached with the first offer or answer
    const transceiver = this.transceiverOf(kind);
    if (!transceiver) {
      if (track) pc.addTrack(track, this.options.localStream);
      return;
    }
    await transceiver.sender.replaceTrack(track);
    if (kind === 'video') this.applyLimit();
    if (track && (transceiver.direction === 'recvonly' || transceiver.direction === 'inactive')) {
      transceiver.sender.setStreams(this.options.localStream);
      transceiver.direction = transceiver.direction === 'recvonly' ? 'sendrecv' : 'sendonly';
    }
  }

  /** Media came in: whatever restarts happened worked, so the count of failed ones starts over. */
  mediaArrived(): void {
    this.restarts = 0;
  }

  /**
   * Tries the media path again with fresh ICE candidates. Only the impolite side restarts (the other follows
   * with the answer): when both restart at once the polite side rolls back, after which Chromium decodes the
   * incoming video but never shows it (see element-text-only.test.ts).
   */

  restartIce(): void {
    if (!this.peer || this.peer.polite || this.restarting || this.connection.signalingState === 'closed') return;
    if (this.restarts >= MAX_ICE_RESTARTS) return;
    if (++this.restarts === MAX_ICE_RESTARTS) {
      this.emit(
        'failure',
        new Error(`The media path could not be restored after ${MAX_ICE_RESTARTS} attempts; chat still works.`),
      );
    }
    this.restarting = true;
    // Fresh TURN credentials first: the ones from joining may have expired in a long call. Without an
    // answer (the service is away), restart with what the link has.
    const fresh = this.options.freshIceServers?.().catch(() => null) ?? Promise.resolve(null);
    void fresh.then((servers) => {
      this.restarting = false;
      if (this.connection.signalingState === 'closed') return;
      if (servers) this.useIceServers(servers);
      this.connection.restartIce();
    });
  }

  /**
   * Caps the video this link sends (bitrate, and size through `scaleResolutionDownBy`). Applied again whenever
   * the track sent changes, or `refreshLimit()` says its size did.
   */
  setSendLimit(limit: SendLimit): void {
    this.limit = limit;
    this.applyLimit();
  }

  /** The video track's size changed (new capture constraints): the sender's scaling follows. */
  refreshLimit(): void {
    this.applyLimit();
  }

  /** The sender of this link's video (camera or screen), once there is a video transceiver. */
  get videoSender(): RTCRtpSender | null {
    return this.transceiverOf('video')?.sender ?? null;
  }

  /**
   * Resolves once no offer of ours waits for an answer: at once if none does, else when the answer is applied (its
   * remote tracks told), when the offer is sent again for want of one (`OFFER_UNANSWERED_MS`), or when the link
   * closes.
   */
  answered(): Promise<void> {
    if (!this.unanswered || this.connection.signalingState === 'closed') return Promise.resolve();
    return new Promise((resolve) => this.answerWaiters.push(resolve));
  }

  private stopWaitingForAnswer(): void {
    for (const resolve of this.answerWaiters.splice(0)) resolve();
  }

  close(): void {
    clearTimeout(this.disconnectedTimer);
    this.unanswered?.cancel?.();
    this.unanswered = null;
    this.stopWaitingForAnswer();
    this.connection.close();
    this.removeAllListeners();
  }

  private async apply(signal: RelayedSignal): Promise<void> {
    const pc = this.connection;
    if (pc.signalingState === 'closed') return;
    if ('description' in signal) {
      const description = signal.description;
      if (this.isStale(description)) return;
      const collision = description.type === 'offer' && (this.makingOffer || pc.signalingState !== 'stable');
      this.ignoreOffer = !this.peer?.polite && collision;
      if (this.ignoreOffer) return;
      if (description.type === 'offer') this.attachLocalTracks();
      await pc.setRemoteDescription(description); // a polite peer rolls its own offer back implicitly
      this.remoteVersion = sessionVersion(description.sdp);
      // Answered (or rolled back), with the remote tracks it brought already told (`stream`).
      if (pc.signalingState !== 'have-local-offer') this.stopWaitingForAnswer();
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
      // Candidates of an offer we ignored are expected to fail, and so are late ones of an ICE generation
      // an ICE restart replaced (their username fragment is no longer the remote description's).
      const ufrag = candidate.usernameFragment;
      const stale = ufrag && !this.connection.remoteDescription?.sdp.includes(`a=ice-ufrag:${ufrag}`);
      if (!this.ignoreOffer && !stale) throw error;
    }
  }

  /**
   * A description already applied, or older than one applied (a relay delivered it twice, or late): the
   * remote browser numbers its descriptions, so an answer with nothing of ours to answer, or a version not
   * newer than the last one taken, is dropped instead of failing the link.
   */
  private isStale(description: SessionDescription): boolean {
    if (description.type === 'answer' && this.connection.signalingState !== 'have-local-offer') return true;
    const version = sessionVersion(description.sdp);
    const last = this.remoteVersion;
    return version !== null && last !== null && version.session === last.session && version.version <= last.version;
  }

  /**
   * The answering side adds its tracks before applying the first offer (just before, or ahead when the link was
   * made ahead): the browser then binds them to the offered audio and video sections (JSEP 5.10), so the answer
   * already sends them, with no extra round.
   */
  private attachLocalTracks(): void {
    if (this.tracksAttached) return;
    this.tracksAttached = true;
    for (const kind of KINDS) {
      const track = this.tracks[kind];
      if (track) this.connection.addTrack(track, this.options.localStream);
    }
  }

  private transceiverOf(kind: TrackKind): RTCRtpTransceiver | undefined {
    return this.connection.getTransceivers().find((t) => t.direction !== 'stopped' && t.receiver.track.kind === kind);
  }

  private applyLimit(): void {
    this.encoding = this.encoding.then(async () => {
      // Applied again after the next negotiation if the sender has no encoding yet.
      if (!(await this.putLimit(true))) await this.putLimit(false);
    });
  }

  /**
   * Puts the limit on the video sender. The size sent is the chosen quality (and `auto` lowers it itself); left
   * to itself, the encoder would shrink a hard-to-encode picture far below it even with bandwidth to spare, so
   * it is asked to drop frames instead (`preferResolution`). False when the browser refused that (Firefox).
   */
  private async putLimit(preferResolution: boolean): Promise<boolean> {
    const sender = this.videoSender;
    const parameters = sender?.getParameters();
    const encoding = parameters?.encodings[0];
    if (!sender || !parameters || !encoding || !this.limit || this.connection.signalingState === 'closed') return true;
    encoding.maxBitrate = this.limit.maxBitrate;
    encoding.scaleResolutionDownBy = scaleDownFor(sender.track, this.limit);
    if (preferResolution) parameters.degradationPreference = 'maintain-resolution';
    return sender.setParameters(parameters).then(
      () => true,
      () => !preferResolution,
    );
  }

  private sendLocalDescription(): void {
    const local = this.connection.localDescription;
    if (local && (local.type === 'offer' || local.type === 'answer')) {
      this.send({ description: { type: local.type, sdp: local.sdp } });
    }
  }

  private send(signal: OutgoingSignal): void {
    const offer = 'description' in signal && signal.description.type === 'offer';
    if (offer) {
      this.unanswered?.cancel?.();
      this.unanswered = { signals: [signal], resends: 0 };
    } else if ('candidate' in signal) this.unanswered?.signals.push(signal);
    if (this.peer) this.peer.send(signal);
    else this.unsent.push(signal);
    if (offer) this.awaitAnswer();
  }

  /** Once bound, waits for the answer to the offer sent last; without one in time, sends it again (see `OFFER_UNANSWERED_MS`). */
  private awaitAnswer(): void {
    const pending = this.unanswered;
    if (!pending || pending.cancel || !this.peer) return;
    pending.cancel = this.schedule(
      () => {
        const peer = this.peer;
        if (this.unanswered !== pending || this.connection.signalingState !== 'have-local-offer' || !peer) return;
        // The same offer and candidates: if the first ones did arrive, these are duplicates, which are ignored.
        for (const signal of pending.signals) peer.send(signal);
        this.stopWaitingForAnswer(); // it may never come
        pending.cancel = undefined;
        if (++pending.resends < OFFER_RESENDS) this.awaitAnswer();
      },
      OFFER_UNANSWERED_MS * 2 ** pending.resends,
    );
  }
}

/**
 * Whether the SDP `sdp` holds `candidate` already: the same foundation, component, transport, priority, address,
 * port and type (the SDP's line leaves out what the candidate's string adds, such as `ufrag`).
 */
function carries(sdp: string, { candidate }: IceCandidate): boolean {
  const fields = candidate.split(' ').slice(0, 8).join(' ');
  return fields.startsWith('candidate:') && sdp.includes(`\na=${fields}`);
}

function toIceCandidate(candidate: RTCIceCandidate): IceCandidate {
  const { candidate: line, sdpMid, sdpMLineIndex, usernameFragment } = candidate.toJSON();
  return {
    candidate: line ?? '',
    sdpMid: sdpMid ?? null,
    sdpMLineIndex: sdpMLineIndex ?? null,
    usernameFragment: usernameFragment ?? null,
  };
}

interface SessionVersion {
  session: string;
  version: bigint;
}

/** The session id and version of an SDP's origin line (`o=<user> <session id> <version> …`, RFC 8866 5.2). */
function sessionVersion(sdp: string): SessionVersion | null {
  const origin = /^o=\S+ (\d+) (\d+) /m.exec(sdp);
  return origin ? { session: origin[1]!, version: BigInt(origin[2]!) } : null;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
