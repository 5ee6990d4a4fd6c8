/** Random mode through a real service: pairing, joining the match room, next, leaving, reporting, drops. */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { PROTOCOL_VERSION, type QueueStatus } from '@vcw/shared';
import {
  enter,
  FAST_MATCHING,
  joinMatch,
  next,
  outcome,
  randomVisitor,
  visitor,
  type Visitor,
} from './helpers/matching.js';
import { collect, TestClock, until } from './helpers/toolkit.js';
import { partnerAuth } from './helpers/partner.js';
import {
  buildService,
  command,
  reconnectingClient,
  SITE_ORIGIN,
  type Client,
  type TestService,
} from './helpers/service.js';

/** A service whose matching runs on a clock the test moves, so its pauses and deadlines pass without waiting. */
async function onTestClock(t: TestContext): Promise<{ service: TestService; clock: TestClock }> {
  const clock = new TestClock();
  return { service: await buildService(t, { matchTimings: FAST_MATCHING, matchClock: clock }), clock };
}

/** Two visitors paired with each other, both seated in their match room. */
async function pairInCall(
  t: TestContext,
  service: TestService,
  extra: { a?: Record<string, unknown>; b?: Record<string, unknown> } = {},
) {
  const a = await randomVisitor(t, service, extra.a);
  const foundA = next(a.client, 'match:found');
  const b = await visitor(t, service);
  const foundB = next(b.client, 'match:found');
  await enter(b, { mode: 'random', queue: 'default', ...extra.b });
  const [matchA, matchB] = await Promise.all([foundA, foundB]);
  await joinMatch(a, matchA);
  await joinMatch(b, matchB);
  return { a, b, match: matchA };
}

describe('random pairing', () => {
  it('pairs two waiting visitors; both learn of the other and meet in a private room where the second to join offers', async (t) => {
    const service = await buildService(t);
    const alice = await visitor(t, service);
    const waiting = await enter(alice, { mode: 'random', queue: 'default', displayName: 'Alice' });
    assert.deepEqual(waiting, {
      mode: 'random',
      queue: 'default',
      status: 'waiting',
      position: 1,
      waiting: 1,
      agentsOnline: 0,
      estimatedWaitMs: null,
    });

    const aliceFound = next(alice.client, 'match:found');
    const bob = await visitor(t, service);
    const bobFound = next(bob.client, 'match:found');
    const paired = await enter(bob, { mode: 'random', queue: 'default', displayName: 'Bob' });
    assert.equal(paired.status, 'matched');
    const [forAlice, forBob] = await Promise.all([aliceFound, bobFound]);
    assert.deepEqual(forAlice, {
      mode: 'random',
      queue: 'default',
      room: forBob.room,
      partner: { peerId: bob.peerId, displayName: 'Bob' },
    });
    assert.deepEqual(forBob.partner, { peerId: alice.peerId, displayName: 'Alice' });
    assert.match(forAlice.room, /^match-[0-9a-f]{16}$/);

    const room = await service.app.roomStore.findByName(service.projectId, forAlice.room);
    assert.equal(room?.privacy, 'private');
    assert.equal(room?.maxParticipants, 2);
    const stranger = await visitor(t, service);
    assert.equal(
      await outcome(stranger.client, 'room:join', { room: forAlice.room }),
      'room_private',
      'nobody else gets in',
    );

    const announced = next(alice.client, 'peer:joined');
    assert.deepEqual((await joinMatch(alice, forAlice)).peers, []);
    const bobSeat = await joinMatch(bob, forBob);
    assert.deepEqual(
      bobSeat.peers.map((p) => [p.peerId, p.polite]),
      [[alice.peerId, false]],
      'Bob, the second to join, offers',
    );
    assert.equal((await announced).peerId, bob.peerId);
    assert.equal(bobSeat.capacity, 2);
  });

  it('never pairs a connection with itself, nor two tabs of one visitor', async (t) => {
    const service = await buildService(t);
    const tab1 = await randomVisitor(t, service, { visitorId: 'visitor-0001' });
    assert.equal(await outcome(tab1.client, 'queue:enter', { mode: 'random', queue: 'default' }), 'already_in_queue');
    const tab2 = await visitor(t, service);
    assert.equal((await enter(tab2, { mode: 'random', queue: 'default', visitorId: 'visitor-0001' })).position, 2);
    const found = next(tab1.client, 'match:found');
    const other = await randomVisitor(t, service);
    assert.equal((await found).partner.peerId, other.peerId);
    assert.deepEqual(
      (await service.app.matching.waiting({ projectId: service.projectId, mode: 'random', queue: 'default' })).map(
        (e) => e.peerId,
      ),
      [tab2.peerId],
    );
  });

  it('pairs a visitor without camera or microphone like any other; the partner learns its media (for a text chat)', async (t) => {
    const service = await buildService(t);
    const media = { microphone: false, camera: false, screen: false };
    const mute = await randomVisitor(t, service, { media });
    const found = next(mute.client, 'match:found');
    const other = await visitor(t, service);
    const otherFound = next(other.client, 'match:found');
    await enter(other, { mode: 'random', queue: 'default', media: { microphone: true, camera: true, screen: false } });
    assert.deepEqual((await otherFound).partner.media, media);
    assert.equal((await found).partner.peerId, other.peerId);
  });

  it('keeps queues of other names, other projects and other modes apart', async (t) => {
    const service = await buildService(t);
    const lobby = await randomVisitor(t, service, { queue: 'lobby' });
    const customer = await visitor(t, service);
    await enter(customer, { mode: 'support', queue: 'default' });
    const plain = await randomVisitor(t, service);
    const other = await service.app.projects.createProject({ name: 'other', allowedOrigins: [SITE_ORIGIN] });
    const { plaintext } = await service.app.projects.createApiKey(other.id, 'publishable');
    const foreign = await visitor(t, service, { apiKey: plaintext });
    assert.equal((await enter(foreign, { mode: 'random', queue: 'default' })).position, 1);
    for (const who of [lobby, customer, plain, foreign])
      assert.equal(await service.app.matching.stateOf(who.peerId), 'waiting');
  });
});

