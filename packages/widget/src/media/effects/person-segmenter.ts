/**
 * The person/background mask, from MediaPipe Selfie Segmentation (npm `@mediapipe/selfie_segmentation`,
 * Apache-2.0). Its script, wasm, graph and model are all loaded from `assetsBaseUrl`, i.e. from our service,
 * never from a CDN. Loaded only when `background-blur` is chosen (this module is reached by `import()` alone).
 */
import type { SelfieSegmentation } from '@mediapipe/selfie_segmentation';
import { EffectError } from './effect-error.js';
import type { FramePixels } from './frame-pixels.js';
import { ModelInput } from './model-input.js';
import { PictureMotion } from './picture-motion.js';

/** The model's input size (the "landscape" model, 256×144): frames are scaled to it before inference. */
const MODEL_WIDTH = 256;
const MODEL_HEIGHT = 144;
/** How long loading the script, wasm and model may take before background-blur gives up. */
const LOAD_TIMEOUT_MS = 30_000;
/**
 * Idle time after each inference, as a multiple of its duration. Inference shares the effects worker's
 * thread with the frames, so this caps it at half of that thread and leaves the rest to the frames: on a
 * slow CPU the mask refreshes less often while the video keeps its frame rate.
 */
const IDLE_PER_BUSY = 1;
/**
 * The fewest milliseconds between the starts of two inferences: a mask at most 5 times a second, and every
 * frame between is composited with the latest one. A mask costs about 16 ms of CPU in all (inference, and
 * the solution's WebGL steps, in software without a GPU), against about 2 ms for compositing a frame, so
 * the mask's rate is most of background-blur's CPU (bench/effects.mjs): at 10 a second it was half of it.
 * A person sitting in a call moves little in 200 ms; a quick movement shows the outline late by as much.
 */
const MASK_INTERVAL_MS = 200;
/**
 * While the picture is still (less than MOVING_SHARE of its thumbnail changed since the frame of the last mask,
 * see picture-motion.ts), the mask is remade only this often: it would come out the same, and a slow change
 * (someone walking in slowly) is still caught within a second. Any movement brings back the full rate.
 */
const STILL_INTERVAL_MS = 1000;
const MOVING_SHARE = 0.005;

/** Probabilities (of 255) at or beyond which a model pixel is taken as surely background, surely person. */
const SURE_BACKGROUND = 8;
const SURE_PERSON = 247;

/** The person's probability per model pixel (0–255), row by row; `version` rises with each new mask. */
export interface PersonMask {
  data: Uint8Array;
  width: number;
  height: number;
  version: number;
}

type SegmentationConstructor = typeof SelfieSegmentation;

/** What the worker's global scope offers the solution (a classic dedicated worker: see worker-bootstrap.ts). */
interface SolutionScope {
  SelfieSegmentation?: SegmentationConstructor;
  /** The emscripten settings the solution's worker path passes to its wasm loader. */
  Module?: { locateFile: (file: string) => string };
  importScripts?: (...urls: string[]) => void;
}

/** The worker's one load of the solution script (it defines a global constructor), shared by all pipelines. */
let script: SegmentationConstructor | null = null;
/** The worker's own `importScripts`, before `loadScript` puts its filter in front of it. */
let run: ((...urls: string[]) => void) | null = null;

/**
 * Loads the solution in this worker. Its worker path (0.1.1675465747) has two gaps, filled here: it passes a
 * global `Module` to its wasm loader without defining it (so the wasm would be looked for next to the
 * worker's blob URL), and it hands the model file to `importScripts` with the scripts, which cannot run it:
 * that one is fetched instead (its bytes reach the HTTP cache, as the page path does), the scripts are run.
 */
function loadScript(base: URL): SegmentationConstructor {
  const scope = globalThis as SolutionScope;
  if (script) return script;
  run ??= scope.importScripts?.bind(globalThis) ?? null;
  const runScripts = run;
  if (!runScripts) throw new Error('the segmentation model runs in the effects worker only');
  scope.Module = { locateFile: (file) => new URL(file, base).href };
  scope.importScripts = (...urls) => {
    for (const url of urls) {
      if (new URL(url).pathname.endsWith('.js')) runScripts(url);
      else void fetch(url).catch(() => undefined);
    }
  };
  runScripts(new URL('selfie_segmentation.js', base).href);
  if (!scope.SelfieSegmentation) throw new Error('no SelfieSegmentation');
  script = scope.SelfieSegmentation;
  return script;
}

