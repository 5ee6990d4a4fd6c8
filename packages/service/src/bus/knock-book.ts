/**
 * Who knocks at every room's door and whom the hosts admitted, shared by the nodes (Redis): put, withdrawn and
 * answered by one script each (`knock-scripts.ts`), which also read the room's hosts from its seats in the same
 * step, so a knock is told to every host seated when it is made, and shown to each one seated after.
 */
import { watchedBy } from './watched.js';

/** A knock as the nodes share it. */
export interface BookedKnock {
  peerId: string;
  socketId: string;
  displayName: string;
  /** The stored room knocked at. */
  roomId: string;
  /** The node holding the knocking connection. */
  node: string;
  /** Its place in the order of seats and knocks (the seats' epoch counter). */
  seq: number;
}

/** A knock taken off the door, and the hosts of its room, who are to be told. */
export interface KnockGone {
  knock: BookedKnock;
  hosts: string[];
}

export interface KnockBook {
  /** Puts the knock at the room's door (replacing one of the same peer): the peer ids of the hosts seated now. */
  knock(roomKey: string, knock: Omit<BookedKnock, 'node' | 'seq'>): Promise<string[]>;
  /**
   * Takes the peer's knock off the door if this socket made it (and, `final`, the admission it was given there):
   * the knock, or null when there was none.
   */
  withdraw(roomKey: string, peerId: string, socketId: string, final: boolean): Promise<KnockGone | null>;
  /** Answers the peer's knock once: the knock, or null when nobody by that id knocks there. */
  answer(roomKey: string, peerId: string, admitted: boolean): Promise<KnockGone | null>;
  /** Who knocks at the room's door now, oldest first. */
  list(roomKey: string): Promise<BookedKnock[]>;
  /** The admission a host gave the peer in the room, not read by its node yet; or null. */
  admission(roomKey: string, peerId: string): Promise<{ socketId: string; roomId: string } | null>;
  /** Withdraws the knocks of every other node silent for `deadMs`: each with its room key and hosts. */
  claimDead(deadMs: number): Promise<Array<KnockGone & { roomKey: string }>>;
}

/** The knock scripts, as `defineCommand` adds them to the seats' connection. */
export interface KnockCommands {
  vcwKnock(
    knocks: string,
    nodeKnocks: string,
    knockNodes: string,
    seats: string,
    epochs: string,
    beats: string,
    peerId: string,
    knock: string,
    roomKey: string,
    node: string,
    prefix: string,
  ): Promise<string[]>;
  vcwWithdrawKnock(
    knocks: string,
    seats: string,
    admission: string,
    peerId: string,
    socketId: string,
    prefix: string,
    roomKey: string,
    final: 0 | 1,
  ): Promise<string[]>;
  vcwAnswerKnock(
    knocks: string,
    seats: string,
    admission: string,
    peerId: string,
    admitted: 0 | 1,
    prefix: string,
    roomKey: string,
    keptMs: number,
  ): Promise<string[]>;
  vcwClaimDeadKnocks(
    knockNodes: string,
    beats: string,
    prefix: string,
    deadMs: number,
    node: string,
  ): Promise<string[]>;
  hvals(key: string): Promise<string[]>;
  get(key: string): Promise<string | null>;
}

/** How long an admission waits in Redis for the guest's node to read it (the widget joins at once). */
export const ADMISSION_KEPT_MS = 10 * 60_000;

const parsed = (json: string): BookedKnock => JSON.parse(json) as BookedKnock;

/** A script's `{knock, host…}` answer; null for `{}`. */
const gone = ([raw, ...hosts]: string[]): KnockGone | null => (raw ? { knock: parsed(raw), hosts } : null);

/**
 * The knock book on Redis, every key under `prefix`, for the node `node` (whose knocks it puts); `failed` hears of
 * each command that failed (then thrown).
 */
export function redisKnockBook(run: KnockCommands, prefix: string, node: string, failed: () => void): KnockBook {
  const knocks = (roomKey: string) => `${prefix}knocks:${roomKey}`;
  const seats = (roomKey: string) => `${prefix}seats:${roomKey}`;
  const admission = (roomKey: string, peerId: string) => `${prefix}admission:${roomKey}#${peerId}`;
  const knockNodes = `${prefix}knock-nodes`;
  const beats = `${prefix}node-beats`;
  const watched = watchedBy(failed);
  return {
    knock(roomKey, knock) {
      return watched(
        run.vcwKnock(
          knocks(roomKey),
          `${prefix}node-knocks:${node}`,
          knockNodes,
          seats(roomKey),
          `${prefix}seat-epochs`,
          beats,
          knock.peerId,
          JSON.stringify({ ...knock, node }),
          roomKey,
          node,
          prefix,
        ),
      );
    },
    async withdraw(roomKey, peerId, socketId, final) {
      return gone(
        await watched(
          run.vcwWithdrawKnock(
            knocks(roomKey),
            seats(roomKey),
            admission(roomKey, peerId),
            peerId,
            socketId,
            prefix,
            roomKey,
            final ? 1 : 0,
          ),
        ),
      );
    },
    async answer(roomKey, peerId, admitted) {
      return gone(
        await watched(
          run.vcwAnswerKnock(
            knocks(roomKey),
            seats(roomKey),
            admission(roomKey, peerId),
            peerId,
            admitted ? 1 : 0,
            prefix,
            roomKey,
            ADMISSION_KEPT_MS,
          ),
        ),
      );
    },
    async list(roomKey) {
      return (await watched(run.hvals(knocks(roomKey)))).map(parsed).sort((a, b) => a.seq - b.seq);
    },
    async admission(roomKey, peerId) {
      const raw = await watched(run.get(admission(roomKey, peerId)));
      return raw ? (JSON.parse(raw) as { socketId: string; roomId: string }) : null;
    },
    async claimDead(deadMs) {
      const withdrawn = await watched(run.vcwClaimDeadKnocks(knockNodes, beats, prefix, deadMs, node));
      const out: Array<KnockGone & { roomKey: string }> = [];
      for (let i = 0; i + 2 < withdrawn.length; i += 3)
        out.push({
          roomKey: withdrawn[i]!,
          knock: parsed(withdrawn[i + 1]!),
          hosts: withdrawn[i + 2]!.split(' ').filter(Boolean),
        });
      return out;
    },
  };
}
