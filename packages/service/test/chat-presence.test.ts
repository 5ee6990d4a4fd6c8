import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type { ChatSent, JoinResult, MediaState } from '@vcw/shared';
import { buildService, command, connect, next, type Client, type TestService } from './helpers/service.js';
import { barrier, collect } from './helpers/toolkit.js';

async function joined(
  t: TestContext,
  service: TestService,
  room: string,
  extra: Record<string, unknown> = {},
): Promise<{ client: Client; seat: JoinResult }> {
  const client = await connect(t, service);
  const reply = await command<JoinResult>(client, 'room:join', { room, ...extra });
  assert.ok(reply.ok, `join failed: ${JSON.stringify(reply)}`);
  return { client, seat: reply };
}

describe('chat', () => {
  it('relays a message both ways, stamped by the service; the sender gets the ack, not an echo', async (t) => {
    const service = await buildService(t);
    const ada = await joined(t, service, 'talk', { displayName: 'Ada' });
    const grace = await joined(t, service, 'talk', { displayName: 'Grace' });
    const echoes = collect(ada.client, 'chat:message');

    const arriving = next(grace.client, 'chat:message');
    const before = Date.now();
    const ack = await command<ChatSent>(ada.client, 'chat:send', { text: '  hello there \n' });
    assert.ok(ack.ok);
    assert.match(ack.id, /^msg_[A-Za-z0-9_-]+$/);
    assert.ok(ack.ts >= before && ack.ts <= Date.now());
    assert.deepEqual(await arriving, {
      id: ack.id,
      ts: ack.ts,
      from: ada.seat.peerId,
      displayName: 'Ada',
      text: 'hello there',
    });

    const back = next(ada.client, 'chat:message');
    const reply = await command<ChatSent>(grace.client, 'chat:send', { text: 'hi Ada' });
    assert.ok(reply.ok);
    assert.deepEqual(await back, {
      id: reply.id,
      ts: reply.ts,
      from: grace.seat.peerId,
      displayName: 'Grace',
      text: 'hi Ada',
    });
    await barrier(ada.client);
    assert.equal(echoes.length, 1, 'the sender never receives its own message');
  });

  it('delivers the messages of one sender in the order they were sent, with distinct ids', async (t) => {
    const service = await buildService(t);
    const ada = await joined(t, service, 'order');
    const grace = await joined(t, service, 'order');
    const received = collect(grace.client, 'chat:message');
    const acks = await Promise.all(
      Array.from({ length: 20 }, (_, i) => command<ChatSent>(ada.client, 'chat:send', { text: `message ${i}` })),
    );
    assert.ok(acks.every((a) => a.ok));
    await barrier(grace.client);
    assert.deepEqual(
      received.map((m) => m.text),
      Array.from({ length: 20 }, (_, i) => `message ${i}`),
    );
    assert.equal(new Set(received.map((m) => m.id)).size, 20);
    assert.ok(received.every((m, i) => i === 0 || m.ts >= received[i - 1]!.ts));
  });

  it('refuses empty, blank, too long and malformed messages with invalid_payload, and the connection stays usable', async (t) => {
    const service = await buildService(t);
    const ada = await joined(t, service, 'checks');
    const grace = await joined(t, service, 'checks');
    const received = collect(grace.client, 'chat:message');
    const longest = 'x'.repeat(2000);
    for (const payload of [
      { text: '' },
      { text: ' \n\t ' },
      { text: 'y'.repeat(2001) },
      { text: ` ${longest}x ` },
      { text: 42 },
      {},
      { text: 'hi', extra: true },
      'hi',
    ]) {
      const reply = await command(ada.client, 'chat:send', payload);
      assert.ok(!reply.ok, `accepted ${JSON.stringify(payload).slice(0, 40)}`);
      assert.equal(reply.error.code, 'invalid_payload');
    }
    // 2000 characters once trimmed is the most a message may hold, whatever whitespace surrounds it.
    const arrived = next(grace.client, 'chat:message');
    const ok = await command<ChatSent>(ada.client, 'chat:send', { text: `\n  ${longest}  ` });
    assert.ok(ok.ok);
    // The barrier: it went out after the refused ones (on Redis a broadcast may arrive after the ack).
    await arrived;
    assert.deepEqual(
      received.map((m) => m.text),
      [longest],
    );
  });

  it('refuses a message before joining and after leaving with not_in_room', async (t) => {
    const service = await buildService(t);
    const lonely = await connect(t, service);
    const before = await command(lonely, 'chat:send', { text: 'anyone?' });
    assert.ok(!before.ok);
    assert.equal(before.error.code, 'not_in_room');

    const ada = await joined(t, service, 'gone');
    const grace = await joined(t, service, 'gone');
    const received = collect(grace.client, 'chat:message');
    assert.ok((await command(ada.client, 'room:leave', {})).ok);
    const after = await command(ada.client, 'chat:send', { text: 'still there?' });
    assert.ok(!after.ok);
    assert.equal(after.error.code, 'not_in_room');
    await barrier(grace.client);
    assert.deepEqual(received, []);
  });

  it('never leaks a message into another room, nor into a same-named room of another project', async (t) => {
    const service = await buildService(t);
    const other = await service.app.projects.createProject({
      name: 'other site',
      allowedOrigins: ['https://site.example'],
    });
    const { plaintext: otherKey } = await service.app.projects.createApiKey(other.id, 'publishable');
    const ada = await joined(t, service, 'shared-name');
    const grace = await joined(t, service, 'shared-name');
    const neighbour = await joined(t, service, 'next-door');
    const stranger = await connect(t, service, { apiKey: otherKey });
    assert.ok((await command(stranger, 'room:join', { room: 'shared-name' })).ok);
    const seenByNeighbour = collect(neighbour.client, 'chat:message');
    const seenByStranger = collect(stranger, 'chat:message');

    const arriving = next(grace.client, 'chat:message');
    assert.ok((await command(ada.client, 'chat:send', { text: 'for this room only' })).ok);
    assert.equal((await arriving).text, 'for this room only');
    await Promise.all([barrier(neighbour.client), barrier(stranger)]);
    assert.deepEqual([...seenByNeighbour, ...seenByStranger], []);
  });
});

