/**
 * The local camera and microphone. Asks once for both; when that is refused or a device is missing, it
 * falls back to whatever is available and records why, so the user can still join (audio only, video only,
 * or receive only).
 */
import { CallError } from './call-error.js';
import { TypedEmitter } from './typed-emitter.js';

type MediaEvents = { change: [] };

/** Capture constraints of the default (`medium`) quality. */
const VIDEO_CONSTRAINTS: MediaTrackConstraints = { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } };

export class MediaManager extends TypedEmitter<MediaEvents> {
  /** The local stream; empty (no tracks) when nothing could be opened. */
  stream: MediaStream | null = null;
  /** Why some or all devices are missing, if they are. */
  issue: CallError | null = null;
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

  /** Opens camera and microphone once; later calls share the first attempt. Never rejects. */
  acquire(): Promise<void> {
    const generation = this.generation;
    this.acquiring ??= this.open().then((stream) => {
      if (generation !== this.generation) {
        for (const track of stream.getTracks()) track.stop();
        return;
      }
      this.stream = stream;
      this.emit('change');
    });
    return this.acquiring;
  }

  setMicrophoneEnabled(on: boolean): void {
    if (this.audioTrack) this.audioTrack.enabled = on;
    this.emit('change');
  }

  setCameraEnabled(on: boolean): void {
    if (this.videoTrack) this.videoTrack.enabled = on;
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

  private async open(): Promise<MediaStream> {
    this.issue = null;
    const devices = navigator.mediaDevices;
    if (!devices?.getUserMedia) {
      this.issue = new CallError('media_unavailable', 'Camera and microphone need a secure (https) page. You can still join to see and hear the others.');
      return new MediaStream();
    }
    try {
      return await devices.getUserMedia({ audio: true, video: VIDEO_CONSTRAINTS });
    } catch (error) {
      if (isPermissionDenial(error)) {
        this.issue = new CallError('media_permission_denied');
        return new MediaStream();
      }
    }
    // One of the two is missing or busy: take whichever works.
    for (const [constraints, missing] of [
      [{ audio: true }, 'camera'],
      [{ video: VIDEO_CONSTRAINTS }, 'microphone'],
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

function isPermissionDenial(error: unknown): boolean {
  return error instanceof DOMException && (error.name === 'NotAllowedError' || error.name === 'SecurityError');
}
