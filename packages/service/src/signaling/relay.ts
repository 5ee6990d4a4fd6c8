/**
 * `signal`: offers, answers and ICE candidates, relayed only between two peers of the same room. Sent without an
 * acknowledgement, a relayed signal costs one frame in and one out, and a refused one is told as `signal:failed`.
 */
import { SignalRequest, type RelayedSignal } from '@vcw/shared';
import { ServiceError } from '../errors.js';
import { command } from './guards.js';
import { RecoveryBuffer } from './recovery-buffer.js';

export const relayCommands = [
  command(
    'signal',
    SignalRequest,
    (request, socket, ctx) => {
      // What the sender received needs no keeping for its resume, relayed or not (on Redis, the bus's stream keeps
      // it regardless).
      if (request.seen !== undefined) {
        const adapter = ctx.io.of('/').adapter;
        if (adapter instanceof RecoveryBuffer) adapter.seen(socket.id, request.seen);
      }
      const { roomKey, peerId } = socket.data;
      if (!roomKey) throw new ServiceError('not_in_room');
      // With several nodes: the target's seat room, on whichever node it is (a target gone meanwhile hears nothing).
      const target = request.to === peerId ? undefined : ctx.seats.signalTo(roomKey, request.to);
      if (!target) throw new ServiceError('peer_not_found');
      const relayed: RelayedSignal =
        'description' in request
          ? { from: peerId, description: request.description }
          : { from: peerId, candidate: request.candidate };
      ctx.io.to(target).emit('signal', relayed);
      ctx.log.debug(
        { from: peerId, to: request.to, kind: 'description' in request ? request.description.type : 'candidate' },
        'signal relayed',
      );
      return {};
    },
    (error, payload, socket) => {
      // Sent without an ack (the widget's way): only a refusal is answered, as an event of its own.
      const to = (payload as { to?: unknown } | null)?.to;
      socket.emit('signal:failed', { to: typeof to === 'string' && to.length <= 64 ? to : null, error });
    },
  ),
];
