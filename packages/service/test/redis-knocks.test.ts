/**
 * Knock to enter across several real nodes on one real Redis (TEST_REDIS_URL): a guest knocking on one node is
 * seen, admitted or turned away by a host on another; a knock waits for a host who arrives on another node; a
 * knock whose guest went, or whose node stopped, is withdrawn on every node.
 * Without TEST_REDIS_URL the suite is skipped, except under CI=true where that is a failure.
 */
import assert from 'node:assert/strict';
import { it, type TestContext } from 'node:test';
import {
  PROTOCOL_VERSION,
  type CreatedRoom,
  type JoinResult,
  type JoinToken,
  type KnockStatus,
  type ServerToClientEvents,
} from '@vcw/shared';
import { partnerAuth } from './helpers/partner.js';
import { Redis } from 'ioredis';
import {
  assertClaimedInTime,
  busesUp,
  describeWithRedis,
  metric,
  REDIS_URL,
  startNodes,
} from './helpers/redis-nodes.js';
import { command, connect, next, sessionOf, type Client, type TestService } from './helpers/service.js';

/** A room that makes guests knock, and join tokens for it, made through REST on the first node. */
async function knockRoom(t: TestContext, first: TestService, name = 'porch') {
  const headers = await partnerAuth(first);
  const rest = (method: 'POST', url: string, payload: object) => first.app.inject({ method, url, headers, payload });
  const created = await rest('POST', '/v1/rooms', { name, privacy: 'private', knock: true });
  assert.equal(created.statusCode, 201, created.body);
  const room = created.json<CreatedRoom>();
  /** A connection on `node` with a token of `role` for the room; not joined yet. */
  const visitor = async (node: TestService, role: 'host' | 'guest', displayName: string): Promise<Client> => {
    const token = (await rest('POST', `/v1/rooms/${room.id}/tokens`, { role, displayName })).json<JoinToken>().token;
    return connect(t, node, { auth: { protocol: PROTOCOL_VERSION, token } });
  };
  return { room, visitor };
}

/** Joins the connection's room and returns the answer, which must be a seat. */
async function seated(client: Client): Promise<JoinResult> {
  const joined = await command<JoinResult>(client, 'room:join', {});
  assert.ok(joined.ok, `seated: ${JSON.stringify(joined)}`);
  return joined;
}

/** Knocks and returns the status, which must be a wait. */
async function knocks(client: Client): Promise<KnockStatus> {
  const status = await command<KnockStatus>(client, 'room:knock', {});
  assert.ok(status.ok && status.status === 'waiting', `waiting: ${JSON.stringify(status)}`);
  return status;
}

/** Every knock event the client hears from now on, as `request <peer>` or `withdrawn <peer>`. */
function knockEvents(client: Client): string[] {
  const heard: string[] = [];
  client.on('knock:request', ({ peerId, displayName }) => heard.push(`request ${peerId} ${displayName}`));
  client.on('knock:withdrawn', ({ peerId }) => heard.push(`withdrawn ${peerId}`));
  return heard;
}

/**
 * An ordering barrier: `sender` (seated) chats, and `hearer` (seated in the same room) hears it. The chat goes
 * through the one Redis stream as every event between nodes, so whatever was sent to `hearer` before has arrived.
 */
async function barrier(sender: Client, hearer: Client): Promise<void> {
  const heard = next(hearer, 'chat:message');
  assert.ok((await command(sender, 'chat:send', { text: 'marker' })).ok);
  await heard;
}

type Answer = Parameters<ServerToClientEvents['knock:answer']>[0];

