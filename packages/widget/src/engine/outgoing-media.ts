/**
 * What this participant sends to every peer: the microphone, and the camera (through its effect, if one is
 * set) or, while sharing, the screen, at the chosen quality. Every change reaches the peers with `RTCRtpSender.replaceTrack` (see PeerLink), so a
 * device switch, a screen share or a quality step never restarts the call; and the others are told which
 * media are on (`media:state`), once per change.
 */
import type { MediaState } from '@vcw/shared';
import type { EffectName } from '../media/effects/effect-name.js';
import { CameraEffect } from './camera-effect.js';
import type { MediaManager } from './media-manager.js';
import type { LinkHealth } from './network-quality.js';
import type { PeerLink } from './peer-link.js';
import { ScreenShare } from './screen-share.js';
import type { SignalingClient } from './signaling-client.js';
import {
  AUTO_START,
  AutoQualityPolicy,
  captureConstraints,
  QUALITY_PRESETS,
  type QualityChange,
  type QualityChangeReason,
  type QualityLevel,
  type QualitySetting,
  type SendLimit,
} from './send-quality.js';
import { TypedEmitter } from './typed-emitter.js';

type OutgoingMediaEvents = {
  /** What is sent changed (screen share started or stopped). */
  change: [];
  /** The level sent changed: by the `quality` setting, or by `auto` following the network. */
  quality: [QualityChange];
  /** The effect set (before joining, or kept from markup) cannot run on the camera just opened. */
  'effect-failed': [Error];
};

export class OutgoingMedia extends TypedEmitter<OutgoingMediaEvents> {
  readonly screen = new ScreenShare();
  readonly effect: CameraEffect;
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
    /** Where background-blur's model files are served. */
    effectAssetsUrl: string,
  ) {
    super();
    this.effect = new CameraEffect(effectAssetsUrl);
    media.videoConstraints = captureConstraints(this.level);
    media.on('track', (kind, track) => {
      if (kind === 'audio') void this.send(kind, track);
      else if (!this.effect.stale(track)) this.sendVideo();
    });
    media.on('change', () => {
      // A camera opened or replaced while an effect is set: the effect moves to it before it is sent.
      // One that cannot run here is said once per camera; the camera is sent as it is.
      if (this.effect.stale(media.videoTrack)) {
        this.applyEffect().catch((error: unknown) =>
          this.emit('effect-failed', error instanceof Error ? error : new Error(String(error))),
        );
      }
      this.tell();
    });
    this.screen.on('change', () => {
      for (const link of this.links()) link.setSendLimit(this.sendLimit);
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

  /** The video every peer gets: the shared screen while sharing, else the camera (with its effect). */
  get videoTrack(): MediaStreamTrack | null {
    return this.screen.track ?? this.effect.track ?? this.media.videoTrack;
  }

  /** What the self-view shows: the same picture the others get. */
  get previewStream(): MediaStream | null {
    return this.screen.stream ?? this.effect.stream ?? this.media.stream;
  }

  /**
   * Applies an `effects` value live. Switching between two effects changes nothing for the links (the
   * processed track stays); starting or ending one puts the new track in every sender, without renegotiation.
   * Rejects when the effect cannot run in this browser (the picture stays as it was).
   */
  async setEffect(effect: EffectName): Promise<void> {
    if (effect === this.effect.effect && !this.effect.stale(this.media.videoTrack)) return;
    await this.applyEffect(effect);
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

  /** The cap each link puts on its video now: the level's bitrate, and its size unless a screen is shared. */
  get sendLimit(): SendLimit {
    const { maxBitrate, width, height } = QUALITY_PRESETS[this.level];
    return this.screen.active ? { maxBitrate, width: null, height: null } : { maxBitrate, width, height };
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

  /** Stops sharing and the effect's processing, and forgets `auto`'s counters (the call ended). */
  reset(): void {
    this.screen.stop();
    this.effect.stop();
    this.auto.reset();
  }

  private async applyEffect(effect?: EffectName): Promise<void> {
    if (await this.effect.apply(this.media.videoTrack, effect)) {
      this.sendVideo();
      this.emit('change');
    }
  }

  private sendVideo(): void {
    if (!this.screen.active) void this.send('video', this.videoTrack);
  }

  private moveTo(level: QualityLevel, reason: QualityChangeReason): void {
    const from = this.level;
    if (level === from) return;
    this.level = level;
    for (const link of this.links()) link.setSendLimit(this.sendLimit);
    // Once the camera took the new size (or could not), each sender scales what it got to the level.
    void this.media.setVideoConstraints(captureConstraints(level)).then(() => {
      for (const link of this.links()) link.refreshLimit();
    });
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
