/**
 * One round icon button of the control bar: its part name, label and (for toggles) pressed state are API. The
 * label is also text in the button: a tooltip on hover and keyboard focus in a bar with little room, words under
 * the icon in a wide one, and the item's words in the "More" menu (call-styles.ts).
 */
import { html, nothing, type TemplateResult } from 'lit';

export interface ControlButton {
  /** The `::part` name, e.g. `microphone-button`. */
  part: string;
  /** The accessible name (also the tooltip, drawn by the styles: a native `title` would show a second one); it stays the same when a toggle flips. */
  label: string;
  icon: TemplateResult;
  /** Set for toggles: becomes `aria-pressed`. */
  pressed?: boolean;
  disabled?: boolean;
  /** Extra classes: `device` (red while off), `danger`. */
  kind?: string;
  /** The words shown, when shorter than the label (WCAG 2.5.3: the label must contain them). Default: the label. */
  text?: string;
  /** Rendered inside the button after the icon, e.g. the unread badge. */
  extra?: TemplateResult;
  onClick(event: Event): void;
}

export function controlButton(b: ControlButton): TemplateResult {
  return html`<button
    type="button"
    part=${b.part}
    class="control ${b.kind ?? ''}"
    aria-label=${b.label}
    aria-pressed=${b.pressed === undefined ? nothing : String(b.pressed)}
    ?disabled=${b.disabled}
    @click=${b.onClick}
  >${b.icon}<span class="label" aria-hidden="true">${b.text ?? b.label}</span>${b.extra ?? nothing}</button>`;
}
