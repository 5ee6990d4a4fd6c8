/**
 * Call history when a call's participants sit on different nodes, sharing one real Redis (TEST_REDIS_URL) and one
 * real PostgreSQL (TEST_DATABASE_URL), as a deployment does: the call opens and closes where Redis sees its room
 * go from no seat to one and back, whichever node each participant is on; partners read one call, and hear of
 * its start and end once. Without either URL the suite is skipped, except under CI=true where that is a failure.
 *
 * Absences (no second call, no second delivery) are read once every node has written what it was told and
 * stored what it published (`settledEverywhere`), not after a pause.
 */
import assert from 'node:assert/strict';
import { it, type TestContext } from 'node:test';
import {
  PROTOCOL_VERSION,
  type CallSession,
  CallSessionList,
  type DeliveryList,
  type JoinResult,
  type WebhookEventType,
  type WebhookWithSecret,
} from '@vcw/shared';
import { partnerAuth } from './helpers/partner.js';
import { busesUp, describeWithRedis, eventually, REDIS_URL, startNodes } from './helpers/redis-nodes.js';
import { streamEntriesAt } from './helpers/redis-keys.js';
import { command, connect, next, sessionOf, type Client, type TestService } from './helpers/service.js';
import { webhookReceiver } from './helpers/webhook-receiver.js';

const CALL_EVENTS: WebhookEventType[] = [
  'room.session.started',
  'participant.joined',
  'participant.left',
  'room.session.ended',
];
/** Retries a test can wait for. */
const FAST = { retryDelaysMs: [100, 100, 100], attemptTimeoutMs: 2_000 };

/** Seats the client in `room` as `displayName`. */
async function seated(client: Client, room: string, displayName: string): Promise<JoinResult & { ok: true }> {
  const joined = await command<JoinResult>(client, 'room:join', { room, displayName });
  assert.ok(joined.ok, `seated in ${room}: ${JSON.stringify(joined)}`);
  return joined as JoinResult & { ok: true };
}

/** Every node has written the history it was told of, and stored the webhooks that published. */
async function settledEverywhere(nodes: TestService[]): Promise<void> {
  for (const { app } of nodes) await app.callHistoryWriter.flushed();
  for (const { app } of nodes) await app.webhooks.dispatcher.settled();
}

/** A partner's view through `node`: a room's calls, the webhook deliveries, and registering an endpoint. */
async function partnerOf(node: TestService) {
  const headers = await partnerAuth(node);
  return {
    async calls(room: string): Promise<CallSession[]> {
      const stored = await node.app.roomStore.findByName(node.projectId, room);
      assert.ok(stored, `room ${room} is stored`);
      const res = await node.app.inject({ url: `/v1/rooms/${stored.id}/sessions?limit=100`, headers });
      assert.equal(res.statusCode, 200, res.body);
      return res.json<CallSessionList>().data;
    },
    async register(url: string): Promise<WebhookWithSecret> {
      const res = await node.app.inject({
        method: 'POST',
        url: '/v1/webhooks',
        headers,
        payload: { url, events: CALL_EVENTS },
      });
      assert.equal(res.statusCode, 201, res.body);
      return res.json<WebhookWithSecret>();
    },
    /** How many deliveries of each call event the endpoint got. */
    async callEvents(webhookId: string) {
      const log = await this.deliveries(webhookId);
      const count = (type: WebhookEventType) => log.filter((d) => d.eventType === type).length;
      return {
        started: count('room.session.started'),
        joined: count('participant.joined'),
        left: count('participant.left'),
        ended: count('room.session.ended'),
      };
    },
    async deliveries(webhookId: string) {
      const res = await node.app.inject({ url: `/v1/webhooks/${webhookId}/deliveries?limit=100`, headers });
      assert.equal(res.statusCode, 200, res.body);
      return res.json<DeliveryList>().data;
    },
  };
}

/** Who took part in a call, in order of arrival: name, why they left (null: still in). */
const who = (call: CallSession | undefined) => call?.participants.map((p) => [p.displayName, p.leaveReason]);

/** Three nodes on one Redis and one PostgreSQL, with a partner on the third and a webhook endpoint of theirs. */
async function deployment(t: TestContext, env: Record<string, string> = {}) {
  const { nodes, addNode, prefix } = await startNodes(t, 3, { postgres: true, env, webhookTimings: FAST });
  await busesUp(nodes);
  const partner = await partnerOf(nodes[2]!);
  const receiver = await webhookReceiver(t);
  const hook = await partner.register(receiver.url);
  return {
    nodes: nodes as [TestService, TestService, TestService],
    partner,
    receiver,
    hook,
    addNode,
    /** How many entries the nodes' journals of call history still hold. */
    journaled: () => streamEntriesAt(REDIS_URL, `${prefix}history:`),
  };
}

