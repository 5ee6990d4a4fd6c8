import type { ChatEntry } from '../engine/chat-log.js';

/** `{id, from, displayName, text, ts, self}`: the message as the call's chat log holds it. */
export type VcChatMessageDetail = ChatEntry;

/**
 * `vc-chat-message`: a chat message of the call, received from another participant, or this widget's own
 * once the service accepted it (`self: true`). `text` is plain text: show it as text, never as HTML.
 */
export class VcChatMessageEvent extends CustomEvent<VcChatMessageDetail> {
  static readonly eventName = 'vc-chat-message';
  constructor(detail: VcChatMessageDetail) {
    super(VcChatMessageEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'vc-chat-message': VcChatMessageEvent;
  }
}
