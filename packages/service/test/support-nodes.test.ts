/**
 * Support queues shared by several real nodes on one real Redis (TEST_REDIS_URL): a customer waiting on one node
 * is seen by the agents of every node (their snapshot, then `queue:changes`), an agent on another node takes
 * them and both meet in their room, the waiting caps count every node, places are told across nodes, the
 * `queue.customer.*` webhooks fire once, and a customer who drops keeps their place and comes back on another
 * node. Without TEST_REDIS_URL the suite is skipped, except under CI=true where that is a failure.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  applyQueueChanges,
  type AgentTaken,
  type QueueChanges,
  type QueueSnapshot,
  type QueueStatus,
  type RelayedSignal,
  type WebhookEventType,
} from '@vcw/shared';
import { agent, enter, joinMatch, next, outcome, snapshotFor, visitor, type Visitor } from './helpers/matching.js';
import { partnerAuth } from './helpers/partner.js';
import {
  assertClaimedInTime,
  busesUp,
  describeWithRedis,
  eventually,
  metric,
  recoveringClient,
  startNodes,
} from './helpers/redis-nodes.js';
import { command, type TestService } from './helpers/service.js';
import { collect } from './helpers/toolkit.js';
import { webhookReceiver } from './helpers/webhook-receiver.js';

const help = { mode: 'support', queue: 'help' };
const offer = { type: 'offer' as const, sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' };

/** An agent's view: its last snapshot with every `queue:changes` since applied in order. */
function agentView(who: Visitor, base: QueueSnapshot): () => QueueSnapshot {
  const seen: QueueChanges[] = collect(who.client, 'queue:changes');
  return () =>
    seen.reduce((view, changes) => {
      const next = applyQueueChanges(view, changes);
      assert.ok(next, `every id of queue:changes was sent before: ${changes.order.join(' ')}`);
      return next;
    }, base);
}

/** Retries a test can wait for. */
const FAST_WEBHOOKS = { retryDelaysMs: [100, 100, 100], attemptTimeoutMs: 2_000 };

const ids = (snapshot: QueueSnapshot) => snapshot.customers.map((c) => c.customerId);