describe('media presence', () => {
  const on: MediaState = { microphone: true, camera: true, screen: false };

  it('carries the media state given at join in peer:joined, and in peers[] for later newcomers', async (t) => {
    const service = await buildService(t);
    const ada = await joined(t, service, 'faces', {
      displayName: 'Ada',
      media: { microphone: false, camera: true, screen: false },
    });
    const announced = next(ada.client, 'peer:joined');
    const grace = await joined(t, service, 'faces', { displayName: 'Grace', media: on });
    assert.deepEqual(await announced, { peerId: grace.seat.peerId, displayName: 'Grace', polite: true, media: on });
    assert.deepEqual(grace.seat.peers, [
      {
        peerId: ada.seat.peerId,
        displayName: 'Ada',
        polite: false,
        media: { microphone: false, camera: true, screen: false },
      },
    ]);

    // A participant that never said has no media field (an older widget).
    const quiet = await joined(t, service, 'faces', { displayName: 'Quiet' });
    assert.deepEqual(
      quiet.seat.peers.map((p) => p.media),
      [{ microphone: false, camera: true, screen: false }, on],
    );
  });

  it('broadcasts every change as peer:media to the others, in order, and newcomers see the latest state', async (t) => {
    const service = await buildService(t);
    const ada = await joined(t, service, 'toggles', { media: on });
    const grace = await joined(t, service, 'toggles', { media: on });
    const seenByGrace = collect(grace.client, 'peer:media');
    const seenByAda = collect(ada.client, 'peer:media');

    const changes: MediaState[] = [
      { microphone: false, camera: true, screen: false },
      { microphone: false, camera: false, screen: false },
      { microphone: false, camera: true, screen: true },
    ];
    for (const change of changes) assert.ok((await command(ada.client, 'media:state', change)).ok);
    assert.ok((await command(grace.client, 'media:state', { microphone: false, camera: true, screen: false })).ok);
    await Promise.all([barrier(grace.client), barrier(ada.client)]);
    assert.deepEqual(
      seenByGrace,
      changes.map((change) => ({ peerId: ada.seat.peerId, ...change })),
    );
    assert.deepEqual(seenByAda, [{ peerId: grace.seat.peerId, microphone: false, camera: true, screen: false }]);

    const late = await joined(t, service, 'toggles');
    assert.deepEqual(
      late.seat.peers.map((p) => [p.peerId, p.media]),
      [
        [ada.seat.peerId, changes[2]],
        [grace.seat.peerId, { microphone: false, camera: true, screen: false }],
      ],
    );
  });

  it('refuses malformed states with invalid_payload and a state outside a room with not_in_room', async (t) => {
    const service = await buildService(t);
    const lonely = await connect(t, service);
    const outside = await command(lonely, 'media:state', on);
    assert.ok(!outside.ok);
    assert.equal(outside.error.code, 'not_in_room');

    const ada = await joined(t, service, 'bad-media');
    for (const payload of [{ microphone: true, camera: true }, { ...on, screen: 'yes' }, { ...on, volume: 3 }, null]) {
      const reply = await command(ada.client, 'media:state', payload);
      assert.ok(!reply.ok);
      assert.equal(reply.error.code, 'invalid_payload');
    }
    const badJoin = await command(await connect(t, service), 'room:join', {
      room: 'bad-media',
      media: { microphone: 'on' },
    });
    assert.ok(!badJoin.ok);
    assert.equal(badJoin.error.code, 'invalid_payload');
  });

  it('keeps media changes inside their room', async (t) => {
    const service = await buildService(t);
    const ada = await joined(t, service, 'room-a', { media: on });
    const grace = await joined(t, service, 'room-a', { media: on });
    const neighbour = await joined(t, service, 'room-b', { media: on });
    const leaks = collect(neighbour.client, 'peer:media');
    const arriving = next(grace.client, 'peer:media');
    assert.ok((await command(ada.client, 'media:state', { microphone: false, camera: false, screen: false })).ok);
    assert.equal((await arriving).peerId, ada.seat.peerId);
    await barrier(neighbour.client);
    assert.deepEqual(leaks, []);
  });
});