describe('next', () => {
  it('the partner hears peer:left (hangup) then match:ended (next); both wait again and meet others before each other', async (t) => {
    const service = await buildService(t);
    const { a, b } = await pairInCall(t, service);
    const carol = await randomVisitor(t, service);
    const order: string[] = [];
    b.client.on('peer:left', (left) => order.push(`peer:left ${left.peerId === a.peerId ? 'a' : '?'} ${left.reason}`));
    b.client.on('match:ended', (ended) => order.push(`match:ended ${ended.reason} ${ended.status.status}`));
    const bFound = next(b.client, 'match:found');
    const reply = await command<QueueStatus>(a.client, 'match:next', {});
    assert.ok(reply.ok);
    assert.equal(reply.status, 'waiting', 'Alice waits: Bob went to Carol, and Alice is not sent straight back to Bob');
    assert.equal((await bFound).partner.peerId, carol.peerId, 'Bob, back first, meets Carol who waited');
    assert.deepEqual(order, [`peer:left a hangup`, 'match:ended next waiting']);
    assert.equal(await outcome(a.client, 'room:leave', {}), 'not_in_room', 'next took Alice out of the room');

    const aFound = next(a.client, 'match:found');
    const dave = await randomVisitor(t, service);
    assert.equal((await aFound).partner.peerId, dave.peerId);
  });

  it('two who just left each other and have nobody else meet again only after a pause', async (t) => {
    const { service, clock } = await onTestClock(t);
    const { a, b } = await pairInCall(t, service);
    const again = next(a.client, 'match:found');
    assert.ok((await command(b.client, 'match:next', {})).ok);
    clock.advance(FAST_MATCHING.rematchAfterMs - 1);
    assert.deepEqual(
      [await service.app.matching.stateOf(a.peerId), await service.app.matching.stateOf(b.peerId)],
      ['waiting', 'waiting'],
      'not a millisecond early',
    );
    clock.advance(1);
    const found = await again;
    assert.equal(found.partner.peerId, b.peerId);
  });

  it('is refused outside random mode and harmless while already waiting', async (t) => {
    const service = await buildService(t);
    const idle = await visitor(t, service);
    assert.equal(await outcome(idle.client, 'match:next', {}), 'not_matched');
    const customer = await visitor(t, service);
    await enter(customer, { mode: 'support', queue: 'default' });
    assert.equal(await outcome(customer.client, 'match:next', {}), 'not_matched');
    const waiting = await randomVisitor(t, service);
    const reply = await command<QueueStatus>(waiting.client, 'match:next', {});
    assert.ok(reply.ok);
    assert.equal(reply.position, 1);
  });
});

