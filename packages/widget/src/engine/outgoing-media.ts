/**
 * What this participant sends to every peer: the microphone, and the camera or, while sharing, the screen,
 * at the chosen quality. Every change reaches the peers with `RTCRtpSender.replaceTrack` (see PeerLink), so a
 * device switch, a screen share or a quality step never restarts the call; and the others are told which
 * media are on (`media:state`), once per change.
 */
import type { MediaState } from '@vcw/shared';
import type { MediaManager } from './media-manager.js';
import type { LinkHealth } from './network-quality.js';
import type { PeerLink } from './peer-link.js';
import { ScreenShare } from './screen-share.js';
import type { SignalingClient } from './signaling-client.js';
import { AUTO_START, AutoQualityPolicy, captureConstraints, QUALITY_PRESETS, type QualityChange, type QualityChangeReason, type QualityLevel, type QualitySetting } from './send-quality.js';
import { TypedEmitter } from './typed-emitter.js';

type OutgoingMediaEvents = {
  /** What is sent changed (screen share started or stopped). */
  change: [];
  /** The level sent changed: by the `quality` setting, or by `auto` following the network. */
  quality: [QualityChange];
};

export class OutgoingMedia extends TypedEmitter<OutgoingMediaEvents> {
  readonly screen = new ScreenShare();
  /** As set (`quality` attribute); `auto` moves `level` by itself. */
  setting: QualitySetting = 'medium';
  /** The level sent now. */
  level: QualityLevel = 'medium';
  private readonly auto = new AutoQualityPolicy();
  /** Where the media state is told while in a room, and what was told last (JSON). */
  private room: SignalingClient | null = null;
  private told: string | null = null;

  /** `links` are every link that sends this participant's media now (including one made before joining). */
  constructor(
    private readonly media: MediaManager,
    private readonly links: () => PeerLink[],
  ) {
    super();
    media.videoConstraints = captureConstraints(this.level);
    media.on('track', (kind, track) => {
      if (kind === 'audio' || !this.screen.active) void this.send(kind, track);
    });
    media.on('change', () => this.tell());
    this.screen.on('change', () => {
      void this.send('video', this.videoTrack);
      this.tell();
      this.emit('change');
    });
  }

  /**
   * In a room (`signaling`, whose join carried `told`), every later change is told to the others; outside
   * one (`null`), nothing is. A change made while the join was under way is told at once.
   */
  announceTo(signaling: SignalingClient | null, told: MediaState | null = null): void {
    this.room = signaling;
    this.told = told && JSON.stringify(told);
    this.tell();
  }

  get audioTrack(): MediaStreamTrack | null {
    return this.media.audioTrack;
  }

  /** The video every peer gets: the shared screen while sharing, else the camera. */
  get videoTrack(): MediaStreamTrack | null {
    return this.screen.track ?? this.media.videoTrack;
  }

  /** Neither camera nor microphone could be opened, and no screen is shared: there is nothing to send. */
  get sendsNothing(): boolean {
    const { media } = this;
    return media.stream !== null && !media.audioTrack && !media.videoTrack && !this.screen.active;
  }

  /** What the others are told (`media:state`). */
  get state(): MediaState {
    return { microphone: this.media.microphoneEnabled, camera: this.media.cameraEnabled, screen: this.screen.active };
  }

  /** The cap each link puts on its video now. */
  get maxBitrate(): number {
    return QUALITY_PRESETS[this.level].maxBitrate;
  }

  /** Replaces the camera in every call with a screen the user picks; resolves once it is being sent. */
  async startScreenShare(): Promise<void> {
    await this.screen.start();
  }

  /** Puts the camera back (also happens when the browser's own "Stop sharing" is used). */
  stopScreenShare(): void {
    this.screen.stop();
  }

  /** Applies a `quality` setting live: capture size on the camera, bitrate cap on every link. */
  setQuality(setting: QualitySetting): void {
    if (setting === this.setting) return;
    this.setting = setting;
    this.auto.reset();
    this.moveTo(setting === 'auto' ? AUTO_START : setting, 'attribute');
  }

  /** One sample a second of the worst link's health; `auto` may step down or back up. */
  observe(health: LinkHealth | null): void {
    if (this.setting !== 'auto') return;
    const step = this.auto.next(this.level, health);
    if (step) this.moveTo(step.to, step.reason);
  }

  /** Stops sharing and forgets `auto`'s counters (the call ended). */
  reset(): void {
    this.screen.stop();
    this.auto.reset();
  }

  private moveTo(level: QualityLevel, reason: QualityChangeReason): void {
    const from = this.level;
    if (level === from) return;
    this.level = level;
    void this.media.setVideoConstraints(captureConstraints(level));
    for (const link of this.links()) link.setMaxBitrate(this.maxBitrate);
    this.emit('quality', { from, to: level, reason });
  }

  private tell(): void {
    const room = this.room;
    const state = JSON.stringify(this.state);
    if (!room || state === this.told) return;
    this.told = state;
    room.sendMediaState(this.state).catch(() => {
      if (this.told === state) this.told = null; // told again with the next change
    });
  }

  private async send(kind: 'audio' | 'video', track: MediaStreamTrack | null): Promise<void> {
    await Promise.all(this.links().map((link) => link.replaceTrack(kind, track).catch(() => undefined)));
  }
}
