/**
 * How the matchmaking core reaches connections: notifications go to the socket's own Socket.io room, so one
 * that dropped and resumes gets what was sent meanwhile (connection state recovery), and a seat is freed
 * through the same `Seats.vacate` as a hang-up. Sockets are remembered from connection until they are gone for
 * good, so a dropped one can still be unseated during its grace period.
 */
import type { LeaveReason, MatchEnded, MatchFound, QueueChanges, QueueStatus } from '@vcw/shared';
import type { MatchDelivery } from '../matching/coordinator.js';
import type { FastifyBaseLogger } from 'fastify';
import { failedToFree, type Seats } from './seats.js';
import type { SignalingServer, SignalingSocket } from './sockets.js';

export class SocketDelivery implements MatchDelivery {
  private readonly sockets = new Map<string, SignalingSocket>();

  constructor(
    private readonly io: SignalingServer,
    private readonly seats: Seats,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** Remembers the socket (again, for one that resumed: same id, same data). */
  track(socket: SignalingSocket): void {
    this.sockets.set(socket.id, socket);
  }

  untrack(socketId: string): void {
    this.sockets.delete(socketId);
  }

  status(socketId: string, status: QueueStatus): void {
    this.io.to(socketId).emit('queue:update', status);
  }

  changes(socketIds: string[], changes: QueueChanges): void {
    if (socketIds.length > 0) this.io.to(socketIds).emit('queue:changes', changes);
  }

  found(socketId: string, match: MatchFound): void {
    this.io.to(socketId).emit('match:found', match);
  }

  ended(socketId: string, ended: MatchEnded): void {
    this.io.to(socketId).emit('match:ended', ended);
  }

  async unseat(socketId: string, reason: LeaveReason): Promise<void> {
    const socket = this.sockets.get(socketId);
    if (socket) await Promise.resolve(this.seats.vacate(socket, reason)).catch(failedToFree(this.log, socket));
  }
}
