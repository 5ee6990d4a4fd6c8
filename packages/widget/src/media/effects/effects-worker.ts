/**
 * The effects worker: everything per frame (read, effect, segmentation, blend, write) runs here, off the host
 * page's main thread. A classic dedicated worker started from a blob (see worker-bootstrap.ts) imports this
 * module and calls `serveEffects`; it is classic so the segmentation solution can use `importScripts`.
 * Importing the module does nothing by itself.
 */
import { EffectError } from './effect-error.js';
import type { ToWorker, WorkerScope } from './effects-messages.js';
import { FramePipeline, prepareEffect } from './frame-pipeline.js';

const why = (error: unknown): string =>
  error instanceof EffectError
    ? error.message
    : `the effect failed to start (${error instanceof Error ? error.message : String(error)})`;

/** Answers the page's messages: `queued` are those that arrived while this module was loading. */
export function serveEffects(scope: WorkerScope, queued: readonly MessageEvent<ToWorker>[]): void {
  let pipeline: FramePipeline | null = null;
  let assetsBaseUrl: string | undefined;
  /** Latest effect request: an earlier one that finishes loading later must not win. */
  let latest = 0;
  let stopped = false;

  async function handle(message: ToWorker): Promise<void> {
    switch (message.type) {
      case 'start': {
        assetsBaseUrl = message.assetsBaseUrl;
        try {
          const first = await prepareEffect(message.effect, assetsBaseUrl);
          if (stopped) return first.close();
          const onFrame = message.reportFrames ? (ms: number) => scope.postMessage({ type: 'frame', ms }) : null;
          pipeline = new FramePipeline(message.frames, message.output, first, onFrame, () =>
            scope.postMessage({ type: 'ended' }),
          );
          scope.postMessage({ type: 'answer', id: 0 });
        } catch (error) {
          scope.postMessage({ type: 'answer', id: 0, error: why(error) });
        }
        return;
      }
      case 'effect': {
        const request = (latest = message.id);
        try {
          const next = await prepareEffect(message.effect, assetsBaseUrl);
          if (stopped || request !== latest || !pipeline) next.close();
          else pipeline.use(next);
          scope.postMessage({ type: 'answer', id: message.id });
        } catch (error) {
          scope.postMessage({ type: 'answer', id: message.id, error: why(error) });
        }
        return;
      }
      case 'fetched': {
        const urls = performance.getEntriesByType('resource').map((entry) => entry.name);
        scope.postMessage({ type: 'answer', id: message.id, urls });
        return;
      }
      case 'stop':
        stopped = true;
        pipeline?.stop();
    }
  }

  scope.onmessage = (event) => void handle(event.data);
  for (const event of queued) void handle(event.data);
}
