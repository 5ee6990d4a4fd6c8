/**
 * The matchmaking core's rules, without sockets: the queue order, the random pairing rule, wait estimates, reported
 * pairs, and the in-process coordinator driven directly (its connections are a recording delivery, its rooms
 * an in-memory stand-in for the room store).
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { setImmediate as turn } from 'node:timers/promises';
import Fastify from 'fastify';
import {
  applyQueueChanges,
  type MatchEnded,
  type MatchFound,
  type QueueChanges,
  type QueueSnapshot,
  type QueueStatus,
} from '@vcw/shared';
import type { MatchDelivery, MatchRooms, Visitor } from '../src/matching/coordinator.js';
import { newLine, TOLD_PER_TURN, type Member } from '../src/matching/lines.js';
import { LocalCoordinator, type MatchTimings } from '../src/matching/local-coordinator.js';
import { MatchNews } from '../src/matching/match-news.js';
import { MatchQueue } from '../src/matching/match-queue.js';
import type { MatchBook } from '../src/bus/match-book.js';
import { nextRandomPair } from '../src/matching/random-pairing.js';
import { ReportedPairs } from '../src/matching/reported-pairs.js';
import { estimateWaitMs, WaitEstimate } from '../src/matching/wait-estimate.js';
import { TestClock } from './helpers/toolkit.js';

const PROJECT = 'prj_test';

describe('the queue order', () => {
  it('keeps arrival order, puts a returning entry at the front, and numbers positions from 1 without gaps', () => {
    const queue = new MatchQueue<{ peerId: string }>();
    for (const peerId of ['a', 'b', 'c']) queue.add({ peerId });
    queue.add({ peerId: 'back' }, { front: true });
    assert.deepEqual(
      queue.all().map((e) => e.peerId),
      ['back', 'a', 'b', 'c'],
    );
    assert.equal(queue.remove('a')?.peerId, 'a');
    assert.deepEqual(
      ['back', 'b', 'c', 'a'].map((p) => queue.positionOf(p)),
      [1, 2, 3, 0],
    );
    assert.throws(() => queue.add({ peerId: 'b' }), /already queued/);
  });

  it('keeps positions and the first free entry right through many adds and removes at both ends', () => {
    const queue = new MatchQueue<{ peerId: string; free: boolean }>({ free: (e) => e.free, group: (e) => e.peerId });
    const mirror: string[] = [];
    for (let i = 0; i < 500; i++) {
      const peerId = `p${i}`;
      const front = i % 3 === 0;
      queue.add({ peerId, free: i % 4 !== 0 }, { front });
      if (front) mirror.unshift(peerId);
      else mirror.push(peerId);
      if (i % 5 === 0) {
        const gone = mirror.splice(Math.floor(mirror.length / 2), 1)[0]!;
        queue.remove(gone);
      }
    }
    assert.deepEqual(
      queue.all().map((e) => e.peerId),
      mirror,
    );
    for (const [i, peerId] of mirror.entries()) assert.equal(queue.positionOf(peerId), i + 1);
    assert.equal(
      queue.firstFree()?.peerId,
      mirror.find((p) => Number(p.slice(1)) % 4 !== 0),
    );
  });
});

function member(
  line: ReturnType<typeof newLine>,
  peerId: string,
  extra: Partial<Member> = {},
  visitorId?: string,
): Member {
  const m: Member = {
    kind: 'member',
    peerId,
    visitor: {
      projectId: PROJECT,
      mode: 'random',
      queue: 'default',
      peerId,
      socketId: `s-${peerId}`,
      displayName: peerId,
      ...(visitorId ? { visitorId } : {}),
    },
    line,
    since: 0,
    state: 'waiting',
    suspended: false,
    ...extra,
  };
  line.waiting.add(m);
  return m;
}

describe('the random pairing rule', () => {
  const rules = (now = 10_000, reported = new ReportedPairs()) => ({ reported, now, rematchAfterMs: 3000 });
  const line = () => newLine({ projectId: PROJECT, mode: 'random', queue: 'default' });
  const ids = (choice: ReturnType<typeof nextRandomPair>) =>
    choice && 'pair' in choice ? choice.pair.map((m) => m.peerId) : choice;

  it('pairs in arrival order, skipping suspended visitors and two tabs of one visitor', () => {
    const l = line();
    member(l, 'gone', { suspended: true });
    member(l, 'tab1', {}, 'same-visitor');
    member(l, 'tab2', {}, 'same-visitor');
    member(l, 'other');
    assert.deepEqual(ids(nextRandomPair(l, rules())), ['tab1', 'other']);
  });

  it('never pairs a reported pair, by peer id or by visitor id', () => {
    const l = line();
    const reported = new ReportedPairs();
    member(l, 'a', {}, 'visitor-a');
    member(l, 'b-again', {}, 'visitor-b');
    reported.add({ peerId: 'a' }, { peerId: 'b-first', visitorId: 'visitor-b' });
    assert.equal(nextRandomPair(l, rules(10_000, reported)), null);
    member(l, 'c');
    assert.deepEqual(ids(nextRandomPair(l, rules(10_000, reported))), ['a', 'c']);
  });

  it('finds a partner past a crowd of one visitor in one step, and never runs a search that found nobody again', () => {
    const l = line();
    const reported = new CountingReports();
    for (let i = 0; i < 2000; i++) member(l, `tab${i}`, {}, 'one-visitor');
    assert.equal(nextRandomPair(l, rules(10_000, reported)), null, 'the tabs of one visitor never meet');
    assert.equal(reported.checks, 0, 'their own group is skipped whole, not entry by entry');
    assert.equal(nextRandomPair(l, rules(10_000, reported)), null);
    assert.equal(reported.checks, 0, 'nothing changed: no search runs again');
    member(l, 'newcomer');
    assert.deepEqual(ids(nextRandomPair(l, rules(10_000, reported))), ['tab0', 'newcomer']);
    assert.equal(reported.checks, 1, 'one candidate looked at, not 2,000');
  });

  it('keeps two who just left each other apart while anyone else can be paired, and reunites them after the pause', () => {
    const l = line();
    const at = 10_000;
    const a = member(l, 'a');
    const b = member(l, 'b');
    a.lastPartner = { ids: { peerId: 'b' }, at };
    b.lastPartner = { ids: { peerId: 'a' }, at };
    assert.deepEqual(nextRandomPair(l, rules(at + 1000)), { retryInMs: 2000 });
    assert.deepEqual(ids(nextRandomPair(l, rules(at + 3000))), ['a', 'b']);
    member(l, 'c');
    assert.deepEqual(ids(nextRandomPair(l, rules(at + 1000))), ['a', 'c']);
  });
});

/** Reported pairs that count how often a pair is checked. */
class CountingReports extends ReportedPairs {
  checks = 0;
  override blocks(...args: Parameters<ReportedPairs['blocks']>): boolean {
    this.checks++;
    return super.blocks(...args);
  }
}

