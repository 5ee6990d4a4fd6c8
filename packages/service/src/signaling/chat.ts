/**
 * `chat:send`: text chat through the service, so it works whatever happens to the media. The service stamps
 * each message with an id and its time; the sender learns both from the ack, the others get `chat:message`.
 */
import { randomBytes } from 'node:crypto';
import { ChatSendRequest, messageText, type ChatMessage, type ChatSent } from '@vcw/shared';
import { ServiceError } from '../errors.js';
import { broadcastRoom } from './context.js';
import { command } from './guards.js';

export const chatCommands = [
  command('chat:send', ChatSendRequest, ({ text }, socket, ctx): ChatSent => {
    const { roomKey, peerId, displayName } = socket.data;
    if (!roomKey) throw new ServiceError('not_in_room');
    const shown = messageText(text);
    if (!shown)
      throw new ServiceError('invalid_payload', 'The message is empty once invisible characters are removed.');
    const message: ChatMessage = {
      id: `msg_${randomBytes(9).toString('base64url')}`,
      ts: Date.now(),
      from: peerId,
      displayName: displayName ?? '',
      text: shown,
    };
    // The text is never logged: it is the participants' conversation.
    socket.to(broadcastRoom(roomKey)).emit('chat:message', message);
    ctx.log.debug({ peer: peerId, id: message.id, length: message.text.length }, 'chat message relayed');
    return { id: message.id, ts: message.ts };
  }),
];