describe('a partner who leaves', () => {
  it('hanging up (room:leave) puts the other back in line, told partner-left; the leaver is out of matching', async (t) => {
    const service = await buildService(t);
    const { a, b } = await pairInCall(t, service);
    const events: string[] = [];
    b.client.on('peer:left', (left) => events.push(`peer:left ${left.reason}`));
    const ended = next(b.client, 'match:ended');
    b.client.on('match:ended', () => events.push('match:ended'));
    assert.ok((await command(a.client, 'room:leave', {})).ok);
    const { reason, status } = await ended;
    assert.equal(reason, 'partner-left');
    assert.equal(status.status, 'waiting');
    assert.equal(status.position, 1);
    assert.deepEqual(events, ['peer:left hangup', 'match:ended']);
    assert.equal(await outcome(a.client, 'queue:leave', {}), 'not_in_queue');
    assert.equal(
      await outcome(b.client, 'room:leave', {}),
      'not_in_room',
      'the service took Bob out of the empty room',
    );
    assert.equal(await service.app.matching.stateOf(b.peerId), 'waiting');
  });

  it('cancelling (queue:leave) in the middle of a call does the same, and frees the seat', async (t) => {
    const service = await buildService(t);
    const { a, b, match } = await pairInCall(t, service);
    const left = next(b.client, 'peer:left');
    const ended = next(b.client, 'match:ended');
    assert.equal(await outcome(a.client, 'queue:leave', {}), 'ok');
    assert.deepEqual(await left, { peerId: a.peerId, reason: 'hangup' });
    assert.equal((await ended).reason, 'partner-left');
    assert.equal(service.app.rooms.participantCount(`${service.projectId}/${match.room}`), 0);
    assert.equal(await outcome(a.client, 'room:leave', {}), 'not_in_room');
    assert.equal(await service.app.matching.stateOf(a.peerId), undefined);
  });

  it('closing the connection does the same at once', async (t) => {
    const service = await buildService(t);
    const { a, b } = await pairInCall(t, service);
    const ended = next(b.client, 'match:ended');
    a.client.disconnect();
    assert.equal((await ended).reason, 'partner-left');
    const found = next(b.client, 'match:found');
    const carol = await randomVisitor(t, service);
    assert.equal((await found).partner.peerId, carol.peerId);
  });

  it('a partner who disconnects before joining: the other is told at once and waits again at the front', async (t) => {
    // Matching's clock stands still here, so the join deadline cannot be what ends the pair.
    const { service } = await onTestClock(t);
    const a = await randomVisitor(t, service);
    const waiting = await randomVisitor(t, service, { queue: 'other' });
    const found = next(a.client, 'match:found');
    const b = await visitor(t, service);
    const bFound = next(b.client, 'match:found');
    await enter(b, { mode: 'random', queue: 'default' });
    await Promise.all([found, bFound]);
    const ended = next(a.client, 'match:ended');
    b.client.disconnect();
    const { reason, status } = await ended;
    assert.equal(reason, 'partner-left');
    assert.deepEqual([status.status, status.position], ['waiting', 1]);
    assert.equal(await service.app.matching.stateOf(waiting.peerId), 'waiting');
  });

  it('a partner who never joins within the deadline: the one who joined waits again at the front; the other is let go', async (t) => {
    const { service, clock } = await onTestClock(t);
    const a = await randomVisitor(t, service);
    const found = next(a.client, 'match:found');
    const late = await visitor(t, service);
    const lateFound = next(late.client, 'match:found');
    await enter(late, { mode: 'random', queue: 'default' });
    await joinMatch(a, await found);
    const match = await lateFound;
    const ended = next(a.client, 'match:ended');
    const letGo = next(late.client, 'queue:update');
    clock.advance(FAST_MATCHING.joinDeadlineMs - 1);
    assert.equal(await service.app.matching.stateOf(late.peerId), 'matched', 'not a millisecond early');
    clock.advance(1);
    const { reason, status } = await ended;
    assert.deepEqual([reason, status.status, status.position], ['partner-left', 'waiting', 1]);
    const update = await letGo;
    assert.deepEqual([update.status, update.reason], ['left', 'You did not join the matched room in time.']);
    assert.equal(await outcome(late.client, 'room:join', { room: match.room }), 'room_private', 'its ticket is gone');
    assert.equal(await outcome(a.client, 'room:leave', {}), 'not_in_room');
  });
});

