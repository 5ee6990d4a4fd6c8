/**
 * Seats shared by several real nodes on one real Redis (TEST_REDIS_URL): participants on different nodes see
 * each other and exchange signals and chat, capacity holds across nodes under a race, and a stale socket's
 * leave does not free a seat its connection took back on another node.
 * Without TEST_REDIS_URL the suite is skipped, except under CI=true where that is a failure.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  PROTOCOL_VERSION,
  type CreatedRoom,
  type ErrorBody,
  type JoinToken,
  type ParticipantList,
  type JoinResult,
  type PeerLeft,
  type RecordingRequestResult,
  type RelayedSignal,
} from '@vcw/shared';
import { partnerAuth } from './helpers/partner.js';
import {
  assertClaimedInTime,
  busesUp,
  describeWithRedis,
  eventually,
  metric,
  recoveredOn,
  startNodes,
} from './helpers/redis-nodes.js';
import { command, connect, next, sessionOf, type Client, type TestService } from './helpers/service.js';

const offer = { type: 'offer' as const, sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' };
const answer = { type: 'answer' as const, sdp: 'v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\n' };
const candidate = (port: number) => ({
  candidate: `candidate:1 1 udp 2122260223 127.0.0.1 ${port} typ host`,
  sdpMid: '0',
  sdpMLineIndex: 0,
});

/** Joins `room` and returns the answer, which must be a seat. */
async function seated(client: Client, room: string): Promise<JoinResult> {
  const joined = await command<JoinResult>(client, 'room:join', { room });
  assert.ok(joined.ok, `seated in ${room}: ${JSON.stringify(joined)}`);
  return joined;
}

/** Resolves with the next `count` signals the client receives, in the order received. */
function signals(client: Client, count: number): Promise<RelayedSignal[]> {
  return new Promise((resolve, reject) => {
    const got: RelayedSignal[] = [];
    const timer = setTimeout(() => reject(new Error(`${got.length} of ${count} signals within 5 s`)), 5000);
    const take = (signal: RelayedSignal) => {
      got.push(signal);
      if (got.length < count) return;
      clearTimeout(timer);
      client.off('signal', take);
      resolve(got);
    };
    client.on('signal', take);
  });
}

