/**
 * Support mode: the pre-join screen's availability line and message field. Whether an agent is online is
 * said before any camera prompt; what the customer needs help with travels with the request to wait, so the
 * agents see it in their queue (the protocol takes it only then, so it is asked here).
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { SupportPrejoinView } from './view-model.js';
import { QUEUE_MESSAGE_MAX_LENGTH } from './waiting-view.js';

export function renderSupportPrejoin(view: SupportPrejoinView): TemplateResult {
  const s = view.strings;
  return html`${
    view.agentsOnline === null
      ? nothing
      : html`<p part="support-availability" role="status" data-agents-online=${view.agentsOnline}>${view.agentsOnline > 0 ? s.agentAvailable : s.noAgentLeaveMessage}</p>`
  }
    <label class="field">${s.helpMessage}<textarea
      part="support-message"
      rows="2"
      maxlength=${QUEUE_MESSAGE_MAX_LENGTH}
      .value=${view.message}
      @input=${(e: Event) => view.onMessageInput((e.target as HTMLTextAreaElement).value)}
    ></textarea></label>`;
}
