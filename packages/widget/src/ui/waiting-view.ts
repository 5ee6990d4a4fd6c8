/**
 * The waiting screen of random mode ("Looking for someone…") and of a support customer (place in line,
 * estimated wait, the message sent, or, with no agent online, a form to leave a message instead). A lazy
 * chunk: the element loads it with the mode.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { QueueStrings, Strings } from './strings.js';
import type { QueueStatusView, TicketFormView, WaitingView } from './view-model.js';

/** Longest message, as the service takes it (`QUEUE_MESSAGE_MAX_LENGTH`; its module carries the validator). */
export const QUEUE_MESSAGE_MAX_LENGTH = 1000;
/** Longest contact (an e-mail address or a phone number). */
export const CONTACT_MAX_LENGTH = 200;

export function renderWaiting(view: WaitingView): TemplateResult {
  const s = view.strings;
  return html`<div class="panel waiting" part="waiting" data-mode=${view.mode}>
    ${view.mode === 'random' ? randomWaiting(view) : supportWaiting(view, view.status)}
    ${view.status?.status === 'matched' ? nothing : html`<button type="button" part="cancel-button" @click=${view.onCancel}>${s.cancel}</button>`}
  </div>`;
}

function randomWaiting(view: WaitingView): TemplateResult {
  const s = view.strings;
  return html`<div class="spinner" aria-hidden="true"></div>
    ${view.chatEnded ? html`<p class="muted">${s.chatEnded}</p>` : nothing}
    <p role="status" part="queue-status">${view.status?.status === 'matched' ? s.connecting : s.lookingForSomeone}</p>`;
}

function supportWaiting(view: WaitingView, status: QueueStatusView | null): TemplateResult {
  const s = view.strings;
  if (!status || status.status !== 'waiting') {
    const said = status?.status === 'matched' ? s.agentJoining : s.joiningQueue;
    return html`<div class="spinner" aria-hidden="true"></div><p role="status" part="queue-status">${said}</p>`;
  }
  if (status.agentsOnline === 0) {
    return html`<p role="status" part="no-agent"><strong>${s.noAgentOnline}</strong></p>
      <p class="muted">${s.leaveMessage}</p>
      ${ticketForm(view.ticket, s)}`;
  }
  return html`<div class="spinner" aria-hidden="true"></div>
    <p role="status" part="queue-position" data-position=${status.position}><strong>${s.queuePosition(status.position)}</strong></p>
    <p class="muted" part="estimated-wait">${status.estimatedWaitMs === null ? s.waitUnknown : s.estimatedWait(minutes(status.estimatedWaitMs))}</p>
    ${view.message ? html`<blockquote part="waiting-message" aria-label=${s.yourMessage}>${view.message}</blockquote>` : nothing}`;
}

/** "About N minutes", rounded; 0 for under a minute. */
const minutes = (ms: number) => (ms < 60_000 ? 0 : Math.round(ms / 60_000));

function ticketForm(ticket: TicketFormView, s: Strings & QueueStrings): TemplateResult {
  return html`<form class="ticket" part="ticket-form" @submit=${(e: Event) => sendTicket(ticket, e)}>
    <label class="field">${s.yourMessage}<textarea
        part="ticket-message"
        rows="3"
        required
        maxlength=${QUEUE_MESSAGE_MAX_LENGTH}
        .value=${ticket.message}
        @input=${(e: Event) => ticket.onMessageInput((e.target as HTMLTextAreaElement).value)}
      ></textarea></label>
    <label class="field">${s.contact}<input
        part="ticket-contact"
        autocomplete="email"
        maxlength=${CONTACT_MAX_LENGTH}
        .value=${ticket.contact}
        @input=${(e: Event) => ticket.onContactInput((e.target as HTMLInputElement).value)}
      /></label>
    <button part="ticket-send-button" class="primary" ?disabled=${ticket.sending}>${s.sendMessage}</button>
  </form>`;
}

/**
 * Sends what the form holds (the view-model may lag behind the typing). A blank message is no message: the
 * field's `required` stops the form, and so does this for spaces only.
 */
function sendTicket(ticket: TicketFormView, event: Event): void {
  event.preventDefault();
  const form = event.currentTarget as HTMLFormElement;
  const field = (part: string) =>
    form.querySelector<HTMLInputElement | HTMLTextAreaElement>(`[part="${part}"]`)!.value.trim();
  const message = field('ticket-message');
  if (!ticket.sending && message) ticket.onSend(message, field('ticket-contact'));
}
