/**
 * Styles of call recording's views. They ship in the lazy chunk with those views; the element adopts them into
 * its shadow root when it loads the chunk.
 */
import { css } from 'lit';

export const recordingStyles = css`
  .recording-bar {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px;
    margin: 8px 8px 0;
  }
  .recording-indicator {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    padding: 2px 10px;
    border-radius: 999px;
    background: var(--_danger-fill);
    color: #fff;
    font-weight: 600;
  }
  .recording-indicator i {
    width: 8px;
    height: 8px;
    border-radius: 50%;
    background: currentColor;
    animation: vc-recording 1.5s ease-in-out infinite;
  }
  @keyframes vc-recording {
    50% {
      opacity: 0.3;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .recording-indicator i {
      animation: none;
    }
  }
  .hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  .recording-consent {
    flex: 1 1 100%;
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px;
    padding: 8px 12px;
    border-radius: 8px;
    border: 1px solid var(--_danger);
    background: color-mix(in srgb, var(--_danger) 12%, transparent);
  }
  .recording-consent p {
    flex: 1 1 200px;
    margin: 0;
  }
  .record[aria-pressed='true'] {
    background: var(--_danger-fill);
    color: #fff;
  }
  [part~='recording-download'] {
    color: var(--_accent);
  }
`;

/** Adds these styles to the element's shadow root, once, next to those Lit adopted for it (as queue-styles.ts does). */
export function adoptRecordingStyles(root: ShadowRoot): void {
  const sheet = recordingStyles.styleSheet;
  if (sheet) {
    if (!root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  } else if (!root.querySelector('style[data-recording-styles]')) {
    // No constructable style sheets (older browsers): Lit itself falls back to <style> elements there.
    const style = document.createElement('style');
    style.dataset.recordingStyles = '';
    style.textContent = recordingStyles.cssText;
    root.append(style);
  }
}