describe("an agent's view rebuilt from queue:changes", () => {
  const entry = (id: string) => ({ customerId: id, displayName: id, since: 1, message: `about ${id}` });
  const last: QueueSnapshot = {
    queue: 'help',
    customers: [entry('a'), entry('b')],
    total: 5,
    agentsOnline: 1,
    averageWaitMs: null,
  };
  it('takes the entries it holds and the ones added, in the new order, with the new figures', () => {
    const changes: QueueChanges = {
      queue: 'help',
      order: ['b', 'c'],
      added: [entry('c')],
      total: 4,
      agentsOnline: 2,
      averageWaitMs: 1000,
    };
    assert.deepEqual(applyQueueChanges(last, changes), {
      queue: 'help',
      customers: [entry('b'), entry('c')],
      total: 4,
      agentsOnline: 2,
      averageWaitMs: 1000,
    });
  });
  it('refuses changes naming a customer it was never sent', () => {
    assert.equal(
      applyQueueChanges(last, {
        queue: 'help',
        order: ['a', 'x'],
        added: [],
        total: 2,
        agentsOnline: 1,
        averageWaitMs: null,
      }),
      null,
    );
  });
});

describe('wait estimates', () => {
  it('averages the last 20 waits and shares them among the agents online', () => {
    const waits = new WaitEstimate();
    assert.equal(waits.averageMs(), null);
    for (let i = 1; i <= 25; i++) waits.record(i * 1000);
    assert.equal(waits.averageMs(), 15_500, 'waits 6 to 25 s');
    assert.equal(estimateWaitMs(10_000, 3, 2), 15_000);
    assert.equal(estimateWaitMs(10_000, 3, 0), null, 'nobody to say, with nobody online');
    assert.equal(estimateWaitMs(null, 3, 2), null);
    assert.equal(estimateWaitMs(10_000, 0, 2), null, 'not waiting');
  });
});

type Sent = { to: string; event: string; payload: unknown };

/**
 * Unless a test says otherwise, everyone is told of every change at once (no pacing). Time is a clock the test
 * moves; the rooms open in the next turn, so `await turn()` lets every room being opened open.
 */
