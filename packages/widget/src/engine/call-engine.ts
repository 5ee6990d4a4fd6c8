/**
 * The call engine: one signaling client, the local media (camera and microphone; what is sent, with screen
 * share and quality), one PeerMesh of links to the other participants, the chat log, the device lists and the
 * monitor of the links' statistics. It knows nothing of the element; the element renders `state`,
 * `participants` and the parts above, calls them, and maps their events to DOM events. Matching (random and
 * support modes) drives it from outside, through `join`, `setWaiting` and `vacate` (see matchmaker.ts).
 */
import {
  EFFECT_ASSETS_PATH,
  LeaveReason,
  type HostMuted,
  type JoinResult,
  type PeerInfo,
  type KnockArrived,
  type MediaState,
  type RoomLockChanged,
  type SessionInfo,
} from '@vcw/shared';
import { CallError } from './call-error.js';
import { CallMonitor } from './call-monitor.js';
import { ChatLog } from './chat-log.js';
import { DeviceCatalog } from './device-catalog.js';
import { LinkFactory } from './link-factory.js';
import { MediaManager } from './media-manager.js';
import { OutgoingMedia } from './outgoing-media.js';
import type { PeerLink } from './peer-link.js';
import { PeerMesh, type Participant } from './peer-mesh.js';
import { SignalingClient, type Credential } from './signaling-client.js';
import { TypedEmitter } from './typed-emitter.js';

export type CallState = 'idle' | 'prejoin' | 'connecting' | 'connected' | 'reconnecting' | 'left' | 'error';
export type { Participant };

/** Why the call runs as a text chat: no camera or microphone here, or no media path to anyone. */
export type TextOnlyReason = 'no-devices' | 'no-media-connection' | 'no-webrtc';

export type CallEngineEvents = {
  state: [CallState];
  /** Local media changed (opened, toggled, switched, screen share started or stopped, speaking). */
  media: [];
  joined: [JoinResult];
  left: [{ reason: LeaveReason }];
  'participant-join': [Participant];
  'participant-update': [Participant];
  'participant-leave': [{ peerId: string; reason: LeaveReason }];
  error: [CallError];
  /** The connection to the service is up: the first time, or again after it was lost. */
  online: [];
  /** A host locked or unlocked the room. */
  'room-locked': [RoomLockChanged];
  /** A host muted this participant (the microphone is off now; they may turn it on again). */
  'host-muted': [HostMuted];
  /** This guest knocked and waits for a host to let it in (`hostsPresent`: hosts in the call when it knocked). */
  'knock-waiting': [{ hostsPresent: number }];
  /** Hosts: someone knocks; a knock was answered or its guest went away. */
  'knock-request': [KnockArrived];
  'knock-withdrawn': [{ peerId: string }];
};

export interface CallEngineOptions {
  serverUrl: string;
  credential: Credential;
}

export class CallEngine extends TypedEmitter<CallEngineEvents> {
  readonly media = new MediaManager();
  /** Microphone, camera or screen, at the chosen quality, as sent to every participant. */
  readonly outgoing: OutgoingMedia;
  /** Cameras, microphones and speakers to choose from, and the chosen speaker. */
  readonly devices = new DeviceCatalog();
  /** The text chat; `chat.send(text)` while in the room. */
  readonly chat = new ChatLog();
  /** Active speaker, network quality, `auto` quality and the stats panel's rows, from the links' statistics. */
  readonly monitor: CallMonitor;
  state: CallState = 'idle';
  /** Whether this browser can make media connections at all; without, the call is a text chat (no camera opened). */
  readonly videoCalls = typeof globalThis.RTCPeerConnection === 'function';
  private readonly mesh: PeerMesh;
  private readonly links: LinkFactory;
  private signaling: SignalingClient | null = null;
  private preparing: Promise<void> | null = null;
  /** Camera and microphone being opened (once asked for), and what was opened reported. */
  private opening: Promise<void> | null = null;
  /** `opening` is done (what could be opened is open, and the warm link made). */
  private opened = false;
  private toldNoWebrtc = false;
  /** The seat we hold, while in a room, and the name we took it under. */
  private joined: JoinResult | null = null;
  private joinedAs: string | undefined;
  /** A join is under way; and whether a seat lost with the session is taken again (not a matched pair's). */
  private joining = false;
  private retake = true;
  /** Bumped by leave, fatal failures and a vacated pair: a join that sees it change was abandoned. */
  private generation = 0;
  /** While this guest waits at a knocking room's door: how many hosts were in the call when it knocked. */
  knocking: { hostsPresent: number } | null = null;
  /** Service events that arrive while a join is in flight, applied once its reply is. */
  private held: Array<() => void> | null = null;

