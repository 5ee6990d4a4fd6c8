/**
 * `vc-chat-message`: a chat message of the call, received from another participant, or this widget's own
 * once the service accepted it (`self: true`). `text` is plain text: show it as text, never as HTML.
 */
export interface VcChatMessageDetail {
  /** The message id the service gave it. */
  id: string;
  /** The sender's peer id. */
  from: string;
  displayName: string;
  text: string;
  /** Milliseconds since the epoch, stamped by the service. */
  ts: number;
  /** Sent by this widget. */
  self: boolean;
}

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
