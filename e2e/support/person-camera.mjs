// A camera with a person in front of it, for the background-blur test: the fake camera's moving pattern has no
// person, so the segmentation model would call every pixel background. The picture is the "cameraman" test
// image (a man at a tripod, a field and buildings behind him), from the `cameraman` package on the npm
// registry, written as a Y4M file for Chromium's --use-file-for-fake-video-capture.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The image's side, in pixels, and the frame the camera sends: the image scaled by 2.5, the middle 480 rows. */
const SOURCE = 256;
export const FRAME = { width: 640, height: 480, scale: 2.5, top: 32 };

/**
 * Rectangles of the source image (x0, y0, x1, y1 in its 256 × 256 pixels): where the person is, and where the
 * background has texture a blur can take away (the buildings and the field to the right of the tripod).
 */
export const REGIONS = {
  person: [92, 36, 136, 90], // the face and hair
  background: [205, 100, 256, 224],
};

/** The image's grey levels, row by row. The package holds them as base64, column by column. */
function cameramanPixels() {
  const source = readFileSync(createRequire(import.meta.url).resolve('cameraman'), 'utf8');
  const columns = Buffer.from(source.match(/'([A-Za-z0-9+/=]{1000,})'/)[1], 'base64');
  if (columns.length !== SOURCE * SOURCE)
    throw new Error(`cameraman: ${columns.length} pixels, expected ${SOURCE * SOURCE}`);
  const rows = Buffer.alloc(columns.length);
  for (let x = 0; x < SOURCE; x++) for (let y = 0; y < SOURCE; y++) rows[y * SOURCE + x] = columns[x * SOURCE + y];
  return rows;
}

/** The grey picture at the frame's size, by bilinear interpolation. */
function framePlane(pixels) {
  const { width, height, scale, top } = FRAME;
  const plane = Buffer.alloc(width * height);
  const at = (x, y) => pixels[Math.min(SOURCE - 1, y) * SOURCE + Math.min(SOURCE - 1, x)];
  for (let j = 0; j < height; j++) {
    const sy = Math.max(0, (j + 0.5) / scale - 0.5 + top);
    const y0 = Math.floor(sy),
      fy = sy - y0;
    for (let i = 0; i < width; i++) {
      const sx = Math.max(0, (i + 0.5) / scale - 0.5);
      const x0 = Math.floor(sx),
        fx = sx - x0;
      const upper = at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx;
      const lower = at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx;
      plane[j * width + i] = Math.round(upper * (1 - fy) + lower * fy);
    }
  }
  return plane;
}

/** Writes the Y4M file (two identical frames, which Chromium loops) and returns its path. */
export function personCameraFile() {
  const path = join(tmpdir(), 'vcw-person-camera-640x480.y4m');
  const { width, height } = FRAME;
  const luma = framePlane(cameramanPixels());
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128); // grey: no colour in U and V
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma]);
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F30:1 Ip A1:1 C420jpeg\n`);
  writeFileSync(`${path}.${process.pid}`, Buffer.concat([header, frame, frame]));
  renameSync(`${path}.${process.pid}`, path);
  return path;
}