describeWithRedis(
  'call history across nodes (Redis and PostgreSQL)',
  () => {
    it('two participants joining at once on two nodes are one call, open until the last leaves, on either node', async (t) => {
      const { nodes, partner, receiver, hook, journaled } = await deployment(t);
      const [a, b] = nodes;
      const rounds = 6;
      for (let round = 0; round < rounds; round++) {
        const room = `desk-${round}`;
        const [ada, grace] = await Promise.all([connect(t, a), connect(t, b)]);
        const [adaJoined, graceJoined] = await Promise.all([seated(ada, room, 'Ada'), seated(grace, room, 'Grace')]);
        // Whoever leaves first, it leaves at once: its node writes the leave while the other node may still be
        // writing its own participant's join.
        const [first, stays] = round % 2 === 0 ? [ada, grace] : [grace, ada];
        const heard = next(stays, 'peer:left');
        assert.deepEqual(await command(first, 'room:leave', {}), { ok: true });
        await heard;
        await settledEverywhere(nodes);
        const [open, ...more] = await partner.calls(room);
        assert.equal(more.length, 0, `${room}: one call`);
        assert.equal(
          open?.endedAt,
          null,
          `${room}: the call goes on while one participant is in it, on the other node`,
        );
        assert.deepEqual(
          open.participants.map((p) => p.peerId).sort(),
          [adaJoined.peerId, graceJoined.peerId].sort(),
          `${room}: both are in the call`,
        );
        assert.deepEqual(
          open.participants.filter((p) => p.leftAt === null).map((p) => p.displayName),
          [round % 2 === 0 ? 'Grace' : 'Ada'],
          `${room}: the one who stayed is still in`,
        );

        assert.deepEqual(await command(stays, 'room:leave', {}), { ok: true });
        await settledEverywhere(nodes);
        const calls = await partner.calls(room);
        assert.equal(calls.length, 1, `${room}: still one call`);
        const [ended] = calls;
        assert.ok(ended?.endedAt, `${room}: the call ended with its last participant`);
        assert.equal(ended.id, open.id);
        assert.deepEqual([...(who(ended) ?? [])].sort(), [
          ['Ada', 'hangup'],
          ['Grace', 'hangup'],
        ]);
        const lastLeft = ended.participants.map((p) => p.leftAt!).sort()[1];
        assert.equal(ended.endedAt, lastLeft, `${room}: it ended when the last one left`);
        // Both were in at once (the peak was two): the one who left last joined before the first one left.
        const [firstOut, lastOut] = [...ended.participants].sort((x, y) => x.leftAt!.localeCompare(y.leftAt!));
        assert.ok(lastOut!.joinedAt <= firstOut!.leftAt!, `${room}: both were in the call at once`);
      }

      // Everything every node published is stored: the delivery log is final for these calls.
      assert.deepEqual(
        await partner.callEvents(hook.id),
        { started: rounds, joined: 2 * rounds, left: 2 * rounds, ended: rounds },
        'one start and one end per call, one join and one leave per participant',
      );
      assert.equal(await journaled(), 0, 'each journal entry was taken out once written and told');
      const ends = await receiver.until(rounds, (r) => r.payload.type === 'room.session.ended');
      for (let round = 0; round < rounds; round++) {
        const [call] = await partner.calls(`desk-${round}`);
        const end = ends.filter((r) => r.payload.data.sessionId === call?.id);
        assert.equal(end.length, 1, `desk-${round}: one room.session.ended delivered`);
        assert.deepEqual(
          (end[0]!.payload.data.participants as CallSession['participants']).map((p) => p.displayName).sort(),
          ['Ada', 'Grace'],
          `desk-${round}: the summary names both`,
        );
      }
      const starts = await receiver.until(rounds, (r) => r.payload.type === 'room.session.started');
      assert.equal(new Set(starts.map((r) => r.payload.data.sessionId)).size, rounds, 'one start per call');
    });

    it('ending the room from a third node closes the one call of participants on two nodes, told once', async (t) => {
      const { nodes, partner, receiver, hook } = await deployment(t);
      const [a, b, c] = nodes;
      const [ada, grace] = await Promise.all([connect(t, a), connect(t, b)]);
      await Promise.all([seated(ada, 'clinic', 'Ada'), seated(grace, 'clinic', 'Grace')]);
      const stored = await c.app.roomStore.findByName(c.projectId, 'clinic');
      const ended = [next(ada, 'room:ended'), next(grace, 'room:ended')];
      const res = await c.app.inject({
        method: 'DELETE',
        url: `/v1/rooms/${stored!.id}`,
        headers: await partnerAuth(c),
      });
      assert.equal(res.statusCode, 200, res.body);
      await Promise.all(ended);
      await settledEverywhere(nodes);

      const calls = await partner.calls('clinic');
      assert.equal(calls.length, 1);
      assert.ok(calls[0]?.endedAt);
      assert.deepEqual([...(who(calls[0]) ?? [])].sort(), [
        ['Ada', 'room-ended'],
        ['Grace', 'room-ended'],
      ]);
      const log = await partner.deliveries(hook.id);
      assert.equal(log.filter((d) => d.eventType === 'room.session.ended').length, 1, 'one end stored');
      assert.equal(log.filter((d) => d.eventType === 'participant.left').length, 2, 'one leave each');
      const [end] = await receiver.until(1, (r) => r.payload.type === 'room.session.ended');
      assert.equal(end?.payload.data.sessionId, calls[0]?.id);
    });

    it('a seat taken over through another node with its resume token stays one participant of the one call', async (t) => {
      const { nodes, partner, hook } = await deployment(t);
      const [a, b] = nodes;
      const mover = await connect(t, a);
      const stays = await connect(t, b);
      const moving = await seated(mover, 'desk', 'Ada');
      await seated(stays, 'desk', 'Grace');
      assert.ok(moving.resume);
      const letGo = new Promise((resolve) => mover.once('disconnect', resolve));
      // As after its node died: a new connection through the other node, with the seat's resume token.
      const moved = await connect(t, b, {
        auth: { protocol: PROTOCOL_VERSION, apiKey: b.publishableKey, resume: moving.resume },
      });
      assert.equal(sessionOf(moved).resumed, true);
      await letGo;
      await settledEverywhere(nodes);
      const [open, ...more] = await partner.calls('desk');
      assert.equal(more.length, 0);
      assert.equal(open?.endedAt, null);
      assert.deepEqual(who(open), [
        ['Ada', null],
        ['Grace', null],
      ]);

      assert.deepEqual(await command(moved, 'room:leave', {}), { ok: true });
      assert.deepEqual(await command(stays, 'room:leave', {}), { ok: true });
      await settledEverywhere(nodes);
      const [ended, ...none] = await partner.calls('desk');
      assert.equal(none.length, 0);
      assert.ok(ended?.endedAt);
      assert.deepEqual(who(ended), [
        ['Ada', 'hangup'],
        ['Grace', 'hangup'],
      ]);
      assert.deepEqual(
        await partner.callEvents(hook.id),
        { started: 1, joined: 2, left: 2, ended: 1 },
        'the take-over is neither a leave nor a join',
      );
    });

    it('a join whose connection closes before its seat is answered is no participant; the call it was last in ends', async (t) => {
      const { nodes, partner, hook } = await deployment(t);
      const [a, b] = nodes;
      const stays = await connect(t, b);
      await seated(stays, 'desk', 'Grace');
      const dropping = await connect(t, a);
      // Node A's seat is written in Redis, then, before its answer is used, Grace leaves on node B (the seat
      // still there keeps her leave from ending the call) and the joining connection closes.
      const book = a.app.bus.seatBook!;
      const take = book.take.bind(book);
      book.take = async (...args) => {
        const taken = await take(...args);
        assert.deepEqual(await command(stays, 'room:leave', {}), { ok: true });
        const socket = a.app.io.sockets.sockets.get(args[1].socketId)!;
        const closed = new Promise((resolve) => socket.once('disconnect', resolve));
        dropping.disconnect();
        await closed;
        return taken;
      };
      const refused = command(dropping, 'room:join', { room: 'desk', displayName: 'Ada' }).catch(() => 'no answer');
      await refused;
      book.take = take;
      // The undoing runs after the disconnect: wait for its news to be written, as for every other write.
      await eventually(
        async () => (await partner.calls('desk'))[0]?.endedAt != null,
        'the call ended with the undone seat',
      );
      await settledEverywhere(nodes);
      const calls = await partner.calls('desk');
      assert.equal(calls.length, 1);
      assert.deepEqual(who(calls[0]), [['Grace', 'hangup']], 'Ada never took part');
      assert.deepEqual(await partner.callEvents(hook.id), { started: 1, joined: 1, left: 1, ended: 1 });
    });

    it('a node that stops: its participant, never back, leaves the call with timeout; the call goes on', async (t) => {
      const { nodes, partner, hook, journaled } = await deployment(t, { RESUME_GRACE_SECONDS: '1' });
      const [a, b] = nodes;
      const gone = await connect(t, a);
      const stays = await connect(t, b);
      await seated(gone, 'desk', 'Ada');
      await seated(stays, 'desk', 'Grace');
      gone.io.reconnection(false); // it never comes back (as after SIGKILL: nothing to resume)
      const left = next(stays, 'peer:left', 15_000);
      await a.app.close(); // it beats no more: node B frees its seat once it counts as stopped
      await left;
      const alive = nodes.slice(1);
      await settledEverywhere(alive);
      const [open, ...more] = await partner.calls('desk');
      assert.equal(more.length, 0);
      assert.equal(open?.endedAt, null, 'Grace is still in the call');
      assert.deepEqual(who(open), [
        ['Ada', 'timeout'],
        ['Grace', null],
      ]);

      assert.deepEqual(await command(stays, 'room:leave', {}), { ok: true });
      await settledEverywhere(alive);
      const [ended] = await partner.calls('desk');
      assert.ok(ended?.endedAt);
      assert.deepEqual(who(ended), [
        ['Ada', 'timeout'],
        ['Grace', 'hangup'],
      ]);
      // Node A stopped with its journal empty: B adopted nothing, so nothing was told twice.
      assert.equal(await journaled(), 0);
      assert.deepEqual(await partner.callEvents(hook.id), { started: 1, joined: 2, left: 2, ended: 1 });
    });

    it('a node that stops before its writes reach the store: the node that claims it writes them, each told once', async (t) => {
      const { nodes, partner, hook } = await deployment(t, { RESUME_GRACE_SECONDS: '1' });
      const [a, b] = nodes;
      // Node A's store refuses its writes from here on: A stops with Ada's join (the start of the call) written
      // nowhere but in its journal in Redis.
      a.app.callHistory.recordCall = () => Promise.reject(new Error('the store is away'));
      const gone = await connect(t, a);
      await seated(gone, 'desk', 'Ada');
      const stays = await connect(t, b);
      await seated(stays, 'desk', 'Grace');
      gone.io.reconnection(false); // it never comes back (as after SIGKILL: nothing to resume)
      const left = next(stays, 'peer:left', 15_000);
      await a.app.close(); // it beats no more: node B claims its seats and adopts its journal
      assert.equal((await left).reason, 'timeout');
      const alive = nodes.slice(1);
      await settledEverywhere(alive);
      assert.deepEqual(await b.app.bus.seatBook!.journal(10), [], "B wrote what it adopted of A's journal");
      assert.deepEqual(await command(stays, 'room:leave', {}), { ok: true });
      await settledEverywhere(alive);
      const [ended, ...more] = await partner.calls('desk');
      assert.equal(more.length, 0);
      assert.ok(ended?.endedAt);
      assert.deepEqual(who(ended), [
        ['Ada', 'timeout'],
        ['Grace', 'hangup'],
      ]);
      assert.deepEqual(
        await partner.callEvents(hook.id),
        { started: 1, joined: 2, left: 2, ended: 1 },
        "Ada's join and the call's start, journaled on A, were told by B",
      );
    });

    it('leaves the store refused are written again from the journal; a node starting meanwhile leaves that call open', async (t) => {
      const { nodes, partner, hook, addNode } = await deployment(t);
      const [a] = nodes;
      const ada = await connect(t, a);
      const grace = await connect(t, a);
      await seated(ada, 'desk', 'Ada');
      await seated(grace, 'desk', 'Grace');
      await settledEverywhere(nodes);
      // The call is open in the store; now the store refuses node A's writes.
      const store = a.app.callHistory;
      const recordCall = store.recordCall.bind(store);
      let refused = 0;
      store.recordCall = () => {
        refused++;
        return Promise.reject(new Error('the store is away'));
      };
      assert.deepEqual(await command(ada, 'room:leave', {}), { ok: true });
      assert.deepEqual(await command(grace, 'room:leave', {}), { ok: true });
      await a.app.callHistoryWriter.flushed();
      assert.equal(refused, 2, 'both leaves were refused');
      assert.equal((await a.app.bus.seatBook!.journal(10)).length, 2, 'both are in the journal');

      // Redis kept its state: a node starting now leaves the call, seatless but journaled, to the journal.
      const late = await addNode();
      const [open] = await partner.calls('desk');
      assert.equal(open?.endedAt, null, 'not closed by the starting node');
      assert.deepEqual(who(open), [
        ['Ada', null],
        ['Grace', null],
      ]);
      nodes.push(late);

      // The store is back: the first look finds the entries idle, the second writes them again.
      store.recordCall = recordCall;
      await a.app.historyJournal!.look();
      await a.app.callHistoryWriter.flushed();
      assert.equal((await a.app.bus.seatBook!.journal(10)).length, 2, 'one look writes nothing');
      await a.app.historyJournal!.look();
      await settledEverywhere(nodes);
      assert.deepEqual(await a.app.bus.seatBook!.journal(10), [], 'written, and taken out');
      const [ended, ...more] = await partner.calls('desk');
      assert.equal(more.length, 0);
      assert.ok(ended?.endedAt);
      assert.deepEqual(who(ended), [
        ['Ada', 'hangup'],
        ['Grace', 'hangup'],
      ]);
      assert.deepEqual(await partner.callEvents(hook.id), { started: 1, joined: 2, left: 2, ended: 1 });
    });
  },
  { postgres: true },
);
