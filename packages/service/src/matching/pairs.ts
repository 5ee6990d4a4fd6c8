/**
 * The pairs of one node, from the moment two parties are matched until the pair is over: opening their room,
 * telling both, the deadline for taking their seats, and what becomes of each side when the pair ends (next,
 * a report, one side leaving, a no-show). The coordinator that owns it decides when; this decides how.
 */
import type { FastifyBaseLogger } from 'fastify';
import { LeaveReason, type MatchEnded, type QueueStatus } from '@vcw/shared';
import type { Clock } from '../clock.js';
import type { MatchDelivery, MatchRooms } from './coordinator.js';
import {
  agentsOnline,
  idsOf,
  partnerOf,
  statusOf,
  type Line,
  type LineNotices,
  type Match,
  type Member,
  type Party,
} from './lines.js';

const NO_SHOW = 'You did not join the matched room in time.';
const ROOM_FAILED = 'The service could not open a room for this match; try again.';

/** What pairs need from the coordinator that owns them. */
export interface PairsHost {
  /** Runs one change of matching state; notices go out once the outermost change is complete. */
  change<T>(apply: () => T): T;
  /** Takes a member out of matching altogether. */
  forget(member: Member): void;
  /** Random: forms every pair the line allows now. */
  pair(line: Line): void;
  isClosed(): boolean;
}

export interface PairsOptions {
  host: PairsHost;
  delivery: MatchDelivery;
  rooms: MatchRooms;
  notices: LineNotices;
  log: FastifyBaseLogger;
  joinDeadlineMs: number;
  clock: Clock;
}

export class Pairs {
  /** Pairs with an open room, by `projectId/roomName`. */
  private readonly byRoom = new Map<string, Match>();
  private readonly opening = new Set<Promise<void>>();

  constructor(private readonly options: PairsOptions) {}

  /** Matches `a` with `b`: both leave the line at once, and their room is opened. */
  start(line: Line, a: Party, b: Party): void {
    const match: Match = { line, parties: [a, b], phase: 'opening', seated: new Set(), over: false };
    const now = this.options.clock.now();
    for (const party of match.parties) {
      party.match = match;
      if (party.kind !== 'member') continue;
      line.waiting.remove(party.peerId);
      party.state = 'matched';
      line.waits.record(now - party.since);
      this.options.notices.member(party);
    }
    line.pairs.add(match);
    this.options.notices.line(line);
    const customer = line.ref.mode === 'support' ? match.parties.find((party) => party.kind === 'member') : undefined;
    const opening = this.options.rooms
      .open(
        line.ref,
        customer && {
          peerId: customer.peerId,
          displayName: customer.visitor.displayName,
          message: customer.visitor.message ?? null,
        },
      )
      .then(
        (room) => this.opened(match, room),
        (error: unknown) => this.openFailed(match, error),
      )
      .catch((error: unknown) => this.options.log.error({ err: error }, 'match room handling failed'))
      .finally(() => this.opening.delete(opening));
    this.opening.add(opening);
  }

  inRoom(projectId: string, roomName: string): Match | undefined {
    return this.byRoom.get(`${projectId}/${roomName}`);
  }

  /** Random: `caller` ends its pair (next, or a report); both wait again at the front, the partner first. */
  split(match: Match, caller: Member, reason: 'next' | 'reported'): void {
    const partner = partnerOf(match, caller);
    this.finish(match);
    const at = this.options.clock.now();
    caller.lastPartner = { ids: idsOf(partner), at };
    if (partner.kind === 'member') partner.lastPartner = { ids: idsOf(caller), at };
    if (match.seated.has(caller.peerId)) void this.options.delivery.unseat(caller.visitor.socketId, LeaveReason.hangup);
    this.requeue(caller);
    // The reported side is not told it was reported: to it, the partner just left.
    this.putBack(match, partner, reason === 'next' ? 'next' : 'partner-left');
    this.options.log.info({ project: match.line.ref.projectId, room: match.room?.name, reason }, 'match ended');
    this.options.host.pair(match.line);
  }

  /** A pair still opening its room that must not happen after all: both wait again at the front. */
  cancelOpening(match: Match): void {
    this.finish(match);
    for (const party of match.parties) this.putBack(match, party, 'partner-left');
    this.options.host.pair(match.line);
  }

  /** `leaver` quits its pair (left the room, cancelled, or is gone); what becomes of the partner depends on the mode. */
  abandon(match: Match, leaver: Party, { seatFreed }: { seatFreed: boolean }): void {
    const partner = partnerOf(match, leaver);
    const inCall = match.phase === 'found' && match.seated.size === 2;
    this.finish(match);
    if (!seatFreed && match.seated.has(leaver.peerId))
      void this.options.delivery.unseat(socketOf(leaver), LeaveReason.hangup);
    this.options.log.info(
      { project: match.line.ref.projectId, room: match.room?.name, peer: leaver.peerId },
      'match ended',
    );
    if (match.line.ref.mode === 'support' && inCall) {
      // A support call is over when either side leaves: the other stays in the room (told by `peer:left`),
      // nobody waits again, and the customer's visit ends with it.
      if (partner.kind === 'member') this.options.host.forget(partner);
      return;
    }
    if (partner.kind === 'member') partner.lastPartner = { ids: idsOf(leaver), at: this.options.clock.now() };
    this.putBack(match, partner, 'partner-left');
  }