  constructor(private readonly options: CallEngineOptions) {
    super();
    // What is sent goes to every participant's link, to the one made before joining and to the one made ahead.
    this.outgoing = new OutgoingMedia(
      this.media,
      () => [...this.mesh.entries.map((e) => e.link), ...this.links.spares()],
      new URL(EFFECT_ASSETS_PATH, options.serverUrl).href,
    );
    const freshIceServers = () =>
      this.signaling ? this.signaling.iceServers() : Promise.reject(new Error('no service connection'));
    this.links = new LinkFactory(this.media, this.outgoing, freshIceServers);
    this.media.on('change', () => this.emit('media'));
    this.outgoing.on('change', () => this.emit('media'));
    this.outgoing.on('effect-failed', (error) =>
      this.emit('error', new CallError('effect_unavailable', error.message)),
    );
    this.mesh = new PeerMesh((to, signal) => this.signaling?.signal({ to, ...signal }));
    this.mesh.on('participant-join', (p) => this.emit('participant-join', p));
    this.mesh.on('participant-update', (p) => this.emit('participant-update', p));
    this.mesh.on('participant-leave', (left) => this.emit('participant-leave', left));
    this.mesh.on('error', (error) => this.emit('error', error));
    this.monitor = new CallMonitor(this.mesh, this.outgoing, () => this.media.microphoneEnabled);
    this.monitor.on('self-speaking', () => this.emit('media'));
    this.monitor.on('steady', () => this.answerAhead());
  }

  get participants(): Participant[] {
    return this.mesh.participants;
  }

  /** Set while the call can only go on as a text chat (nothing sent, nothing received), and why; cleared when media flows again. */
  get textOnly(): { reason: TextOnlyReason } | null {
    if (this.state !== 'connected' && this.state !== 'reconnecting') return null;
    if (!this.videoCalls) return { reason: 'no-webrtc' };
    const people = this.participants;
    // Sending nothing (no devices) while someone's camera, microphone or screen comes in is watching, not a chat.
    const receives = people.some((p) => !p.textOnly && (p.microphone || p.camera || p.screen));
    if (this.outgoing.sendsNothing && !receives) return { reason: 'no-devices' };
    return people.length > 0 && people.every((p) => p.textOnly) ? { reason: 'no-media-connection' } : null;
  }

  /** The connection to the service, once `prepare()` opened it (matching sends its own commands on it). */
  get service(): SignalingClient | null {
    return this.signaling;
  }

  /** The connection to one participant, for diagnostics. */
  peerConnection(peerId: string): RTCPeerConnection | null {
    return this.mesh.link(peerId)?.connection ?? null;
  }

  /**
   * Before joining: opens the connection to the service, so Join has less left to do. Camera and microphone
   * stay closed until the visitor asks (`openDevices`, or Join): nothing lights up on a page just visited.
   * Rejects (after emitting `error`) when the service refuses the connection.
   */
  prepare(): Promise<void> {
    if (this.state === 'idle' || this.state === 'left') this.setState('prejoin');
    // Known without opening anything: the pre-join already says the call will be a chat (and Join says so).
    if (!this.videoCalls) this.tellNoWebrtc();
    const generation = this.generation;
    return this.connect().then(
      () => this.warmUp(),
      (error: unknown) => {
        if (generation !== this.generation) return; // left meanwhile
        throw this.fail(error);
      },
    );
  }