function harness(t: TestContext, given: Partial<MatchTimings> = {}) {
  const timings = { positionEveryMs: 0, snapshotEveryMs: 0, ...given };
  const sent: Sent[] = [];
  const record = (to: string, event: string, payload: unknown) => sent.push({ to, event, payload });
  const delivery: MatchDelivery = {
    status: (to, status: QueueStatus) => record(to, 'queue:update', status),
    changes: (to, changes: QueueChanges) => to.forEach((id) => record(id, 'queue:changes', changes)),
    found: (to, match: MatchFound) => record(to, 'match:found', match),
    ended: (to, ended: MatchEnded) => record(to, 'match:ended', ended),
    unseat: async (to, reason) => void record(to, 'unseat', reason),
  };
  let rooms = 0;
  const failing = { next: false };
  const closed: string[] = [];
  const matchRooms: MatchRooms = {
    open: async () => {
      if (failing.next) throw new Error('the store is down');
      rooms++;
      return { id: `room_${rooms}`, name: `match-${rooms}` };
    },
    close: (_projectId, roomId) => closed.push(roomId),
  };
  const clock = new TestClock();
  const coordinator = new LocalCoordinator({
    delivery,
    rooms: matchRooms,
    reportedPairs: async () => [],
    log: Fastify({ logger: false }).log,
    timings,
    clock,
  });
  t.after(() => coordinator.close());
  const visitor = (peerId: string, extra: Partial<Visitor> = {}): Visitor => ({
    projectId: PROJECT,
    mode: 'random',
    queue: 'default',
    peerId,
    socketId: `s-${peerId}`,
    displayName: peerId,
    ...extra,
  });
  const to = (peerId: string, event?: string) =>
    sent.filter((s) => s.to === `s-${peerId}` && (!event || s.event === event)).map((s) => s.payload);
  return { coordinator, visitor, to, sent, clock, failing, closed };
}

