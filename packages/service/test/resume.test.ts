import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PROTOCOL_VERSION, type JoinResult } from '@vcw/shared';
import { buildService, command, connect, next, reconnectingClient, sessionOf, type Client } from './helpers/service.js';
import { barrier, until } from './helpers/toolkit.js';

/** Cuts the client's connection as a network loss would: no goodbye, the transport just closes. */
const dropTransport = (client: Client) => client.io.engine.close();

describe('seats kept through a dropped connection', () => {
  it('a dropped participant resumes with the same identity; the others see no leave and it gets what was sent meanwhile', async (t) => {
    const service = await buildService(t, { env: { RESUME_GRACE_SECONDS: '5' } });
    const staying = await connect(t, service);
    const { client: dropping, session } = await reconnectingClient(t, service);
    assert.ok((await command<JoinResult>(staying, 'room:join', { room: 'desk' })).ok);
    assert.ok((await command<JoinResult>(dropping, 'room:join', { room: 'desk' })).ok);
    let leaves = 0;
    staying.on('peer:left', () => leaves++);

    const back = next(dropping, 'session');
    dropTransport(dropping);
    await new Promise((r) => setTimeout(r, 20));
    // Sent while it is away: a signal to it, and a chat message to the room.
    assert.ok(
      (await command(staying, 'signal', { to: session.peerId, candidate: { candidate: '' } })).ok,
      'its seat is still there',
    );
    const signal = next(dropping, 'signal');
    const chat = next(dropping, 'chat:message');
    assert.ok((await command(staying, 'chat:send', { text: 'are you there?' })).ok);

    const resumed = await back;
    assert.equal(resumed.resumed, true);
    assert.equal(resumed.peerId, session.peerId);
    assert.equal((await signal).from !== undefined, true);
    assert.equal((await chat).text, 'are you there?');
    await barrier(staying);
    assert.equal(leaves, 0);
    // Still seated: a leave now is a hang-up the others see.
    const left = next(staying, 'peer:left');
    assert.ok((await command(dropping, 'room:leave', {})).ok);
    assert.deepEqual(await left, { peerId: session.peerId, reason: 'hangup' });
  });

  it('a participant that does not come back within the grace period leaves with reason timeout', async (t) => {
    const service = await buildService(t, { env: { RESUME_GRACE_SECONDS: '1' } });
    const staying = await connect(t, service);
    const { client: gone, session } = await reconnectingClient(t, service);
    assert.ok((await command<JoinResult>(staying, 'room:join', { room: 'desk' })).ok);
    assert.ok((await command<JoinResult>(gone, 'room:join', { room: 'desk' })).ok);
    gone.io.reconnection(false);
    const dropped = Date.now();
    dropTransport(gone);
    const left = await next(staying, 'peer:left', 5000);
    const waited = Date.now() - dropped;
    assert.deepEqual(left, { peerId: session.peerId, reason: 'timeout' });
    assert.ok(waited >= 900 && waited < 3000, `left after the 1 s grace (${waited} ms)`);
    const rejoiner = await connect(t, service);
    assert.ok((await command<JoinResult>(rejoiner, 'room:join', { room: 'desk' })).ok, 'the seat is free again');
  });

  it('hanging up by closing the socket frees the seat at once', async (t) => {
    const service = await buildService(t, { env: { RESUME_GRACE_SECONDS: '30' } });
    const staying = await connect(t, service);
    const leaving = await connect(t, service);
    assert.ok((await command<JoinResult>(staying, 'room:join', { room: 'desk' })).ok);
    assert.ok((await command<JoinResult>(leaving, 'room:join', { room: 'desk' })).ok);
    const started = Date.now();
    const left = next(staying, 'peer:left');
    leaving.disconnect();
    assert.equal((await left).reason, 'hangup');
    assert.ok(Date.now() - started < 1000);
  });

  it('a participant resuming into a room ended meanwhile starts over outside it', async (t) => {
    const service = await buildService(t, { env: { RESUME_GRACE_SECONDS: '5' } });
    const { client, session } = await reconnectingClient(t, service);
    assert.ok((await command<JoinResult>(client, 'room:join', { room: 'desk' })).ok);
    const room = await service.app.roomStore.findByName(service.projectId, 'desk');
    const back = next(client, 'session');
    dropTransport(client);
    await service.app.endRoomCall(service.projectId, room!.name);
    const resumed = await back;
    assert.equal(resumed.peerId, session.peerId);
    assert.equal(resumed.resumed, undefined);
    const again = await command(client, 'room:leave', {});
    assert.equal(!again.ok && again.error.code, 'not_in_room');
  });
});

describe('a session the service does not know', () => {
  it('a client recovering a session from before a restart is let in as a fresh connection', async (t) => {
    const service = await buildService(t);
    const client = await connect(t, service, {
      auth: { protocol: PROTOCOL_VERSION, apiKey: service.publishableKey, pid: 'from-before-restart', offset: '3' },
    });
    const session = sessionOf(client);
    assert.equal(session.resumed, undefined);
    assert.ok((await command<JoinResult>(client, 'room:join', { room: 'desk' })).ok);
  });
});

describe('resuming does not reset limits, nor leave ghosts', () => {
  it('a flooder that drops its transport and resumes keeps its spent budget', async (t) => {
    const service = await buildService(t, { env: { RESUME_GRACE_SECONDS: '5', RATE_LIMIT_SIGNALS_PER_SECOND: '1' } });
    const { client, session } = await reconnectingClient(t, service);
    const outcomes = async (n: number) => {
      const codes = [];
      for (let i = 0; i < n; i++) {
        const reply = await command(client, 'room:leave', {});
        codes.push(reply.ok ? 'ok' : reply.error.code);
      }
      return codes;
    };
    // 1 per second with a 6-second burst: the seventh message is refused.
    assert.deepEqual(await outcomes(7), [...Array(6).fill('not_in_room'), 'rate_limited']);
    const back = next(client, 'session');
    dropTransport(client);
    assert.equal((await back).peerId, session.peerId, 'the same socket came back');
    assert.deepEqual(await outcomes(1), ['rate_limited'], 'the budget came back with the socket, still spent');
  });

  it('a connection that closes while its join waits on the store is not seated', async (t) => {
    const service = await buildService(t);
    const store = service.app.roomStore;
    const findByName = store.findByName.bind(store);
    // The store answers slowly (a busy database): the client hangs up meanwhile.
    let joinReached: () => void;
    const reading = new Promise<void>((resolve) => (joinReached = resolve));
    store.findByName = async (...args) => {
      joinReached();
      await new Promise((r) => setTimeout(r, 150));
      return findByName(...args);
    };
    const leaving = await connect(t, service);
    (leaving as unknown as { emit(e: string, p: unknown, ack: () => void): void }).emit(
      'room:join',
      { room: 'desk' },
      () => undefined,
    );
    await reading;
    leaving.disconnect();
    // The slowed join runs on after the hang-up; it is over once the service has answered it (to nobody).
    const answered = async () =>
      (await service.app.metrics.commands.get()).values.some((v) => v.labels.command === 'room:join');
    await until(answered, 'the slowed join to be answered');
    store.findByName = findByName;
    assert.equal(service.app.rooms.participantCount(`${service.projectId}/desk`), 0, 'no seat left behind');
    const newcomer = await connect(t, service);
    const joined = await command<JoinResult>(newcomer, 'room:join', { room: 'desk' });
    assert.ok(joined.ok);
    assert.deepEqual(joined.peers, []);
  });
});
