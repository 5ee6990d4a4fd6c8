/**
 * The shared screen. While it runs, it takes the camera's place in every call (the element shows it in the
 * self tile); it ends from `stop()` or from the browser's own "Stop sharing" button (the track's `ended`).
 */
import { CallError } from './call-error.js';
import { TypedEmitter } from './typed-emitter.js';

type ScreenShareEvents = { change: [] };

export class ScreenShare extends TypedEmitter<ScreenShareEvents> {
  /** The captured screen, while sharing. */
  stream: MediaStream | null = null;
  private starting: Promise<MediaStreamTrack> | null = null;

  /** The browser can share a screen (`getDisplayMedia`). */
  static get supported(): boolean {
    return typeof navigator !== 'undefined' && typeof navigator.mediaDevices?.getDisplayMedia === 'function';
  }

  get track(): MediaStreamTrack | null {
    return this.stream?.getVideoTracks()[0] ?? null;
  }

  get active(): boolean {
    return this.stream !== null;
  }

  /** Asks the user what to share; rejects with `screen_share_failed` when they cancel or the browser refuses. */
  start(): Promise<MediaStreamTrack> {
    const current = this.track;
    if (current) return Promise.resolve(current);
    this.starting ??= this.capture().finally(() => (this.starting = null));
    return this.starting;
  }

  stop(): void {
    const stream = this.stream;
    if (!stream) return;
    this.stream = null;
    for (const track of stream.getTracks()) track.stop();
    this.emit('change');
  }

  private async capture(): Promise<MediaStreamTrack> {
    if (!ScreenShare.supported) throw new CallError('screen_share_failed', 'This browser cannot share a screen.');
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: 15 } }, audio: false });
    } catch (error) {
      const cancelled = error instanceof DOMException && error.name === 'NotAllowedError';
      throw new CallError(
        'screen_share_failed',
        cancelled
          ? 'Screen sharing was cancelled or blocked.'
          : `The screen could not be shared${error instanceof Error ? ` (${error.message})` : ''}.`,
      );
    }
    const track = stream.getVideoTracks()[0]!;
    // Text and lines stay sharp; the encoder lowers the frame rate rather than the resolution.
    track.contentHint = 'detail';
    track.addEventListener('ended', () => {
      if (this.stream === stream) this.stop();
    });
    this.stream = stream;
    this.emit('change');
    return track;
  }
}