describe('a match room ended from outside', () => {
  it('ending it through REST ends the pair; nobody waits again', async (t) => {
    const service = await buildService(t);
    const { a, b, match } = await pairInCall(t, service);
    const room = await service.app.roomStore.findByName(service.projectId, match.room);
    const ended = Promise.all([next(a.client, 'room:ended'), next(b.client, 'room:ended')]);
    const res = await service.app.inject({
      method: 'DELETE',
      url: `/v1/rooms/${room?.id}`,
      headers: await partnerAuth(service),
    });
    assert.equal(res.statusCode, 200);
    await ended;
    for (const who of [a, b]) assert.equal(await service.app.matching.stateOf(who.peerId), undefined);
    assert.equal((await service.app.matching.statistics(service.projectId, 'default')).random.pairs, 0);
    assert.equal((await enter(a, { mode: 'random', queue: 'default' })).position, 1, 'free to wait again');
  });
});

describe('reports', () => {
  it('stores the report, ends the pair (the reported side hears partner-left) and keeps the two apart for good', async (t) => {
    const { service, clock } = await onTestClock(t);
    const { a, b } = await pairInCall(t, service, {
      a: { visitorId: 'reporter-001' },
      b: { visitorId: 'reported-001' },
    });
    const ended = next(b.client, 'match:ended');
    const reply = await command<QueueStatus>(a.client, 'match:report', { reason: 'abuse', note: 'rude' });
    assert.ok(reply.ok);
    assert.equal(reply.status, 'waiting');
    assert.equal((await ended).reason, 'partner-left', 'not told it was reported');
    const pairs = await service.app.queueStore.blockedPairs(service.projectId);
    assert.deepEqual(pairs, [
      {
        reporter: { peerId: a.peerId, visitorId: 'reporter-001' },
        reported: { peerId: b.peerId, visitorId: 'reported-001' },
      },
    ]);

    clock.advance(FAST_MATCHING.rematchAfterMs * 3);
    assert.equal(await service.app.matching.stateOf(a.peerId), 'waiting', 'alone together, still not paired again');
    assert.equal(await service.app.matching.stateOf(b.peerId), 'waiting');

    // The reported visitor reloads: a new connection, the same visitor id.
    b.client.disconnect();
    const again = await randomVisitor(t, service, { visitorId: 'reported-001' });
    clock.advance(FAST_MATCHING.rematchAfterMs * 3);
    assert.equal(await service.app.matching.stateOf(again.peerId), 'waiting');
    const found = next(a.client, 'match:found');
    const carol = await randomVisitor(t, service);
    assert.equal((await found).partner.peerId, carol.peerId);
  });

  it('reaches the partner just left when the report comes right after next', async (t) => {
    const service = await buildService(t);
    const { a, b } = await pairInCall(t, service);
    assert.ok((await command(b.client, 'match:next', {})).ok);
    assert.ok((await command(a.client, 'match:report', { reason: 'spam' })).ok);
    const [pair] = await service.app.queueStore.blockedPairs(service.projectId);
    assert.deepEqual([pair?.reporter.peerId, pair?.reported.peerId], [a.peerId, b.peerId]);
  });

  it('needs someone to report', async (t) => {
    const service = await buildService(t);
    const alone = await randomVisitor(t, service);
    assert.equal(await outcome(alone.client, 'match:report', { reason: 'other' }), 'not_matched');
    assert.deepEqual(await service.app.queueStore.blockedPairs(service.projectId), []);
  });
});

