/**
 * Records the call as one file: every participant's video tiled on a canvas (canvas.captureStream), every
 * participant's audio mixed (Web Audio), both through one MediaRecorder. Consent is the caller's business.
 */
import { AudioMix } from './audio-mix.js';
import { fitInside, gridCells } from './tile-layout.js';

export interface CallRecorderOptions {
  /** Size of the recorded picture (default 1280 × 720). */
  width?: number;
  height?: number;
  /** Pictures per second drawn and recorded (default 24). */
  frameRate?: number;
}

export interface Recording {
  blob: Blob;
  mimeType: string;
  /** Wall-clock time between start() and stop(). */
  durationMs: number;
}

/**
 * Containers and codecs in order of preference: VP8 first because the recorder encodes on the CPU beside the
 * call's own encoders, and VP8 costs less than VP9 for the same picture at this size.
 */
const MIME_TYPES = ['video/webm;codecs=vp8,opus', 'video/webm;codecs=vp9,opus', 'video/webm', 'video/mp4'];

/** The first container this browser's MediaRecorder supports, or null. */
export function recordingMimeType(): string | null {
  if (typeof MediaRecorder === 'undefined') return null;
  return MIME_TYPES.find((type) => MediaRecorder.isTypeSupported(type)) ?? null;
}

/** A stream's picture: a muted <video> the compositor draws from, playing even though it is not in the page. */
function pictureOf(stream: MediaStream): HTMLVideoElement {
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = stream;
  void video.play().catch(() => undefined); // muted media may autoplay; a failure leaves an empty tile
  return video;
}

export class CallRecorder {
  readonly #canvas = document.createElement('canvas');
  readonly #context: CanvasRenderingContext2D;
  readonly #frameRate: number;
  readonly #pictures = new Map<MediaStream, HTMLVideoElement>();
  #streams: MediaStream[] = [];
  #audio: AudioMix | null = null;
  #recorder: MediaRecorder | null = null;
  #chunks: Blob[] = [];
  #timer: ReturnType<typeof setInterval> | undefined;
  #startedAt = 0;
  #result: Promise<Recording> | null = null;
  /** Re-reads a stream's audio tracks when one is added or removed mid-call. */
  readonly #onTracksChanged = (): void => this.#audio?.setTracks(this.#streams);

  constructor(options: CallRecorderOptions = {}) {
    this.#canvas.width = options.width ?? 1280;
    this.#canvas.height = options.height ?? 720;
    this.#frameRate = options.frameRate ?? 24;
    this.#context = this.#canvas.getContext('2d', { alpha: false }) as CanvasRenderingContext2D;
  }

  /** The container and codecs of the recording (known once started). */
  get mimeType(): string {
    return this.#recorder?.mimeType || recordingMimeType() || '';
  }

  get recording(): boolean {
    return this.#recorder?.state === 'recording';
  }

  /** Starts recording `streams` (local first, then remotes: that is the tile order). */
  async start(streams: readonly MediaStream[]): Promise<void> {
    if (this.#recorder) throw new Error('This recorder has already been started.');
    const mimeType = recordingMimeType();
    if (!mimeType) throw new Error('This browser cannot record video (no MediaRecorder container).');
    this.#audio = new AudioMix();
    this.setStreams(streams);
    await this.#audio.resume();
    this.#draw();
    this.#timer = setInterval(() => this.#draw(), 1000 / this.#frameRate);
    const video = this.#canvas.captureStream(this.#frameRate).getVideoTracks();
    const audio = this.#audio.track;
    this.#recorder = new MediaRecorder(new MediaStream([...video, ...(audio ? [audio] : [])]), { mimeType });
    this.#recorder.ondataavailable = (e) => e.data.size > 0 && this.#chunks.push(e.data);
    // Timesliced: the browser hands over data every second instead of holding the whole call until stop().
    this.#recorder.start(1000);
    this.#startedAt = performance.now();
  }

  /** Changes who is recorded, while recording (someone joined or left, a stream was replaced). */
  setStreams(streams: readonly MediaStream[]): void {
    const next = [...new Set(streams)];
    for (const [stream, video] of this.#pictures) {
      if (next.includes(stream)) continue;
      video.srcObject = null;
      this.#pictures.delete(stream);
      stream.removeEventListener('addtrack', this.#onTracksChanged);
      stream.removeEventListener('removetrack', this.#onTracksChanged);
    }
    for (const stream of next) {
      if (this.#pictures.has(stream)) continue;
      this.#pictures.set(stream, pictureOf(stream));
      stream.addEventListener('addtrack', this.#onTracksChanged);
      stream.addEventListener('removetrack', this.#onTracksChanged);
    }
    this.#streams = next;
    this.#audio?.setTracks(next);
  }

  /** Ends the recording and resolves with the file; frees the canvas, mix and pictures (not the streams). */
  stop(): Promise<Recording> {
    const recorder = this.#recorder;
    if (!recorder) return Promise.reject(new Error('This recorder was never started.'));
    this.#result ??= new Promise<Recording>((resolve, reject) => {
      const durationMs = performance.now() - this.#startedAt;
      recorder.onstop = () => {
        this.#release();
        const mimeType = recorder.mimeType || this.mimeType;
        resolve({ blob: new Blob(this.#chunks, { type: mimeType }), mimeType, durationMs });
        this.#chunks = [];
      };
      recorder.onerror = () => {
        this.#release();
        reject(new Error('The recording failed.'));
      };
      if (recorder.state === 'inactive') recorder.onstop(new Event('stop'));
      else recorder.stop();
    });
    return this.#result;
  }

  #release(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.setStreams([]);
    this.#audio?.close();
    this.#audio = null;
    for (const track of this.#recorder?.stream.getVideoTracks() ?? []) track.stop();
  }

  /**
   * One composed picture: a grid cell per stream, each picture whole inside its cell. A participant without
   * video keeps an empty cell, so the others' tiles do not jump when a camera is turned off.
   */
  #draw(): void {
    const { width, height } = this.#canvas;
    const context = this.#context;
    context.fillStyle = '#111';
    context.fillRect(0, 0, width, height);
    const cells = gridCells(this.#streams.length, width, height);
    this.#streams.forEach((stream, i) => {
      const video = this.#pictures.get(stream);
      const cell = cells[i];
      const live = stream.getVideoTracks().some((t) => t.readyState === 'live' && t.enabled);
      if (!video || !cell || !live || video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA) return;
      const { x, y, width: w, height: h } = fitInside(cell, video.videoWidth, video.videoHeight);
      context.drawImage(video, x, y, w, h);
    });
  }
}
