/** All participants' audio summed into one track, for the recorder. Nothing is played out loud. */
import { gestureAudioContext } from '../gesture-audio.js';

/** How long starting a recording waits for the browser to let the mix run. */
const RESUME_WAIT_MS = 300;

export class AudioMix {
  /** The page's context the Join click started, where there is one (Safari keeps a context made later suspended). */
  readonly #shared = gestureAudioContext();
  readonly #context = this.#shared ?? new AudioContext();
  readonly #destination = this.#context.createMediaStreamDestination();
  /** One source node per audio track mixed in. */
  readonly #sources = new Map<MediaStreamTrack, MediaStreamAudioSourceNode>();

  /** The mixed audio; silent (but present) while nobody has audio. */
  get track(): MediaStreamTrack | undefined {
    return this.#destination.stream.getAudioTracks()[0];
  }

  /**
   * Starts the mix. A page the browser does not let play sound yet (no gesture, no camera or microphone in use)
   * keeps the context suspended and this promise waiting; the recording does not wait for it beyond a moment,
   * and may then be silent. In a call the page captures the microphone or the user clicked Record, so it runs.
   */
  async resume(): Promise<void> {
    const resumed = this.#context.resume().catch(() => undefined);
    await Promise.race([resumed, new Promise((r) => setTimeout(r, RESUME_WAIT_MS))]);
  }

  /** Mixes exactly the live audio tracks of `streams`: adds new ones, removes the rest. */
  setTracks(streams: readonly MediaStream[]): void {
    const wanted = new Set(streams.flatMap((s) => s.getAudioTracks()).filter((t) => t.readyState === 'live'));
    for (const [track, node] of this.#sources) {
      if (wanted.has(track)) continue;
      node.disconnect();
      this.#sources.delete(track);
    }
    for (const track of wanted) {
      if (this.#sources.has(track)) continue;
      const node = this.#context.createMediaStreamSource(new MediaStream([track]));
      node.connect(this.#destination);
      this.#sources.set(track, node);
    }
  }

  close(): void {
    for (const node of this.#sources.values()) node.disconnect();
    this.#sources.clear();
    for (const track of this.#destination.stream.getTracks()) track.stop();
    if (this.#context !== this.#shared) void this.#context.close().catch(() => undefined);
  }
}
