/** Styles of the pre-join screen: the preview with its toggles beside the fields (stacked when narrow). */
import { css } from 'lit';

export const prejoinStyles = css`
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
    flex: 1 1 320px;
    max-width: 560px;
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
