/**
 * Support mode, after the visit ended: the message was left (a ticket), an agent declined the call and said
 * why, or the call with the agent is over. Whichever it was, the customer may call again.
 */
import { html, type TemplateResult } from 'lit';
import type { QueueOutcomeView } from './view-model.js';

export function renderQueueOutcome(view: QueueOutcomeView): TemplateResult {
  const { strings: s, outcome } = view;
  return html`<div class="panel waiting" part="left" data-outcome=${outcome.kind}>
    ${
      outcome.kind === 'ticket-sent'
        ? html`<p role="status" part="ticket-sent">${s.ticketSent}</p>`
        : outcome.kind === 'declined'
          ? html`<p role="status" part="declined"><strong>${s.declined}</strong></p>
            <blockquote part="decline-reason">${outcome.reason}</blockquote>`
          : html`<p role="status">${s.callEnded}</p>`
    }
    <button type="button" part="join-button" class="primary" @click=${view.onCallAgain}>${s.callSupport}</button>
  </div>`;
}