/**
 * The solution's worker path creates its WebGL context on an OffscreenCanvas but never keeps it where the
 * input and output textures look for it (the page path does: a canvas's context, field `K`), so the first
 * `send()` would fail. The OffscreenCanvas answers `getContext` with the context it already has.
 */
function keepGlContext(solution: SelfieSegmentation): void {
  const inner = (solution as unknown as { h?: { m?: OffscreenCanvas; K?: unknown } }).h;
  const canvas = inner?.m;
  if (!inner || !(canvas instanceof OffscreenCanvas))
    throw new Error('an unknown version of the segmentation solution');
  inner.K ??= canvas.getContext('webgl2') ?? canvas.getContext('webgl');
}

/** What the solution's listener hands over for the mask when it is asked for the raw packet: a texture. */
interface MaskTexture {
  glName: number;
  width: number;
  height: number;
}

/** The solution's internals this file reaches into (version 0.1.1675465747). */
interface SolutionInternals {
  h?: {
    m?: OffscreenCanvas;
    K?: WebGL2RenderingContext | WebGLRenderingContext;
    i?: { GL?: { textures?: (WebGLTexture | null)[] } };
    h?: { listeners?: { wants: string[]; outs?: unknown }[] };
  };
}

/**
 * Asks the solution for the mask alone, as its texture. By default it hands over two pictures, the mask and
 * the model's input echoed back, each drawn onto its canvas and turned into an ImageBitmap, which this file
 * then drew onto a 2D canvas to read: four passes through the software rasteriser per mask for 37 KB of
 * probabilities. The texture is read once instead (see `MaskReader`). Before `initialize()`.
 */
function askForMaskTexture(solution: SelfieSegmentation): void {
  const listener = (solution as unknown as SolutionInternals).h?.h?.listeners?.[0];
  if (!listener?.wants.includes('segmentation_mask'))
    throw new Error('an unknown version of the segmentation solution');
  listener.wants = ['segmentation_mask'];
  listener.outs = undefined;
}

/** Reads the mask texture into memory with the solution's own WebGL context, through a framebuffer of ours. */
class MaskReader {
  #gl: WebGL2RenderingContext | WebGLRenderingContext;
  #textures: (WebGLTexture | null)[];
  #framebuffer: WebGLFramebuffer | null;
  #rgba = new Uint8Array(0);

  constructor(solution: SelfieSegmentation) {
    const inner = (solution as unknown as SolutionInternals).h;
    const gl = inner?.K;
    const textures = inner?.i?.GL?.textures;
    if (!gl || !textures) throw new Error('an unknown version of the segmentation solution');
    this.#gl = gl;
    this.#textures = textures;
    this.#framebuffer = gl.createFramebuffer();
  }

  /** The texture's RGBA bytes, top row first (how the solution lays its textures out), or null. */
  read({ glName, width, height }: MaskTexture): Uint8Array | null {
    const gl = this.#gl;
    const texture = this.#textures[glName];
    if (!texture) return null;
    if (this.#rgba.length !== width * height * 4) this.#rgba = new Uint8Array(width * height * 4);
    const previous = gl.getParameter(gl.FRAMEBUFFER_BINDING) as WebGLFramebuffer | null;
    gl.bindFramebuffer(gl.FRAMEBUFFER, this.#framebuffer);
    gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, texture, 0);
    gl.readPixels(0, 0, width, height, gl.RGBA, gl.UNSIGNED_BYTE, this.#rgba);
    gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, null, 0);
    gl.bindFramebuffer(gl.FRAMEBUFFER, previous);
    return this.#rgba;
  }
}

/** Whether WebGL exists: the solution needs it and, without it, shows an `alert()` instead of failing. */
function hasWebGl(): boolean {
  const canvas = new OffscreenCanvas(1, 1);
  return Boolean(canvas.getContext('webgl2') ?? canvas.getContext('webgl'));
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(`no answer in ${ms / 1000} s`)), ms)),
  );
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Segments frames in the background, one at a time; the latest mask is in `mask`. */
export class PersonSegmenter {
  mask: PersonMask | null = null;
  #solution: SelfieSegmentation;
  #input = new ModelInput(MODEL_WIDTH, MODEL_HEIGHT);
  #motion = new PictureMotion();
  /** performance.now() when the last inference started. */
  #startedAt = -Infinity;
  #maskReader: MaskReader;
  #busy = false;
  #closed = false;
  /** performance.now() before which no new inference starts. */
  #restAt = 0;