describe('queues and rooms exclude each other', () => {
  it('a waiting connection cannot join a room; a seated one cannot enter a queue; a matched one joins only its match room', async (t) => {
    const service = await buildService(t);
    const seated = await visitor(t, service);
    assert.ok((await command(seated.client, 'room:join', { room: 'lobby' })).ok);
    assert.equal(await outcome(seated.client, 'queue:enter', { mode: 'random', queue: 'default' }), 'already_in_room');
    const waiting = await randomVisitor(t, service);
    assert.equal(await outcome(waiting.client, 'room:join', { room: 'lobby' }), 'already_in_queue');
    const found = next(waiting.client, 'match:found');
    await randomVisitor(t, service);
    await found;
    assert.equal(await outcome(waiting.client, 'room:join', { room: 'lobby' }), 'already_in_queue');
    assert.equal(
      await outcome(waiting.client, 'queue:enter', { mode: 'random', queue: 'default' }),
      'already_in_queue',
    );
    assert.ok((await command(waiting.client, 'room:join', {})).ok, 'no name needed: the match names the room');
  });

  it('queue:leave takes a waiting visitor out of line; leaving twice is not_in_queue', async (t) => {
    const service = await buildService(t);
    const who = await randomVisitor(t, service);
    assert.equal(await outcome(who.client, 'queue:leave', {}), 'ok');
    assert.equal(await outcome(who.client, 'queue:leave', {}), 'not_in_queue');
    assert.equal((await service.app.matching.statistics(service.projectId, 'default')).random.waiting, 0);
    assert.ok((await command(who.client, 'room:join', { room: 'lobby' })).ok, 'free to join a room again');
  });

  it('queue:leave after match:found ends the pair for the partner too', async (t) => {
    const service = await buildService(t);
    const a = await randomVisitor(t, service);
    const found = next(a.client, 'match:found');
    const b = await randomVisitor(t, service);
    await found;
    const ended = next(a.client, 'match:ended');
    assert.equal(await outcome(b.client, 'queue:leave', {}), 'ok');
    assert.equal((await ended).reason, 'partner-left');
  });
});

/** A visitor whose client reconnects by itself, as the widget's does. */
async function reconnectingVisitor(t: TestContext, service: TestService): Promise<Visitor> {
  const { client, session } = await reconnectingClient(t, service);
  return { client, peerId: session.peerId };
}

const dropTransport = (client: Client) => client.io.engine.close();

