/**
 * Styles of the call: the tile grid (columns and rows by tile count and the shape of its box), the stage and its
 * strip, tiles, captions, network bars and the control bar with its "More" menu. They travel with the call's
 * views in a lazy chunk (call-view.ts), adopted when it loads.
 */
import { css } from 'lit';
import { panelStyles } from './panel-styles.js';

/** A control's label shown as words in the button, not as a tooltip (Leave, a wide bar, the "More" menu). */
const labelAsWords = css`
  position: static;
  translate: none;
  opacity: 1;
  padding: 0;
  background: none;
  color: inherit;
`;

export const callStyles = css`
  /* A host's list of guests knocking, each with Let in and Deny. */
  [part='knock-requests'] {
    list-style: none;
    display: grid;
    gap: 4px;
  }
  [part='knock-requests'] li {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px;
  }
  [part='knock-requests'] bdi {
    flex: 1;
  }
  [part='knock-requests'] button {
    padding: 4px 12px;
  }
  .call {
    display: flex;
    flex-direction: column;
    height: 100%;
    padding: env(safe-area-inset-top) env(safe-area-inset-right) 0 env(safe-area-inset-left);
    box-sizing: border-box;
  }
  .stage {
    position: relative;
    flex: 1;
    display: flex;
    min-height: 0;
  }
  .tiles {
    flex: 1;
    min-width: 0;
    container: tiles / size;
  }
  .grid {
    --cols: 1;
    --rows: 1;
    box-sizing: border-box;
    height: 100%;
    display: grid;
    gap: 6px;
    padding: 6px;
    grid-template-columns: repeat(var(--cols), minmax(0, 1fr));
    grid-template-rows: repeat(var(--rows), minmax(0, 1fr));
  }
  .grid[data-count='2'] {
    --cols: 2;
  }
  .grid:is([data-count='3'], [data-count='4']) {
    --cols: 2;
    --rows: 2;
  }
  .grid:is([data-count='5'], [data-count='6']) {
    --cols: 3;
    --rows: 2;
  }
  .grid:is([data-count='7'], [data-count='8'], [data-count='9']) {
    --cols: 3;
    --rows: 3;
  }
  @container tiles (aspect-ratio > 2.2) {
    .grid[data-count='3'] {
      --cols: 3;
      --rows: 1;
    }
    .grid[data-count='4'] {
      --cols: 4;
      --rows: 1;
    }
    .grid:is([data-count='7'], [data-count='8']) {
      --cols: 4;
      --rows: 2;
    }
  }
  @container tiles (orientation: portrait) {
    .grid[data-count='2'] {
      --cols: 1;
      --rows: 2;
    }
    .grid:is([data-count='5'], [data-count='6']) {
      --cols: 2;
      --rows: 3;
    }
    .grid:is([data-count='7'], [data-count='8']) {
      --cols: 2;
      --rows: 4;
    }
  }
  @container tiles (aspect-ratio < 0.5) {
    .grid[data-count='3'] {
      --cols: 1;
      --rows: 3;
    }
  }
  .grid[data-layout='stage'] {
    grid-template-columns: minmax(0, 3fr) minmax(0, 1fr);
    grid-template-rows: repeat(var(--strip), minmax(0, 1fr));
  }
  .grid[data-layout='stage'] .on-stage {
    grid-column: 1;
    grid-row: 1 / -1;
  }
  @container tiles (orientation: portrait) {
    .grid[data-layout='stage'] {
      grid-template-columns: repeat(var(--strip), minmax(0, 1fr));
      grid-template-rows: minmax(0, 3fr) minmax(0, 1fr);
    }
    .grid[data-layout='stage'] .on-stage {
      grid-column: 1 / -1;
      grid-row: 1;
    }
  }
  .tile {
    position: relative;
    min-width: 0;
    min-height: 0;
    container: tile / size;
    border-radius: var(--_radius);
    overflow: hidden;
    background: var(--_tile);
    transition: outline-color 0.2s;
    outline: 3px solid transparent;
    outline-offset: -3px;
  }
  .tile[data-speaking] {
    outline-color: var(--_speaking);
  }
  video {
    display: block;
    width: 100%;
    height: 100%;
    object-fit: cover;
    background: var(--_tile);
  }
  video.mirrored {
    transform: scaleX(-1);
  }
  video.screen {
    object-fit: contain;
    background: #000;
  }
  video.off {
    position: absolute;
    opacity: 0;
  }
  .caption {
    position: absolute;
    left: 8px;
    right: 8px;
    bottom: 8px;
    display: flex;
    align-items: center;
    gap: 4px;
    pointer-events: none;
  }
  .name,
  .indicator,
  .quality {
    background: rgb(0 0 0 / 55%);
    color: #fff;
    border-radius: 999px;
    font-size: 12px;
    padding: 2px 8px;
  }
  .name {
    overflow: hidden;
    white-space: nowrap;
    text-overflow: ellipsis;
  }
  .indicator {
    display: grid;
    padding: 3px;
    background: #b91c1c;
  }
  .indicator svg {
    width: 14px;
    height: 14px;
  }
  .tile-badge {
    position: absolute;
    top: 8px;
    left: 8px;
  }
  .quality {
    margin-left: auto;
    display: flex;
    align-items: flex-end;
    gap: 2px;
    height: 12px;
    padding: 3px 6px;
  }
  .quality i {
    width: 3px;
    height: 33%;
    background: rgb(255 255 255 / 35%);
  }
  .quality i:nth-child(2) {
    height: 66%;
  }
  .quality i:nth-child(3) {
    height: 100%;
  }
  [data-quality='good'] i {
    background: var(--_ok);
  }
  [data-quality='fair'] i:nth-child(-n + 2) {
    background: var(--_warn);
  }
  [data-quality='poor'] i:first-child {
    background: var(--_danger);
  }

  @container tile (max-height: 90px) {
    .caption {
      left: 2px;
      right: 2px;
      bottom: 2px;
      gap: 2px;
    }
    .name {
      font-size: 10px;
      padding: 0 4px;
    }
    .quality,
    .pin,
    .tile-badge {
      display: none;
    }
  }
  @container tile (max-height: 24px) {
    .caption {
      display: none;
    }
  }
  .pin {
    position: absolute;
    top: 6px;
    right: 6px;
    background: rgb(0 0 0 / 60%);
    color: #fff;
    opacity: 0;
  }
  .tile:hover .pin,
  .pin:focus-visible,
  .pin[aria-pressed='true'] {
    opacity: 1;
  }
  @media (hover: none) {
    .pin {
      opacity: 1;
    }
  }

  .controls {
    position: relative;
    display: flex;
    flex-wrap: nowrap;
    justify-content: center;
    align-items: center;
    gap: 8px;
    padding: 6px 8px max(8px, env(safe-area-inset-bottom));
  }
  .secondary {
    display: contents;
  }
  .more {
    display: none;
  }
  .leave {
    margin-inline-start: 12px;
    width: auto;
    min-width: 56px;
    padding: 0 14px;
    gap: 6px;
    display: inline-flex;
    align-items: center;
  }
  .leave svg {
    width: 24px;
    height: 24px;
  }
  @container (min-width: 720px) {
    .leave .label {
      ${labelAsWords}
      font-size: inherit;
    }
  }
  @container (min-width: 1000px) {
    .controls .control:not(.more) {
      flex: 0 1 auto;
      display: inline-flex;
      flex-direction: column;
      justify-content: center;
      gap: 2px;
      width: auto;
      min-width: 44px;
      height: 52px;
      padding: 0 10px;
      border-radius: 12px;
    }
    .controls .control .label {
      ${labelAsWords}
      font-size: 12px;
      max-width: 100%;
      overflow: hidden;
      text-overflow: ellipsis;
    }
  }
  @container (max-width: 719px) {
    .controls {
      gap: 6px;
    }
    .more {
      display: inline-grid;
    }
    .secondary {
      display: none;
    }
    .secondary.open {
      position: absolute;
      bottom: 100%;
      right: 8px;
      z-index: 3;
      display: flex;
      flex-direction: column;
      gap: 2px;
      padding: 6px;
      max-height: 70cqh;
      overflow: auto;
      background: var(--_bg);
      color: var(--_fg);
      border: 1px solid var(--_border);
      border-radius: 12px;
      box-shadow: 0 4px 16px rgb(0 0 0 / 25%);
    }
    .secondary .control {
      width: auto;
      height: 40px;
      justify-content: start;
      display: flex;
      align-items: center;
      gap: 10px;
      padding: 0 12px;
      border-radius: 8px;
    }
    .secondary .control .label {
      ${labelAsWords}
      font-size: inherit;
    }
    .leave {
      margin-inline-start: 4px;
    }
  }
  @container (max-width: 360px) {
    .control {
      width: 40px;
      height: 40px;
    }
  }
`;

/** Adds the call's styles (and its panels') to the element's shadow root, once, next to those Lit adopted. */
export function adoptCallStyles(root: ShadowRoot): void {
  for (const styles of [callStyles, panelStyles]) {
    const sheet = styles.styleSheet;
    if (sheet) {
      if (!root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
    } else {
      // No constructable style sheets (older browsers): Lit itself falls back to <style> elements there.
      const style = document.createElement('style');
      style.textContent = styles.cssText;
      root.append(style);
    }
  }
}