describeWithRedis('seats across nodes (Redis)', () => {
  it('two participants on two nodes see each other, exchange signals in order, chat, and see the leave', async (t) => {
    const { nodes } = await startNodes(t, 2);
    await busesUp(nodes);
    const [a, b] = nodes as [TestService, TestService];
    const ada = await connect(t, a);
    const grace = await connect(t, b);
    const first = await seated(ada, 'lobby');
    assert.deepEqual(first.peers, []);
    const media = { microphone: false, camera: true, screen: false };
    assert.ok((await command(ada, 'media:state', media)).ok);
    const announced = next(ada, 'peer:joined');
    const second = await command<JoinResult>(grace, 'room:join', { room: 'lobby', displayName: 'Grace' });
    assert.ok(second.ok);
    assert.deepEqual(
      second.peers.map((peer) => [peer.peerId, peer.polite]),
      [[first.peerId, false]],
      'the newcomer on node B is given the participant of node A, and makes the offers',
    );
    assert.deepEqual(second.peers[0]?.media, media, 'with the media state it last signaled');
    const joined = await announced;
    assert.deepEqual([joined.peerId, joined.displayName, joined.polite], [second.peerId, 'Grace', true]);

    const atAda = signals(ada, 6);
    grace.emit('signal', { to: first.peerId, description: offer });
    for (let port = 50000; port < 50005; port++) grace.emit('signal', { to: first.peerId, candidate: candidate(port) });
    assert.deepEqual(await atAda, [
      { from: second.peerId, description: offer },
      ...[50000, 50001, 50002, 50003, 50004].map((port) => ({ from: second.peerId, candidate: candidate(port) })),
    ]);
    const atGrace = next(grace, 'signal');
    assert.ok((await command(ada, 'signal', { to: second.peerId, description: answer })).ok);
    assert.deepEqual(await atGrace, { from: first.peerId, description: answer });

    const recording = await command<RecordingRequestResult>(ada, 'recording:request', {});
    assert.ok(recording.ok);
    assert.deepEqual(recording.asked, [second.peerId], 'a recording asks the participant of node B too');
    assert.ok((await command(ada, 'recording:cancel', { requestId: recording.requestId })).ok);

    const chat = next(ada, 'chat:message');
    assert.ok((await command(grace, 'chat:send', { text: 'hello from node B' })).ok);
    assert.equal((await chat).text, 'hello from node B');

    const left = next(ada, 'peer:left');
    assert.ok((await command(grace, 'room:leave', {})).ok);
    assert.deepEqual(await left, { peerId: second.peerId, reason: 'hangup' });
    const third = await seated(await connect(t, b), 'lobby');
    assert.deepEqual(
      third.peers.map((peer) => peer.peerId),
      [first.peerId],
      'the seat of the one who left is free',
    );
  });

  it('a room of 2: three clients on three nodes join at once, 50 rounds, exactly 2 seated each round', async (t) => {
    const { nodes } = await startNodes(t, 3);
    await busesUp(nodes);
    const created = await nodes[0]!.app.inject({
      method: 'POST',
      url: '/v1/rooms',
      headers: await partnerAuth(nodes[0]!),
      payload: { name: 'pair', privacy: 'public', maxParticipants: 2 },
    });
    assert.equal(created.statusCode, 201, created.body);
    const clients = await Promise.all(nodes.map((node) => connect(t, node)));
    for (let round = 0; round < 50; round++) {
      // Sent in one tick: the three joins reach their three nodes together.
      const answers = await Promise.all(
        clients.map((client) => command<JoinResult>(client, 'room:join', { room: 'pair' })),
      );
      const refused = answers.flatMap((joined) => (joined.ok ? [] : [joined.error.code]));
      assert.deepEqual(
        refused,
        ['room_full'],
        `round ${round}: exactly one of three refused: ${JSON.stringify(answers.map((joined) => (joined.ok ? 'seated' : joined.error)))}`,
      );
      await Promise.all(
        clients
          .filter((_, i) => answers[i]!.ok)
          .map(async (client) => assert.ok((await command(client, 'room:leave', {})).ok)),
      );
    }
  });

  it("a seat taken back on another node is not freed by the stale socket's leave on the node it dropped from", async (t) => {
    const { nodes } = await startNodes(t, 2, { env: { RESUME_GRACE_SECONDS: '2' } });
    await busesUp(nodes);
    const [a, b] = nodes as [TestService, TestService];
    const mover = await connect(t, a);
    const marker = await connect(t, a);
    const watcher = await connect(t, b);
    const moving = await seated(mover, 'desk');
    await seated(marker, 'desk');
    const watching = await seated(watcher, 'desk');
    const leaves: PeerLeft[] = [];
    watcher.on('peer:left', (left) => leaves.push(left));

    const moverId = mover.id!;
    mover.io.engine.close(); // the network drops: node A holds the seat for the grace period
    await eventually(async () => !a.app.io.of('/').sockets.has(moverId), 'node A saw the connection drop');
    const { client: moved, session } = await recoveredOn(t, b, mover);
    assert.equal(session.resumed, true, 'node B gave the seat back');
    assert.equal(moved.id, moverId, 'the same connection, now on node B');

    // Node A's hold runs out: it lets go of its own copy and asks Redis to free the seat it held.
    const roomKey = `${a.projectId}/desk`;
    await eventually(async () => !a.app.rooms.seat(roomKey, moving.peerId), "node A's hold ran out", 10_000);
    // Node A's seat book answers in order: once this read is answered, so was its leave, and what followed it ran.
    const kept = await a.app.seats.seatOf(roomKey, moving.peerId);
    assert.equal(kept?.socketId, moverId, 'the seat is still taken, by the same connection');
    const heard = next(watcher, 'chat:message');
    assert.ok((await command(marker, 'chat:send', { text: 'after the stale leave' })).ok);
    assert.equal((await heard).text, 'after the stale leave');
    assert.deepEqual(leaves, [], 'nobody saw the resumed participant leave');

    const arriving = next(moved, 'signal');
    assert.ok((await command(watcher, 'signal', { to: moving.peerId, description: offer })).ok);
    assert.deepEqual(await arriving, { from: watching.peerId, description: offer }, 'signals reach it on node B');
    const newcomer = await seated(await connect(t, a), 'desk');
    assert.ok(
      newcomer.peers.some((peer) => peer.peerId === moving.peerId),
      'the seat is still taken, as the newcomer is told',
    );
  });

  it('a node that drains (SIGTERM) hands its connections over: resumed on another node, the others see no leave', async (t) => {
    const { nodes } = await startNodes(t, 2);
    await busesUp(nodes);
    const [a, b] = nodes as [TestService, TestService];
    const mover = await connect(t, a);
    const watcher = await connect(t, b);
    const moving = await seated(mover, 'desk');
    await seated(watcher, 'desk');
    const leaves: PeerLeft[] = [];
    watcher.on('peer:left', (left) => leaves.push(left));

    const told = next(mover, 'service:draining');
    const dropped = new Promise<string>((resolve) => mover.once('disconnect', resolve));
    await a.app.close();
    assert.ok((await told).reconnectWithinMs > 0, 'told it is a handover');
    assert.equal(await dropped, 'transport close', 'its transport closed, not its session');
    const { client: moved, session } = await recoveredOn(t, b, mover);
    assert.equal(session.resumed, true, 'node B gave the seat back');
    assert.equal(session.peerId, moving.peerId, 'with the same peer id');

    const heard = next(watcher, 'chat:message');
    assert.ok((await command(moved, 'chat:send', { text: 'still here' })).ok);
    assert.equal((await heard).text, 'still here');
    assert.deepEqual(leaves, [], 'nobody saw it leave');
    const seats = await b.app.bus.seatBook!.list(`${b.projectId}/desk`);
    assert.equal(seats.length, 2, 'both still seated');
  });

  it('a connection that comes back through another node with its resume token takes its seat over: same peer id, nobody sees a leave', async (t) => {
    const { nodes } = await startNodes(t, 2);
    await busesUp(nodes);
    const [a, b] = nodes as [TestService, TestService];
    const mover = await connect(t, a);
    const watcher = await connect(t, b);
    const moving = await seated(mover, 'desk');
    const watching = await seated(watcher, 'desk');
    assert.ok(moving.resume, 'the seat comes with a resume token');
    const leaves: PeerLeft[] = [];
    watcher.on('peer:left', (left) => leaves.push(left));
    const letGo = new Promise<string>((resolve) => mover.once('disconnect', resolve));

    // As after its node died (nothing for Socket.io to recover): a new connection, through the other node.
    const auth = (resume: string) => ({ protocol: PROTOCOL_VERSION, apiKey: b.publishableKey, resume });
    const moved = await connect(t, b, { auth: auth(moving.resume) });
    const session = sessionOf(moved);
    assert.equal(session.resumed, true, 'it holds its seat again');
    assert.equal(session.peerId, moving.peerId, 'under the same peer id');
    assert.deepEqual(
      session.peers?.map((peer) => peer.peerId),
      [watching.peerId],
      'told who sits in the room now',
    );
    assert.ok(session.resume && session.resume !== moving.resume, 'with a fresh token for the next time');
    assert.equal(await letGo, 'io server disconnect', 'the connection that held the seat on node A is let go');

    const arriving = next(moved, 'signal');
    assert.ok((await command(watcher, 'signal', { to: moving.peerId, description: offer })).ok);
    assert.deepEqual(await arriving, { from: watching.peerId, description: offer }, 'signals reach it');
    const answered = next(watcher, 'signal');
    assert.ok((await command(moved, 'signal', { to: watching.peerId, description: answer })).ok);
    assert.deepEqual(await answered, { from: moving.peerId, description: answer }, 'and come from it');
    const heard = next(watcher, 'chat:message');
    assert.ok((await command(moved, 'chat:send', { text: 'still here' })).ok);
    assert.equal((await heard).text, 'still here');
    assert.deepEqual(leaves, [], 'nobody saw it leave');

    // The token it used names a taking of the seat that is over, and a forged one names nothing: new participants.
    const [body] = session.resume.split('.');
    for (const token of [moving.resume, `${body}.${'A'.repeat(43)}`, 'not a token']) {
      const stranger = sessionOf(await connect(t, a, { auth: auth(token) }));
      assert.notEqual(stranger.peerId, moving.peerId, `${token.slice(0, 12)}… takes no seat`);
      assert.equal(stranger.resumed, undefined);
    }
    // Nor does a good token under a join token for another room (whose role it would carry into this one).
    const { token: hostElsewhere } = await a.app.joinTokens.mint(
      { projectId: a.projectId, roomId: 'room_elsewhere', room: 'elsewhere', role: 'host' },
      600,
    );
    const crossing = await connect(t, a, {
      auth: { protocol: PROTOCOL_VERSION, token: hostElsewhere, resume: session.resume },
    });
    assert.notEqual(sessionOf(crossing).peerId, moving.peerId, 'a join token for another room takes no seat here');
    const seats = await b.app.bus.seatBook!.list(`${b.projectId}/desk`);
    assert.deepEqual(
      seats.map((seat) => [seat.peerId, seat.socketId]),
      [
        [moving.peerId, moved.id],
        [watching.peerId, watcher.id],
      ],
    );
  });

  it("a connection the service ends is told why first, though its own events go through Redis: a revoked key's, on another node", async (t) => {
    const { nodes } = await startNodes(t, 2);
    await busesUp(nodes);
    const [a, b] = nodes as [TestService, TestService];
    const { key, plaintext } = await a.app.projects.createApiKey(a.projectId, 'publishable');
    const page = await connect(t, a, { apiKey: plaintext });
    const watcher = await connect(t, b);
    const paging = await seated(page, 'desk');
    await seated(watcher, 'desk');
    const told = next(page, 'session:closed', 5000);
    const gone = new Promise<string>((resolve) => page.once('disconnect', resolve));
    const left = next(watcher, 'peer:left', 5000);

    assert.ok(await b.app.projects.revokeKey(key.id), 'revoked through the other node');
    assert.equal(((await told) as ErrorBody).code, 'api_key_invalid');
    assert.equal(await gone, 'io server disconnect');
    assert.deepEqual(await left, { peerId: paging.peerId, reason: 'kicked' });
  });

  it('a node that stops, whose participants never come back: the others hear them leave with timeout', async (t) => {
    const { nodes } = await startNodes(t, 2, { env: { RESUME_GRACE_SECONDS: '1' } });
    await busesUp(nodes);
    const [a, b] = nodes as [TestService, TestService];
    const gone = await connect(t, a);
    const watcher = await connect(t, b);
    const goneSeat = await seated(gone, 'desk');
    const watching = await seated(watcher, 'desk');
    gone.io.reconnection(false); // it never comes back (as after SIGKILL: nothing to resume)
    const left = next(watcher, 'peer:left', 15_000);

    const stoppedAt = Date.now();
    await a.app.close(); // it beats no more; its seats stay in Redis, nobody frees them on its behalf
    assert.deepEqual(await left, { peerId: goneSeat.peerId, reason: 'timeout' });
    // The grace is 1 s, but a node is taken for stopped only after 5 s without a beat (beats come every second).
    assertClaimedInTime(stoppedAt, 'heard');
    const seats = await b.app.bus.seatBook!.list(`${b.projectId}/desk`);
    assert.deepEqual(
      seats.map((seat) => seat.peerId),
      [watching.peerId],
      'its seat is free',
    );
    assert.deepEqual(
      [await metric(b.app, 'vcw_cluster_rooms_active'), await metric(b.app, 'vcw_cluster_participants')],
      [1, 1],
    );
  });

  it("a host's and the partner's powers reach participants on other nodes: list, remove, mute, end", async (t) => {
    const { nodes } = await startNodes(t, 3);
    await busesUp(nodes);
    const [a, b, c] = nodes as [TestService, TestService, TestService];
    const headers = await partnerAuth(a);
    const rest = (node: TestService, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
      node.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
    const room = (await rest(a, 'POST', '/v1/rooms', { name: 'clinic', privacy: 'private' })).json<CreatedRoom>();
    const token = async (role: 'host' | 'guest', displayName: string) =>
      (await rest(a, 'POST', `/v1/rooms/${room.id}/tokens`, { role, displayName })).json<JoinToken>().token;
    const joinWith = async (node: TestService, joinToken: string) => {
      const client = await connect(t, node, { auth: { protocol: PROTOCOL_VERSION, token: joinToken } });
      return { client, reply: await command<JoinResult>(client, 'room:join', {}) };
    };
    const host = await joinWith(a, await token('host', 'Dr. Ada'));
    const guestToken = await token('guest', 'Mallory');
    const guest = await joinWith(b, guestToken);
    assert.ok(host.reply.ok && guest.reply.ok);

    const listed = (await rest(c, 'GET', `/v1/rooms/${room.id}/participants`)).json<ParticipantList>();
    assert.deepEqual(
      listed.data.map((p) => [p.displayName, p.role]),
      [
        ['Dr. Ada', 'host'],
        ['Mallory', 'guest'],
      ],
      'a third node lists the participants of the other two',
    );

    let told = next(guest.client, 'session:closed');
    let left = next(host.client, 'peer:left');
    const removed = await rest(c, 'DELETE', `/v1/rooms/${room.id}/participants/${guest.reply.peerId}`);
    assert.equal(removed.statusCode, 200, removed.body);
    assert.equal(((await told) as ErrorBody).code, 'participant_removed', 'told on node B');
    assert.deepEqual(await left, { peerId: guest.reply.peerId, reason: 'kicked' });
    const again = await joinWith(c, guestToken);
    assert.equal(!again.reply.ok && again.reply.error.code, 'participant_removed', 'its token admits it nowhere');

    const second = await joinWith(c, await token('guest', 'Grace'));
    assert.ok(second.reply.ok);
    const muted = next(second.client, 'host:muted');
    assert.ok((await command(host.client, 'host:mute', { peerId: second.reply.peerId })).ok);
    assert.equal((await muted).by.displayName, 'Dr. Ada');
    told = next(second.client, 'session:closed');
    left = next(host.client, 'peer:left');
    assert.ok((await command(host.client, 'host:remove', { peerId: second.reply.peerId })).ok);
    assert.equal(((await told) as ErrorBody).code, 'participant_removed', 'told on node C');
    assert.deepEqual(await left, { peerId: second.reply.peerId, reason: 'kicked' });

    const third = await joinWith(b, await token('guest', 'Linus'));
    assert.ok(third.reply.ok);
    const ended = next(third.client, 'room:ended');
    assert.ok((await command(host.client, 'host:end', {})).ok);
    assert.deepEqual(await ended, { room: 'clinic' }, 'the end reaches node B');
    assert.deepEqual((await rest(c, 'GET', `/v1/rooms/${room.id}/participants`)).json<ParticipantList>().data, []);
  });

  it("the cluster's rooms and participants are counted on every node, from Redis", async (t) => {
    const { nodes } = await startNodes(t, 3);
    await busesUp(nodes);
    const [a, b, c] = nodes as [TestService, TestService, TestService];
    const cluster = async (node: TestService) => [
      await metric(node.app, 'vcw_cluster_rooms_active'),
      await metric(node.app, 'vcw_cluster_participants'),
    ];
    assert.deepEqual(await cluster(c), [0, 0], 'nobody yet');
    const ada = await connect(t, a);
    await seated(ada, 'desk');
    await seated(await connect(t, b), 'desk');
    const linus = await connect(t, b);
    await seated(linus, 'lab');
    assert.deepEqual(await cluster(c), [2, 3], 'two rooms, three seats, none of them on node C');
    assert.deepEqual(await metric(c.app, 'vcw_participants'), 0, 'node C holds none itself');

    assert.deepEqual(await command(ada, 'room:leave', {}), { ok: true });
    assert.deepEqual(await cluster(a), [2, 2]);
    assert.deepEqual(await command(linus, 'room:leave', {}), { ok: true });
    assert.deepEqual(await cluster(b), [1, 1], 'the room empty now is not counted');
    await a.app.bus.seatBook!.clear(`${a.projectId}/desk`); // as ending the room does
    assert.deepEqual(await cluster(c), [0, 0], 'an ended room takes its seats with it');
  });

  it('a leave Redis could not take is tried again until it does: then the others hear it and the seat is free', async (t) => {
    const { nodes } = await startNodes(t, 2);
    await busesUp(nodes);
    const [a, b] = nodes as [TestService, TestService];
    const ada = await connect(t, a);
    const grace = await connect(t, b);
    const adaSeat = await seated(ada, 'desk');
    const graceSeat = await seated(grace, 'desk');
    // Redis does not answer node A's first two leaves (as while it restarts).
    const book = a.app.bus.seatBook!;
    const leave = book.leave.bind(book);
    let refusals = 2;
    book.leave = (...args) => (refusals-- > 0 ? Promise.reject(new Error('Redis is away')) : leave(...args));

    const left = next(grace, 'peer:left');
    assert.deepEqual(await command(ada, 'room:leave', {}), { ok: true }, 'the leave is answered at once');
    assert.deepEqual(await left, { peerId: adaSeat.peerId, reason: 'hangup' });
    assert.equal(refusals, -1, 'taken on the third try');
    const list = await b.app.bus.seatBook!.list(`${b.projectId}/desk`);
    assert.deepEqual(
      list.map((seat) => seat.peerId),
      [graceSeat.peerId],
      'only Grace is seated',
    );
  });
});
