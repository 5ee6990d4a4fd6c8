/**
 * The local camera and microphone. Asks once for both; when that is refused or a device is missing, it
 * falls back to whatever is available and records why, so the user can still join (audio only, video only,
 * or receive only). Switching device or capture size swaps the track in place, and says so (`track`) so the
 * call can send the new one.
 */
import { CallError } from './call-error.js';
import type { TrackKind } from './peer-link.js';
import { siteMemory } from './site-memory.js';
import { TypedEmitter } from './typed-emitter.js';

type MediaEvents = {
  change: [];
  /** The camera or microphone track was replaced by a new one (another device, or reopened). */
  track: [TrackKind, MediaStreamTrack];
};

/** Capture constraints of the default (`medium`) quality. */
const MEDIUM: MediaTrackConstraints = { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } };
/** Below this share of the asked size after `applyConstraints`, the camera is reopened at the new size. */
const SIZE_TOLERANCE = 0.9;

export class MediaManager extends TypedEmitter<MediaEvents> {
  /** The local stream; empty (no tracks) when nothing could be opened. */
  stream: MediaStream | null = null;
  /** Why some or all devices are missing, if they are. */
  issue: CallError | null = null;
  /** Capture size and rate of the chosen quality; `setVideoConstraints` applies a new one live. */
  videoConstraints: MediaTrackConstraints = MEDIUM;
  /** On or off as last asked, also before the devices are open: a track opened later starts that way. */
  private wanted: Record<TrackKind, boolean> = { audio: true, video: true };
  private acquiring: Promise<void> | null = null;
  /** Bumped by `stop()`, so a stream that arrives after it is released at once instead of kept. */
  private generation = 0;

  get audioTrack(): MediaStreamTrack | null {
    return this.stream?.getAudioTracks()[0] ?? null;
  }

  get videoTrack(): MediaStreamTrack | null {
    return this.stream?.getVideoTracks()[0] ?? null;
  }

  get microphoneEnabled(): boolean {
    return this.audioTrack?.enabled ?? false;
  }

  get cameraEnabled(): boolean {
    return this.videoTrack?.enabled ?? false;
  }

  /** The device the camera track comes from. */
  get cameraId(): string | null {
    return this.videoTrack?.getSettings().deviceId ?? null;
  }

  get microphoneId(): string | null {
    return this.audioTrack?.getSettings().deviceId ?? null;
  }

  /** Takes the camera from device `id` (remembered for this site); the previous track is stopped. */
  selectCamera(id: string): Promise<void> {
    siteMemory.set('camera', id);
    return this.reopen('video', { ...this.videoConstraints, deviceId: { exact: id } });
  }

  selectMicrophone(id: string): Promise<void> {
    siteMemory.set('microphone', id);
    return this.reopen('audio', { deviceId: { exact: id } });
  }

  /**
   * Changes the capture size and rate of the live camera. Where the browser cannot resize the running
   * source far enough, the camera is reopened at the new size (a new track, announced by `track`).
   */
  async setVideoConstraints(constraints: MediaTrackConstraints): Promise<void> {
    this.videoConstraints = constraints;
    const track = this.videoTrack;
    if (!track) return;
    await track.applyConstraints(constraints).catch(() => undefined);
    const asked = idealOf(constraints.width);
    if (!asked) return;
    const { width = 0 } = track.getSettings();
    const most = track.getCapabilities?.().width?.max ?? asked;
    if (width < Math.min(asked, most) * SIZE_TOLERANCE) {
      const deviceId = track.getSettings().deviceId;
      await this.reopen('video', { ...constraints, ...(deviceId ? { deviceId: { exact: deviceId } } : {}) }).catch(
        () => undefined,
      );
    }
  }

  /** Opens camera and microphone once; later calls share the first attempt. Never rejects. */
  acquire(): Promise<void> {
    const generation = this.generation;
    this.acquiring ??= this.open().then((stream) => {
      if (generation !== this.generation) {
        for (const track of stream.getTracks()) track.stop();
        return;
      }
      for (const track of stream.getTracks()) track.enabled = this.wanted[track.kind as TrackKind];
      this.stream = stream;
      this.emit('change');
    });
    return this.acquiring;
  }

  /**
   * Opens camera and microphone again, after a refusal or a missing device: whatever opens now replaces what
   * was there (each new track announced by `track`). Does nothing before the first `acquire()`.
   */
  async retry(): Promise<void> {
    if (!this.acquiring) return;
    await this.acquiring;
    const generation = this.generation;
    const fresh = await this.open();
    if (generation !== this.generation || !this.stream) {
      for (const track of fresh.getTracks()) track.stop();
      return;
    }
    const old = this.stream;
    for (const track of fresh.getTracks()) track.enabled = this.wanted[track.kind as TrackKind];
    this.stream = fresh;
    for (const track of old.getTracks()) track.stop();
    for (const track of fresh.getTracks()) this.emit('track', track.kind as TrackKind, track);
    this.emit('change');
  }

