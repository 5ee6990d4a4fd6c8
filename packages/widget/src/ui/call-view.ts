/**
 * The call: a grid of tiles (self first), the open panel beside it, the control bar below, and a banner
 * while the call runs as text chat only.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { callControls } from './call-controls.js';
import { chatPanel } from './chat-panel.js';
import { participantsPanel } from './participants-panel.js';
import { closePanel, sidePanel } from './side-panel.js';
import { remoteTile, selfTile } from './tile.js';
import type { CallView } from './view-model.js';

export function renderCall(view: CallView): TemplateResult {
  const s = view.strings;
  // styles.ts picks the column count from data-count (1 → 1 column … 7+ → 4).
  return html`<div class="call" part="call" @keydown=${(e: KeyboardEvent) => escape(view, e)}>
    ${view.textOnly
      ? html`<div class="banner" part="text-only-banner" role="status"><strong>${s.textOnlyBanner}</strong> ${view.textOnly.reason}</div>`
      : nothing}
    ${view.recording?.status}
    <div class="stage ${view.panel ? 'with-panel' : ''}">
      <div class="grid" part="grid" data-count=${view.tiles.length + 1}>
        ${selfTile(view.local, view.selfName, s)}
        ${repeat(view.tiles, (t) => t.peerId, (t) => remoteTile(t, s))}
      </div>
      ${openPanel(view)}
    </div>
    ${callControls(view)}
  </div>`;
}

function openPanel(view: CallView): TemplateResult | typeof nothing {
  const s = view.strings;
  switch (view.panel) {
    case 'chat':
      return sidePanel(view, 'chat', s.chat, chatPanel(view.chat, s, view.onSendChat));
    case 'participants':
      return sidePanel(view, 'participants', s.participants, participantsPanel(view));
    case 'stats':
      // stats-panel.ts is loaded on demand by the element, which hands its rendering over in `statsPanel`.
      return sidePanel(view, 'stats', s.stats, view.statsPanel ?? html`<p class="muted">${s.loading}</p>`);
    default:
      return nothing;
  }
}

function escape(view: CallView, event: KeyboardEvent): void {
  if (event.key !== 'Escape' || !view.panel) return;
  event.preventDefault();
  closePanel(view, event);
}
