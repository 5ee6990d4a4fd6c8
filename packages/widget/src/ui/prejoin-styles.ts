/** Styles of the pre-join screen: the preview with its toggles beside the fields (stacked when narrow). */
import { css } from 'lit';

export const prejoinStyles = css`
  .prejoin {
    overflow: auto;
    justify-content: safe center;
  }
  .closed {
    position: absolute;
    inset: 0 0 56px;
    display: grid;
    place-content: center;
    justify-items: center;
    gap: 4px;
    padding: 0 8px;
    text-align: center;
    font-size: 0.9em;
  }
  .closed .muted {
    background: var(--_bg);
    border-radius: 6px;
    padding: 0 6px;
  }
  .prejoin-body {
    display: flex;
    flex-wrap: wrap;
    justify-content: center;
    align-items: center;
    gap: 16px;
    width: 100%;
  }
  .preview {
    position: relative;
    flex: 1 1 260px;
    max-width: min(560px, 100cqw - 32px, (100cqh - 48px) * 16 / 9);
    min-height: 150px;
    aspect-ratio: 16 / 9;
    border-radius: var(--_radius);
    overflow: hidden;
    background: var(--_tile);
  }
  .preview-controls {
    position: absolute;
    bottom: 8px;
    inset-inline: 0;
    display: flex;
    justify-content: center;
    gap: 8px;
  }
  .preview-controls .control:not(.off) {
    background: rgb(0 0 0 / 55%);
    color: #fff;
  }
  .fields {
    flex: 0 1 240px;
    display: grid;
    gap: 12px;
  }
  .pickers {
    display: grid;
    gap: 12px;
  }
`;