  /**
   * Opens camera and microphone (the pre-join's "Check camera", the `preview` attribute, or Join). Never
   * rejects: what could not be opened is `media.issue`, also emitted as `error`.
   */
  openDevices(): Promise<void> {
    if (!this.videoCalls) return Promise.resolve(); // nothing could be sent: the camera stays closed
    if (!this.opening) {
      const opening: Promise<void> = this.media.acquire().then(() => {
        if (this.opening === opening) this.opened = true; // not after a teardown meanwhile
        if (this.media.issue) this.emit('error', this.media.issue);
        void this.devices.watch(); // labels are known once a device is open
        this.warmUp();
      });
      this.opening = opening;
    }
    return this.opening;
  }

  /**
   * Asks for camera and microphone again, without a reload (the notice's "Try again" once the visitor allowed
   * them); what opens now is sent to everyone in the call.
   */
  async retryDevices(): Promise<void> {
    await this.openDevices();
    await this.media.retry();
    if (this.media.issue) this.emit('error', this.media.issue);
    void this.devices.watch();
  }

  /**
   * Takes a seat in `room` and calls everyone already there. Rejects (after emitting `error`) on failure.
   * `retake`: if the session is lost, take a seat in the room again (a matched pair's room admits no new one).
   */
  async join(room: string | undefined, displayName?: string, retake = true): Promise<void> {
    if (this.joining || this.joined) return;
    this.joining = true;
    this.retake = retake;
    // Ready (the usual case: the pre-join prepared everything), the join goes out in this task, before the page
    // draws anything of it (or the click handler does more).
    const ready = this.ready;
    const generation = this.generation;
    const abandoned = () => generation !== this.generation;
    let warm: PeerLink | null = null;
    try {
      if (!ready) {
        this.setState('connecting');
        await this.prepared();
        if (abandoned()) return;
      }
      const signaling = this.signaling!;
      warm = this.links.take();
      this.held = [];
      let result: JoinResult;
      let media: MediaState;
      try {
        media = this.outgoing.state;
        const joining = this.joinOrKnock(
          signaling,
          () => signaling.join(room, displayName, warm?.offerToCarry() ?? undefined, media),
          room,
          displayName,
        );
        if (ready) this.setState('connecting');
        result = await joining;
      } catch (error) {
        if (!abandoned() && error instanceof CallError && error.code === 'connection_failed') {
          // The reply was lost; a fresh connection makes the service free any seat it gave us.
          signaling.close();
          this.signaling = null;
          this.preparing = null;
        } else if (!abandoned()) {
          [this.links.warm, warm] = [warm, null]; // not used: keep it for the next attempt
        }
        throw error;
      }
      if (abandoned()) {
        // Given up while the service seated us (a vacated pair keeps the socket open): free the seat again.
        if (signaling === this.signaling) signaling.leave().catch(() => undefined);
        return;
      }
      this.joined = result;
      this.joinedAs = displayName;
      /** The link whose offer went with the join. */
      let offered: PeerLink | null = null;
      if (this.videoCalls)
        warm = this.links.callPeers(result, warm, (peer, link, offerDelivered) => {
          this.mesh.add(peer, link, offerDelivered);
          if (offerDelivered) offered = link;
        });
      else for (const peer of result.peers) this.mesh.add(peer, null);
      this.monitor.start(signaling);
      this.chat.open(signaling, { peerId: result.peerId, displayName: displayName ?? '' });
      this.outgoing.announceTo(signaling, media);
      for (const apply of this.held.splice(0)) apply();
      this.held = null;
      // The page draws the call once the answer to the offer that went with the join is applied: drawing it
      // meanwhile holds up reading and applying that answer, which the call waits for.
      if (offered) await (offered as PeerLink).answered();
      if (abandoned()) return;
      this.setState('connected');
      this.emit('joined', result);
    } catch (error) {
      if (!abandoned()) throw this.fail(error);
    } finally {
      warm?.close();
      if (!abandoned()) [this.held, this.joining] = [null, false];
    }
  }

