import { css } from 'lit';
import { prejoinStyles } from '../ui/prejoin-styles.js';

/**
 * The widget's styles. Site owners theme through `::part()` (names in the README) and these custom properties,
 * set on the element (`video-chat-widget { --vc-accent: #7c3aed }`). Colours follow the page's
 * `prefers-color-scheme`; the `theme` attribute (`light` · `dark`) forces one.
 *
 * The custom properties, with their light and dark defaults, are declared once, as `@cssprop` tags on the
 * element's class (video-chat-widget.ts): the manifest and the README's table come from there, and
 * test-node/custom-elements.test.mjs holds them to the ones used here and in ui/*-styles.ts.
 *
 * The element fills the box the page gives it: 100% of its container's width and 16:9 by default (9:16 on a
 * portrait screen), never taller
 * than the viewport, at least 280×240 (designed for 320×240 and up). A page sets `width`/`height` (or
 * `aspect-ratio`) on `video-chat-widget` to change that; the layout follows the element's box, not the window.
 *
 * Private `--_*` properties hold the resolved values; CSS comments are left out because they would ship. The
 * views' own rules live next to them (ui/*-styles.ts) and are joined here, theme and base first; the call's
 * (call-styles.ts, panel-styles.ts) come with its lazily loaded views.
 */
/** The dark colours: under a dark system setting unless `theme="light"`, and always with `theme="dark"`. */
const darkPalette = css`
  --_bg: var(--vc-background, #111827);
  --_fg: var(--vc-foreground, #f9fafb);
  --_muted: var(--vc-muted, #9ca3af);
  --_surface: var(--vc-surface, #1f2937);
  --_border: var(--vc-border, #374151);
  --_tile: var(--vc-tile-background, #1f2937);
  --_accent: var(--vc-accent, #3b82f6);
  --_danger: var(--vc-danger, #ef4444);
  --_accent-fill: var(--vc-accent, #2563eb);
  --_danger-fill: var(--vc-danger, #dc2626);
  --_warn: var(--vc-warning, #f59e0b);
  --_ok: var(--vc-success, #22c55e);
  color-scheme: dark;
`;

