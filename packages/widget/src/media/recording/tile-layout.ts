/** Where each participant's picture goes in the recording: a near-square grid, pictures letterboxed. */

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The grid cells for `count` tiles on a `width` × `height` canvas, row by row. */
export function gridCells(count: number, width: number, height: number): Rect[] {
  if (count <= 0) return [];
  // Columns first: a wide canvas holds two side by side rather than stacked.
  const columns = Math.ceil(Math.sqrt(count * (width / height) * (9 / 16)));
  const cols = Math.min(count, Math.max(1, columns));
  const rows = Math.ceil(count / cols);
  const cw = width / cols;
  const ch = height / rows;
  return Array.from({ length: count }, (_, i) => ({
    x: (i % cols) * cw,
    y: Math.floor(i / cols) * ch,
    width: cw,
    height: ch,
  }));
}

/** The largest rectangle of the picture's aspect ratio centred in `cell` (the whole picture is kept). */
export function fitInside(cell: Rect, pictureWidth: number, pictureHeight: number): Rect {
  if (pictureWidth <= 0 || pictureHeight <= 0) return cell;
  const scale = Math.min(cell.width / pictureWidth, cell.height / pictureHeight);
  const width = pictureWidth * scale;
  const height = pictureHeight * scale;
  return { x: cell.x + (cell.width - width) / 2, y: cell.y + (cell.height - height) / 2, width, height };
}
