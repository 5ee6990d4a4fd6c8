/**
 * A video frame's pixels in a CPU buffer, split into the channels the effects work on. Effects change the
 * buffer in place and `toFrame` wraps it as the output frame. Working on the frame's own layout (Y, U, V
 * for camera frames) skips the RGB round trip and the canvas readback that dominate in software rendering.
 */

/** One channel of the picture: `step` bytes between neighbours in a row, `stride` bytes between rows. */
export interface Plane {
  offset: number;
  stride: number;
  step: number;
  width: number;
  height: number;
  /** Frame pixels per sample of this plane, across and down (2 for the chroma of 4:2:0). */
  subX: number;
  subY: number;
}

export interface FramePixels {
  /** `yuv`: planes are Y, U, V. `rgb`: planes are R, G, B. */
  model: 'yuv' | 'rgb';
  data: Uint8Array;
  planes: [Plane, Plane, Plane];
  width: number;
  height: number;
  /** Whether 8-bit values span 0–255 (else video range: Y 16–235, chroma 16–240). */
  fullRange: boolean;
  /** BT.709 coefficients, else BT.601 (what smpte170m and most cameras use). */
  bt709: boolean;
  format: VideoPixelFormat;
  layout: PlaneLayout[];
}

/**
 * How the frame's 8-bit Y'CbCr is scaled: black at `y0`, `ys` steps from black to white, `cs` steps of chroma
 * (full range, else video range).
 */
export function ycbcrRange({ fullRange }: Pick<FramePixels, 'fullRange'>): { y0: number; ys: number; cs: number } {
  return fullRange ? { y0: 0, ys: 255, cs: 255 } : { y0: 16, ys: 219, cs: 224 };
}

/** The red and blue weights of luma in the frame's matrix (BT.709, else BT.601); green's is what is left. */
export function lumaWeights({ bt709 }: Pick<FramePixels, 'bt709'>): { kr: number; kb: number } {
  return bt709 ? { kr: 0.2126, kb: 0.0722 } : { kr: 0.299, kb: 0.114 };
}

/** Chroma subsampling of the planar YUV formats handled here; other formats are left alone. */
const PLANAR: Partial<Record<VideoPixelFormat, [number, number]>> = {
  I420: [2, 2],
  I420A: [2, 2],
  I422: [2, 1],
  I444: [1, 1],
};
/** Byte offsets of R, G and B within a pixel of the packed formats. */
const PACKED: Partial<Record<VideoPixelFormat, [number, number, number]>> = {
  RGBA: [0, 1, 2],
  RGBX: [0, 1, 2],
  BGRA: [2, 1, 0],
  BGRX: [2, 1, 0],
};

/** Whether the effects can work on frames of this format. */
export const isSupportedFormat = (format: VideoPixelFormat | null): format is VideoPixelFormat =>
  format !== null && (format in PLANAR || format in PACKED || format === 'NV12');

/** Copies `frame`'s visible pixels into `data` (grown when too small); null for formats not handled. */
export async function readPixels(frame: VideoFrame, data: Uint8Array | null): Promise<FramePixels | null> {
  const format = frame.format;
  if (!isSupportedFormat(format)) return null;
  const size = frame.allocationSize();
  const buffer = data && data.byteLength >= size ? data : new Uint8Array(size);
  const layout = await frame.copyTo(buffer);
  const { width, height } = frame.visibleRect ?? { width: frame.codedWidth, height: frame.codedHeight };
  const planes = planesOf(format, layout, width, height);
  const space = frame.colorSpace;
  return {
    model: format in PACKED ? 'rgb' : 'yuv',
    data: buffer,
    planes,
    width,
    height,
    fullRange: space.fullRange ?? format in PACKED,
    bt709: space.matrix === 'bt709',
    format,
    layout,
  };
}

function planesOf(
  format: VideoPixelFormat,
  layout: PlaneLayout[],
  width: number,
  height: number,
): [Plane, Plane, Plane] {
  const at = (i: number): PlaneLayout => layout[i] ?? { offset: 0, stride: 0 };
  const packed = PACKED[format];
  if (packed) {
    const { offset, stride } = at(0);
    const channel = (byte: number): Plane => ({
      offset: offset + byte,
      stride,
      step: 4,
      width,
      height,
      subX: 1,
      subY: 1,
    });
    return [channel(packed[0]), channel(packed[1]), channel(packed[2])];
  }
  const [subX, subY] = PLANAR[format] ?? [2, 2];
  const cw = Math.ceil(width / subX);
  const ch = Math.ceil(height / subY);
  const luma: Plane = { ...at(0), step: 1, width, height, subX: 1, subY: 1 };
  if (format === 'NV12') {
    // One plane of interleaved U and V samples.
    const { offset, stride } = at(1);
    return [
      luma,
      { offset, stride, step: 2, width: cw, height: ch, subX, subY },
      { offset: offset + 1, stride, step: 2, width: cw, height: ch, subX, subY },
    ];
  }
  return [
    luma,
    { ...at(1), step: 1, width: cw, height: ch, subX, subY },
    { ...at(2), step: 1, width: cw, height: ch, subX, subY },
  ];
}

/** A new frame holding `pixels`, with `source`'s timing, colour space and display size. */
export function toFrame(pixels: FramePixels, source: VideoFrame): VideoFrame {
  const init: VideoFrameBufferInit = {
    format: pixels.format,
    codedWidth: pixels.width,
    codedHeight: pixels.height,
    timestamp: source.timestamp,
    displayWidth: source.displayWidth,
    displayHeight: source.displayHeight,
    colorSpace: source.colorSpace.toJSON(),
    layout: pixels.layout,
  };
  if (source.duration !== null) init.duration = source.duration;
  return new VideoFrame(pixels.data, init);
}