  private constructor(solution: SelfieSegmentation) {
    this.#solution = solution;
    this.#maskReader = new MaskReader(solution);
    // With `askForMaskTexture`, the results are the raw packets by stream name, not the declared `Results`.
    solution.onResults((results) =>
      this.#receive((results as unknown as { segmentation_mask: MaskTexture }).segmentation_mask),
    );
  }

  /** Loads the solution from `assetsBaseUrl` (a directory URL) and its model; rejects with an EffectError. */
  static async load(assetsBaseUrl: string): Promise<PersonSegmenter> {
    if (!hasWebGl()) throw new EffectError('background-blur needs WebGL, which this browser has turned off.');
    // Absolute: the worker has no document to resolve against (VideoEffects resolves it on the page).
    const base = new URL(assetsBaseUrl.endsWith('/') ? assetsBaseUrl : `${assetsBaseUrl}/`, location.href);
    let solution: SelfieSegmentation | null = null;
    try {
      const Solution = loadScript(base);
      solution = new Solution({ locateFile: (file) => new URL(file, base).href });
      // Model 1 ("landscape", 256×144) suits 16:9 video. Inference on the CPU (XNNPACK): without a GPU its
      // WebGL path runs on a software rasteriser and is several times slower (see bench/effects.mjs).
      solution.setOptions({ modelSelection: 1, selfieMode: false, useCpuInference: true } as Parameters<
        SelfieSegmentation['setOptions']
      >[0]);
      askForMaskTexture(solution);
      await withTimeout(solution.initialize(), LOAD_TIMEOUT_MS);
      keepGlContext(solution);
      return new PersonSegmenter(solution);
    } catch (error) {
      void solution?.close().catch(() => undefined);
      const why = error instanceof Error ? error.message : String(error);
      throw new EffectError(`background-blur: the segmentation model could not be loaded from ${base.href} (${why}).`);
    }
  }

  /**
   * Starts segmenting the frame whose pixels are `pixels`, unless an inference is running or resting, or the
   * picture is still and its mask recent (then the frame is skipped). Reads them now: the caller may change
   * them once this returns.
   */
  submit(pixels: FramePixels): void {
    const started = performance.now();
    if (this.#busy || this.#closed || started < this.#restAt) return;
    const moved = this.#motion.changedSince(pixels);
    if (this.mask && started < this.#startedAt + STILL_INTERVAL_MS && moved < MOVING_SHARE) return;
    this.#motion.keep();
    this.#startedAt = started;
    this.#busy = true;
    const image = this.#input.fill(pixels);
    this.#solution
      // Its types name the page's image elements only; its worker path takes any texImage2D source.
      .send({ image: image as unknown as HTMLCanvasElement })
      .catch(() => undefined) // a failed frame keeps the previous mask; the next frame tries again
      .finally(() => {
        const now = performance.now();
        this.#restAt = Math.max(now + (now - started) * IDLE_PER_BUSY, started + MASK_INTERVAL_MS);
        this.#busy = false;
      });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    void this.#solution.close().catch(() => undefined);
  }

  /** Reads the mask while its texture is valid (only during this callback): red is the person's probability. */
  #receive(texture: MaskTexture): void {
    if (this.#closed) return;
    const rgba = this.#maskReader.read(texture);
    if (!rgba) return;
    const { width, height } = texture;
    const data = this.mask?.data.length === width * height ? this.mask.data : new Uint8Array(width * height);
    // The probability is in red (the solution's own drawing of the texture shows red as the mask).
    // Near-certain answers count as certain, so that the compositor skips the blend for all of those cells.
    for (let i = 0; i < data.length; i++) {
      const p = rgba[i * 4]!;
      data[i] = p <= SURE_BACKGROUND ? 0 : p >= SURE_PERSON ? 255 : p;
    }
    this.mask = { data, width, height, version: (this.mask?.version ?? 0) + 1 };
  }
}
