/**
 * Starts the effects worker. The page embedding widget.js is on another origin than the service, and a
 * worker script must be same-origin, so the worker is a blob of a few lines (the page's origin) that imports
 * the worker module from wherever this chunk was loaded. It is a classic worker, not a module worker: the
 * segmentation solution loads its wasm with `importScripts`, which module workers lack; `import()` works in both.
 */
import { EffectError } from './effect-error.js';
import type { FromWorker, ToWorker } from './effects-messages.js';

/** Where the worker module is: next to this file in the npm build; the bundle's emitted chunk in widget.js's. */
const WORKER_MODULE = new URL('./effects-worker.js', import.meta.url).href;

/** The worker's first lines: keep what arrives while the module loads, then hand it over. */
const bootstrap = (moduleUrl: string): string => `const queued = [];
self.onmessage = (event) => queued.push(event);
import(${JSON.stringify(moduleUrl)}).then(
  (module) => module.serveEffects(self, queued),
  (error) => self.postMessage({ type: 'answer', id: 0, error: 'the effects worker could not load ' + ${JSON.stringify(moduleUrl)} + ' (' + error + ')' }),
);
`;

export interface EffectsWorker {
  post(message: ToWorker, transfer?: Transferable[]): void;
  set onmessage(listener: (message: FromWorker) => void);
  terminate(): void;
}

/** A new worker running the effects module; throws an EffectError where workers cannot start. */
export function startEffectsWorker(): EffectsWorker {
  const url = URL.createObjectURL(new Blob([bootstrap(WORKER_MODULE)], { type: 'text/javascript' }));
  let worker: Worker;
  try {
    worker = new Worker(url, { name: 'vcw-effects' });
  } catch (error) {
    URL.revokeObjectURL(url);
    throw new EffectError(
      `The effects worker cannot start here (${error instanceof Error ? error.message : String(error)}).`,
    );
  }
  return {
    post: (message, transfer = []) => worker.postMessage(message, transfer),
    set onmessage(listener: (message: FromWorker) => void) {
      worker.onmessage = (event: MessageEvent<FromWorker>) => listener(event.data);
      // A worker a policy blocks, or whose script fails, reports here and answers nothing more.
      worker.onerror = (event: ErrorEvent) => {
        event.preventDefault();
        listener({ type: 'failed', error: `The effects worker failed${event.message ? ` (${event.message})` : ''}.` });
      };
    },
    terminate: () => {
      worker.terminate();
      URL.revokeObjectURL(url);
    },
  };
}