  /**
   * Joins; a room that makes guests knock answers `knock_required`: knock, wait for a host's answer (however
   * long: with no host in the call the guest waits for one), and join once admitted. Denied, rejects with
   * `knock_denied` and the host's reason; knocking again takes another Join.
   */
  private async joinOrKnock(
    signaling: SignalingClient,
    join: () => Promise<JoinResult>,
    room: string | undefined,
    displayName: string | undefined,
  ): Promise<JoinResult> {
    try {
      return await join();
    } catch (error) {
      if (!(error instanceof CallError && error.code === 'knock_required')) throw error;
    }
    const stops: Array<() => void> = [];
    const answered = new Promise<void>((resolve, reject) => {
      stops.push(
        signaling.on('knock-answer', (answer) =>
          answer.admitted ? resolve() : reject(new CallError('knock_denied', answer.reason)),
        ),
      );
      // Hung up, or the connection failed for good, while waiting.
      stops.push(
        this.on(
          'state',
          (state) =>
            (state === 'left' || state === 'error') &&
            reject(new CallError('not_in_room', 'Stopped waiting to be let in.')),
        ),
      );
    });
    answered.catch(() => undefined); // awaited below only while waiting
    try {
      const status = await signaling.command('room:knock', {
        ...(room ? { room } : {}),
        ...(displayName ? { displayName } : {}),
      });
      if (status.status === 'waiting') {
        this.knocking = { hostsPresent: status.hostsPresent };
        this.emit('knock-waiting', this.knocking);
        await answered;
      }
    } finally {
      for (const stop of stops) stop();
      this.knocking = null;
    }
    this.held?.splice(0); // what the room did while we waited at its door is in the join's answer
    return join();
  }

  /** Matching: waiting in a queue shows as `connecting`; done waiting, `prejoin`. Devices and connection stay. */
  setWaiting(waiting: boolean): void {
    if (!this.joining && !this.joined && this.signaling) this.setState(waiting ? 'connecting' : 'prejoin');
  }

  /**
   * Matching: this pair is over. Drops its links, chat and seat, keeps devices and connection, and waits again;
   * the partner is reported gone (`hangup`). `giveBack`: tell the service (unless it ended the pair itself).
   */
  vacate(giveBack = false): void {
    if (giveBack && this.joined) this.signaling?.leave().catch(() => undefined);
    this.mesh.removeAll(LeaveReason.hangup);
    this.dropRoom();
    if (this.signaling) this.setState('connecting');
    this.warmUp();
  }

  /** Hangs up: closes every peer connection, gives the seat back, releases devices and the socket. */
  async leave(reason: LeaveReason = LeaveReason.hangup): Promise<void> {
    if (this.state === 'idle' || this.state === 'left') return;
    const wasInRoom = this.joined !== null;
    const signaling = this.teardown();
    this.setState('left');
    if (signaling) {
      if (wasInRoom && signaling.connected) await signaling.leave().catch(() => undefined);
      signaling.close();
    }
    if (wasInRoom) this.emit('left', { reason });
  }

  setMicrophoneEnabled(on: boolean): void {
    this.media.setMicrophoneEnabled(on);
  }
  setCameraEnabled(on: boolean): void {
    this.media.setCameraEnabled(on);
  }

  /** Emits `webrtc_unsupported`, once per engine (at the pre-join, else at Join). */
  private tellNoWebrtc(): void {
    if (this.toldNoWebrtc) return;
    this.toldNoWebrtc = true;
    this.emit('error', new CallError('webrtc_unsupported'));
  }

  /**
   * What Join needs is there, prepared on the pre-join: camera and microphone opened (none to open without
   * WebRTC), the connection to the service up.
   */
  private get ready(): boolean {
    return (this.opened || !this.videoCalls) && !!this.signaling?.connected && this.signaling.session !== null;
  }

