/** All participants' audio summed into one track, for the recorder. Nothing is played out loud. */
export class AudioMix {
  readonly #context = new AudioContext();
  readonly #destination = this.#context.createMediaStreamDestination();
  /** One source node per audio track mixed in. */
  readonly #sources = new Map<MediaStreamTrack, MediaStreamAudioSourceNode>();

  /** The mixed audio; silent (but present) while nobody has audio. */
  get track(): MediaStreamTrack | undefined {
    return this.#destination.stream.getAudioTracks()[0];
  }

  /** Starts the mix; a context created without a user gesture begins suspended. */
  resume(): Promise<void> {
    return this.#context.resume();
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
    void this.#context.close().catch(() => undefined);
  }
}
