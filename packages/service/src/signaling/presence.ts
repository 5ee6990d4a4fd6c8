/**
 * `media:state`: each participant says when their microphone, camera or screen share goes on or off, and the
 * others hear it as `peer:media`. The state is kept on the seat, so a newcomer gets it with `peers[]`.
 */
import { MediaStateRequest } from '@vcw/shared';
import { ServiceError } from '../errors.js';
import { broadcastRoom, type SignalingContext, type SignalingSocket } from './context.js';
import { command } from './guards.js';

export function registerPresence(socket: SignalingSocket, ctx: SignalingContext): void {
  command(socket, ctx, 'media:state', MediaStateRequest, ({ microphone, camera, screen }) => {
    const { roomKey, peerId } = socket.data;
    if (!roomKey || !ctx.rooms.setMedia(roomKey, peerId, { microphone, camera, screen }))
      throw new ServiceError('not_in_room');
    socket.to(broadcastRoom(roomKey)).emit('peer:media', { peerId, microphone, camera, screen });
    ctx.log.debug({ peer: peerId, microphone, camera, screen }, 'media state');
    return {};
  });
}
