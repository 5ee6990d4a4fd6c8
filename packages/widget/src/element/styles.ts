import { css } from 'lit';

/** The widget's styles. Site owners theme through the `--vc-*` custom properties and `::part()`. */
export const widgetStyles = css`
  :host {
    --_bg: var(--vc-background, #111827);
    --_fg: var(--vc-foreground, #f9fafb);
    --_muted: var(--vc-muted, #9ca3af);
    --_accent: var(--vc-accent, #2563eb);
    --_danger: var(--vc-danger, #dc2626);
    --_tile: var(--vc-tile-background, #1f2937);
    --_radius: var(--vc-radius, 12px);
    display: block;
    position: relative;
    min-height: 240px;
    background: var(--_bg);
    color: var(--_fg);
    font: var(--vc-font, 14px/1.4 system-ui, sans-serif);
    border-radius: var(--_radius);
    overflow: hidden;
    container-type: inline-size;
  }
  [hidden] {
    display: none !important;
  }
  .panel {
    display: flex;
    flex-direction: column;
    align-items: center;
    gap: 12px;
    padding: 16px;
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
  .preview {
    position: relative;
    width: min(100%, 480px);
    aspect-ratio: 16 / 9;
    border-radius: var(--_radius);
    overflow: hidden;
    background: var(--_tile);
  }
  .placeholder {
    position: absolute;
    inset: 0;
    display: grid;
    place-items: center;
    color: var(--_muted);
  }
  .grid {
    display: grid;
    gap: 8px;
    padding: 8px;
    grid-template-columns: repeat(auto-fit, minmax(min(100%, 220px), 1fr));
  }
  .tile {
    position: relative;
    aspect-ratio: 16 / 9;
    border-radius: var(--_radius);
    overflow: hidden;
    background: var(--_tile);
  }
  .name {
    position: absolute;
    left: 8px;
    bottom: 8px;
    padding: 2px 8px;
    border-radius: 999px;
    background: rgb(0 0 0 / 55%);
    font-size: 12px;
  }
  .controls {
    display: flex;
    justify-content: center;
    gap: 8px;
    padding: 8px 8px 12px;
  }
  button {
    font: inherit;
    color: inherit;
    border: 0;
    border-radius: 999px;
    padding: 8px 16px;
    background: var(--_tile);
    cursor: pointer;
  }
  button:focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
  button[aria-pressed='false'] {
    background: var(--_danger);
  }
  button.primary {
    background: var(--_accent);
  }
  button.danger {
    background: var(--_danger);
  }
  button:disabled {
    opacity: 0.6;
    cursor: progress;
  }
  .notice {
    margin: 8px;
    padding: 8px 12px;
    border-radius: 8px;
    background: rgb(220 38 38 / 18%);
    border: 1px solid var(--_danger);
  }
  .notice.info {
    background: rgb(37 99 235 / 18%);
    border-color: var(--_accent);
  }
`;
