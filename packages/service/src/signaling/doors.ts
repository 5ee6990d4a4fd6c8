/**
 * The doors of rooms that make guests knock: who waits at each, telling the room's hosts, and carrying a host's
 * answer to the guest. `Doors` is the contract; `LocalDoors` keeps them on this node, and `RedisDoors`
 * (`redis-doors.ts`) on every node of the Redis bus, which is why its methods may answer with a promise.
 */
import type { KnockAnswer } from '@vcw/shared';
import type { Awaitable } from '../awaitable.js';
import type { RoomRegistry } from '../rooms/room-registry.js';
import type { StoredRoom } from '../store/room-store.js';
import type { SignalingServer, SignalingSocket } from './sockets.js';

export interface Doors {
  /** Whether a host admitted this connection to the room (for as long as the connection lasts). */
  admitted(socket: SignalingSocket, room: StoredRoom): Awaitable<boolean>;
  /**
   * Puts the connection's knock at the room's door (`socket.data.knockingAt` names it already) and tells the
   * room's hosts `knock:request`: how many hosts are in the call.
   */
  knock(socket: SignalingSocket, roomKey: string, roomId: string, displayName: string): Awaitable<number>;
  /**
   * The connection no longer waits at the door it knocked at (it knocks elsewhere, or it went; `final`: for good,
   * so an admission it was given goes too): the hosts hear `knock:withdrawn`.
   */
  withdraw(socket: SignalingSocket, final: boolean): Awaitable<void>;
  /**
   * A host's answer to the knock of `peerId`: the knock goes (the hosts hear `knock:withdrawn`), the guest is
   * told `knock:answer`, and admitted if so. False when nobody by that id knocks at the room.
   */
  answer(roomKey: string, peerId: string, reply: KnockAnswer): Awaitable<boolean>;
  /** A host just took its seat: it hears `knock:request` of everyone already waiting, oldest first. */
  showTo(socket: SignalingSocket, roomKey: string): Awaitable<void>;
  /** Stops what runs in the background (the service is closing). */
  close(): void;
}

interface Knock {
  socketId: string;
  displayName: string;
  roomId: string;
}

/** Doors on this node: the knocks at a room's door reach the hosts seated on this node. */
export class LocalDoors implements Doors {
  /** Who waits at each room's door: room key → peer id → knock. */
  private readonly doors = new Map<string, Map<string, Knock>>();

  constructor(
    private readonly io: SignalingServer,
    private readonly rooms: RoomRegistry,
  ) {}

  admitted(socket: SignalingSocket, room: StoredRoom): boolean {
    return socket.data.admittedTo === room.id;
  }

  knock(socket: SignalingSocket, roomKey: string, roomId: string, displayName: string): number {
    const { peerId } = socket.data;
    const hosts = this.hostSockets(roomKey);
    let door = this.doors.get(roomKey);
    if (!door) this.doors.set(roomKey, (door = new Map<string, Knock>()));
    door.set(peerId, { socketId: socket.id, displayName, roomId });
    for (const id of hosts) this.io.to(id).emit('knock:request', { peerId, displayName });
    return hosts.length;
  }

  withdraw(socket: SignalingSocket): void {
    const waitingAt = socket.data.knockingAt;
    if (waitingAt && this.doors.get(waitingAt)?.get(socket.data.peerId)?.socketId === socket.id)
      this.leaveDoor(waitingAt, socket.data.peerId);
    socket.data.knockingAt = undefined;
  }

  answer(roomKey: string, peerId: string, reply: KnockAnswer): boolean {
    const knock = this.doors.get(roomKey)?.get(peerId);
    const guest = knock && this.io.sockets.sockets.get(knock.socketId);
    if (!knock || !guest) return false;
    this.leaveDoor(roomKey, peerId);
    guest.data.admittedTo = reply.admitted ? knock.roomId : undefined;
    guest.emit('knock:answer', reply);
    return true;
  }

  showTo(socket: SignalingSocket, roomKey: string): void {
    for (const [peerId, knock] of this.doors.get(roomKey) ?? [])
      socket.emit('knock:request', { peerId, displayName: knock.displayName });
  }

  close(): void {}

  /** The sockets of the hosts seated in the room. */
  private hostSockets(roomKey: string): string[] {
    return this.rooms
      .seats(roomKey)
      .filter((seat) => seat.role === 'host')
      .map((seat) => seat.socketId);
  }

  /** Takes a knock off the room's door and tells its hosts. */
  private leaveDoor(roomKey: string, peerId: string): void {
    const door = this.doors.get(roomKey);
    if (!door?.delete(peerId)) return;
    if (door.size === 0) this.doors.delete(roomKey);
    for (const id of this.hostSockets(roomKey)) this.io.to(id).emit('knock:withdrawn', { peerId });
  }
}
