/**
 * Support mode: the pre-join screen's message field. What the customer needs help with travels with the
 * request to wait, so the agents see it in their queue (the protocol takes it only then, so it is asked here).
 */
import { html, type TemplateResult } from 'lit';
import type { SupportPrejoinView } from './view-model.js';
import { QUEUE_MESSAGE_MAX_LENGTH } from './waiting-view.js';

export function renderSupportPrejoin(view: SupportPrejoinView): TemplateResult {
  return html`<label class="field">${view.strings.helpMessage}<textarea
      part="support-message"
      rows="2"
      maxlength=${QUEUE_MESSAGE_MAX_LENGTH}
      .value=${view.message}
      @input=${(e: Event) => view.onMessageInput((e.target as HTMLTextAreaElement).value)}
    ></textarea></label>`;
}