  /** The pair is over: its timers, its room and its hold on both parties go. */
  finish(match: Match): void {
    match.over = true;
    this.options.clock.clearTimeout(match.deadline);
    match.line.pairs.delete(match);
    const { projectId } = match.line.ref;
    if (match.room) {
      this.byRoom.delete(`${projectId}/${match.room.name}`);
      this.options.rooms.close(projectId, match.room.id);
    }
    for (const party of match.parties) if (party.match === match) party.match = undefined;
    this.options.notices.line(match.line);
  }

  /** Stops every deadline; resolves once the rooms being opened are settled. */
  async close(): Promise<void> {
    for (const match of this.byRoom.values()) this.options.clock.clearTimeout(match.deadline);
    await Promise.all(this.opening);
  }

  private opened(match: Match, room: { id: string; name: string }): void {
    this.options.host.change(() => {
      const { projectId, mode, queue } = match.line.ref;
      if (match.over || this.options.host.isClosed()) {
        this.options.rooms.close(projectId, room.id);
        return;
      }
      match.room = room;
      match.phase = 'found';
      this.byRoom.set(`${projectId}/${room.name}`, match);
      for (const party of match.parties) {
        const partner = partnerOf(match, party);
        const media = partner.kind === 'member' ? partner.visitor.media : undefined;
        this.options.delivery.found(socketOf(party), {
          mode,
          queue,
          room: room.name,
          partner: { peerId: partner.peerId, displayName: nameOf(partner), ...(media ? { media } : {}) },
        });
      }
      match.deadline = this.options.clock.setTimeout(() => this.missedDeadline(match), this.options.joinDeadlineMs);
      this.options.log.info(
        { project: projectId, mode, queue, room: room.name, peers: match.parties.map((p) => p.peerId) },
        'matched',
      );
    });
  }

  private openFailed(match: Match, error: unknown): void {
    this.options.host.change(() => {
      this.options.log.error({ err: error, project: match.line.ref.projectId }, 'could not open a match room');
      if (match.over) return;
      this.finish(match);
      for (const party of match.parties) if (party.kind === 'member') this.letGo(party, ROOM_FAILED);
    });
  }

  /** The pair did not both take their seats in time: whoever did waits again at the front, the others are let go. */
  private missedDeadline(match: Match): void {
    this.options.host.change(() => {
      if (match.over || match.seated.size === 2) return;
      this.finish(match);
      for (const party of match.parties) {
        if (match.seated.has(party.peerId)) this.putBack(match, party, 'partner-left');
        else if (party.kind === 'member') this.letGo(party, NO_SHOW);
      }
      this.options.log.info(
        { project: match.line.ref.projectId, room: match.room?.name, seated: match.seated.size },
        'match not joined in time',
      );
      this.options.host.pair(match.line);
    });
  }

  /**
   * After its pair ended, a party waits again: a visitor or customer at the front of the line (they were served
   * once already), out of the room first; an agent is free again. `match:ended` tells whoever was sent `match:found`.
   */
  private putBack(match: Match, party: Party, reason: MatchEnded['reason']): void {
    if (match.seated.has(party.peerId)) void this.options.delivery.unseat(socketOf(party), LeaveReason.hangup);
    if (party.kind === 'agent') {
      const { mode, queue } = party.line.ref;
      const status: QueueStatus = {
        mode,
        queue,
        status: 'left',
        position: 0,
        waiting: party.line.waiting.size,
        agentsOnline: agentsOnline(party.line),
        estimatedWaitMs: null,
      };
      if (match.phase === 'found') this.options.delivery.ended(party.connection.socketId, { reason, status });
      this.options.notices.line(party.line);
      return;
    }
    this.requeue(party);
    if (match.phase !== 'found') return; // never told of this pair: its status update says it waits
    const status = statusOf(party);
    this.options.notices.told(party, status);
    this.options.delivery.ended(party.visitor.socketId, { reason, status });
  }

  private requeue(member: Member): void {
    member.state = 'waiting';
    member.since = this.options.clock.now();
    member.line.waiting.add(member, { front: true });
    this.options.notices.member(member);
  }

  /** Out of matching, told why (it is not waiting any more, and was not the one to decide so). */
  private letGo(member: Member, reason: string): void {
    const status = statusOf(member, { status: 'left', reason });
    this.options.host.forget(member);
    this.options.delivery.status(member.visitor.socketId, status);
  }
}

export const socketOf = (party: Party): string =>
  party.kind === 'member' ? party.visitor.socketId : party.connection.socketId;
export const nameOf = (party: Party): string =>
  party.kind === 'member' ? party.visitor.displayName : party.connection.displayName;