describeWithRedis('support queues across nodes', () => {
  it('a customer on one node is seen by the agents of the others: snapshot, changes, agents online of every node', async (t) => {
    const { nodes } = await startNodes(t, 3);
    await busesUp(nodes);
    const [a, b, c] = nodes as [TestService, TestService, TestService];
    const ann = await visitor(t, a);
    assert.deepEqual(await enter(ann, { ...help, displayName: 'Ann', message: 'No sound' }), {
      mode: 'support',
      queue: 'help',
      status: 'waiting',
      position: 1,
      waiting: 1,
      agentsOnline: 0,
      estimatedWaitMs: null,
    });
    const smith = await agent(t, b, 'help', 'Agent Smith');
    const annTold = next(ann.client, 'queue:update');
    const first = await snapshotFor(smith, 'online');
    assert.deepEqual(
      first.customers.map((x) => [x.customerId, x.displayName, x.message]),
      [[ann.peerId, 'Ann', 'No sound']],
    );
    assert.deepEqual([first.total, first.agentsOnline], [1, 1]);
    assert.equal((await annTold).agentsOnline, 1, "the agent of node 2 counts in the status of node 1's customer");
    const view = agentView(smith, first);

    // A second agent online on a third node: both count everywhere.
    const jones = await agent(t, c, 'help', 'Agent Jones');
    const annTwo = next(ann.client, 'queue:update');
    assert.equal((await snapshotFor(jones, 'online')).agentsOnline, 2);
    assert.equal((await annTwo).agentsOnline, 2);
    await eventually(async () => view().agentsOnline === 2, "Smith's view counts Jones");

    // A customer on the third node: Smith's view gets its entry once, and equals a fresh snapshot.
    const bob = await visitor(t, c);
    assert.equal((await enter(bob, { ...help, displayName: 'Bob' })).position, 2);
    await eventually(async () => view().total === 2, 'Smith sees Bob');
    assert.deepEqual(ids(view()), [ann.peerId, bob.peerId]);
    assert.deepEqual(view(), await snapshotFor(jones, 'online'), 'the view rebuilt is the queue as it stands');
    assert.equal(await metric(a.app, 'vcw_cluster_queue_waiting{mode="support"}'), 2);
    assert.equal(await metric(a.app, 'vcw_cluster_agents_online'), 2);

    // Ann leaves on her node: Bob moves up in every agent's view, and is told so on his.
    const bobMoves = next(bob.client, 'queue:update');
    assert.equal(await outcome(ann.client, 'queue:leave', {}), 'ok');
    await eventually(async () => view().total === 1, 'Smith sees Ann go');
    assert.deepEqual(ids(view()), [bob.peerId]);
    assert.equal((await bobMoves).position, 1);
    const rest = await c.app.inject({ url: '/v1/queues/help', headers: await partnerAuth(c) });
    assert.deepEqual(rest.json<{ support: unknown }>().support, {
      waiting: 1,
      agentsOnline: 2,
      averageWaitSeconds: null,
    });
    assert.equal(await metric(b.app, 'vcw_cluster_queue_waiting{mode="support"}'), 1);
  });

  it('an agent on one node takes the customer of another (first, or named): both meet in their room', async (t) => {
    const { nodes } = await startNodes(t, 3);
    await busesUp(nodes);
    const [a, b, c] = nodes as [TestService, TestService, TestService];
    const ann = await visitor(t, a);
    const bob = await visitor(t, c);
    await enter(ann, { ...help, displayName: 'Ann', message: 'My invoice is wrong' });
    await enter(bob, { ...help, displayName: 'Bob' });
    const smith = await agent(t, b, 'help', 'Agent Smith');
    assert.ok((await snapshotFor(smith, 'online')).total === 2);

    const annFound = next(ann.client, 'match:found');
    const smithFound = next(smith.client, 'match:found');
    const taken = await command<AgentTaken>(smith.client, 'agent:take', {});
    assert.ok(taken.ok);
    assert.equal(taken.customerId, ann.peerId, 'the customer waiting longest');
    const [forAnn, forSmith] = await Promise.all([annFound, smithFound]);
    assert.deepEqual(forAnn, {
      mode: 'support',
      queue: 'help',
      room: forSmith.room,
      partner: { peerId: smith.peerId, displayName: 'Agent Smith' },
    });
    assert.deepEqual(forSmith.partner, { peerId: ann.peerId, displayName: 'Ann' });
    const room = await a.app.roomStore.findByName(a.projectId, forAnn.room);
    assert.deepEqual(room?.metadata, {
      match: {
        mode: 'support',
        queue: 'help',
        customer: { peerId: ann.peerId, displayName: 'Ann', message: 'My invoice is wrong' },
      },
    });
    assert.equal(await outcome(smith.client, 'agent:take', {}), 'already_in_room', 'one customer at a time');
    await joinMatch(smith, forSmith);
    const joined = await joinMatch(ann, forAnn);
    assert.deepEqual(
      joined.peers.map((p) => p.peerId),
      [smith.peerId],
    );
    const signal = next(smith.client, 'signal');
    assert.ok((await command(ann.client, 'signal', { to: smith.peerId, description: offer })).ok);
    assert.equal(((await signal) as RelayedSignal).from, ann.peerId);

    // The customer hangs up: the call is over, nobody waits again; the agent leaves and takes Bob by name.
    const left = next(smith.client, 'peer:left');
    assert.ok((await command(ann.client, 'room:leave', {})).ok);
    assert.equal((await left).peerId, ann.peerId);
    await eventually(async () => (await a.app.matching.stateOf(ann.peerId)) === undefined, 'Ann is done');
    assert.equal(await c.app.matching.stateOf(smith.peerId), undefined, 'Smith is free');
    const jones = await agent(t, a, 'help', 'Agent Jones');
    assert.equal(await outcome(jones.client, 'agent:take', { customerId: ann.peerId }), 'customer_not_waiting');
    assert.ok((await command(smith.client, 'room:leave', {})).ok);
    const bobFound = next(bob.client, 'match:found');
    const named = await command<AgentTaken>(smith.client, 'agent:take', { customerId: bob.peerId });
    assert.ok(named.ok);
    assert.equal((await bobFound).partner.peerId, smith.peerId);
    assert.equal(await outcome(jones.client, 'agent:take', {}), 'queue_empty');
    const stats = (await b.app.matching.statistics(b.projectId, 'help')).support;
    assert.deepEqual([stats.waiting, stats.agentsOnline], [0, 1]);
    assert.ok(stats.averageWaitMs !== null && stats.averageWaitMs >= 0, 'the waits are recorded');
  });

  it('20 takes across nodes, each from agent:take to both match:found within 1 s', async (t) => {
    const { nodes } = await startNodes(t, 3, { env: { RATE_LIMIT_HANDSHAKES_PER_MINUTE: '0' } });
    await busesUp(nodes);
    const latencies: number[] = [];
    for (let round = 0; round < 20; round++) {
      const queue = `desk-${round}`;
      const customer = await visitor(t, nodes[round % 3]!);
      await enter(customer, { mode: 'support', queue });
      const smith = await agent(t, nodes[(round + 1) % 3]!, queue);
      const found = [next(customer.client, 'match:found'), next(smith.client, 'match:found')];
      const started = performance.now();
      assert.equal(await outcome(smith.client, 'agent:take', {}), 'ok');
      const [forCustomer, forAgent] = await Promise.all(found);
      latencies.push(performance.now() - started);
      assert.equal(forCustomer!.room, forAgent!.room);
      customer.client.disconnect();
      smith.client.disconnect();
    }
    latencies.sort((x, y) => x - y);
    console.log(
      `# taken across nodes (agent:take to both match:found), 20 calls: median ${latencies[10]!.toFixed(1)} ms, max ${latencies[19]!.toFixed(1)} ms`,
    );
    assert.ok(latencies[19]! < 1000, `every call within 1 s (${latencies[19]!.toFixed(0)} ms)`);
  });

  it('the waiting caps count the customers of every node, per queue and per project', async (t) => {
    const { nodes } = await startNodes(t, 3, { env: { MAX_WAITING_PER_QUEUE: '2', MAX_WAITING_PER_PROJECT: '3' } });
    await busesUp(nodes);
    const [a, b, c] = nodes as [TestService, TestService, TestService];
    const ann = await visitor(t, a);
    assert.equal(await outcome(ann.client, 'queue:enter', help), 'ok');
    assert.equal(await outcome((await visitor(t, b)).client, 'queue:enter', help), 'ok');
    assert.equal(await outcome((await visitor(t, c)).client, 'queue:enter', help), 'queue_full', 'per queue');
    assert.equal(await outcome((await visitor(t, c)).client, 'queue:enter', { ...help, queue: 'billing' }), 'ok');
    assert.equal(
      await outcome((await visitor(t, b)).client, 'queue:enter', { mode: 'random', queue: 'lobby' }),
      'queue_full',
      'per project, random and support together',
    );
    assert.equal(await outcome(ann.client, 'queue:leave', {}), 'ok');
    assert.equal(await outcome((await visitor(t, c)).client, 'queue:enter', help), 'ok', 'a place freed is a place');
  });

  it('customers are told their place across nodes, only when it changed and at most once a second', async (t) => {
    const { nodes } = await startNodes(t, 3);
    await busesUp(nodes);
    const customers: Visitor[] = [];
    for (const node of nodes) {
      const who = await visitor(t, node);
      await enter(who, help);
      customers.push(who);
    }
    const [ann, bob, cat] = customers as [Visitor, Visitor, Visitor];
    const catTold: Array<{ status: QueueStatus; at: number }> = [];
    cat.client.on('queue:update', (status) => catTold.push({ status, at: Date.now() }));
    const bobTold = collect(bob.client, 'queue:update');

    assert.equal(await outcome(ann.client, 'queue:leave', {}), 'ok');
    await eventually(async () => catTold.length > 0 && bobTold.length > 0, 'Bob and Cat told their places');
    assert.deepEqual([bobTold[0]?.position, catTold[0]?.status.position], [1, 2]);
    // Barrier: Bob leaves too; Cat's next update is its place after that, nothing in between.
    assert.equal(await outcome(bob.client, 'queue:leave', {}), 'ok');
    await eventually(async () => catTold.length > 1, 'Cat told again');
    assert.deepEqual(
      catTold.map(({ status }) => [status.status, status.position, status.waiting]),
      [
        ['waiting', 2, 2],
        ['waiting', 1, 1],
      ],
    );
    const gap = catTold[1]!.at - catTold[0]!.at;
    assert.ok(gap >= 500, `places are told at most once a second (${gap} ms between two)`);
    assert.deepEqual(bobTold.length, 1, "Bob's own leave is its acknowledgement");
  });

  it(
    'a node with 600 customers in one line tells each their new place (in scripts of 250)',
    { timeout: 60_000 },
    async (t) => {
      const { nodes } = await startNodes(t, 2, {
        env: {
          RATE_LIMIT_HANDSHAKES_PER_MINUTE: '0',
          MAX_CONNECTIONS_PER_ADDRESS: '0',
          MAX_WAITING_PER_QUEUE: '1000',
          MAX_WAITING_PER_PROJECT: '1000',
        },
      });
      await busesUp(nodes);
      const [one, two] = nodes as [TestService, TestService];
      const first = await visitor(t, two);
      await enter(first, help);
      const line: Visitor[] = [];
      for (let i = 0; i < 600; i += 50)
        line.push(...(await Promise.all(Array.from({ length: 50 }, () => visitor(t, one)))));
      const places = new Map<Visitor, number>();
      for (const who of line) {
        const { position } = await enter(who, help);
        places.set(who, position);
        who.client.on('queue:update', (status) => places.set(who, status.position));
      }
      assert.deepEqual(
        line.map((who) => places.get(who)),
        line.map((_, i) => i + 2),
        'each entered behind the first',
      );
      assert.equal(await outcome(first.client, 'queue:leave', {}), 'ok');
      await eventually(
        async () => line.every((who, i) => places.get(who) === i + 1),
        'all 600 told they moved up one place',
        10_000,
      );
    },
  );

  it('a node that stops: after 5 s without a beat another lets its customers go and takes its agents offline', async (t) => {
    const { nodes } = await startNodes(t, 2, { env: { RESUME_GRACE_SECONDS: '1' } });
    await busesUp(nodes);
    const [a, b] = nodes as [TestService, TestService];
    const smith = await agent(t, a, 'help', 'Agent Smith');
    await snapshotFor(smith, 'online');
    const ann = await visitor(t, a);
    const bob = await visitor(t, b);
    await enter(ann, { ...help, displayName: 'Ann' });
    const waiting = await enter(bob, { ...help, displayName: 'Bob' });
    assert.deepEqual([waiting.position, waiting.agentsOnline], [2, 1]);
    for (const who of [smith, ann]) who.client.io.reconnection(false); // as after SIGKILL: nothing to resume
    const told = collect(bob.client, 'queue:update');
    const stoppedAt = Date.now();
    await a.app.close(); // its agent stays online and its customer in line, in Redis, until another node claims them
    await eventually(
      async () => told.some((s) => s.position === 1 && s.agentsOnline === 0),
      'Bob first in line, with nobody online',
      10_000,
    );
    assertClaimedInTime(stoppedAt, 'let go');
    assert.deepEqual(
      [
        await metric(b.app, 'vcw_cluster_queue_waiting{mode="support"}'),
        await metric(b.app, 'vcw_cluster_agents_online'),
      ],
      [1, 0],
    );
  });

  it('a customer who drops keeps their place through the grace, and comes back on another node', async (t) => {
    const { nodes } = await startNodes(t, 3, { env: { RESUME_GRACE_SECONDS: '5' } });
    await busesUp(nodes);
    const [a, b, c] = nodes as [TestService, TestService, TestService];
    const ann = await visitor(t, a);
    const bob = await visitor(t, b);
    await enter(ann, { ...help, displayName: 'Ann' });
    await enter(bob, { ...help, displayName: 'Bob' });
    const smith = await agent(t, c, 'help');
    const annId = ann.client.id!;
    ann.client.io.engine.close(); // the network drops
    await eventually(async () => !a.app.io.of('/').sockets.has(annId), 'node 1 saw the connection drop');
    const line = { projectId: c.projectId, mode: 'support', queue: 'help' } as const;
    await eventually(async () => (await c.app.matching.waiting(line)).some((e) => e.suspended), 'her place is held');
    assert.equal(
      await outcome(smith.client, 'agent:take', { customerId: ann.peerId }),
      'customer_not_waiting',
      'not taken while away',
    );
    const back = recoveringClient(t, b, ann.client);
    const told = collect(back, 'queue:update');
    const session = next(back, 'session');
    back.connect();
    assert.equal((await session).peerId, ann.peerId);
    await eventually(async () => told.length > 0, 'she is told her place');
    assert.deepEqual([told[0]!.status, told[0]!.position], ['waiting', 1], 'her place as it stands');
    const annFound = next(back, 'match:found');
    const taken = await command<AgentTaken>(smith.client, 'agent:take', {});
    assert.ok(taken.ok);
    assert.equal(taken.customerId, ann.peerId, 'still first in line');
    assert.equal((await annFound).partner.peerId, smith.peerId);
  });
});

