/**
 * Doors shared by the nodes (`REDIS_URL`): who knocks where, and whom a host admitted, are the knock book's
 * (Redis). A knock reaches the hosts on every node, each in its seat's Socket.io room; an answer reaches the guest
 * in its socket's own room, on whichever node it is (and is replayed to it if its connection is recovered). The
 * guest's node reads the admission from Redis when the guest joins; from then on the connection keeps it, as on
 * one node. The knocks of a node that stops beating are withdrawn by the others.
 */
import type { KnockAnswer } from '@vcw/shared';
import type { FastifyBaseLogger } from 'fastify';
import type { KnockBook } from '../bus/knock-book.js';
import { Retries } from '../bus/retries.js';
import { ServiceError } from '../errors.js';
import { RoomRegistry } from '../rooms/room-registry.js';
import type { StoredRoom } from '../store/room-store.js';
import type { Doors } from './doors.js';
import { DEAD_AFTER_MS } from './redis-seats.js';
import { seatRoom, type SignalingServer, type SignalingSocket } from './sockets.js';

/** How often this node looks for the knocks of nodes that stopped. */
const CLAIM_EVERY_MS = 1_000;

/** A knock to take off its door. */
interface Withdrawal {
  roomKey: string;
  peerId: string;
  socketId: string;
  final: boolean;
}

export class RedisDoors implements Doors {
  private readonly claiming: ReturnType<typeof setInterval>;
  /** Withdrawals Redis did not take, tried again until it does; stopped when the node closes. */
  private readonly retries = new Retries();
  /** A claiming pass is under way (one at a time, however slow Redis is). */
  private claimingNow = false;

  constructor(
    private readonly io: SignalingServer,
    private readonly book: KnockBook,
    private readonly log: FastifyBaseLogger,
  ) {
    this.claiming = setInterval(() => void this.claimDead(), CLAIM_EVERY_MS);
    this.claiming.unref();
  }

  async admitted(socket: SignalingSocket, room: StoredRoom): Promise<boolean> {
    if (socket.data.admittedTo === room.id) return true;
    const roomKey = RoomRegistry.keyOf(room.projectId, room.name);
    const admission = await this.book.admission(roomKey, socket.data.peerId);
    if (admission?.socketId !== socket.id || admission.roomId !== room.id) return false;
    socket.data.admittedTo = room.id; // the connection keeps it from now on, through a recovery too
    return true;
  }

  async knock(socket: SignalingSocket, roomKey: string, roomId: string, displayName: string): Promise<number> {
    const { peerId } = socket.data;
    const hosts = await this.book.knock(roomKey, { peerId, socketId: socket.id, displayName, roomId });
    if (!socket.connected) {
      // It went while Redis wrote the knock, and its withdrawal may have been taken first: withdraw it again.
      await this.book.withdraw(roomKey, peerId, socket.id, true);
      throw new ServiceError('not_in_room', 'The connection closed while knocking.');
    }
    this.toHosts(roomKey, hosts)?.emit('knock:request', { peerId, displayName });
    return hosts.length;
  }

  async withdraw(socket: SignalingSocket, final: boolean): Promise<void> {
    const { knockingAt: roomKey, peerId } = socket.data;
    socket.data.knockingAt = undefined;
    if (!roomKey) return;
    const withdrawal = { roomKey, peerId, socketId: socket.id, final };
    try {
      await this.take(withdrawal);
    } catch (err) {
      // The guest is no longer at the door here; Redis hears of it on a later try, and the hosts then.
      this.retries
        .again(() => this.take(withdrawal))
        .catch((last: unknown) =>
          // About ten minutes on: the knock stays until the room ends.
          this.log.error({ err: last, roomKey, peer: peerId }, 'gave up withdrawing a knock'),
        );
      throw err;
    }
  }

  async answer(roomKey: string, peerId: string, reply: KnockAnswer): Promise<boolean> {
    const answered = await this.book.answer(roomKey, peerId, reply.admitted);
    if (!answered) return false;
    this.toHosts(roomKey, answered.hosts)?.emit('knock:withdrawn', { peerId });
    this.io.to(answered.knock.socketId).emit('knock:answer', reply);
    return true;
  }

  async showTo(socket: SignalingSocket, roomKey: string): Promise<void> {
    // Knocks made after this seat was taken were told to it when made.
    const seatedAt = socket.data.seatEpoch ?? Number.POSITIVE_INFINITY;
    // Sent from this node, not through Redis: the host hears them before its join's answer, as on one node.
    const here = this.io.local.to(socket.id);
    for (const knock of await this.book.list(roomKey))
      if (knock.seq < seatedAt) here.emit('knock:request', { peerId: knock.peerId, displayName: knock.displayName });
  }

  close(): void {
    clearInterval(this.claiming);
    this.retries.stop();
  }

  /** Takes the knock off the door in Redis and tells the hosts, if it was still there. */
  private async take({ roomKey, peerId, socketId, final }: Withdrawal): Promise<void> {
    const gone = await this.book.withdraw(roomKey, peerId, socketId, final);
    if (gone) this.toHosts(roomKey, gone.hosts)?.emit('knock:withdrawn', { peerId });
  }

  /** The hosts of the room, each in its seat's room (on whichever node); undefined for none. */
  private toHosts(roomKey: string, hosts: string[]): ReturnType<SignalingServer['to']> | undefined {
    // Sent to an empty list of rooms, an event would reach everyone.
    return hosts.length > 0 ? this.io.to(hosts.map((host) => seatRoom(roomKey, host))) : undefined;
  }

  /** Withdraws the knocks of nodes that stopped beating: their hosts hear `knock:withdrawn`. */
  private async claimDead(): Promise<void> {
    if (this.claimingNow) return;
    this.claimingNow = true;
    try {
      for (const { roomKey, knock, hosts } of await this.book.claimDead(DEAD_AFTER_MS)) {
        this.toHosts(roomKey, hosts)?.emit('knock:withdrawn', { peerId: knock.peerId });
        this.log.info({ roomKey, peer: knock.peerId, node: knock.node }, 'knock of a node that stopped withdrawn');
      }
    } catch (err) {
      this.log.debug({ err }, 'could not withdraw the knocks of stopped nodes this time');
    } finally {
      this.claimingNow = false;
    }
  }
}
