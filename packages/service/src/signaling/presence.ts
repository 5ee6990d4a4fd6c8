/**
 * `media:state`: each participant says when their microphone, camera or screen share goes on or off, and the
 * others hear it as `peer:media`. The state is kept on the seat (on every node), so a newcomer gets it with `peers[]`.
 */
import { MediaStateRequest } from '@vcw/shared';
import { ServiceError } from '../errors.js';
import { broadcastRoom } from './context.js';
import { command } from './guards.js';

export const presenceCommands = [
  command('media:state', MediaStateRequest, async ({ microphone, camera, screen }, socket, ctx) => {
    const { roomKey, peerId } = socket.data;
    if (!roomKey || !(await ctx.seats.setMedia(socket, { microphone, camera, screen })))
      throw new ServiceError('not_in_room');
    socket.to(broadcastRoom(roomKey)).emit('peer:media', { peerId, microphone, camera, screen });
    ctx.log.debug({ peer: peerId, microphone, camera, screen }, 'media state');
    return {};
  }),
];