  private prepared(): Promise<void> {
    if (this.preparing) return this.preparing;
    const preparing: Promise<void> = Promise.all([
      // Without WebRTC nothing could be sent: the camera stays closed, and the visitor is told once.
      this.videoCalls ? this.openDevices() : Promise.resolve(this.tellNoWebrtc()),
      this.connect(),
    ]).then(
      () => this.warmUp(),
      (error: unknown) => {
        if (this.preparing === preparing) this.preparing = null;
        throw error;
      },
    );
    this.preparing = preparing;
    return preparing;
  }

  /**
   * Makes the offer for the first participant before Join is clicked: the link gathers its ICE candidates and
   * its offer travels with the join request, so the call starts a round trip sooner.
   */
  private warmUp(): void {
    const session = this.signaling?.session;
    // Only once the devices are open: a link made before would offer to receive only.
    if (session && !this.joined && this.videoCalls && this.media.stream) this.links.warmUp(session);
  }

  /**
   * Seated, and with every call steady (connected for a second, or nobody there: see the monitor), makes the link
   * that will answer the next newcomer: made then it costs no call being set up anything, and the newcomer's
   * offer finds it ready.
   */
  private answerAhead(): void {
    const joined = this.joined;
    // Not in a room that is full (a matched pair's): nobody can come.
    if (!joined || !this.videoCalls || !this.media.stream || this.participants.length + 1 >= joined.capacity) return;
    this.links.answerAhead(joined);
  }

  private connect(): Promise<unknown> {
    if (!this.signaling) {
      const signaling = new SignalingClient({ serverUrl: this.options.serverUrl, credential: this.options.credential });
      const inOrder = (apply: () => void) => (this.held ? this.held.push(apply) : apply());
      signaling.on('peer-joined', (peer) =>
        inOrder(() => this.joined && this.mesh.add(peer, this.videoCalls ? this.links.forNewcomer(this.joined) : null)),
      );
      signaling.on('peer-left', ({ peerId, reason }) => inOrder(() => this.mesh.remove(peerId, reason)));
      signaling.on('signal', (signal) => inOrder(() => this.mesh.receive(signal)));
      signaling.on('signal-failed', ({ error }) => {
        // The peer may have just left; anything else is worth reporting.
        const failure = CallError.fromBody(error) ?? new CallError('connection_failed');
        if (failure.code !== 'peer_not_found') this.emit('error', failure);
      });
      signaling.on('peer-media', ({ peerId, ...media }) => inOrder(() => this.mesh.update(peerId, media)));
      signaling.on('chat-message', (message) => inOrder(() => this.chat.receive(message)));
      signaling.on('room-ended', () =>
        inOrder(() => {
          // Everyone went with the room: the page hears each of the others leave, then this widget's own leave.
          this.mesh.removeAll(LeaveReason.roomEnded);
          void this.leave(LeaveReason.roomEnded);
        }),
      );
      signaling.on('disconnected', () => {
        if (this.state === 'connected') this.setState('reconnecting');
      });
      signaling.on('reconnected', (session) => {
        if (session.resumed) this.resumed(session);
        else void this.rejoin();
        this.emit('online');
      });
      signaling.on('unreachable', (why) =>
        this.emit(
          'error',
          new CallError('connection_failed', `Could not reach the video chat service (${why}); retrying…`),
        ),
      );
      signaling.on('room-locked', (change) => inOrder(() => this.joined && this.emit('room-locked', change)));
      signaling.on('knock-request', (knock) => this.emit('knock-request', knock));
      signaling.on('knock-withdrawn', (withdrawn) => this.emit('knock-withdrawn', withdrawn));
      signaling.on('host-muted', (muted) =>
        inOrder(() => {
          this.media.setMicrophoneEnabled(false);
          this.emit('host-muted', muted);
        }),
      );
      // Removed by a host or the partner: a plain leave (`kicked`), not a failure, and no reconnection.
      signaling.on('refused', (error) =>
        error.code === 'participant_removed' && this.joined ? void this.leave(LeaveReason.kicked) : this.fail(error),
      );
      this.signaling = signaling;
      addEventListener('pagehide', this.onPageHide);
      signaling.connect().then(
        () => signaling === this.signaling && this.emit('online'),
        () => undefined, // the callers below hear the refusal
      );
    }
    return this.signaling.connect();
  }