// On a shared PostgreSQL, as the deliveries of several nodes are.
describeWithRedis(
  'support webhooks across nodes',
  () => {
    it('the queue.customer.* webhooks fire once, from whichever node made the change', async (t) => {
      const { nodes } = await startNodes(t, 3, { postgres: true, webhookTimings: FAST_WEBHOOKS });
      await busesUp(nodes);
      const [a, b, c] = nodes as [TestService, TestService, TestService];
      const receiver = await webhookReceiver(t);
      const events: WebhookEventType[] = [
        'queue.customer.waiting',
        'queue.customer.answered',
        'queue.customer.abandoned',
      ];
      const hook = await c.app.inject({
        method: 'POST',
        url: '/v1/webhooks',
        headers: await partnerAuth(c),
        payload: { url: receiver.url, events },
      });
      assert.equal(hook.statusCode, 201, hook.body);
      const ann = await visitor(t, a);
      const bob = await visitor(t, b);
      const cat = await visitor(t, c);
      await enter(ann, { ...help, displayName: 'Ann', message: 'No sound' });
      await enter(bob, { ...help, displayName: 'Bob' });
      await enter(cat, { ...help, displayName: 'Cat' });
      const smith = await agent(t, b, 'help', 'Agent Smith');
      assert.ok((await command(smith.client, 'agent:take', {})).ok);
      assert.ok((await command(bob.client, 'queue:leave', {})).ok);
      cat.client.disconnect(); // a closed tab: gone at once, no grace
      await eventually(async () => (await a.app.matching.stateOf(cat.peerId)) === undefined, 'Cat is out');

      const got = await receiver.until(6);
      for (const { app } of nodes) await app.webhooks.dispatcher.settled();
      const key = (type: string, data: { displayName?: string; reason?: string }) =>
        `${type} ${data.displayName}${data.reason ? ` ${data.reason}` : ''}`;
      assert.deepEqual(
        got.map((r) => key(r.payload.type, r.payload.data as { displayName?: string })).sort(),
        [
          'queue.customer.abandoned Bob left',
          'queue.customer.abandoned Cat disconnected',
          'queue.customer.answered Ann',
          'queue.customer.waiting Ann',
          'queue.customer.waiting Bob',
          'queue.customer.waiting Cat',
        ].sort(),
      );
      const answered = got.find((r) => r.payload.type === 'queue.customer.answered')!.payload.data;
      assert.deepEqual((answered as { agent: unknown }).agent, { peerId: smith.peerId, displayName: 'Agent Smith' });
      const deliveries = await c.app.webhooks.store.listDeliveries(hook.json<{ id: string }>().id, { limit: 100 });
      assert.equal(deliveries.deliveries.length, 6, 'each event stored once, across the three nodes');
    });
  },
  { postgres: true },
);