describe('the in-process coordinator', () => {
  it('matches a dropped visitor with nobody until it resumes, and removes it when it is gone', async (t) => {
    const { coordinator, visitor, to } = harness(t);
    await coordinator.prepare(PROJECT);
    coordinator.enter(visitor('a'));
    coordinator.suspend('a');
    assert.equal(coordinator.enter(visitor('b')).position, 2);
    await turn();
    assert.deepEqual(to('b', 'match:found'), []);
    coordinator.resume('a');
    await turn();
    assert.equal((to('b', 'match:found')[0] as MatchFound).partner.peerId, 'a');

    coordinator.enter(visitor('c'));
    coordinator.suspend('c');
    coordinator.disconnected('c');
    assert.equal(coordinator.stateOf('c'), undefined);
    assert.deepEqual(coordinator.waiting({ projectId: PROJECT, mode: 'random', queue: 'default' }), []);
  });

  it('a side that leaves while the room is being opened: the other waits again at the front, never told of the pair', async (t) => {
    const { coordinator, visitor, to, closed } = harness(t);
    await coordinator.prepare(PROJECT);
    coordinator.enter(visitor('early'));
    coordinator.enter(visitor('a'));
    coordinator.enter(visitor('b'));
    coordinator.enter(visitor('c'));
    // early–a and b–c are opening their rooms; a leaves meanwhile.
    coordinator.leave('a');
    await turn();
    assert.deepEqual(to('early', 'match:found'), []);
    assert.deepEqual(
      (to('early', 'queue:update') as QueueStatus[]).map((s) => [s.status, s.position]),
      [
        ['matched', 0],
        ['waiting', 1],
      ],
    );
    assert.equal(closed.length, 1, 'the room opened for nobody is ended');
    assert.equal(coordinator.statistics(PROJECT, 'default').random.pairs, 1);
  });

  it('when the room cannot be opened, both are told they left the line, with the reason', async (t) => {
    const { coordinator, visitor, to, failing } = harness(t);
    await coordinator.prepare(PROJECT);
    failing.next = true;
    coordinator.enter(visitor('a'));
    coordinator.enter(visitor('b'));
    await turn();
    for (const peer of ['a', 'b']) {
      const last = to(peer, 'queue:update').at(-1) as QueueStatus;
      assert.deepEqual(
        [last.status, last.reason],
        ['left', 'The service could not open a room for this match; try again.'],
      );
      assert.equal(coordinator.stateOf(peer), undefined);
    }
  });

  it("refuses a random visitor before the project's reported pairs are loaded", (t) => {
    const { coordinator, visitor } = harness(t);
    assert.throws(() => coordinator.enter(visitor('a')), /prepare/);
    assert.equal(coordinator.enter(visitor('s', { mode: 'support' })).status, 'waiting', 'support needs no reports');
  });

  it('tells each waiting customer only when its place, the agents online or its estimate change', async (t) => {
    const { coordinator, visitor, to } = harness(t);
    const agent = { projectId: PROJECT, queue: 'default', peerId: 'agent', socketId: 's-agent', displayName: 'Agent' };
    coordinator.enter(visitor('a', { mode: 'support' }));
    coordinator.enter(visitor('b', { mode: 'support' }));
    assert.deepEqual(to('a'), [], 'the acknowledgement told a; a customer behind it changes nothing for a');
    coordinator.agentStatus(agent, 'online');
    coordinator.agentStatus(agent, 'online');
    assert.deepEqual(
      (to('a', 'queue:update') as QueueStatus[]).map((s) => s.agentsOnline),
      [1],
      'once, not twice',
    );
    assert.equal(coordinator.take(agent), 'a');
    assert.deepEqual(
      (to('b', 'queue:update') as QueueStatus[]).map((s) => [s.position, s.agentsOnline]),
      [
        [2, 1],
        [1, 1],
      ],
    );
    assert.deepEqual(
      (to('agent', 'queue:changes') as QueueChanges[]).map((c) => [c.order, c.added.map((a) => a.customerId)]),
      [[['b'], []]],
      'b was in the ack',
    );
  });

  it('tells a long line its new places a turn of the event loop at a time, front first, each place as it stands then', async (t) => {
    const { coordinator, visitor, to, clock } = harness(t, { positionEveryMs: 150 });
    const count = TOLD_PER_TURN * 2 + 10;
    for (let i = 0; i < count; i++) coordinator.enter(visitor(`c${i}`, { mode: 'support' }));
    coordinator.leave('c0');
    clock.advance(150);
    const placeOf = (peerId: string) => (to(peerId, 'queue:update') as QueueStatus[]).at(-1)?.position;
    assert.equal(placeOf('c1'), 1, 'the front is told at once');
    assert.equal(placeOf(`c${TOLD_PER_TURN}`), TOLD_PER_TURN);
    assert.equal(
      placeOf(`c${TOLD_PER_TURN + 1}`),
      undefined,
      'the rest not yet (its place on entering came in its ack)',
    );
    // Between the turns, two more leave: the members told later are told the place they have then.
    coordinator.leave('c1');
    coordinator.leave(`c${count - 1}`);
    await turn();
    assert.equal(placeOf(`c${TOLD_PER_TURN + 1}`), TOLD_PER_TURN, 'two ahead of it left');
    assert.equal(placeOf(`c${count - 2}`), undefined, 'the last turn has not come yet');
    await turn();
    assert.equal(placeOf(`c${count - 2}`), count - 3);
    assert.equal((to(`c${count - 1}`, 'queue:update') as QueueStatus[]).length, 0, 'one who left is not told a place');
  });

  it('tells those behind in line their new place at most once per interval, and agents a bounded snapshot', async (t) => {
    const { coordinator, visitor, to, clock } = harness(t, {
      positionEveryMs: 150,
      snapshotEveryMs: 150,
      snapshotSize: 3,
    });
    const agent = { projectId: PROJECT, queue: 'default', peerId: 'agent', socketId: 's-agent', displayName: 'Agent' };
    const ack = coordinator.agentStatus(agent, 'online');
    assert.deepEqual([ack.customers.length, ack.total], [0, 0]);
    for (let i = 0; i < 10; i++) assert.equal(coordinator.enter(visitor(`c${i}`, { mode: 'support' })).position, i + 1);
    coordinator.decline(agent, 'c0', 'closed');
    coordinator.leave('c1');
    assert.deepEqual(to('c9', 'queue:update'), [], 'two changes ahead of c9 within the interval: nothing yet');
    clock.advance(149);
    assert.deepEqual(to('c9', 'queue:update'), [], 'not a millisecond early');
    clock.advance(1);
    assert.deepEqual(
      (to('c9', 'queue:update') as QueueStatus[]).map((s) => s.position),
      [8],
      'one update, with the place as it stands',
    );
    assert.equal(
      (to('agent', 'queue:changes') as QueueChanges[]).at(-1)?.total,
      8,
      'the agent sees the queue as it stands',
    );
    const snapshots: QueueSnapshot[] = [];
    for (const changes of to('agent', 'queue:changes') as QueueChanges[]) {
      const view = applyQueueChanges(snapshots.at(-1) ?? ack, changes);
      assert.ok(view, 'every id is resolved');
      snapshots.push(view);
    }
    assert.ok(
      snapshots.length <= 2,
      `at most one now and one at the end of the interval, not one per change (${snapshots.length})`,
    );
    assert.ok(snapshots.every((s) => s.customers.length <= 3));
    assert.deepEqual(
      snapshots.at(-1)?.customers.map((c) => c.customerId),
      ['c2', 'c3', 'c4'],
    );
  });
});

