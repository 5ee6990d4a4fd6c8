import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ERROR_MESSAGES, type JoinResult, type RelayedSignal } from '@vcw/shared';
import { buildService, command, connect, next, sessionOf, type Client, type TestService } from './helpers/service.js';
import type { TestContext } from 'node:test';

async function joined(
  t: TestContext,
  service: TestService,
  room: string,
  displayName?: string,
): Promise<{ client: Client; seat: JoinResult }> {
  const client = await connect(t, service);
  const reply = await command<JoinResult>(client, 'room:join', displayName ? { room, displayName } : { room });
  assert.ok(reply.ok, `join failed: ${JSON.stringify(reply)}`);
  return { client, seat: reply };
}

describe('rooms and relay', () => {
  it('join returns the peers already there; they learn of the newcomer as the polite side', async (t) => {
    const service = await buildService(t);
    const alice = await joined(t, service, 'standup', 'Alice');
    assert.deepEqual(alice.seat.peers, []);
    assert.equal(alice.seat.room, 'standup');
    assert.equal(alice.seat.capacity, 4);

    const announced = next(alice.client, 'peer:joined');
    const bob = await joined(t, service, 'standup', 'Bob');
    assert.deepEqual(bob.seat.peers, [{ peerId: alice.seat.peerId, displayName: 'Alice', polite: false }]);
    assert.deepEqual(await announced, { peerId: bob.seat.peerId, displayName: 'Bob', polite: true });
  });

  it('tells each accepted connection its peer id and ICE servers, and keeps that id on join', async (t) => {
    const service = await buildService(t, { env: { STUN_URLS: 'stun:127.0.0.1:3478' } });
    const client = await connect(t, service, { transport: 'polling' });
    const session = sessionOf(client);
    assert.match(session.peerId, /^[A-Za-z0-9_-]{16}$/);
    assert.deepEqual(session.iceServers, [{ urls: ['stun:127.0.0.1:3478'] }]);
    const reply = await command<JoinResult>(client, 'room:join', { room: 'who' });
    assert.ok(reply.ok);
    assert.equal(reply.peerId, session.peerId);
    assert.deepEqual(reply.iceServers, session.iceServers);
  });

  it('hands an offer made before joining to the first participant there, with the news of the newcomer', async (t) => {
    const service = await buildService(t);
    const alice = await joined(t, service, 'warm');
    const heardCarol = next(alice.client, 'peer:joined');
    const carol = await joined(t, service, 'warm');
    await heardCarol; // on Redis it may come after Carol's own answer
    const toAlice = next(alice.client, 'peer:joined');
    const toCarol = next(carol.client, 'peer:joined');
    const signals: RelayedSignal[] = [];
    alice.client.on('signal', (signal) => signals.push(signal));
    const offer = { type: 'offer' as const, sdp: 'v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\n' };
    const bob = await connect(t, service);
    const reply = await command<JoinResult>(bob, 'room:join', { room: 'warm', offer });
    assert.ok(reply.ok);
    assert.equal(reply.offeredTo, alice.seat.peerId);
    assert.deepEqual((await toAlice).offer, offer);
    assert.equal((await toCarol).offer, undefined, 'the others hear of the newcomer only');
    // No signal carries it too: the first signal after it, sent behind it on the same connection, is the marker.
    const marker = next(alice.client, 'signal');
    const candidate = { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', sdpMid: '0', sdpMLineIndex: 0 };
    assert.ok((await command(bob, 'signal', { to: alice.seat.peerId, candidate })).ok);
    await marker;
    assert.deepEqual(signals, [{ from: reply.peerId, candidate }]);

    const alone = await connect(t, service);
    const empty = await command<JoinResult>(alone, 'room:join', { room: 'nobody-here', offer });
    assert.ok(empty.ok);
    assert.equal(empty.offeredTo, undefined);
  });

  it('relays offers, answers and candidates between two peers of a room, stamped with the sender', async (t) => {
    const service = await buildService(t);
    const alice = await joined(t, service, 'r1');
    const bob = await joined(t, service, 'r1');

    const offer = { type: 'offer' as const, sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' };
    let arriving = next(alice.client, 'signal');
    assert.deepEqual(await command(bob.client, 'signal', { to: alice.seat.peerId, description: offer }), { ok: true });
    assert.deepEqual(await arriving, { from: bob.seat.peerId, description: offer });

    const candidate = {
      candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host',
      sdpMid: '0',
      sdpMLineIndex: 0,
      usernameFragment: 'abcd',
    };
    arriving = next(bob.client, 'signal');
    assert.deepEqual(await command(alice.client, 'signal', { to: bob.seat.peerId, candidate }), { ok: true });
    assert.deepEqual(await arriving, { from: alice.seat.peerId, candidate });
  });

  it('relays a signal sent without an ack with nothing back to the sender, and tells a refused one as signal:failed', async (t) => {
    const service = await buildService(t);
    const alice = await joined(t, service, 'r-unacked');
    const bob = await joined(t, service, 'r-unacked');
    const failures: unknown[] = [];
    bob.client.on('signal:failed', (failure) => failures.push(failure));
    const offer = { type: 'offer' as const, sdp: 'v=0\r\n' };

    const arriving = next(alice.client, 'signal');
    bob.client.emit('signal', { to: alice.seat.peerId, description: offer });
    assert.deepEqual(await arriving, { from: bob.seat.peerId, description: offer });
    // A barrier on the same connection: anything the service said about the first signal came before this ack.
    assert.deepEqual(await command(bob.client, 'media:state', { microphone: true, camera: true, screen: false }), {
      ok: true,
    });
    assert.deepEqual(failures, []);

    // Refused on either bus: a signal to oneself (one to someone not in the room is dropped unanswered on Redis).
    const refused = next(bob.client, 'signal:failed');
    bob.client.emit('signal', { to: bob.seat.peerId, description: offer });
    assert.deepEqual(await refused, {
      to: bob.seat.peerId,
      error: { code: 'peer_not_found', message: ERROR_MESSAGES.peer_not_found },
    });
    const invalid = next(bob.client, 'signal:failed');
    (bob.client as unknown as { emit(event: string, payload: unknown): void }).emit('signal', {
      to: alice.seat.peerId,
      description: { type: 'rollback', sdp: '' },
    });
    const failure = await invalid;
    assert.equal(failure.to, alice.seat.peerId);
    assert.equal(failure.error.code, 'invalid_payload');
  });

  it('refuses relay to a peer of another room, to oneself, and before joining', async (t) => {
    const service = await buildService(t);
    const alice = await joined(t, service, 'room-a');
    const bob = await joined(t, service, 'room-a');
    const mallory = await joined(t, service, 'room-b');
    const offer = { type: 'offer', sdp: 'v=0' };
    const reached: string[] = [];
    alice.client.on('signal', (signal) => reached.push(signal.from));

    const reply = await command(mallory.client, 'signal', { to: alice.seat.peerId, description: offer });
    // On the Redis bus a signal goes to the target's seat in the sender's room, where nobody of another room
    // sits: it is dropped there, unanswered (docs/scaling.md). Alone, the node refuses it.
    if (service.app.bus.seatBook) assert.deepEqual(reply, { ok: true });
    else assert.equal(!reply.ok && reply.error.code, 'peer_not_found');
    const self = await command(alice.client, 'signal', { to: alice.seat.peerId, description: offer });
    assert.equal(!self.ok && self.error.code, 'peer_not_found');
    const outsider = await connect(t, service);
    const early = await command(outsider, 'signal', { to: alice.seat.peerId, description: offer });
    assert.equal(!early.ok && early.error.code, 'not_in_room');
    // The barrier: a roommate's signal, sent after Mallory's (one stream on Redis), reaches Alice after it would have.
    const fromBob = next(alice.client, 'signal');
    assert.ok((await command(bob.client, 'signal', { to: alice.seat.peerId, description: offer })).ok);
    await fromBob;
    assert.deepEqual(reached, [bob.seat.peerId], 'only her roommate reached her');
  });

  it('keeps rooms of different projects apart even with the same name', async (t) => {
    const service = await buildService(t);
    const other = await service.app.projects.createProject({ name: 'other', allowedOrigins: ['https://site.example'] });
    const { plaintext } = await service.app.projects.createApiKey(other.id, 'publishable');
    await joined(t, service, 'lobby');
    const stranger = await connect(t, service, { apiKey: plaintext });
    const reply = await command<JoinResult>(stranger, 'room:join', { room: 'lobby' });
    assert.ok(reply.ok);
    assert.deepEqual(reply.peers, []);
  });

  it('tells the others at once when someone leaves (hangup) or disconnects', async (t) => {
    const service = await buildService(t);
    const alice = await joined(t, service, 'r2');
    const bob = await joined(t, service, 'r2');
    const carol = await joined(t, service, 'r2');

    let left = next(alice.client, 'peer:left');
    assert.deepEqual(await command(bob.client, 'room:leave', {}), { ok: true });
    assert.deepEqual(await left, { peerId: bob.seat.peerId, reason: 'hangup' });

    left = next(alice.client, 'peer:left');
    carol.client.disconnect();
    assert.deepEqual(await left, { peerId: carol.seat.peerId, reason: 'hangup' });

    const again = await command(bob.client, 'room:leave', {});
    assert.equal(!again.ok && again.error.code, 'not_in_room');
    assert.equal(service.app.rooms.participantCount(`${service.projectId}/r2`), 1);
  });

  it('reports a lost connection as network at once when seats are not kept (RESUME_GRACE_SECONDS=0)', async (t) => {
    const service = await buildService(t, { env: { RESUME_GRACE_SECONDS: '0' } });
    const alice = await joined(t, service, 'r3');
    const bob = await joined(t, service, 'r3');
    const left = next(alice.client, 'peer:left');
    (bob.client.io as unknown as { engine: { close(): void } }).engine.close(); // the transport dies, no goodbye
    assert.deepEqual(await left, { peerId: bob.seat.peerId, reason: 'network' });
  });

  it('refuses a fifth participant from a room of four with room_full, then admits one when a seat frees', async (t) => {
    const service = await buildService(t);
    const seated = [];
    for (let i = 0; i < 4; i++) seated.push(await joined(t, service, 'full'));
    const fifth = await connect(t, service);
    const refused = await command(fifth, 'room:join', { room: 'full' });
    assert.equal(refused.ok, false);
    assert.equal(!refused.ok && refused.error.code, 'room_full');

    await command(seated[0]!.client, 'room:leave', {});
    const admitted = await command<JoinResult>(fifth, 'room:join', { room: 'full' });
    assert.ok(admitted.ok);
    assert.equal(admitted.peers.length, 3);
  });

  it('admits exactly the capacity when many join at once', async (t) => {
    const service = await buildService(t);
    const clients = await Promise.all(Array.from({ length: 10 }, () => connect(t, service)));
    const replies = await Promise.all(clients.map((c) => command(c, 'room:join', { room: 'rush' })));
    assert.equal(replies.filter((r) => r.ok).length, 4);
    assert.ok(replies.filter((r) => !r.ok).every((r) => !r.ok && r.error.code === 'room_full'));
  });

  it('refuses a second join on the same connection', async (t) => {
    const service = await buildService(t);
    const alice = await joined(t, service, 'once');
    const reply = await command(alice.client, 'room:join', { room: 'twice' });
    assert.equal(!reply.ok && reply.error.code, 'already_in_room');
  });
  it("a connection's onAny listeners hear each command it sends, with its acknowledgement", async (t) => {
    const service = await buildService(t);
    const heard: unknown[][] = [];
    service.app.io.on('connection', (socket) => socket.onAny((...args: unknown[]) => heard.push(args)));
    const client = await connect(t, service);
    assert.ok((await command(client, 'room:join', { room: 'watched' })).ok);
    assert.deepEqual(
      heard.map(([event, payload, ack]) => [event, payload, typeof ack]),
      [['room:join', { room: 'watched' }, 'function']],
    );
  });
});
