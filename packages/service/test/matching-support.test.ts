/** Support calls through a real service: customers waiting, agents with tokens taking and declining them, tickets. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SignJWT } from 'jose';
import {
  applyQueueChanges,
  PROTOCOL_VERSION,
  type AgentTaken,
  type ParticipantList,
  type QueueSnapshot,
  type QueueStatus,
  type TicketCreated,
} from '@vcw/shared';
import { DEFAULT_NOTICE_PACING } from '../src/matching/lines.js';
import {
  agent,
  enter,
  FAST_MATCHING,
  joinMatch,
  next,
  outcome,
  randomVisitor,
  snapshotFor,
  visitor,
} from './helpers/matching.js';
import { collect, TestClock, until } from './helpers/toolkit.js';
import { partnerAuth } from './helpers/partner.js';
import { buildService, command, connect, inProcessOnly, TEST_TOKEN_SECRET } from './helpers/service.js';

const support = (queue = 'help') => ({ mode: 'support', queue });

describe('waiting for support', () => {
  it('customers wait in arrival order; with no agent online there is no estimate, and a customer can leave a ticket', async (t) => {
    const service = await buildService(t);
    const first = await visitor(t, service);
    const second = await visitor(t, service);
    assert.deepEqual(await enter(first, { ...support(), displayName: 'Ann', message: 'My camera is black' }), {
      mode: 'support',
      queue: 'help',
      status: 'waiting',
      position: 1,
      waiting: 1,
      agentsOnline: 0,
      estimatedWaitMs: null,
    });
    assert.equal((await enter(second, support())).position, 2);
    const reply = await command<TicketCreated>(second.client, 'ticket:create', {
      queue: 'help',
      message: 'Call me back',
      contact: 'ann@example.com',
      displayName: 'Ann',
    });
    assert.ok(reply.ok);
    assert.match(reply.ticketId, /^tkt_/);
    const { tickets } = await service.app.queueStore.listTickets(service.projectId, 'help', { limit: 10 });
    assert.deepEqual(
      tickets.map((tk) => [tk.id, tk.message, tk.contact, tk.displayName]),
      [[reply.ticketId, 'Call me back', 'ann@example.com', 'Ann']],
    );
  });

  it("an agent going online is counted in every customer's status; going away is too", async (t) => {
    const service = await buildService(t);
    const customer = await visitor(t, service);
    await enter(customer, support());
    const smith = await agent(t, service, 'help');
    const online = next(customer.client, 'queue:update');
    const snapshot = await command<QueueSnapshot>(smith.client, 'agent:status', { status: 'online', queue: 'help' });
    assert.ok(snapshot.ok);
    assert.equal(snapshot.agentsOnline, 1);
    assert.deepEqual(
      snapshot.customers.map((c) => [c.customerId, c.displayName]),
      [[customer.peerId, 'Guest']],
    );
    assert.equal((await online).agentsOnline, 1);
    const away = next(customer.client, 'queue:update');
    assert.ok((await command(smith.client, 'agent:status', { status: 'away' })).ok);
    assert.deepEqual([(await away).agentsOnline, (await away).estimatedWaitMs], [0, null]);
  });
});

describe('agents taking customers', () => {
  it('takes the customer waiting longest: both land in a fresh private room, the others move up and the agents see it', async (t) => {
    const service = await buildService(t);
    const ann = await visitor(t, service);
    const bob = await visitor(t, service);
    await enter(ann, { ...support(), displayName: 'Ann', message: 'No sound' });
    await enter(bob, { ...support(), displayName: 'Bob' });
    const smith = await agent(t, service, 'help', 'Agent Smith');
    const jones = await agent(t, service, 'help', 'Agent Jones');
    const before = await command<QueueSnapshot>(smith.client, 'agent:status', { status: 'online' });
    assert.ok(before.ok);
    assert.deepEqual(
      before.customers.map((c) => [c.customerId, c.displayName, c.message]),
      [
        [ann.peerId, 'Ann', 'No sound'],
        [bob.peerId, 'Bob', undefined],
      ],
    );
    const jonesAck = await command<QueueSnapshot>(jones.client, 'agent:status', { status: 'away' });
    assert.ok(jonesAck.ok);
    const jonesSees = next(jones.client, 'queue:changes');
    const annFound = next(ann.client, 'match:found');
    const smithFound = next(smith.client, 'match:found');
    const bobMoves = next(bob.client, 'queue:update');

    const taken = await command<AgentTaken>(smith.client, 'agent:take', {});
    assert.ok(taken.ok);
    assert.equal(taken.customerId, ann.peerId);
    const [forAnn, forSmith] = await Promise.all([annFound, smithFound]);
    assert.deepEqual(forAnn.partner, { peerId: smith.peerId, displayName: 'Agent Smith' });
    assert.deepEqual(forSmith, {
      mode: 'support',
      queue: 'help',
      room: forAnn.room,
      partner: { peerId: ann.peerId, displayName: 'Ann' },
    });
    assert.equal((await bobMoves).position, 1);
    const jonesChanges = await jonesSees;
    assert.deepEqual(
      [jonesChanges.order, jonesChanges.added],
      [[bob.peerId], []],
      'Bob was in the ack: only his id again',
    );
    assert.deepEqual(
      applyQueueChanges(jonesAck, jonesChanges)?.customers.map((c) => c.customerId),
      [bob.peerId],
    );

    // The call starts without further clicks: both join the room the match names.
    await joinMatch(smith, forSmith);
    const annSeat = await joinMatch(ann, forAnn);
    assert.equal(annSeat.capacity, 2);
    const room = await service.app.roomStore.findByName(service.projectId, forAnn.room);
    const participants = (
      await service.app.inject({
        method: 'GET',
        url: `/v1/rooms/${room?.id}/participants`,
        headers: await partnerAuth(service),
      })
    ).json<ParticipantList>();
    assert.deepEqual(
      participants.data.map((p) => [p.displayName, p.role]),
      [
        ['Agent Smith', 'agent'],
        ['Ann', 'guest'],
      ],
    );
  });

  it(
    "estimates each customer's wait from the recent average, shared among the agents online",
    inProcessOnly("it moves matching's clock by hand; on Redis the waits are timed by Redis's clock"),
    async (t) => {
      const clock = new TestClock();
      const service = await buildService(t, { matchClock: clock });
      const customers = [];
      for (let i = 0; i < 3; i++) {
        const c = await visitor(t, service);
        await enter(c, support());
        customers.push(c);
      }
      const smith = await agent(t, service, 'help');
      assert.ok((await command(smith.client, 'agent:status', { status: 'online' })).ok);
      clock.advance(200);
      const updates = collect(customers[2]!.client, 'queue:update');
      assert.ok((await command(smith.client, 'agent:take', {})).ok);
      const snapshot = (await service.app.matching.statistics(service.projectId, 'help')).support;
      assert.equal(snapshot.averageWaitMs, 200, 'Ann waited 200 ms');
      // Places are told at most once a second: the next round is due a second after the agent came online.
      clock.advance(DEFAULT_NOTICE_PACING.positionEveryMs);
      await until(() => updates.length > 0, 'the last customer to be told');
      assert.deepEqual([updates[0]?.position, updates[0]?.estimatedWaitMs], [2, snapshot.averageWaitMs * 2]);

      const jones = await agent(t, service, 'help');
      assert.ok((await command(jones.client, 'agent:status', { status: 'online' })).ok);
      await until(() => updates.length > 1, 'the estimate for two agents');
      assert.deepEqual([updates[1]?.agentsOnline, updates[1]?.estimatedWaitMs], [2, snapshot.averageWaitMs]);
    },
  );

  it('picks a named customer, declines one with the reason they are shown, and says when nobody is there', async (t) => {
    const service = await buildService(t);
    const [ann, bob, cat] = [await visitor(t, service), await visitor(t, service), await visitor(t, service)];
    for (const c of [ann, bob, cat]) await enter(c, support());
    const smith = await agent(t, service, 'help');
    const declined = next(cat.client, 'queue:update');
    assert.equal(
      await outcome(smith.client, 'agent:decline', {
        customerId: cat.peerId,
        reason: 'We only support the Pro plan here.',
      }),
      'ok',
    );
    const told = await declined;
    assert.deepEqual([told.status, told.reason, told.position], ['declined', 'We only support the Pro plan here.', 0]);
    assert.equal(await outcome(cat.client, 'queue:leave', {}), 'not_in_queue', 'declined means out of line');

    const picked = await command<AgentTaken>(smith.client, 'agent:take', { customerId: bob.peerId });
    assert.ok(picked.ok);
    assert.equal(picked.customerId, bob.peerId);
    assert.equal(await outcome(smith.client, 'agent:take', {}), 'already_in_room', 'one customer at a time');
    const jones = await agent(t, service, 'help');
    assert.equal(
      await outcome(jones.client, 'agent:take', { customerId: bob.peerId }),
      'customer_not_waiting',
      'taken already',
    );
    assert.equal(
      await outcome(jones.client, 'agent:decline', { customerId: cat.peerId, reason: 'again' }),
      'customer_not_waiting',
    );
    assert.equal(
      await outcome(jones.client, 'agent:take', { customerId: 'nobody-with-this-id' }),
      'customer_not_waiting',
    );
    assert.equal((await command<AgentTaken>(jones.client, 'agent:take', {})).ok, true, 'Ann is still there');
    const alone = await agent(t, service, 'help');
    assert.equal(await outcome(alone.client, 'agent:take', {}), 'queue_empty');
  });

  it('when either side leaves the call nobody waits again; the agent leaves the room before taking the next', async (t) => {
    const service = await buildService(t);
    const ann = await visitor(t, service);
    await enter(ann, support());
    const smith = await agent(t, service, 'help');
    const found = next(ann.client, 'match:found');
    const smithFound = next(smith.client, 'match:found');
    assert.ok((await command(smith.client, 'agent:take', {})).ok);
    await joinMatch(ann, await found);
    await joinMatch(smith, await smithFound);
    const ended = collect(smith.client, 'match:ended');
    const left = next(smith.client, 'peer:left');
    assert.ok((await command(ann.client, 'room:leave', {})).ok);
    assert.deepEqual(await left, { peerId: ann.peerId, reason: 'hangup' });
    // On Redis the seat's end reaches matching a moment after the others heard it.
    await until(async () => (await service.app.matching.stateOf(ann.peerId)) === undefined, 'the customer is done');
    assert.equal((await service.app.matching.statistics(service.projectId, 'help')).support.waiting, 0);
    assert.deepEqual(ended, []);

    const bob = await visitor(t, service);
    await enter(bob, support());
    assert.equal(await outcome(smith.client, 'agent:take', {}), 'already_in_room');
    assert.ok((await command(smith.client, 'room:leave', {})).ok);
    assert.equal(await outcome(smith.client, 'agent:take', {}), 'ok');
  });

  it('an agent who never joins: the customer is back at the front, told partner-left', async (t) => {
    const clock = new TestClock();
    const service = await buildService(t, { matchTimings: FAST_MATCHING, matchClock: clock });
    const ann = await visitor(t, service);
    const bob = await visitor(t, service);
    await enter(ann, support());
    const smith = await agent(t, service, 'help');
    const found = next(ann.client, 'match:found');
    assert.ok((await command(smith.client, 'agent:take', {})).ok);
    await enter(bob, support());
    await joinMatch(ann, await found);
    const ended = next(ann.client, 'match:ended');
    clock.advance(FAST_MATCHING.joinDeadlineMs);
    const { reason, status } = await ended;
    assert.deepEqual([reason, status.status, status.position], ['partner-left', 'waiting', 1]);
    assert.equal(await service.app.matching.stateOf(smith.peerId), undefined, 'the agent is free again');
  });

  it('an agent who disconnects stops counting at once', async (t) => {
    const service = await buildService(t);
    const ann = await visitor(t, service);
    await enter(ann, support());
    const smith = await agent(t, service, 'help');
    // Ann hears the agent come (on Redis a moment after its acknowledgement), then go.
    const online = next(ann.client, 'queue:update');
    assert.ok((await command(smith.client, 'agent:status', { status: 'online' })).ok);
    assert.equal((await online).agentsOnline, 1);
    const gone = next(ann.client, 'queue:update');
    smith.client.disconnect();
    assert.equal((await gone).agentsOnline, 0);
  });
});

describe('what agents are sent', () => {
  it("one snapshot, then changes carrying each customer's entry once; the view rebuilt always equals the queue", async (t) => {
    const service = await buildService(t);
    const smith = await agent(t, service, 'help', 'Agent Smith');
    const jones = await agent(t, service, 'help', 'Agent Jones');
    const seen = collect(smith.client, 'queue:changes');
    /** Smith's view: the last ack, with the changes that came after it applied in order. */
    let base = await snapshotFor(smith, 'online');
    let from = seen.length;
    const view = (): QueueSnapshot => {
      let rebuilt = base;
      for (const changes of seen.slice(from)) {
        const next = applyQueueChanges(rebuilt, changes);
        assert.ok(next, `every id of queue:changes was sent before: ${changes.order.join(' ')}`);
        rebuilt = next;
      }
      return rebuilt;
    };
    const customers = [];
    for (let i = 0; i < 30; i++) {
      const customer = await visitor(t, service);
      await enter(customer, {
        ...support(),
        displayName: `Customer ${i}`,
        message: `question ${i} `.padEnd(1000, '.'),
      });
      customers.push(customer);
    }
    await until(() => view().total === 30, 'Smith sees all 30');
    assert.deepEqual(view(), await snapshotFor(jones, 'away'), "a second agent's first snapshot lists the same");
    assert.deepEqual(
      view().customers.map((c) => c.customerId),
      customers.slice(0, 20).map((c) => c.peerId),
      'the first 20, in order',
    );
    const addedIds = () => seen.flatMap((changes) => changes.added.map((c) => c.customerId));
    assert.deepEqual(
      addedIds().sort(),
      customers
        .slice(0, 20)
        .map((c) => c.peerId)
        .sort(),
      'each of the first 20 entries sent once; none behind them',
    );
    assert.ok(seen.every((changes) => changes.order.length <= 20));

    // Someone behind the first 20 leaves: the order is the same, only the figures change.
    let count = seen.length;
    assert.ok((await command(customers[24]!.client, 'queue:leave', {})).ok);
    await until(() => seen.length > count && view().total === 29, 'Smith told 29 wait');
    assert.deepEqual(
      seen.slice(count).map((changes) => changes.added),
      [[]],
    );
    const fresh = await snapshotFor(smith, 'online');
    assert.deepEqual(view(), fresh, 'a fresh agent:status ack lists the same');
    base = fresh;
    from = seen.length;

    // The first leaves: the 21st moves up, and its entry is the only one sent.
    count = seen.length;
    assert.ok((await command(customers[0]!.client, 'queue:leave', {})).ok);
    await until(() => view().total === 28, 'Smith told 28 wait');
    assert.deepEqual(
      seen.slice(count).map((changes) => changes.added.map((c) => [c.customerId, c.message])),
      [[[customers[20]!.peerId, `question 20 `.padEnd(1000, '.')]]],
    );
    assert.deepEqual(view(), await snapshotFor(jones, 'away'));
    assert.deepEqual(
      view().customers.map((c) => c.customerId),
      customers.slice(1, 21).map((c) => c.peerId),
    );
  });
});