  /**
   * The socket came back within the service's grace period: the seat, the peer id and the calls are as they
   * were (media kept flowing browser to browser meanwhile). Fresh TURN credentials serve later ICE restarts.
   */
  private resumed(session: SessionInfo): void {
    if (this.state !== 'reconnecting' || !this.joined) return;
    this.joined = { ...this.joined, iceServers: session.iceServers };
    this.mesh.useIceServers(session.iceServers);
    this.links.answering?.useIceServers(session.iceServers);
    if (session.peers) this.resync(session.peers, this.joined);
    this.setState('connected');
  }

  /**
   * Our seat was taken back through another node, and what was sent to us meanwhile is lost: those who left
   * meanwhile go (as `timeout`, which the others saw), and those who came meanwhile are added as if they had
   * just joined. As toward any newcomer, this side is the polite one and waits for their offer: the one they
   * sent was lost, and they send it again when no answer comes (`OFFER_UNANSWERED_MS`). (Offering from here
   * too would collide with theirs, and neither side would yield.)
   */
  private resync(peers: PeerInfo[], joined: JoinResult): void {
    const present = new Set(peers.map((peer) => peer.peerId));
    for (const { peerId } of this.mesh.participants)
      if (!present.has(peerId)) this.mesh.remove(peerId, LeaveReason.timeout);
    const known = new Set(this.mesh.participants.map(({ peerId }) => peerId));
    for (const peer of peers)
      if (!known.has(peer.peerId))
        this.mesh.add({ ...peer, polite: true }, this.videoCalls ? this.links.create(joined, false) : null);
  }

  /**
   * After the socket came back, the service has given our seat away: the others saw us leave. Take a new seat
   * in the same room; the calls are set up again from scratch.
   */
  private async rejoin(): Promise<void> {
    const room = this.joined?.room;
    if (!room || this.state !== 'reconnecting') return;
    this.mesh.removeAll(LeaveReason.network);
    if (!this.retake) return this.vacate(); // a matched pair's room: matching decides what comes next
    this.joined = null;
    this.links.dropAnswering();
    this.setState('prejoin');
    await this.join(room, this.joinedAs).catch(() => undefined);
  }

  /** Reports a failure; a fatal one releases everything and stops, any other returns to the pre-join screen. */
  private fail(error: unknown): CallError {
    const failure = CallError.from(error);
    this.emit('error', failure);
    if (failure.fatal) {
      this.teardown()?.close();
      this.setState('error');
    } else {
      this.setState('prejoin');
    }
    return failure;
  }

  /**
   * The tab is closing or navigating away: say goodbye on the socket at once (a close packet is sent
   * synchronously), so the others see `hangup` now rather than `timeout` after the service's grace period.
   */
  private readonly onPageHide = (): void => {
    this.signaling?.close();
    void this.leave();
  };

  /** Drops links, seat, devices and any join in flight; returns the signaling client for the caller to close. */
  private teardown(): SignalingClient | null {
    removeEventListener('pagehide', this.onPageHide);
    this.mesh.clear();
    this.dropRoom();
    this.outgoing.reset();
    this.devices.unwatch();
    this.links.drop();
    this.media.stop();
    const signaling = this.signaling;
    this.signaling = null;
    this.preparing = null;
    this.opening = null;
    this.opened = false;
    return signaling;
  }

  /** Forgets the room: its seat, chat, statistics and any join in flight (the links are the caller's to drop). */
  private dropRoom(): void {
    this.generation++;
    this.links.dropAnswering();
    this.monitor.stop();
    this.outgoing.announceTo(null);
    this.chat.close();
    [this.joined, this.held, this.joining] = [null, null, false];
  }

  private setState(state: CallState): void {
    if (this.state === state) return;
    this.state = state;
    this.emit('state', state);
  }
}
