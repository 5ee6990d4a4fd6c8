/** What the page and the effects worker say to each other (structured-cloned; the streams are transferred). */
import type { ProcessedEffect } from './effect-name.js';

export type ToWorker =
  /** Starts the loop; answered (id 0) once the first effect is ready, or with why it cannot run. */
  | {
      type: 'start';
      frames: ReadableStream<VideoFrame>;
      output: WritableStream<VideoFrame>;
      effect: ProcessedEffect;
      assetsBaseUrl?: string;
      reportFrames: boolean;
    }
  /** Prepares `effect` and swaps it in; answered when new frames get it, or with why it cannot load. */
  | { type: 'effect'; id: number; effect: ProcessedEffect }
  /** Asks which URLs the worker has fetched (its own resource timing: the page's does not see them). */
  | { type: 'fetched'; id: number }
  | { type: 'stop' };

export type FromWorker =
  | { type: 'answer'; id: number; error?: string; urls?: string[] }
  /** Milliseconds one frame took (only when the start asked for them). */
  | { type: 'frame'; ms: number }
  /** The loop has ended by itself: the camera ended or the output was closed. */
  | { type: 'ended' }
  /** The worker itself failed (it could not start, say, under a page's Content-Security-Policy). */
  | { type: 'failed'; error: string };

/** The worker's side of its global scope, as far as this code uses it. */
export interface WorkerScope {
  postMessage(message: FromWorker): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
}
