/**
 * `call:quality`: a participant's widget reports, on change, its worst link's network quality and whether a
 * link goes through a TURN relay. The call history keeps the worst and whether any relay was used, for the
 * `room.session.ended` summary. Counted against the connection's message budget like every command.
 */
import { CallQualityRequest } from '@vcw/shared';
import { ServiceError } from '../errors.js';
import { command } from './guards.js';

export const callQualityCommands = [
  command('call:quality', CallQualityRequest, ({ quality, relay }, socket, ctx) => {
    const { roomKey, peerId } = socket.data;
    const seat = roomKey ? ctx.rooms.seat(roomKey, peerId) : undefined;
    if (!seat) throw new ServiceError('not_in_room');
    const call = seat.callId === undefined ? {} : { sessionId: seat.callId };
    ctx.history.networkReported({ roomId: seat.roomId, ...call, quality, relay });
    ctx.log.debug({ peer: peerId, quality, relay }, 'network quality reported');
    return {};
  }),
];
