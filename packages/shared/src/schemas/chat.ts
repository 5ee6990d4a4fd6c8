import { Type, type Static } from '@sinclair/typebox';
import { CHAT_TEXT_MAX_LENGTH } from '../protocol.js';
import type { PeerId } from './common.js';

/**
 * A chat text: 1–2000 characters once surrounding whitespace is trimmed (the service relays it trimmed).
 * The pattern says "first and last non-blank characters at most 2000 apart"; `\s` is exactly the set
 * `String.prototype.trim` removes. The raw length bound only keeps the pattern's work small.
 */
export const ChatText = Type.String({
  minLength: 1,
  maxLength: 2 * CHAT_TEXT_MAX_LENGTH,
  pattern: `^\\s*\\S(?:[\\s\\S]{0,${CHAT_TEXT_MAX_LENGTH - 2}}\\S)?\\s*$`,
});

/** `chat:send` — a message to everyone else in the sender's room. */
export const ChatSendRequest = Type.Object({ text: ChatText }, { additionalProperties: false });
export type ChatSendRequest = Static<typeof ChatSendRequest>;

/** What a successful `chat:send` returns: the message's id and time as the others receive them. */
export interface ChatSent {
  id: string;
  /** Milliseconds since the epoch, stamped by the service. */
  ts: number;
}

/** `chat:message`, delivered to everyone in the room but its sender. */
export interface ChatMessage extends ChatSent {
  from: PeerId;
  displayName: string;
  /** Plain text, trimmed; never HTML. */
  text: string;
}
