/**
 * Agent mode, between calls: availability (online or away), the live support queue with how long each
 * customer has waited and what they wrote, Take next, and per customer Take or Decline (with a reason they
 * are shown). A lazy chunk: the element loads it in agent mode only.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { QueueStrings, Strings } from './strings.js';
import type { AgentConsoleView, CustomerHeaderView, QueuedCustomerView } from './view-model.js';

/** Longest decline reason the service takes. */
export const DECLINE_REASON_MAX_LENGTH = 300;

export function renderAgentConsole(view: AgentConsoleView): TemplateResult {
  const s = view.strings;
  return html`<section class="panel console" part="agent-console" aria-label=${s.supportQueue}>
    <header class="row">
      <h2>${s.supportQueue}</h2>
      <span class="muted" part="agents-online">${s.agentsOnline(view.agentsOnline)}</span>
      <button type="button" part="availability-toggle" class=${view.available ? 'primary' : ''} aria-pressed=${String(view.available)}
        @click=${view.onToggleAvailable}>${s.available}</button>
    </header>
    <button type="button" part="take-next-button" class="primary" ?disabled=${view.busy || view.customers.length === 0} @click=${view.onTakeNext}>
      ${s.takeNext}
    </button>
    ${
      view.customers.length
        ? html`<ul class="queue" part="queue-list" aria-label=${s.supportQueue}>
          ${repeat(
            view.customers,
            (c) => c.customerId,
            (c) => customer(view, c, s),
          )}
        </ul>`
        : html`<p class="muted" part="queue-empty">${s.noOneWaiting}</p>`
    }
  </section>`;
}

/** In the call, above the tiles: who the agent is helping and what they wrote (the side of the call the customer never sees). */
export function renderCustomerHeader(view: CustomerHeaderView): TemplateResult {
  return html`<aside class="banner" part="customer-header" aria-label=${view.strings.customerWrote}>
    <strong part="customer-name"><bdi>${view.displayName}</bdi></strong>
    ${view.message ? html`<blockquote part="customer-message" dir="auto">${view.message}</blockquote>` : nothing}
  </aside>`;
}

function customer(view: AgentConsoleView, c: QueuedCustomerView, s: Strings & QueueStrings): TemplateResult {
  // Row buttons say only "Take" and "Decline": the customer's name describes them (ids are scoped to the shadow root).
  const nameId = `customer-${c.customerId}`;
  return html`<li part="queue-entry" data-customer-id=${c.customerId}>
    <div class="row">
      <span class="grow" part="customer-name" id=${nameId}>${c.displayName}</span>
      <time part="waited" datetime=${`PT${Math.floor(c.waitedMs / 1000)}S`}>${s.waitedFor(duration(c.waitedMs))}</time>
    </div>
    ${c.message ? html`<blockquote part="customer-message">${c.message}</blockquote>` : nothing}
    <div class="row">
      <button type="button" part="take-button" class="primary" aria-describedby=${nameId} ?disabled=${view.busy} @click=${() => view.onTake(c.customerId)}>
        ${s.take}
      </button>
      <button type="button" part="decline-button" aria-describedby=${nameId} aria-expanded=${String(view.declining === c.customerId)}
        @click=${(e: Event) => toggleDecline(view, c.customerId, e)}>${s.decline}</button>
    </div>
    ${view.declining === c.customerId ? declineForm(view, s) : nothing}
  </li>`;
}

function declineForm(view: AgentConsoleView, s: Strings & QueueStrings): TemplateResult {
  // What the field holds, not the view-model's copy, which may lag behind the typing.
  const submit = (event: Event) => {
    event.preventDefault();
    const reason = (event.currentTarget as HTMLFormElement)
      .querySelector<HTMLInputElement>('[part="decline-reason"]')!
      .value.trim();
    if (reason) view.onDecline(reason);
  };
  return html`<form class="row" part="decline-form" @submit=${submit} @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && cancelDecline(view, e)}>
    <input
      part="decline-reason"
      aria-label=${s.declineReason}
      placeholder=${s.declineReason}
      required
      maxlength=${DECLINE_REASON_MAX_LENGTH}
      .value=${view.declineReason}
      @input=${(e: Event) => view.onDeclineReasonInput((e.target as HTMLInputElement).value)}
    />
    <button part="decline-send-button">${s.decline}</button>
    <button type="button" part="decline-cancel-button" @click=${(e: Event) => cancelDecline(view, e)}>${s.cancel}</button>
  </form>`;
}

/**
 * Opens a customer's decline form and puts focus in its reason field (it appears at the next render), or
 * closes it. Keyboard users type the reason at once, and Escape brings them back.
 */
function toggleDecline(view: AgentConsoleView, customerId: string, event: Event): void {
  if (view.declining === customerId) return cancelDecline(view, event);
  const row = (event.currentTarget as HTMLElement).closest('[part="queue-entry"]')!;
  view.onStartDecline(customerId);
  requestAnimationFrame(() => row.querySelector<HTMLElement>('[part="decline-reason"]')?.focus());
}

/** Closes the decline form (Escape anywhere in it, or Cancel) and gives focus back to its row's Decline button. */
function cancelDecline(view: AgentConsoleView, event: Event): void {
  const row = (event.currentTarget as HTMLElement).closest('[part="queue-entry"]');
  event.preventDefault();
  view.onCancelDecline();
  row?.querySelector<HTMLElement>('[part="decline-button"]')?.focus();
}

/** "m:ss", or "h:mm:ss" past an hour: the same in every language. */
export function duration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const [h, m, sec] = [Math.floor(total / 3600), Math.floor(total / 60) % 60, total % 60];
  const pad = (n: number) => String(n).padStart(2, '0');
  return h ? `${h}:${pad(m)}:${pad(sec)}` : `${m}:${pad(sec)}`;
}