describeWithRedis('knock to enter across nodes (Redis)', () => {
  it('a guest knocks on node A, a host on node B sees it and admits it: the guest is seated and both see each other; a host on node C is told too', async (t) => {
    const { nodes } = await startNodes(t, 3);
    await busesUp(nodes);
    const [a, b, c] = nodes as [TestService, TestService, TestService];
    const { visitor } = await knockRoom(t, a);
    const host = await visitor(b, 'host', 'Chair');
    const hostSeat = await seated(host);
    const atHost = knockEvents(host);
    const second = await visitor(c, 'host', 'Second');
    const guest = await visitor(a, 'guest', 'Grace');
    const guestId = sessionOf(guest).peerId;

    const refused = await command(guest, 'room:join', {});
    assert.equal(!refused.ok && refused.error.code, 'knock_required', 'no seat without knocking');
    const request = next(host, 'knock:request');
    assert.equal((await knocks(guest)).hostsPresent, 1, 'the host on node B is counted');
    assert.deepEqual(await request, { peerId: guestId, displayName: 'Grace' });

    // A second host sitting down on node C is shown the knock waiting.
    const atSecond = knockEvents(second);
    await seated(second);
    assert.deepEqual(atSecond, [`request ${guestId} Grace`], 'shown the waiting knock before its join answer');

    const answer = next(guest, 'knock:answer');
    assert.deepEqual(await command(host, 'host:admit', { peerId: guestId }), { ok: true });
    assert.deepEqual(await answer, { admitted: true });
    const again = await command(second, 'host:admit', { peerId: guestId });
    assert.equal(!again.ok && again.error.code, 'peer_not_found', 'answered once, whichever node asks');

    const announced = next(host, 'peer:joined');
    const joined = await seated(guest);
    assert.ok(
      joined.peers.some((peer) => peer.peerId === hostSeat.peerId),
      'the guest on node A sees the host of node B',
    );
    assert.equal((await announced).peerId, guestId, 'the host on node B sees the guest of node A');
    await barrier(guest, host);
    await barrier(guest, second);
    assert.deepEqual(atHost, [`request ${guestId} Grace`, `withdrawn ${guestId}`], 'node B: told once of each');
    assert.deepEqual(atSecond, [`request ${guestId} Grace`, `withdrawn ${guestId}`], 'node C: told once of each');

    // The admission lasts as long as the connection, on the guest's node: it leaves and comes back without knocking.
    assert.ok((await command(guest, 'room:leave', {})).ok);
    await seated(guest);
  });

  it('a host on node B turns a guest of node A away with a reason; bad answers keep their codes; the guest must knock again', async (t) => {
    const { nodes } = await startNodes(t, 2);
    await busesUp(nodes);
    const [a, b] = nodes as [TestService, TestService];
    const { visitor } = await knockRoom(t, a);
    const host = await visitor(b, 'host', 'Chair');
    await seated(host);
    const bystander = await visitor(b, 'guest', 'Bystander');
    const guest = await visitor(a, 'guest', 'Mallory');
    const guestId = sessionOf(guest).peerId;
    const request = next(host, 'knock:request');
    await knocks(guest);
    await request;

    const notSeated = await command(bystander, 'host:deny', { peerId: guestId, reason: 'no' });
    assert.equal(!notSeated.ok && notSeated.error.code, 'not_in_room', 'only those seated answer');
    for (const bad of [
      { peerId: guestId },
      { peerId: guestId, reason: '' },
      { peerId: guestId, reason: 'x'.repeat(201) },
    ]) {
      const reply = await command(host, 'host:deny', bad);
      assert.equal(!reply.ok && reply.error.code, 'invalid_payload', JSON.stringify(bad).slice(0, 60));
    }
    const nobody = await command(host, 'host:admit', { peerId: 'nobody-knocks-by-this' });
    assert.equal(!nobody.ok && nobody.error.code, 'peer_not_found');

    const answer = next(guest, 'knock:answer');
    assert.deepEqual(await command(host, 'host:deny', { peerId: guestId, reason: 'Not on the list' }), { ok: true });
    assert.deepEqual<Answer>(await answer, { admitted: false, reason: 'Not on the list' });
    const sneaking = await command(guest, 'room:join', {});
    assert.equal(!sneaking.ok && sneaking.error.code, 'knock_required', 'denied: no seat');

    const knocksAgain = next(host, 'knock:request');
    await knocks(guest);
    assert.deepEqual(await knocksAgain, { peerId: guestId, displayName: 'Mallory' });
    // A guest seated by a host's admission is no host: it may not answer.
    const admitted = next(bystander, 'knock:answer');
    const otherRequest = next(host, 'knock:request');
    assert.ok((await command(bystander, 'room:knock', {})).ok);
    const bystanderId = sessionOf(bystander).peerId;
    await otherRequest;
    assert.ok((await command(host, 'host:admit', { peerId: bystanderId })).ok);
    await admitted;
    await seated(bystander);
    const notHost = await command(bystander, 'host:deny', { peerId: guestId, reason: 'no' });
    assert.equal(!notHost.ok && notHost.error.code, 'host_only');
  });

  it("a guest's disconnect withdraws its knock on the host's node, and from Redis: a host joining later is not shown it", async (t) => {
    const { nodes } = await startNodes(t, 3);
    await busesUp(nodes);
    const [a, b, c] = nodes as [TestService, TestService, TestService];
    const { visitor } = await knockRoom(t, a);
    const host = await visitor(b, 'host', 'Chair');
    await seated(host);
    const guest = await visitor(a, 'guest', 'Grace');
    const guestId = sessionOf(guest).peerId;
    const request = next(host, 'knock:request');
    await knocks(guest);
    await request;

    const withdrawn = next(host, 'knock:withdrawn');
    guest.disconnect();
    assert.deepEqual(await withdrawn, { peerId: guestId });
    const late = await visitor(c, 'host', 'Late');
    const atLate = knockEvents(late);
    await seated(late); // what a host is shown on sitting down comes before its join answer
    assert.deepEqual(atLate, [], 'nobody knocks any more');
    const gone = await command(host, 'host:admit', { peerId: guestId });
    assert.equal(!gone.ok && gone.error.code, 'peer_not_found');
  });

  it('a knock waits while no host is in, and is shown to a host who joins on another node, once', async (t) => {
    const { nodes } = await startNodes(t, 2);
    await busesUp(nodes);
    const [a, b] = nodes as [TestService, TestService];
    const { visitor } = await knockRoom(t, a);
    const guest = await visitor(a, 'guest', 'Grace');
    const guestId = sessionOf(guest).peerId;
    assert.equal((await knocks(guest)).hostsPresent, 0, 'no host in the call yet');

    const host = await visitor(b, 'host', 'Chair');
    const atHost = knockEvents(host);
    await seated(host);
    assert.deepEqual(atHost, [`request ${guestId} Grace`], 'shown on sitting down');
    // A knock made once the host sits is told to it live, not shown again.
    const later = await visitor(a, 'guest', 'Linus');
    const laterId = sessionOf(later).peerId;
    const live = next(host, 'knock:request');
    assert.equal((await knocks(later)).hostsPresent, 1);
    await live;
    const answer = next(guest, 'knock:answer');
    assert.ok((await command(host, 'host:admit', { peerId: guestId })).ok);
    await answer;
    await seated(guest);
    await barrier(guest, host);
    assert.deepEqual(atHost, [`request ${guestId} Grace`, `request ${laterId} Linus`, `withdrawn ${guestId}`]);
  });

  it('the knock of a node that stops without withdrawing it is withdrawn by another node', async (t) => {
    const { nodes } = await startNodes(t, 2);
    await busesUp(nodes);
    const [a, b] = nodes as [TestService, TestService];
    const { visitor } = await knockRoom(t, b);
    const host = await visitor(b, 'host', 'Chair');
    await seated(host);
    const guest = await visitor(a, 'guest', 'Grace');
    guest.io.reconnection(false);
    const guestId = sessionOf(guest).peerId;
    const request = next(host, 'knock:request');
    await knocks(guest);
    await request;

    // Node A dies before it could withdraw the knock (as after SIGKILL): it beats no more, its knock stays in Redis.
    const book = a.app.bus.knockBook!;
    book.withdraw = () => Promise.reject(new Error('the node died'));
    const withdrawn = next(host, 'knock:withdrawn', 15_000);
    const stoppedAt = Date.now();
    await a.app.close();
    assert.deepEqual(await withdrawn, { peerId: guestId });
    assertClaimedInTime(stoppedAt, 'withdrawn');
    const gone = await command(host, 'host:admit', { peerId: guestId });
    assert.equal(!gone.ok && gone.error.code, 'peer_not_found', 'nobody knocks any more');
  });

  it('a withdrawal Redis could not take is tried again until it does: then the host hears it', async (t) => {
    const { nodes } = await startNodes(t, 2);
    await busesUp(nodes);
    const [a, b] = nodes as [TestService, TestService];
    const { visitor } = await knockRoom(t, a);
    const host = await visitor(b, 'host', 'Chair');
    await seated(host);
    const guest = await visitor(a, 'guest', 'Grace');
    const guestId = sessionOf(guest).peerId;
    const request = next(host, 'knock:request');
    await knocks(guest);
    await request;
    // Redis does not answer node A's first two withdrawals (as while it restarts).
    const book = a.app.bus.knockBook!;
    const withdraw = book.withdraw.bind(book);
    let refusals = 2;
    book.withdraw = (...args) => (refusals-- > 0 ? Promise.reject(new Error('Redis is away')) : withdraw(...args));

    const withdrawn = next(host, 'knock:withdrawn');
    guest.disconnect();
    assert.deepEqual(await withdrawn, { peerId: guestId });
    assert.equal(refusals, -1, 'taken on the third try');
    const gone = await command(host, 'host:admit', { peerId: guestId });
    assert.equal(!gone.ok && gone.error.code, 'peer_not_found');
  });

  it('a knock Redis fails is refused, and counts in vcw_bus_errors_total{operation="knocks"}', async (t) => {
    const { nodes, prefix } = await startNodes(t, 1);
    await busesUp(nodes);
    const [a] = nodes as [TestService];
    const { visitor } = await knockRoom(t, a);
    const guest = await visitor(a, 'guest', 'Grace');
    // The room's knocks are not a hash: every script that reads them fails (WRONGTYPE).
    const redis = new Redis(REDIS_URL);
    t.after(() => redis.disconnect());
    await redis.set(`${prefix}knocks:${a.projectId}/porch`, 'not a hash');
    const before = await metric(a.app, 'vcw_bus_errors_total{operation="knocks"}');
    const reply = await command(guest, 'room:knock', {});
    assert.equal(!reply.ok && reply.error.code, 'internal_error');
    assert.equal(await metric(a.app, 'vcw_bus_errors_total{operation="knocks"}'), before + 1);
  });
});
