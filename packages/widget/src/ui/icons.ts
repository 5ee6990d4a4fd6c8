/**
 * The control and indicator icons: inline stroked SVG paths (24×24), a few bytes each, so no icon font or
 * image request. Always decorative: the button or indicator around them carries the text alternative.
 */
import { html, type TemplateResult } from 'lit';

const SLASH = 'M3 3l18 18';
const MIC = 'M12 3a3 3 0 00-3 3v5a3 3 0 006 0V6a3 3 0 00-3-3zM5 11a7 7 0 0014 0M12 18v3';
const CAMERA = 'M3 7h12v10H3zM15 10l6-3v10l-6-3';

/** Stroke style lives in styles.ts (`svg` rule), so each icon is one path. Lazy views draw theirs with it too. */
export const icon = (d: string): TemplateResult =>
  html`<svg viewBox="0 0 24 24" aria-hidden="true"><path d=${d}></path></svg>`;

export const icons = {
  microphone: (on: boolean) => icon(on ? MIC : MIC + SLASH),
  camera: (on: boolean) => icon(on ? CAMERA : CAMERA + SLASH),
  screen: () => icon('M3 4h18v12H3zM8 20h8M12 16v4'),
  chat: () => icon('M4 5h16v11H9l-5 4z'),
  participants: () => icon('M9 11a3 3 0 100-6 3 3 0 000 6zM3 20a6 6 0 0112 0M16 5a3 3 0 010 6M21 20a6 6 0 00-4-5.6'),
  stats: () => icon('M5 20v-8M12 20V4M19 20v-5'),
  fullscreen: (on: boolean) =>
    icon(on ? 'M9 4v5H4M15 4v5h5M15 20v-5h5M9 20v-5H4' : 'M4 9V4h5M15 4h5v5M20 15v5h-5M9 20H4v-5'),
  pictureInPicture: () => icon('M3 5h18v14H3zM12 12h6v4h-6z'),
  /** A handset put down: what every phone's hang-up button shows. */
  leave: () => icon('M3 15.5c5-5 13-5 18 0l-2.5 2.5-3.5-2v-3c-2-.7-4-.7-6 0v3L5.5 18z'),
  speakerView: () => icon('M3 4h18v11H3zM3 18h5v2H3zM10 18h4v2h-4zM16 18h5v2h-5z'),
  lock: (locked: boolean) =>
    icon(locked ? 'M6 11h12v10H6zM8 11V7a4 4 0 0 1 8 0v4' : 'M6 11h12v10H6zM8 11V7a4 4 0 0 1 7.5-2'),
  more: () => icon('M5 12h.01M12 12h.01M19 12h.01'),
  pin: () => icon('M9 4h6l-1 6 3 3H7l3-3zM12 13v7'),
  close: () => icon('M6 6l12 12M18 6L6 18'),
};
