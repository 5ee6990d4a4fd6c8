/** The call history part of the store contract (CallHistory), registered inside each store's conformance suite. */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import { CallHistoryWriter } from '../../src/signaling/call-history-writer.js';
import { CallHistory, type ParticipantJoin } from '../../src/store/call-history.js';
import { ProjectStore } from '../../src/store/project-store.js';
import { RoomStore } from '../../src/store/room-store.js';
import type { Database } from '../../src/store/schema.js';

const START = Date.parse('2030-01-01T00:00:00.000Z');
/** The time `seconds` after START. */
const at = (seconds: number): Date => new Date(START + seconds * 1000);
const iso = (seconds: number): string => at(seconds).toISOString();

export function describeCallHistory(freshDb: (t: TestContext) => Promise<Kysely<Database>>): void {
  async function fresh(t: TestContext) {
    const db = await freshDb(t);
    const projectId = (await new ProjectStore(db).createProject({ name: 'Calls', allowedOrigins: [] })).id;
    const rooms = new RoomStore(db);
    const room = (await rooms.create(projectId, { name: 'consult', privacy: 'public' })).room;
    const history = new CallHistory(db);
    const join = (peerId: string, seconds: number, extra: Partial<ParticipantJoin> = {}) =>
      history.participantJoined({
        projectId,
        roomId: room.id,
        peerId,
        displayName: `name of ${peerId}`,
        role: 'guest',
        at: at(seconds),
        ...extra,
      });
    const sessions = async (roomId = room.id) =>
      (await history.listSessions(projectId, roomId, { limit: 100 })).sessions;
    return { db, history, rooms, projectId, room, join, sessions };
  }

  describe('call history', () => {
    it('records a call as one session from the first join to the last leave, with when and why each left', async (t) => {
      const { history, room, join, sessions } = await fresh(t);
      await join('alice', 0, { role: 'host', displayName: 'Alice' });
      await join('bob', 5);
      await history.participantLeft({ roomId: room.id, peerId: 'bob', reason: 'network', at: at(60) });
      const live = await sessions();
      assert.equal(live.length, 1);
      assert.equal(live[0]?.endedAt, null, 'the call goes on while Alice is in it');
      assert.equal(live[0]?.participants[0]?.leftAt, null);

      await history.participantLeft({ roomId: room.id, peerId: 'alice', reason: 'hangup', at: at(90) });
      assert.deepEqual(await sessions(), [
        {
          id: live[0]?.id,
          roomId: room.id,
          startedAt: iso(0),
          endedAt: iso(90),
          participants: [
            {
              peerId: 'alice',
              displayName: 'Alice',
              role: 'host',
              joinedAt: iso(0),
              leftAt: iso(90),
              leaveReason: 'hangup',
            },
            {
              peerId: 'bob',
              displayName: 'name of bob',
              role: 'guest',
              joinedAt: iso(5),
              leftAt: iso(60),
              leaveReason: 'network',
            },
          ],
          worstNetworkQuality: null,
          relayUsed: null,
        },
      ]);
    });

    it('starts a new session when someone joins the emptied room, and pages sessions newest first', async (t) => {
      const { history, room, join, sessions, projectId } = await fresh(t);
      for (const call of [0, 1, 2]) {
        await join(`peer${call}`, call * 100);
        await history.participantLeft({
          roomId: room.id,
          peerId: `peer${call}`,
          reason: 'hangup',
          at: at(call * 100 + 10),
        });
      }
      const all = await sessions();
      assert.deepEqual(
        all.map((s) => [s.startedAt, s.participants.map((p) => p.peerId)]),
        [
          [iso(200), ['peer2']],
          [iso(100), ['peer1']],
          [iso(0), ['peer0']],
        ],
      );
      const first = await history.listSessions(projectId, room.id, { limit: 2 });
      assert.deepEqual(
        first.sessions.map((s) => s.id),
        all.slice(0, 2).map((s) => s.id),
      );
      assert.ok(first.nextCursor);
      const second = await history.listSessions(projectId, room.id, { limit: 2, cursor: first.nextCursor });
      assert.deepEqual(second, { sessions: all.slice(2), nextCursor: null });
      await assert.rejects(history.listSessions(projectId, room.id, { limit: 2, cursor: 'bogus' }), {
        code: 'invalid_payload',
      });
      assert.deepEqual(
        (await history.listSessions('prj_other', room.id, { limit: 10 })).sessions,
        [],
        "another project never sees a room's history",
      );
    });

    it('records a participant who leaves and rejoins within one call twice, closing only the open seat', async (t) => {
      const { history, room, join, sessions } = await fresh(t);
      await join('alice', 0);
      await join('bob', 1);
      await history.participantLeft({ roomId: room.id, peerId: 'bob', reason: 'hangup', at: at(2) });
      await join('bob', 3);
      await history.participantLeft({ roomId: room.id, peerId: 'bob', reason: 'network', at: at(4) });
      const [call] = await sessions();
      assert.deepEqual(
        call?.participants.map((p) => [p.peerId, p.joinedAt, p.leftAt, p.leaveReason]),
        [
          ['alice', iso(0), null, null],
          ['bob', iso(1), iso(2), 'hangup'],
          ['bob', iso(3), iso(4), 'network'],
        ],
      );
      assert.equal(call?.endedAt, null);
    });

    it('ending a room closes its call for everyone still in it with room-ended, and no other room', async (t) => {
      const { history, rooms, room, join, sessions, projectId } = await fresh(t);
      const other = (await rooms.create(projectId, { name: 'other', privacy: 'public' })).room;
      await join('alice', 0);
      await join('bob', 1);
      await history.participantLeft({ roomId: room.id, peerId: 'bob', reason: 'hangup', at: at(2) });
      await join('carol', 0, { roomId: other.id });
      await history.roomEnded({ roomId: room.id, at: at(30) });
      const [ended] = await sessions();
      assert.equal(ended?.endedAt, iso(30));
      assert.deepEqual(
        ended?.participants.map((p) => [p.peerId, p.leftAt, p.leaveReason]),
        [
          ['alice', iso(30), 'room-ended'],
          ['bob', iso(2), 'hangup'],
        ],
      );
      const [untouched] = await sessions(other.id);
      assert.equal(untouched?.endedAt, null);
      await history.roomEnded({ roomId: room.id, at: at(40) });
      assert.equal((await sessions())[0]?.endedAt, iso(30), 'ending again changes nothing');
    });

    it('keeps the worst network quality the widgets reported and whether any relay was used, per call', async (t) => {
      const { history, room, join, sessions } = await fresh(t);
      await history.networkReported({ roomId: room.id, quality: 'poor', relay: true }); // no call going on: nothing kept
      await join('alice', 0);
      await join('bob', 1);
      assert.deepEqual(
        ((s) => [s?.worstNetworkQuality, s?.relayUsed])((await sessions())[0]),
        [null, null],
        'nothing reported yet',
      );
      await history.networkReported({ roomId: room.id, quality: 'good', relay: false });
      assert.deepEqual(((s) => [s?.worstNetworkQuality, s?.relayUsed])((await sessions())[0]), ['good', false]);
      await history.networkReported({ roomId: room.id, quality: 'fair', relay: true });
      await history.networkReported({ roomId: room.id, quality: 'good', relay: false });
      assert.deepEqual(
        ((s) => [s?.worstNetworkQuality, s?.relayUsed])((await sessions())[0]),
        ['fair', true],
        'a better report or a direct link undoes neither',
      );
      await Promise.all([
        history.networkReported({ roomId: room.id, quality: 'poor', relay: false }),
        history.networkReported({ roomId: room.id, quality: 'fair', relay: false }),
      ]);
      await history.participantLeft({ roomId: room.id, peerId: 'alice', reason: 'hangup', at: at(10) });
      const { ended } = (await history.participantLeft({
        roomId: room.id,
        peerId: 'bob',
        reason: 'hangup',
        at: at(11),
      }))!;
      assert.deepEqual(
        [ended?.worstNetworkQuality, ended?.relayUsed],
        ['poor', true],
        'the ended session carries them',
      );

      await history.networkReported({ roomId: room.id, quality: 'poor', relay: true }); // after the call: nothing kept
      await join('carol', 20);
      const [next] = await sessions();
      assert.deepEqual([next?.worstNetworkQuality, next?.relayUsed], [null, null], 'a new call starts afresh');
    });

    it('closes what a stopped service left open as lost to the network, and leaves finished calls alone', async (t) => {
      const { history, rooms, room, join, sessions, projectId } = await fresh(t);
      const other = (await rooms.create(projectId, { name: 'other', privacy: 'public' })).room;
      await join('done', 0);
      await history.participantLeft({ roomId: room.id, peerId: 'done', reason: 'hangup', at: at(5) });
      await join('alice', 10);
      await join('bob', 11);
      await join('carol', 12, { roomId: other.id });
      const open = await history.openCalls();
      assert.deepEqual(
        open.map((c) => [c.projectId, c.room, c.relayOnly]),
        [
          [projectId, 'consult', false],
          [projectId, 'other', false],
        ],
        'the calls going on, oldest first, with their rooms',
      );
      assert.deepEqual(await history.closeInterrupted(at(100)), { sessions: 2, participants: 3 });
      assert.deepEqual(await history.openCalls(), []);
      const closed = await history.session(open[0]!.sessionId);
      assert.deepEqual(
        closed?.participants.map((p) => [p.peerId, p.leaveReason]),
        [
          ['alice', 'network'],
          ['bob', 'network'],
        ],
      );
      assert.equal(await history.session('ses_unknown'), null);
      const [interrupted, finished] = await sessions();
      assert.equal(interrupted?.endedAt, iso(100));
      assert.deepEqual(
        interrupted?.participants.map((p) => [p.peerId, p.leftAt, p.leaveReason]),
        [
          ['alice', iso(100), 'network'],
          ['bob', iso(100), 'network'],
        ],
      );
      assert.deepEqual([finished?.endedAt, finished?.participants[0]?.leaveReason], [iso(5), 'hangup']);
      assert.equal((await sessions(other.id))[0]?.participants[0]?.leaveReason, 'network');
      assert.deepEqual(
        await history.closeInterrupted(at(200)),
        { sessions: 0, participants: 0 },
        'nothing is left open',
      );
    });

    it('records a call decided elsewhere from parts written in any order and any number of times, never undoing a leave or the end', async (t) => {
      const { history, room, sessions, projectId } = await fresh(t);
      const call = { id: 'ses_decided', projectId, roomId: room.id, startedAt: at(0) };
      const alice = {
        id: 'par_alice',
        peerId: 'alice',
        displayName: 'Alice',
        role: 'host' as const,
        joinedAt: at(0),
        leftAt: null,
        leaveReason: null,
      };
      const bob = {
        ...alice,
        id: 'par_bob',
        peerId: 'bob',
        displayName: 'Bob',
        role: 'guest' as const,
        joinedAt: at(1),
      };
      const aliceLeft = { ...alice, leftAt: at(5), leaveReason: 'hangup' as const };
      const bobLeft = { ...bob, leftAt: at(9), leaveReason: 'network' as const };
      const end = { ...call, endedAt: at(9), participants: [aliceLeft, bobLeft] };
      // The end first (the node that closed the call), then late writes from the others: a join that knows of no
      // leave, a leave that knows of no end; then all of them again, side by side.
      await history.recordCall(end);
      await history.recordCall({ ...call, endedAt: null, participants: [bob] });
      await history.recordCall({ ...call, endedAt: null, participants: [aliceLeft] });
      await Promise.all([
        history.recordCall({ ...call, endedAt: null, participants: [alice] }),
        history.recordCall(end),
        history.recordCall({ ...call, endedAt: null, participants: [bobLeft] }),
      ]);
      const expected = {
        id: 'ses_decided',
        roomId: room.id,
        startedAt: iso(0),
        endedAt: iso(9),
        participants: [
          {
            peerId: 'alice',
            displayName: 'Alice',
            role: 'host',
            joinedAt: iso(0),
            leftAt: iso(5),
            leaveReason: 'hangup',
          },
          {
            peerId: 'bob',
            displayName: 'Bob',
            role: 'guest',
            joinedAt: iso(1),
            leftAt: iso(9),
            leaveReason: 'network',
          },
        ],
        worstNetworkQuality: null,
        relayUsed: null,
      };
      assert.deepEqual(await sessions(), [expected]);

      // In the order the events happened, into another call: the same rows come out.
      const other = { ...call, id: 'ses_other', participants: [] };
      await history.recordCall({ ...other, endedAt: null, participants: [{ ...alice, id: 'par_a2' }] });
      await history.recordCall({ ...other, endedAt: null, participants: [{ ...bob, id: 'par_b2' }] });
      await history.networkReported({ roomId: room.id, sessionId: 'ses_other', quality: 'fair', relay: true });
      await history.recordCall({ ...other, endedAt: null, participants: [{ ...aliceLeft, id: 'par_a2' }] });
      await history.recordCall({
        ...other,
        endedAt: at(9),
        participants: [
          { ...aliceLeft, id: 'par_a2' },
          { ...bobLeft, id: 'par_b2' },
        ],
      });
      const session = await history.session('ses_other');
      assert.deepEqual(session, { ...expected, id: 'ses_other', worstNetworkQuality: 'fair', relayUsed: true });
      assert.equal(
        (await history.session('ses_decided'))?.worstNetworkQuality,
        null,
        'a report reaches its own call only',
      );
    });

    it('the call history writer writes each room in event order, even where the database would run writes side by side', async (t) => {
      const { history, rooms, projectId } = await fresh(t);
      const failures: unknown[] = [];
      const log = { error: (details: unknown) => failures.push(details) } as unknown as FastifyBaseLogger;
      const writer = new CallHistoryWriter(history, log);
      const calls = await Promise.all(
        Array.from({ length: 12 }, (_, i) => rooms.create(projectId, { name: `burst-${i}`, privacy: 'public' })),
      );
      // Joins and leaves queued in one go, as a burst of short calls would: a leave written before its join
      // would find no seat to close and leave the call open for ever.
      for (const { room } of calls) {
        writer.joined({
          projectId,
          roomId: room.id,
          room: room.name,
          relayOnly: false,
          peerId: 'alice',
          displayName: 'Alice',
          role: 'guest',
        });
        writer.joined({
          projectId,
          roomId: room.id,
          room: room.name,
          relayOnly: false,
          peerId: 'bob',
          displayName: 'Bob',
          role: 'guest',
        });
        writer.left(room.id, 'alice', 'hangup');
        writer.left(room.id, 'bob', 'network');
      }
      await writer.flushed();
      assert.deepEqual(failures, []);
      for (const { room } of calls) {
        const { sessions } = await history.listSessions(projectId, room.id, { limit: 10 });
        assert.equal(sessions.length, 1, room.name);
        assert.ok(sessions[0]?.endedAt, `${room.name} ended`);
        assert.deepEqual(
          sessions[0]?.participants.map((p) => p.leaveReason),
          ['hangup', 'network'],
        );
      }
    });
  });
}
