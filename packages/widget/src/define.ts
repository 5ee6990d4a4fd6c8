import { VideoChatWidget } from './element/video-chat-widget.js';

if (!customElements.get('video-chat-widget')) customElements.define('video-chat-widget', VideoChatWidget);

declare global {
  interface HTMLElementTagNameMap {
    'video-chat-widget': VideoChatWidget;
  }
}