  /** Whether the devices were asked for (opening, or open). */
  get asked(): boolean {
    return this.acquiring !== null;
  }

  /** Whether the devices were asked for and answered (the answer is in `stream` and `issue`). */
  get opened(): boolean {
    return this.stream !== null;
  }

  /** On or off as the visitor last asked, also before the devices are open. */
  wants(kind: TrackKind): boolean {
    return this.wanted[kind];
  }

  setMicrophoneEnabled(on: boolean): void {
    this.wanted.audio = on;
    if (this.audioTrack) this.audioTrack.enabled = on;
    this.emit('change');
  }

  setCameraEnabled(on: boolean): void {
    this.wanted.video = on;
    if (this.videoTrack) this.videoTrack.enabled = on;
    this.emit('change');
  }

  /** Opens a new track of `kind` with `constraints` and puts it in place of the current one (same on/off state). */
  private async reopen(kind: TrackKind, constraints: MediaTrackConstraints): Promise<void> {
    const generation = this.generation;
    await this.acquiring;
    let fresh: MediaStreamTrack | undefined;
    try {
      const opened = await navigator.mediaDevices.getUserMedia({ [kind]: constraints });
      fresh = kind === 'audio' ? opened.getAudioTracks()[0] : opened.getVideoTracks()[0];
    } catch (error) {
      throw new CallError(
        'media_unavailable',
        `Could not open that ${kind === 'audio' ? 'microphone' : 'camera'}${error instanceof Error ? ` (${error.message})` : ''}.`,
      );
    }
    if (!fresh) return;
    if (generation !== this.generation || !this.stream) {
      fresh.stop();
      return;
    }
    const old = kind === 'audio' ? this.audioTrack : this.videoTrack;
    fresh.enabled = this.wanted[kind];
    // A new stream object, so views bound to the old one re-bind to the new track.
    this.stream = new MediaStream([...this.stream.getTracks().filter((t) => t !== old), fresh]);
    old?.stop();
    this.emit('track', kind, fresh);
    this.emit('change');
  }

  /** Releases the devices (the camera light goes off). A later `acquire()` opens them again. */
  stop(): void {
    this.generation++;
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    this.stream = null;
    this.acquiring = null;
    this.emit('change');
  }

  /**
   * The remembered device of `kind`, as a constraint: `exact` when the browser lists it, nothing when it does
   * not (unplugged, or ids reset with the site's data), and `ideal` when the list has no ids yet (before the
   * first permission), which is all one can ask then.
   */
  private async rememberedDevice(kind: 'camera' | 'microphone'): Promise<{ deviceId?: ConstrainDOMString }> {
    const id = siteMemory.get(kind);
    if (!id) return {};
    const listed = (await navigator.mediaDevices.enumerateDevices().catch(() => [])).filter(
      (d) => d.kind === (kind === 'camera' ? 'videoinput' : 'audioinput'),
    );
    if (!listed.some((d) => d.deviceId)) return { deviceId: { ideal: id } };
    return listed.some((d) => d.deviceId === id) ? { deviceId: { exact: id } } : {};
  }

  private async open(): Promise<MediaStream> {
    this.issue = null;
    const devices = navigator.mediaDevices;
    if (!devices?.getUserMedia) {
      this.issue = new CallError(
        'media_unavailable',
        'Camera and microphone need a secure (https) page. You can still join to see and hear the others.',
      );
      return new MediaStream();
    }
    const [camera, microphone] = await Promise.all([
      this.rememberedDevice('camera'),
      this.rememberedDevice('microphone'),
    ]);
    const video = { ...this.videoConstraints, ...camera };
    const audio = microphone.deviceId ? microphone : true;
    try {
      return await devices.getUserMedia({ audio, video });
    } catch (error) {
      if (isPermissionDenial(error)) {
        this.issue = new CallError('media_permission_denied');
        return new MediaStream();
      }
    }
    // One of the two is missing or busy: take whichever works.
    for (const [constraints, missing] of [
      [{ audio }, 'camera'],
      [{ video }, 'microphone'],
    ] as const) {
      try {
        const stream = await devices.getUserMedia(constraints);
        this.issue = new CallError('media_unavailable', `No usable ${missing} was found; you join without it.`);
        return stream;
      } catch {
        // try the next
      }
    }
    this.issue = new CallError('media_unavailable');
    return new MediaStream();
  }
}

function idealOf(value: ConstrainULong | undefined): number | undefined {
  return typeof value === 'number' ? value : (value?.ideal ?? value?.exact ?? value?.min);
}

function isPermissionDenial(error: unknown): boolean {
  return error instanceof DOMException && (error.name === 'NotAllowedError' || error.name === 'SecurityError');
}
