/**
 * Chromium's insertable streams for raw video (MediaStreamTrackProcessor / MediaStreamTrackGenerator), which
 * TypeScript's DOM library does not declare yet. Read off `globalThis` so that a browser without them is a
 * clear error at start, not a ReferenceError mid-call.
 */
interface TrackProcessor {
  readonly readable: ReadableStream<VideoFrame>;
}
type TrackProcessorConstructor = new (init: { track: MediaStreamTrack; maxBufferSize?: number }) => TrackProcessor;

interface TrackGenerator extends MediaStreamTrack {
  readonly writable: WritableStream<VideoFrame>;
}
type TrackGeneratorConstructor = new (init: { kind: 'video' }) => TrackGenerator;

interface InsertableStreams {
  Processor: TrackProcessorConstructor;
  Generator: TrackGeneratorConstructor;
}

/** The two constructors, or null where the browser lacks them on the window (Firefox, Safari). */
export function insertableStreams(): InsertableStreams | null {
  const scope = globalThis as {
    MediaStreamTrackProcessor?: TrackProcessorConstructor;
    MediaStreamTrackGenerator?: TrackGeneratorConstructor;
  };
  const { MediaStreamTrackProcessor: Processor, MediaStreamTrackGenerator: Generator } = scope;
  return Processor && Generator ? { Processor, Generator } : null;
}

export type { TrackGenerator };
