/**
 * The call's text chat as this participant saw it: messages received, and its own once the service
 * acknowledged them (with the id and time the others got). It goes through the service, so it works
 * whatever happens to the media.
 */
import type { ChatMessage } from '@vcw/shared';
import { CHAT_TEXT_MAX_LENGTH } from '@vcw/shared/protocol';
import { CallError } from './call-error.js';
import type { SignalingClient } from './signaling-client.js';
import { TypedEmitter } from './typed-emitter.js';

export interface ChatEntry {
  id: string;
  /** The sender's peer id. */
  from: string;
  displayName: string;
  /** Plain text: show it as text, never as HTML. */
  text: string;
  /** Milliseconds since the epoch, stamped by the service. */
  ts: number;
  /** Sent by this participant. */
  self: boolean;
}

type ChatLogEvents = { message: [ChatEntry] };

/** The oldest messages are dropped past this many, so a long call does not grow without bound. */
const KEPT = 500;

export class ChatLog extends TypedEmitter<ChatLogEvents> {
  entries: ChatEntry[] = [];
  /** Where our messages go, and who we are there; null outside a room. */
  private room: { signaling: SignalingClient; peerId: string; displayName: string } | null = null;

  /** The text as it will be sent (trimmed); rejects an empty or too long one as the service would. */
  static validText(text: unknown): string {
    const trimmed = typeof text === 'string' ? text.trim() : '';
    if (!trimmed || trimmed.length > CHAT_TEXT_MAX_LENGTH) {
      throw new CallError('invalid_payload', `A chat message is text of 1 to ${CHAT_TEXT_MAX_LENGTH} characters.`);
    }
    return trimmed;
  }

  /** We took a seat: messages can be sent. */
  open(signaling: SignalingClient, self: { peerId: string; displayName: string }): void {
    this.room = { signaling, ...self };
  }

  /** We left: nothing more is sent, and the log is emptied. */
  close(): void {
    this.room = null;
    this.entries = [];
  }

  /** Sends a message to the others; resolves with it once the service acknowledged it. */
  async send(text: unknown): Promise<ChatEntry> {
    const valid = ChatLog.validText(text);
    const room = this.room;
    if (!room) throw new CallError('not_in_room', 'Join the call before sending a message.');
    const { id, ts } = await room.signaling.sendChat(valid);
    const entry: ChatEntry = { id, ts, from: room.peerId, displayName: room.displayName, text: valid, self: true };
    if (this.room === room) this.add(entry);
    return entry;
  }

  receive(message: ChatMessage): void {
    this.add({ ...message, self: false });
  }

  private add(entry: ChatEntry): void {
    if (this.entries.some((e) => e.id === entry.id)) return;
    this.entries = [...this.entries.slice(-(KEPT - 1)), entry];
    this.emit('message', entry);
  }
}
