/** `@vcw/widget`: importing this module defines `<video-chat-widget>`. */
import './define.js';

export { VideoChatWidget } from './element/video-chat-widget.js';
export type { CallState, Participant } from './engine/call-engine.js';
export * from './events/index.js';
