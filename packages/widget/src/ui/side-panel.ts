/**
 * The frame of the open panel (chat, participants or stats): a titled side panel, an overlay on narrow widgets.
 * Opening moves focus into it; closing (its button or Escape) returns focus to the button that opened it, so
 * keyboard users never lose their place.
 */
import { html, type TemplateResult } from 'lit';
import { icons } from './icons.js';
import type { CallView, PanelName } from './view-model.js';

export function sidePanel(view: CallView, name: PanelName, title: string, body: unknown): TemplateResult {
  return html`<section class="side" part="panel" data-panel=${name} aria-label=${title}>
    <header>
      <h2>${title}</h2>
      <button type="button" class="icon" part="close-panel-button" aria-label=${view.strings.close} title=${view.strings.close}
        @click=${(e: Event) => closePanel(view, e)}>${icons.close()}</button>
    </header>
    ${body}
  </section>`;
}

/** Opens or closes a panel from its control-bar button. */
export function togglePanel(view: CallView, name: PanelName, event: Event): void {
  const opening = view.panel !== name;
  const root = rootOf(event);
  view.onTogglePanel(name);
  if (!opening) return;
  // The panel appears at the element's next render; the first field (else the close button) takes focus.
  requestAnimationFrame(() => {
    const panel = root.querySelector('[part~="panel"]');
    (panel?.querySelector<HTMLElement>('input') ?? panel?.querySelector<HTMLElement>('button'))?.focus();
  });
}

/** Closes the open panel and puts focus back on its control-bar button. */
export function closePanel(view: CallView, event: Event): void {
  const name = view.panel;
  if (!name) return;
  const root = rootOf(event);
  view.onTogglePanel(name);
  root.querySelector<HTMLElement>(`[part~="${name}-button"]`)?.focus();
}

/** Taken before the panel toggles: a re-render may already have detached the clicked close button. */
const rootOf = (event: Event) => (event.currentTarget as Node).getRootNode() as ParentNode;