describe('dropped connections', () => {
  it('a dropped visitor keeps its place but is matched with nobody until it resumes', async (t) => {
    const service = await buildService(t, { env: { RESUME_GRACE_SECONDS: '5' } });
    const dropping = await reconnectingVisitor(t, service);
    await enter(dropping, { mode: 'random', queue: 'default' });
    dropping.client.io.reconnection(false);
    const gone = new Promise((resolve) => dropping.client.once('disconnect', resolve));
    dropTransport(dropping.client);
    await gone;
    await until(
      async () =>
        (await service.app.matching.waiting({ projectId: service.projectId, mode: 'random', queue: 'default' }))[0]
          ?.suspended === true,
      'the drop to be noticed',
    );
    const other = await visitor(t, service);
    assert.deepEqual(await enter(other, { mode: 'random', queue: 'default' }).then((s) => [s.status, s.position]), [
      'waiting',
      2,
    ]);

    const found = next(other.client, 'match:found');
    const foundToo = next(dropping.client, 'match:found');
    dropping.client.io.reconnection(true);
    dropping.client.connect();
    assert.equal((await found).partner.peerId, dropping.peerId, 'paired once it is back');
    assert.equal((await foundToo).partner.peerId, other.peerId);
  });

  it('a dropped visitor that does not come back within the grace period leaves the line; those behind move up', async (t) => {
    const service = await buildService(t, { env: { RESUME_GRACE_SECONDS: '1' } });
    const dropping = await reconnectingVisitor(t, service);
    const customer = await visitor(t, service);
    await enter(dropping, { mode: 'support', queue: 'help' });
    await enter(customer, { mode: 'support', queue: 'help' });
    const moved = next(customer.client, 'queue:update', 4000);
    dropping.client.io.reconnection(false);
    const started = Date.now();
    dropTransport(dropping.client);
    assert.equal((await moved).position, 1);
    assert.ok(Date.now() - started >= 900, 'not before the grace period');
    assert.deepEqual(
      (await service.app.matching.waiting({ projectId: service.projectId, mode: 'support', queue: 'help' })).map(
        (e) => e.peerId,
      ),
      [customer.peerId],
    );
  });

  it('a visitor whose partner drops in the call waits for the grace period, then is put back in line', async (t) => {
    const service = await buildService(t, { env: { RESUME_GRACE_SECONDS: '1' } });
    const dropping = await reconnectingVisitor(t, service);
    await enter(dropping, { mode: 'random', queue: 'default' });
    const found = next(dropping.client, 'match:found');
    const staying = await visitor(t, service);
    const stayingFound = next(staying.client, 'match:found');
    await enter(staying, { mode: 'random', queue: 'default' });
    await joinMatch(dropping, await found);
    await joinMatch(staying, await stayingFound);
    const left = collect(staying.client, 'peer:left');
    const ended = next(staying.client, 'match:ended', 4000);
    dropping.client.io.reconnection(false);
    dropTransport(dropping.client);
    const { reason } = await ended;
    assert.equal(reason, 'partner-left');
    assert.deepEqual(left, [{ peerId: dropping.peerId, reason: 'timeout' }]);
  });
});

describe('bad input', () => {
  it('answers malformed matching commands with invalid_payload and keeps the connection', async (t) => {
    const service = await buildService(t);
    const who = await visitor(t, service);
    const bad: Array<[string, unknown]> = [
      ['queue:enter', {}],
      ['queue:enter', { mode: 'roulette', queue: 'default' }],
      ['queue:enter', { mode: 'random', queue: '../etc' }],
      ['queue:enter', { mode: 'random', queue: 'default', extra: true }],
      ['queue:enter', { mode: 'support', queue: 'default', message: 'x'.repeat(1001) }],
      ['queue:enter', { mode: 'random', queue: 'default', visitorId: 'short' }],
      ['queue:enter', 'random'],
      ['queue:leave', { now: true }],
      ['match:next', null],
      ['match:report', { reason: 'meh' }],
      ['match:report', { reason: 'abuse', note: '' }],
      ['ticket:create', { queue: 'default' }],
      ['ticket:create', { queue: 'default', message: 'help', contact: 'x'.repeat(201) }],
      ['agent:status', { status: 'busy' }],
      ['agent:take', { customerId: 'no' }],
      ['agent:decline', { customerId: 'abcdefgh12345678' }],
    ];
    for (const [event, payload] of bad)
      assert.equal(await outcome(who.client, event, payload), 'invalid_payload', `${event} ${JSON.stringify(payload)}`);
    assert.equal((await enter(who, { mode: 'random', queue: 'default' })).status, 'waiting', 'still usable');
  });

  it('a join token admits its room only, not a queue', async (t) => {
    const service = await buildService(t);
    const auth = await partnerAuth(service);
    const room = (
      await service.app.inject({ method: 'POST', url: '/v1/rooms', headers: auth, payload: { privacy: 'private' } })
    ).json<{ id: string }>();
    const { token } = (
      await service.app.inject({
        method: 'POST',
        url: `/v1/rooms/${room.id}/tokens`,
        headers: auth,
        payload: { role: 'guest' },
      })
    ).json<{ token: string }>();
    const holder = await visitor(t, service, { auth: { protocol: PROTOCOL_VERSION, token } });
    assert.equal(
      await outcome(holder.client, 'queue:enter', { mode: 'random', queue: 'default' }),
      'token_room_mismatch',
    );
    assert.equal(
      await outcome(holder.client, 'ticket:create', { queue: 'default', message: 'not for this room' }),
      'token_room_mismatch',
    );
  });
});
