/**
 * Styles of the matching modes' screens (waiting, leave-a-message, report form, agent console). They ship in
 * the lazy chunk with those screens; the element adopts them into its shadow root when it loads the chunk.
 */
import { css } from 'lit';

export const queueStyles = css`
  .waiting {
    justify-content: center;
    min-height: 200px;
    text-align: center;
  }
  .spinner {
    width: 32px;
    height: 32px;
    border: 3px solid var(--_border);
    border-top-color: var(--_accent);
    border-radius: 50%;
    animation: vc-spin 1s linear infinite;
  }
  @keyframes vc-spin {
    to {
      transform: rotate(360deg);
    }
  }
  textarea {
    resize: vertical;
  }
  .ticket {
    display: grid;
    gap: 12px;
    width: min(100%, 360px);
    text-align: start;
  }
  blockquote {
    margin: 0;
    padding: 4px 12px;
    border-inline-start: 3px solid var(--_border);
    color: var(--_muted);
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  .controls {
    position: relative;
  }
  .report {
    position: absolute;
    bottom: 100%;
    inset-inline-end: 8px;
    z-index: 2;
    display: grid;
    gap: 8px;
    padding: 12px;
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: 8px;
  }
  fieldset {
    display: grid;
    gap: 4px;
    margin: 0;
    padding: 0;
    border: 0;
  }
  legend {
    margin-bottom: 4px;
    font-weight: 600;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px;
  }
  .console {
    align-items: stretch;
  }
  .console header {
    justify-content: space-between;
  }
  .queue li {
    display: grid;
    gap: 4px;
    padding: 8px 0;
    border-top: 1px solid var(--_border);
  }
  .queue .grow {
    flex: 1;
    font-weight: 600;
  }
  .queue time {
    margin: 0;
    font-variant-numeric: tabular-nums;
  }
  .queue input {
    flex: 1;
  }
`;

/** Adds these styles to the element's shadow root, once, next to those Lit adopted for it. */
export function adoptQueueStyles(root: ShadowRoot): void {
  const sheet = queueStyles.styleSheet;
  if (sheet) {
    if (!root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  } else if (!root.querySelector('style[data-queue-styles]')) {
    // No constructable style sheets (older browsers): Lit itself falls back to <style> elements there.
    const style = document.createElement('style');
    style.dataset.queueStyles = '';
    style.textContent = queueStyles.cssText;
    root.append(style);
  }
}