describe('agent tokens', () => {
  it('are required for agent commands, serve one queue, and open no room but those of the customers taken', async (t) => {
    const service = await buildService(t);
    const plain = await visitor(t, service);
    for (const [event, payload] of [
      ['agent:status', { status: 'online' }],
      ['agent:take', {}],
      ['agent:decline', { customerId: plain.peerId, reason: 'no' }],
    ] as const) {
      assert.equal(await outcome(plain.client, event, payload), 'agent_only', event);
    }
    const helpAgent = await agent(t, service, 'help');
    assert.equal(
      await outcome(helpAgent.client, 'agent:status', { status: 'online', queue: 'billing' }),
      'token_queue_mismatch',
    );
    assert.equal(await outcome(helpAgent.client, 'queue:enter', support('billing')), 'token_queue_mismatch');
    assert.equal(
      await outcome(helpAgent.client, 'queue:enter', { mode: 'random', queue: 'help' }),
      'token_queue_mismatch',
    );
    assert.equal(await outcome(helpAgent.client, 'queue:enter', support('help')), 'already_in_queue');
    assert.equal(await outcome(helpAgent.client, 'room:join', { room: 'lobby' }), 'token_room_mismatch');
    assert.equal(
      await outcome(helpAgent.client, 'ticket:create', { queue: 'help', message: 'from the agent' }),
      'token_queue_mismatch',
    );

    const billingCustomer = await visitor(t, service);
    await enter(billingCustomer, support('billing'));
    assert.equal(
      await outcome(helpAgent.client, 'agent:take', { customerId: billingCustomer.peerId }),
      'customer_not_waiting',
      "another queue's customer",
    );
    assert.equal(await outcome(helpAgent.client, 'agent:take', {}), 'queue_empty');
  });

  it('support and random queues of one name are different queues', async (t) => {
    const service = await buildService(t);
    const stranger = await randomVisitor(t, service, { queue: 'help' });
    const smith = await agent(t, service, 'help');
    assert.equal(await outcome(smith.client, 'agent:take', {}), 'queue_empty');
    assert.equal(await service.app.matching.stateOf(stranger.peerId), 'waiting');
  });

  it('an expired or forged agent token is refused at the handshake', async (t) => {
    const service = await buildService(t);
    const sign = (claims: Record<string, unknown>, exp: number, secret = TEST_TOKEN_SECRET) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer('vcw')
        .setAudience('vcw:agent')
        .setIssuedAt()
        .setJti('forged')
        .setExpirationTime(exp)
        .sign(new TextEncoder().encode(secret));
    const claims = { pid: service.projectId, queue: 'help', role: 'agent', name: 'Eve' };
    const now = Math.floor(Date.now() / 1000);
    const withToken = (token: string) => ({ auth: { protocol: PROTOCOL_VERSION, token } });
    await assert.rejects(connect(t, service, withToken(await sign(claims, now - 10))), { code: 'token_expired' });
    await assert.rejects(
      connect(t, service, withToken(await sign(claims, now + 600, 'another-secret-0123456789abcdefghijk'))),
      { code: 'token_invalid' },
    );
    await assert.rejects(connect(t, service, withToken(await sign({ ...claims, role: 'host' }, now + 600))), {
      code: 'token_invalid',
    });
    await assert.rejects(connect(t, service, withToken(await sign({ ...claims, queue: '../x' }, now + 600))), {
      code: 'token_invalid',
    });
    await assert.rejects(connect(t, service, withToken(await sign({ ...claims, pid: 'prj_gone' }, now + 600))), {
      code: 'token_invalid',
    });
    // A room token's claims under the agent audience are no agent token either.
    await assert.rejects(
      connect(
        t,
        service,
        withToken(await sign({ pid: service.projectId, rid: 'room_1', room: 'x', role: 'agent' }, now + 600)),
      ),
      { code: 'token_invalid' },
    );
    assert.ok(
      await connect(t, service, withToken(await sign(claims, now + 600))),
      'the same claims, in time and signed by the service, are fine',
    );
  });
});

describe('bad customer input', () => {
  it('caps the tickets one connection may leave', async (t) => {
    const service = await buildService(t);
    const who = await visitor(t, service);
    const codes = [];
    for (let i = 0; i < 6; i++)
      codes.push(await outcome(who.client, 'ticket:create', { queue: 'help', message: `message ${i}` }));
    assert.deepEqual(codes, ['ok', 'ok', 'ok', 'ok', 'ok', 'rate_limited']);
  });

  it('a status for a queue nobody serves: waiting, position 1, no agent', async (t) => {
    const service = await buildService(t);
    const who = await visitor(t, service);
    const status = await command<QueueStatus>(who.client, 'queue:enter', support('nobody-here'));
    assert.ok(status.ok);
    assert.deepEqual([status.position, status.agentsOnline, status.estimatedWaitMs], [1, 0, null]);
  });
});
