/** Video sources of known content for the media tests, and ways to read back what a track shows. */

export type Rgb = [number, number, number];

const stoppers: Array<() => void> = [];

/** Stops every source made by the helpers below (call in afterEach). */
export function stopSources(): void {
  for (const stop of stoppers.splice(0)) stop();
}

/** The fake camera (and microphone when asked), as a user's getUserMedia would give it. */
export async function fakeCamera(audio = false): Promise<MediaStream> {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 1280, height: 720 }, audio });
  stoppers.push(() => stream.getTracks().forEach((t) => t.stop()));
  return stream;
}

/**
 * A canvas picture as a track (its frames are BGRA): `paint` draws it, again every 40 ms, since a canvas
 * only yields frames when it is drawn.
 */
export function canvasTrack(
  paint: (context: CanvasRenderingContext2D, width: number, height: number) => void,
  width = 320,
  height = 240,
): MediaStreamTrack {
  const canvas = Object.assign(document.createElement('canvas'), { width, height });
  const context = canvas.getContext('2d')!;
  paint(context, width, height);
  const track = canvas.captureStream(25).getVideoTracks()[0]!;
  const timer = setInterval(() => paint(context, width, height), 40);
  stoppers.push(() => {
    clearInterval(timer);
    track.stop();
  });
  return track;
}

/** A canvas track of one solid colour. */
export const solidTrack = ([r, g, b]: Rgb): MediaStreamTrack =>
  canvasTrack((context, width, height) => {
    context.fillStyle = `rgb(${r}, ${g}, ${b})`;
    context.fillRect(0, 0, width, height);
  });

/**
 * A track of I420 frames (what cameras give), video range BT.601: one Y, U, V value everywhere, or `left`
 * on the left half and `right` on the right half.
 */
export function solidI420Track(left: Rgb, width = 320, height = 240, right: Rgb = left): MediaStreamTrack {
  const Generator = (
    globalThis as unknown as {
      MediaStreamTrackGenerator: new (init: {
        kind: 'video';
      }) => MediaStreamTrack & { writable: WritableStream<VideoFrame> };
    }
  ).MediaStreamTrackGenerator;
  const track = new Generator({ kind: 'video' });
  const writer = track.writable.getWriter();
  const data = new Uint8Array(width * height * 1.5);
  const planes = [
    { offset: 0, w: width, h: height },
    { offset: width * height, w: width / 2, h: height / 2 },
    { offset: width * height * 1.25, w: width / 2, h: height / 2 },
  ];
  planes.forEach(({ offset, w, h }, i) => {
    for (let y = 0; y < h; y++) {
      data.fill(left[i]!, offset + y * w, offset + y * w + w / 2);
      data.fill(right[i]!, offset + y * w + w / 2, offset + (y + 1) * w);
    }
  });
  const colorSpace: VideoColorSpaceInit = {
    primaries: 'smpte170m',
    transfer: 'smpte170m',
    matrix: 'smpte170m',
    fullRange: false,
  };
  let timestamp = 0;
  const timer = setInterval(() => {
    void writer
      .write(
        new VideoFrame(data, {
          format: 'I420',
          codedWidth: width,
          codedHeight: height,
          timestamp: (timestamp += 40_000),
          colorSpace,
        }),
      )
      .catch(() => undefined);
  }, 40);
  stoppers.push(() => {
    clearInterval(timer);
    track.stop();
  });
  return track;
}

/** The next `count` frames of `track` as RGBA pixels (the last one), read as a sender would read them. */
export async function latestPixels(track: MediaStreamTrack, count = 4): Promise<ImageData> {
  const Processor = (
    globalThis as unknown as {
      MediaStreamTrackProcessor: new (init: { track: MediaStreamTrack }) => { readable: ReadableStream<VideoFrame> };
    }
  ).MediaStreamTrackProcessor;
  // A clone, so that reading here takes no frames from the track's other consumers.
  const clone = track.clone();
  const reader = new Processor({ track: clone }).readable.getReader();
  try {
    let image: ImageData | null = null;
    for (let i = 0; i < count; i++) {
      const { value: frame } = await reader.read();
      if (!frame) throw new Error('the track ended');
      const canvas = new OffscreenCanvas(frame.displayWidth, frame.displayHeight);
      const context = canvas.getContext('2d', { willReadFrequently: true })!;
      context.drawImage(frame, 0, 0);
      frame.close();
      image = context.getImageData(0, 0, canvas.width, canvas.height);
    }
    return image!;
  } finally {
    await reader.cancel();
    clone.stop();
  }
}

/** The average colour of a `size` × `size` block centred at (x, y). */
export function colourAt(image: ImageData, x: number, y: number, size = 8): Rgb {
  const sum: Rgb = [0, 0, 0];
  let n = 0;
  for (let j = Math.max(0, y - size / 2); j < Math.min(image.height, y + size / 2); j++) {
    for (let i = Math.max(0, x - size / 2); i < Math.min(image.width, x + size / 2); i++) {
      const p = (j * image.width + i) * 4;
      for (let c = 0; c < 3; c++) sum[c as 0 | 1 | 2] += image.data[p + c]!;
      n++;
    }
  }
  return sum.map((s) => s / n) as Rgb;
}

/** Mean squared difference between horizontally neighbouring luma values: high for sharp, low for blurred. */
export function sharpness(image: ImageData): number {
  let total = 0;
  let n = 0;
  const lum = (p: number): number => 0.299 * image.data[p]! + 0.587 * image.data[p + 1]! + 0.114 * image.data[p + 2]!;
  for (let y = 0; y < image.height; y += 2) {
    for (let x = 1; x < image.width; x++) {
      const p = (y * image.width + x) * 4;
      const d = lum(p) - lum(p - 4);
      total += d * d;
      n++;
    }
  }
  return total / n;
}
