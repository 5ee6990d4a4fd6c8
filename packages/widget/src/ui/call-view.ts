/**
 * The call: a grid of tiles (self first), the open panel beside it, the control bar below, and a banner
 * while the call runs as text chat only. A screen share, a pinned tile or the speaker view puts one tile on
 * the stage and the others in a strip beside it (below it in a portrait box). The grid's rows and columns
 * follow the box's shape, not the window's (container queries in call-styles.ts), so tiles never overlap.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { callControls } from './call-controls.js';
export { adoptCallStyles } from './call-styles.js';
import { chatPanel } from './chat-panel.js';
import { participantsPanel } from './participants-panel.js';
import { closePanel, sidePanel } from './side-panel.js';
import { remoteTile, selfTile, type TilePlace } from './tile.js';
import { withHostStrings } from './host-strings.js';
import type { HostStrings, Strings } from './strings.js';
import { SELF_TILE, type CallView, type HostView } from './view-model.js';

export function renderCall(view: CallView): TemplateResult {
  const s = view.strings;
  const count = view.tiles.length + 1;
  const place = (id: string): TilePlace => ({
    onStage: view.stageId === id,
    pinned: view.pinnedId === id,
    onTogglePin: () => view.onTogglePin(id),
  });
  return html`<div class="call" part="call" @keydown=${(e: KeyboardEvent) => escape(view, e)}>
    ${
      view.textOnly
        ? html`<div class="banner" part="text-only-banner" role="status"><strong>${s.textOnlyBanner}</strong> ${view.textOnly.reason}</div>`
        : nothing
    }
    ${view.host ? hostLines(view.host, withHostStrings(s)) : nothing}
    ${view.recording?.status} ${view.matchHeader}
    <div class="stage ${view.panel ? 'with-panel' : ''}" @click=${() => view.moreOpen && view.onToggleMore()}>
      <div class="tiles">
        <div class="grid" part="grid" data-count=${count} data-layout=${view.stageId ? 'stage' : 'grid'} style="--strip: ${count - 1}">
          ${selfTile(view.local, view.selfName, s, place(SELF_TILE))}
          ${repeat(
            view.tiles,
            (t) => t.peerId,
            (t) => remoteTile(t, s, place(t.peerId)),
          )}
        </div>
      </div>
      ${openPanel(view)}
    </div>
    ${callControls(view)}
  </div>`;
}

/** What a host did to this participant or room; and, to hosts, who knocks, each with Let in and Deny. */
function hostLines(host: HostView, s: Strings & HostStrings): TemplateResult {
  const note = host.note === 'muted' ? s.hostMutedYou : host.note === 'locked' ? s.roomLockedNote : null;
  return html`${note ? html`<div class="banner" part="host-notice" role="status">${note}</div>` : nothing}
    ${host.knocks.length ? knockRequests(host, s) : nothing}`;
}

function knockRequests(host: HostView, s: Strings & HostStrings): TemplateResult {
  return html`<ul class="banner" part="knock-requests" role="status">
    ${host.knocks.map(
      ({ peerId, displayName }) => html`<li data-peer-id=${peerId}>
      <bdi>${s.knockAsks(displayName)}</bdi>
      <button type="button" part="admit-button" class="primary" @click=${() => host.onAdmit(peerId)}>${s.admit}</button>
      <button type="button" part="deny-button" @click=${() => host.onDeny(peerId, s.denyReason)}>${s.deny}</button>
    </li>`,
    )}
  </ul>`;
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
