/** The chat panel: the conversation (text only, never HTML) and a field to write in; Enter sends. */
import { html, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { CHAT_TEXT_MAX_LENGTH } from '@vcw/shared/protocol';
import type { Strings } from './strings.js';
import type { ChatMessageView } from './view-model.js';

export function chatPanel(
  messages: ChatMessageView[],
  strings: Strings,
  onSend: (text: string) => void,
): TemplateResult {
  // The log scrolls in reverse (styles.ts), so the browser keeps the newest message in view without script.
  return html`<div class="chat" part="chat-panel">
    <div class="log" role="log" aria-label=${strings.chat}>
      <ol>
        ${repeat(
          messages,
          (m) => m.id,
          (m) => message(m, strings),
        )}
      </ol>
      ${messages.length ? '' : html`<p class="muted">${strings.noMessages}</p>`}
    </div>
    <form class="compose" @submit=${(e: SubmitEvent) => send(e, onSend)}>
      <input name="text" part="chat-input" aria-label=${strings.message} placeholder=${strings.message} maxlength=${CHAT_TEXT_MAX_LENGTH} autocomplete="off" />
      <button part="send-button" class="primary">${strings.send}</button>
    </form>
  </div>`;
}

function message(m: ChatMessageView, strings: Strings): TemplateResult {
  return html`<li class=${m.fromSelf ? 'self' : ''} part="chat-message">
    <bdi class="from">${m.fromSelf ? strings.you(m.displayName) : m.displayName}</bdi>
    <time datetime=${new Date(m.ts).toISOString()}>${clock(m.ts, strings.lang)}</time>
    <p dir="auto">${m.text}</p>
  </li>`;
}

/** Hours and minutes in the table's language; formatters are slow to build, so one is kept per language. */
const clocks = new Map<string, Intl.DateTimeFormat>();
function clock(ts: number, lang: string): string {
  let format = clocks.get(lang);
  if (!format) clocks.set(lang, (format = new Intl.DateTimeFormat(lang, { hour: 'numeric', minute: '2-digit' })));
  return format.format(ts);
}

/** Sends the trimmed text; a blank one is not a message. The field empties only once the text is handed over. */
function send(event: SubmitEvent, onSend: (text: string) => void): void {
  event.preventDefault();
  const input = (event.currentTarget as HTMLFormElement).elements.namedItem('text') as HTMLInputElement;
  const text = input.value.trim();
  if (!text) return;
  onSend(text);
  input.value = '';
}