describe("a node's matching news (several nodes)", () => {
  /** A book whose channel is driven by the test: `hear` is what the node's subscription would pass on. */
  const newsWith = () => {
    const told: string[] = [];
    const record = (what: string) => (socketId: string, payload: { room?: string; reason?: string }) =>
      told.push(`${what} ${socketId} ${payload.room ?? payload.reason}`);
    const delivery = {
      status: () => undefined,
      changes: () => undefined,
      found: record('found'),
      ended: record('ended'),
      unseat: () => undefined,
    } as unknown as MatchDelivery;
    const book = { node: 'n1', flushed: () => Promise.resolve() } as unknown as MatchBook;
    return { news: new MatchNews(book, delivery), told };
  };
  const status = { mode: 'random', queue: 'lobby', status: 'waiting', position: 1 } as QueueStatus;

  it("delivers what a command held back after its answer, before news heard in the answer's own turn", async () => {
    const { news, told } = newsWith();
    const answered = news.answer('peer-a', async (reply) => {
      news.deliver([{ t: 'reply', s: reply, p: '' }]);
      // Heard after the reply token: held until the answer went out.
      news.deliver([{ t: 'found', s: 'sock-a', p: 'peer-a', m: { room: 'room-1' } }]);
      return 'ack';
    });
    assert.equal(await answered, 'ack');
    // A later batch heard in the same turn as the answer (before the held news went out) waits behind it.
    news.deliver([{ t: 'ended', s: 'sock-a', p: 'peer-a', e: { reason: 'partner-left', status } }]);
    assert.deepEqual(told, []);
    await turn();
    assert.deepEqual(told, ['found sock-a room-1', 'ended sock-a partner-left']);
  });

  it('news waiting for a stream that is away waits a second from when it was heard, not a second more for each before it', async () => {
    const clock = new TestClock();
    const waits: number[] = [];
    const told: string[] = [];
    const delivery = {
      ended: (socketId: string) => told.push(socketId),
    } as unknown as MatchDelivery;
    // The fan-out stream is away: each wait runs its whole time.
    const book = {
      node: 'n1',
      flushed: () => Promise.resolve(),
      caughtUp: (_mark: string, ms: number) => {
        waits.push(ms);
        return new Promise<void>((resolve) => clock.setTimeout(resolve, ms));
      },
    } as unknown as MatchBook;
    const news = new MatchNews(book, delivery, undefined, clock);
    const ended = (socket: string, mark: string) => ({
      t: 'ended' as const,
      s: socket,
      p: `peer-${socket}`,
      e: { reason: 'next', status },
      a: mark,
    });
    news.deliver([ended('a', '5-0'), ended('b', '6-0')]);
    news.deliver([ended('c', '7-0')]);
    await turn();
    assert.deepEqual(told, [], 'each waits for the broadcasts before it');
    clock.advanceTo(clock.now() + 999);
    await turn();
    assert.deepEqual(told, []);
    clock.advanceTo(clock.now() + 1);
    for (let i = 0; i < 5; i++) await turn();
    assert.deepEqual(told, ['a', 'b', 'c'], 'all told a second after they were heard, in order');
    assert.deepEqual(waits, [1000], 'those behind the first did not wait again');
  });

  it('delivers what an answered command held back before the next command of the same peer starts', async () => {
    const { news, told } = newsWith();
    await news.answer('peer-a', async (reply) => {
      news.deliver([{ t: 'reply', s: reply, p: '' }]);
      news.deliver([{ t: 'found', s: 'sock-a', p: 'peer-a', m: { room: 'room-1' } }]);
    });
    await news.answer('peer-a', async (reply) => {
      news.deliver([{ t: 'ended', s: 'sock-a', p: 'peer-a', e: { reason: 'next', status } }]);
      news.deliver([{ t: 'reply', s: reply, p: '' }]);
    });
    assert.deepEqual(told, ['found sock-a room-1', 'ended sock-a next']);
  });
});