export const widgetStyles = css`
  :host {
    --_bg: var(--vc-background, #fff);
    --_fg: var(--vc-foreground, #111827);
    --_muted: var(--vc-muted, #4b5563);
    --_surface: var(--vc-surface, #f3f4f6);
    --_border: var(--vc-border, #d1d5db);
    --_tile: var(--vc-tile-background, #e5e7eb);
    --_accent: var(--vc-accent, #2563eb);
    --_danger: var(--vc-danger, #dc2626);
    --_warn: var(--vc-warning, #d97706);
    --_ok: var(--vc-success, #16a34a);
    --_on-accent: var(--vc-accent-foreground, #fff);
    --_accent-fill: var(--_accent);
    --_danger-fill: var(--_danger);
    --_speaking: var(--vc-speaking, var(--_accent));
    --_ring: var(--vc-focus-ring, var(--_accent));
    --_radius: var(--vc-radius, 12px);
    color-scheme: light;
    display: block;
    position: relative;
    box-sizing: border-box;
    width: 100%;
    aspect-ratio: 16 / 9;
    max-height: 100vh;
    max-height: 100dvh;
    min-width: 280px;
    min-height: 240px;
    background: var(--_bg);
    color: var(--_fg);
    font: var(--vc-font, 14px/1.4 system-ui, sans-serif);
    border-radius: var(--_radius);
    overflow: hidden;
    container-type: size;
  }
  @media (orientation: portrait) {
    :host {
      aspect-ratio: 9 / 16;
    }
  }
  :host > :not(.notice) {
    height: 100%;
    box-sizing: border-box;
  }
  .in-call {
    display: flex;
    flex-direction: column;
  }
  .in-call > :last-child {
    flex: 1;
    min-height: 0;
  }
  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light'])) {
      ${darkPalette}
    }
  }
  :host([theme='dark']) {
    ${darkPalette}
  }
  [hidden] {
    display: none !important;
  }
  *:focus-visible {
    outline: 2px solid var(--_ring);
    outline-offset: 2px;
  }
  svg {
    width: 20px;
    height: 20px;
    fill: none;
    stroke: currentColor;
    stroke-width: 2;
    stroke-linecap: round;
    stroke-linejoin: round;
    flex: none;
  }
  h2,
  h3,
  p {
    margin: 0;
  }
  h2 {
    font-size: 1em;
  }
  h3 {
    font-size: 0.9em;
    margin: 8px 0 4px;
  }
  .muted {
    color: var(--_muted);
  }

  button {
    font: inherit;
    color: inherit;
    border: 0;
    border-radius: 999px;
    padding: 8px 16px;
    background: var(--_surface);
    cursor: pointer;
  }
  button:disabled {
    opacity: 0.5;
    cursor: not-allowed;
  }
  button.primary,
  .control[aria-pressed='true']:not(.device) {
    background: var(--_accent-fill);
    color: var(--_on-accent);
  }
  .control {
    position: relative;
    display: inline-grid;
    place-items: center;
    width: 44px;
    height: 44px;
    padding: 0;
  }
  .control .label {
    position: absolute;
    bottom: calc(100% + 6px);
    left: 50%;
    translate: -50% 0;
    padding: 2px 8px;
    border-radius: 6px;
    background: var(--_fg);
    color: var(--_bg);
    font-size: 12px;
    white-space: nowrap;
    pointer-events: none;
    opacity: 0;
    z-index: 2;
  }
  .control:hover .label,
  .control:focus-visible .label {
    opacity: 1;
  }
  .device.off,
  .danger {
    background: var(--_danger-fill);
    color: #fff;
  }

  .icon {
    display: grid;
    padding: 6px;
    background: none;
  }
  .count,
  .badge {
    border-radius: 999px;
    font-size: 11px;
    font-weight: 600;
    line-height: 18px;
    padding: 0 6px;
  }
  .count {
    position: absolute;
    top: -4px;
    right: -4px;
    min-width: 6px;
    background: var(--_danger-fill);
    color: #fff;
  }
  .badge {
    background: var(--_surface);
    color: var(--_fg);
  }
  input,
  select,
  textarea {
    font: inherit;
    color: inherit;
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: 8px;
    padding: 7px 10px;
    min-width: 0;
  }
  .field {
    display: grid;
    gap: 4px;
    color: var(--_muted);
    font-size: 0.9em;
  }
  .field > * {
    color: var(--_fg);
  }

  .panel {
    display: flex;
    flex-direction: column;
    align-items: center;
    gap: 12px;
    padding: 16px;
  }
  .placeholder {
    position: absolute;
    inset: 0;
    display: grid;
    place-items: center;
    color: var(--_muted);
  }
  .notice,
  .banner {
    padding: 8px 12px;
    border-radius: 8px;
    background: color-mix(in srgb, var(--_danger) 15%, transparent);
    border: 1px solid var(--_danger);
  }
  .notice {
    margin: 8px;
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px;
  }
  .notice p {
    flex: 1 1 200px;
  }
  .notice .help {
    color: var(--_muted);
  }
  .notice button {
    padding: 4px 12px;
    background: var(--_bg);
    border: 1px solid currentColor;
  }
  .notice.info,
  .banner {
    background: color-mix(in srgb, var(--_accent) 15%, transparent);
    border-color: var(--_accent);
  }
  .banner {
    margin: 8px 8px 0;
  }
  .avatar {
    position: absolute;
    left: 50%;
    top: 50%;
    translate: -50% -50%;
    width: min(30%, 96px);
    aspect-ratio: 1;
    display: grid;
    place-items: center;
    border-radius: 50%;
    background: var(--_accent-fill);
    color: var(--_on-accent);
    font-size: 1.4em;
    font-weight: 600;
  }
  ${prejoinStyles}
  @media (prefers-reduced-motion: reduce) {
    * {
      transition: none !important;
      animation: none !important;
    }
  }
`;
