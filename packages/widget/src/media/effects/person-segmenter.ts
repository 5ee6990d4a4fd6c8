/**
 * The person/background mask, from MediaPipe Selfie Segmentation (npm `@mediapipe/selfie_segmentation`,
 * Apache-2.0). Its script, wasm, graph and model are all loaded from `assetsBaseUrl`, i.e. from our service,
 * never from a CDN. Loaded only when `background-blur` is chosen (this module is reached by `import()` alone).
 */
import type { Results, SelfieSegmentation } from '@mediapipe/selfie_segmentation';
import { EffectError } from './effect-error.js';

/** The model's input size (the "landscape" model, 256×144): frames are scaled to it before inference. */
const MODEL_WIDTH = 256;
const MODEL_HEIGHT = 144;
/** How long loading the script, wasm and model may take before background-blur gives up. */
const LOAD_TIMEOUT_MS = 30_000;
/**
 * Idle time after each inference, as a multiple of its duration. Inference runs on the main thread (the
 * solution needs `document`), so this caps it at half of that thread and leaves the rest to the frames: on
 * a slow CPU the mask refreshes less often while the video keeps its frame rate.
 */
const IDLE_PER_BUSY = 1;

/** The person's probability per model pixel (0–255), row by row; `version` rises with each new mask. */
export interface PersonMask {
  data: Uint8Array;
  width: number;
  height: number;
  version: number;
}

type SegmentationConstructor = typeof SelfieSegmentation;

/** The page's one load of the solution script (it defines a global constructor), shared by all pipelines. */
let script: Promise<SegmentationConstructor> | null = null;

function loadScript(url: string): Promise<SegmentationConstructor> {
  const scope = globalThis as { SelfieSegmentation?: SegmentationConstructor };
  script ??= new Promise<SegmentationConstructor>((resolve, reject) => {
    const element = document.createElement('script');
    element.src = url;
    element.crossOrigin = 'anonymous';
    element.onload = () => (scope.SelfieSegmentation ? resolve(scope.SelfieSegmentation) : reject(new Error('no SelfieSegmentation')));
    element.onerror = () => reject(new Error(`could not load ${url}`));
    document.head.append(element);
  }).catch((error: unknown) => {
    script = null; // a later attempt (the service is back) may succeed
    throw error;
  });
  return script;
}

/** Whether WebGL exists: the solution needs it and, without it, shows an `alert()` instead of failing. */
function hasWebGl(): boolean {
  const canvas = document.createElement('canvas');
  return Boolean(canvas.getContext('webgl2') ?? canvas.getContext('webgl'));
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer in ${ms / 1000} s`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Segments frames in the background, one at a time; the latest mask is in `mask`. */
export class PersonSegmenter {
  mask: PersonMask | null = null;
  #solution: SelfieSegmentation;
  #input = document.createElement('canvas');
  #inputContext: CanvasRenderingContext2D;
  #maskContext: OffscreenCanvasRenderingContext2D;
  #busy = false;
  #closed = false;
  /** performance.now() before which no new inference starts. */
  #restAt = 0;

  private constructor(solution: SelfieSegmentation) {
    this.#solution = solution;
    this.#input.width = MODEL_WIDTH;
    this.#input.height = MODEL_HEIGHT;
    this.#inputContext = this.#input.getContext('2d') as CanvasRenderingContext2D;
    this.#maskContext = new OffscreenCanvas(MODEL_WIDTH, MODEL_HEIGHT).getContext('2d', { willReadFrequently: true }) as OffscreenCanvasRenderingContext2D;
    solution.onResults((results) => this.#receive(results));
  }

  /** Loads the solution from `assetsBaseUrl` (a directory URL) and its model; rejects with an EffectError. */
  static async load(assetsBaseUrl: string): Promise<PersonSegmenter> {
    if (!hasWebGl()) throw new EffectError('background-blur needs WebGL, which this browser has turned off.');
    const base = new URL(assetsBaseUrl.endsWith('/') ? assetsBaseUrl : `${assetsBaseUrl}/`, document.baseURI);
    let solution: SelfieSegmentation | null = null;
    try {
      const Solution = await withTimeout(loadScript(new URL('selfie_segmentation.js', base).href), LOAD_TIMEOUT_MS);
      solution = new Solution({ locateFile: (file) => new URL(file, base).href });
      // Model 1 ("landscape", 256×144) suits 16:9 video. Inference on the CPU (XNNPACK): without a GPU its
      // WebGL path runs on a software rasteriser and is several times slower (see bench/effects.mjs).
      solution.setOptions({ modelSelection: 1, selfieMode: false, useCpuInference: true } as Parameters<SelfieSegmentation['setOptions']>[0]);
      await withTimeout(solution.initialize(), LOAD_TIMEOUT_MS);
      return new PersonSegmenter(solution);
    } catch (error) {
      void solution?.close().catch(() => undefined);
      const why = error instanceof Error ? error.message : String(error);
      throw new EffectError(`background-blur: the segmentation model could not be loaded from ${base.href} (${why}).`);
    }
  }

  /** Starts segmenting `frame`, unless an inference is running or resting (then the frame is skipped). */
  submit(frame: VideoFrame): void {
    const started = performance.now();
    if (this.#busy || this.#closed || started < this.#restAt) return;
    this.#busy = true;
    // Drawn now, while the frame is open; the pipeline closes it before inference finishes.
    this.#inputContext.drawImage(frame, 0, 0, MODEL_WIDTH, MODEL_HEIGHT);
    this.#solution
      .send({ image: this.#input })
      .catch(() => undefined) // a failed frame keeps the previous mask; the next frame tries again
      .finally(() => {
        const now = performance.now();
        this.#restAt = now + (now - started) * IDLE_PER_BUSY;
        this.#busy = false;
      });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    void this.#solution.close().catch(() => undefined);
  }

  /** Reads the mask while the results are valid (only during this callback): alpha is the person's probability. */
  #receive({ segmentationMask }: Results): void {
    if (this.#closed) return;
    const { width, height } = segmentationMask;
    const context = this.#maskContext;
    if (context.canvas.width !== width || context.canvas.height !== height) {
      context.canvas.width = width;
      context.canvas.height = height;
    }
    context.clearRect(0, 0, width, height);
    context.drawImage(segmentationMask, 0, 0);
    const rgba = context.getImageData(0, 0, width, height).data;
    const data = this.mask?.data.length === width * height ? this.mask.data : new Uint8Array(width * height);
    for (let i = 0; i < data.length; i++) data[i] = rgba[i * 4 + 3]!;
    this.mask = { data, width, height, version: (this.mask?.version ?? 0) + 1 };
  }
}
