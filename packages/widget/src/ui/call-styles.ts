/**
 * Styles of the call: the tile grid (columns by tile count and widget width), tiles, captions, network bars and
 * the control bar.
 */
import { css } from 'lit';

export const callStyles = css`
  .call {
    display: flex;
    flex-direction: column;
    height: 100%;
    min-height: inherit;
  }
  .stage {
    position: relative;
    flex: 1;
    display: flex;
    min-height: 0;
  }
  .with-panel {
    min-height: 320px;
  }
  .grid {
    flex: 1;
    display: grid;
    gap: 8px;
    padding: 8px;
    align-content: center;
    overflow: auto;
    grid-template-columns: repeat(4, minmax(0, 1fr));
  }
  .grid[data-count='1'] {
    grid-template-columns: minmax(0, 1fr);
  }
  .grid:is([data-count='2'], [data-count='3'], [data-count='4']) {
    grid-template-columns: repeat(2, minmax(0, 1fr));
  }
  .grid:is([data-count='5'], [data-count='6']) {
    grid-template-columns: repeat(3, minmax(0, 1fr));
  }
  @container (max-width: 480px) {
    .grid:not([data-count='1']) {
      grid-template-columns: repeat(2, minmax(0, 1fr));
    }
    .grid[data-count='2'] {
      grid-template-columns: minmax(0, 1fr);
    }
  }
  .tile {
    position: relative;
    aspect-ratio: 16 / 9;
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

  .controls {
    display: flex;
    flex-wrap: wrap;
    justify-content: center;
    gap: 8px;
    padding: 8px 8px 12px;
  }
  @container (max-width: 440px) {
    .controls {
      gap: 4px;
    }
    .control {
      width: 36px;
      height: 36px;
    }
  }
`;
