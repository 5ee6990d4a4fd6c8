/** Host powers on the service side: a partner removes a participant (reason `kicked`) and locks a room. */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import {
  PROTOCOL_VERSION,
  type KnockStatus,
  type CallSessionList,
  type CreatedRoom,
  type ErrorBody,
  type JoinResult,
  type JoinToken,
  type Room,
} from '@vcw/shared';
import { build } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openSqlite } from '../src/store/database.js';
import { partnerAuth } from './helpers/partner.js';
import {
  buildService,
  command,
  connect,
  next,
  sessionOf,
  TEST_TOKEN_SECRET,
  type Client,
  type TestService,
} from './helpers/service.js';

async function partner(t: TestContext) {
  const service = await buildService(t);
  const auth = await partnerAuth(service);
  const rest = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    service.app.inject({ method, url, headers: auth, ...(payload ? { payload } : {}) });
  const token = async (roomId: string, role: 'host' | 'guest', displayName: string) =>
    (await rest('POST', `/v1/rooms/${roomId}/tokens`, { role, displayName })).json<JoinToken>().token;
  return { ...service, rest, token };
}

async function joinWith(
  t: TestContext,
  service: TestService,
  token: string,
): Promise<{ client: Client; reply: Awaited<ReturnType<typeof command<JoinResult>>> }> {
  const client = await connect(t, service, { auth: { protocol: PROTOCOL_VERSION, token } });
  return { client, reply: await command<JoinResult>(client, 'room:join', {}) };
}

describe('host powers over REST', () => {
  it('removes a participant: they are told, the others see `kicked`, and their token no longer admits them', async (t) => {
    const { rest, token, ...service } = await partner(t);
    const room = (await rest('POST', '/v1/rooms', { name: 'clinic', privacy: 'private' })).json<CreatedRoom>();
    const hostToken = await token(room.id, 'host', 'Dr. Ada');
    const guestToken = await token(room.id, 'guest', 'Mallory');
    const ada = await joinWith(t, service, hostToken);
    assert.ok(ada.reply.ok);
    const mallory = await joinWith(t, service, guestToken);
    assert.ok(mallory.reply.ok);
    const malloryId = sessionOf(mallory.client).peerId;

    const told = next(mallory.client, 'session:closed');
    const gone = new Promise<string>((resolve) => mallory.client.once('disconnect', resolve));
    const adaSees = next(ada.client, 'peer:left');
    const removed = await rest('DELETE', `/v1/rooms/${room.id}/participants/${malloryId}`);
    assert.equal(removed.statusCode, 200, removed.body);
    assert.deepEqual(
      [removed.json().peerId, removed.json().displayName, removed.json().role],
      [malloryId, 'Mallory', 'guest'],
    );
    assert.equal(((await told) as ErrorBody).code, 'participant_removed');
    assert.equal(await gone, 'io server disconnect');
    assert.deepEqual(await adaSees, { peerId: malloryId, reason: 'kicked' });

    // Back with the same token: connected, but the room refuses it. A fresh token admits them again.
    const again = await joinWith(t, service, guestToken);
    assert.equal(again.reply.ok, false);
    assert.equal(!again.reply.ok && again.reply.error.code, 'participant_removed');
    const forgiven = await joinWith(t, service, await token(room.id, 'guest', 'Mallory'));
    assert.ok(forgiven.reply.ok, JSON.stringify(forgiven.reply));

    await service.app.callHistoryWriter.flushed();
    const history = (await rest('GET', `/v1/rooms/${room.id}/sessions`)).json<CallSessionList>();
    assert.equal(history.data[0]?.participants.find((p) => p.peerId === malloryId)?.leaveReason, 'kicked');
    const participants = (await rest('GET', `/v1/rooms/${room.id}/participants`)).json<{
      data: Array<{ peerId: string }>;
    }>();
    assert.equal(
      participants.data.some((p) => p.peerId === malloryId),
      false,
    );
  });

  it("a removed participant's token stays refused after the service restarts", async (t) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'vcw-removal-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'vcw.sqlite');
    const start = async (projectId?: string) => {
      const app = await build({
        config: loadConfig({ LOG_LEVEL: 'silent', PORT: '0' }),
        db: await openSqlite(file),
        logger: false,
        tokenSecret: TEST_TOKEN_SECRET,
      });
      t.after(() => app.close());
      const id = projectId ?? (await app.projects.createProject({ name: 'clinic', allowedOrigins: [] })).id;
      await app.listen({ port: 0, host: '127.0.0.1' });
      const service = {
        app,
        url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
        projectId: id,
        publishableKey: '',
      };
      const auth = await partnerAuth(service);
      const rest = (method: 'POST' | 'DELETE', url: string, payload?: object) =>
        app.inject({ method, url, headers: auth, ...(payload ? { payload } : {}) });
      return { ...service, rest };
    };
    const first = await start();
    const room = (await first.rest('POST', '/v1/rooms', { name: 'clinic', privacy: 'private' })).json<CreatedRoom>();
    const mint = async (service: typeof first, displayName: string) =>
      (await service.rest('POST', `/v1/rooms/${room.id}/tokens`, { role: 'guest', displayName })).json<JoinToken>()
        .token;
    const malloryToken = await mint(first, 'Mallory');
    const mallory = await joinWith(t, first, malloryToken);
    assert.ok(mallory.reply.ok);
    assert.equal(
      (await first.rest('DELETE', `/v1/rooms/${room.id}/participants/${sessionOf(mallory.client).peerId}`)).statusCode,
      200,
    );
    await first.app.close();

    const second = await start(first.projectId);
    const again = await joinWith(t, second, malloryToken);
    assert.equal(!again.reply.ok && again.reply.error.code, 'participant_removed', JSON.stringify(again.reply));
    const knock = await command(again.client, 'room:knock', {});
    assert.equal(!knock.ok && knock.error.code, 'participant_removed', 'knocking is no way back in either');
    const ada = await joinWith(t, second, await mint(second, 'Ada'));
    assert.ok(ada.reply.ok, 'another token of the room still admits');
  });

  it('removing someone who is not in the room is a 404 peer_not_found', async (t) => {
    const { rest } = await partner(t);
    const room = (await rest('POST', '/v1/rooms', { name: 'empty', privacy: 'private' })).json<CreatedRoom>();
    const res = await rest('DELETE', `/v1/rooms/${room.id}/participants/nobody-here-123`);
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().code, 'peer_not_found');
  });

  it('a locked room admits nobody new but hosts; those in it stay; unlocking lets people in again', async (t) => {
    const { rest, token, ...service } = await partner(t);
    const room = (await rest('POST', '/v1/rooms', { name: 'board', privacy: 'public' })).json<CreatedRoom>();
    const first = await joinWith(t, service, await token(room.id, 'guest', 'Ada'));
    assert.ok(first.reply.ok);
    const lockSeen = next(first.client, 'room:locked');
    const locked = await rest('PATCH', `/v1/rooms/${room.id}`, { locked: true });
    assert.equal(locked.statusCode, 200, locked.body);
    assert.equal(locked.json<Room>().locked, true);
    assert.deepEqual(await lockSeen, { locked: true, by: null }, 'those in the call hear that the partner locked it');
    assert.equal((await rest('GET', `/v1/rooms/${room.id}`)).json<Room>().locked, true);

    const guest = await joinWith(t, service, await token(room.id, 'guest', 'Grace'));
    assert.equal(!guest.reply.ok && guest.reply.error.code, 'room_locked');
    const byKey = await connect(t, service);
    const keyReply = await command(byKey, 'room:join', { room: 'board' });
    assert.equal(!keyReply.ok && keyReply.error.code, 'room_locked', 'a publishable key is a newcomer too');
    const host = await joinWith(t, service, await token(room.id, 'host', 'Chair'));
    assert.ok(host.reply.ok, 'a host still gets in');
    assert.equal(
      (await rest('GET', `/v1/rooms/${room.id}`)).json<Room>().participantCount,
      2,
      'those in the call stay',
    );

    const unlockSeen = [next(first.client, 'room:locked'), next(host.client, 'room:locked')];
    assert.equal((await rest('PATCH', `/v1/rooms/${room.id}`, { locked: false })).json<Room>().locked, false);
    assert.deepEqual(await Promise.all(unlockSeen), [
      { locked: false, by: null },
      { locked: false, by: null },
    ]);
    assert.ok((await command(byKey, 'room:join', { room: 'board' })).ok);
    for (const bad of [{}, { locked: 'yes' }, { locked: true, name: 'x' }])
      assert.equal((await rest('PATCH', `/v1/rooms/${room.id}`, bad)).statusCode, 400, JSON.stringify(bad));
  });
});

describe('host powers over signaling', () => {
  it('a host removes a guest, locks the room and ends the call; a guest may do none of it', async (t) => {
    const { rest, token, ...service } = await partner(t);
    const room = (
      await rest('POST', '/v1/rooms', { name: 'studio', privacy: 'private', maxParticipants: 4 })
    ).json<CreatedRoom>();
    const host = await joinWith(t, service, await token(room.id, 'host', 'Chair'));
    const grace = await joinWith(t, service, await token(room.id, 'guest', 'Grace'));
    const mallory = await joinWith(t, service, await token(room.id, 'guest', 'Mallory'));
    for (const who of [host, grace, mallory]) assert.ok(who.reply.ok);
    const [hostId, malloryId] = [host, mallory].map((who) => sessionOf(who.client).peerId);

    for (const [event, payload] of [
      ['host:remove', { peerId: hostId }],
      ['host:lock', { locked: true }],
      ['host:end', {}],
    ] as const) {
      const refused = await command(grace.client, event, payload);
      assert.equal(!refused.ok && refused.error.code, 'host_only', event);
    }
    const self = await command(host.client, 'host:remove', { peerId: hostId });
    assert.equal(!self.ok && self.error.code, 'peer_not_found', 'a host does not remove itself');

    const graceSees = next(grace.client, 'peer:left');
    const malloryTold = next(mallory.client, 'session:closed');
    assert.ok((await command(host.client, 'host:remove', { peerId: malloryId })).ok);
    assert.equal(((await malloryTold) as ErrorBody).code, 'participant_removed');
    assert.deepEqual(await graceSees, { peerId: malloryId, reason: 'kicked' });

    const lockSeen = next(grace.client, 'room:locked');
    assert.ok((await command(host.client, 'host:lock', { locked: true })).ok);
    assert.deepEqual(await lockSeen, { locked: true, by: { peerId: hostId, displayName: 'Chair' } });
    const late = await joinWith(t, service, await token(room.id, 'guest', 'Late'));
    assert.equal(!late.reply.ok && late.reply.error.code, 'room_locked');

    const ended = [next(host.client, 'room:ended'), next(grace.client, 'room:ended')];
    assert.ok((await command(host.client, 'host:end', {})).ok);
    assert.deepEqual(await Promise.all(ended), [{ room: 'studio' }, { room: 'studio' }]);
    assert.ok((await rest('GET', `/v1/rooms/${room.id}`)).json<Room>().endedAt, 'the room refuses joins from now on');
  });
});

describe('host:mute', () => {
  it('tells the muted participant who muted them; guests may not; unknown or self is peer_not_found', async (t) => {
    const { rest, token, ...service } = await partner(t);
    const room = (await rest('POST', '/v1/rooms', { name: 'lecture', privacy: 'private' })).json<CreatedRoom>();
    const host = await joinWith(t, service, await token(room.id, 'host', 'Chair'));
    const grace = await joinWith(t, service, await token(room.id, 'guest', 'Grace'));
    const bob = await joinWith(t, service, await token(room.id, 'guest', 'Bob'));
    for (const who of [host, grace, bob]) assert.ok(who.reply.ok);
    const [hostId, graceId] = [host, grace].map((who) => sessionOf(who.client).peerId);

    const refused = await command(grace.client, 'host:mute', { peerId: hostId });
    assert.equal(!refused.ok && refused.error.code, 'host_only');
    for (const peerId of [hostId, 'nobody-here-123']) {
      const missing = await command(host.client, 'host:mute', { peerId });
      assert.equal(!missing.ok && missing.error.code, 'peer_not_found', peerId);
    }
    const bad = await command(host.client, 'host:mute', { peerId: graceId, loud: true });
    assert.equal(!bad.ok && bad.error.code, 'invalid_payload');

    // Bob must hear nothing of Grace's mute: his marker (the chat message Grace sends after) comes first.
    const bobEvents: string[] = [];
    bob.client.on('host:muted', () => bobEvents.push('host:muted'));
    const graceMuted = next(grace.client, 'host:muted');
    assert.ok((await command(host.client, 'host:mute', { peerId: graceId })).ok);
    assert.deepEqual(await graceMuted, { by: { peerId: hostId, displayName: 'Chair' } });
    const marker = next(bob.client, 'chat:message');
    assert.ok((await command(grace.client, 'chat:send', { text: 'after' })).ok);
    await marker;
    assert.deepEqual(bobEvents, []);
  });
});

describe('knock to enter', () => {
  it('guests knock and wait; a host admits one and denies another with a reason; a denied guest must knock again', async (t) => {
    const { rest, token, ...service } = await partner(t);
    const room = (
      await rest('POST', '/v1/rooms', { name: 'porch', privacy: 'private', knock: true })
    ).json<CreatedRoom>();
    assert.equal((await rest('GET', `/v1/rooms/${room.id}`)).json<Room>().knock, true);
    const guestClient = async (name: string) =>
      connect(t, service, { auth: { protocol: PROTOCOL_VERSION, token: await token(room.id, 'guest', name) } });
    const grace = await guestClient('Grace');
    const mallory = await guestClient('Mallory');
    const [graceId, malloryId] = [grace, mallory].map((c) => sessionOf(c).peerId);

    // Without knocking, no seat; with no host in the call, the knock waits (and says so).
    const unasked = await command(grace, 'room:join', {});
    assert.equal(!unasked.ok && unasked.error.code, 'knock_required');
    const waiting = await command<KnockStatus>(grace, 'room:knock', {});
    assert.deepEqual(waiting.ok && { status: waiting.status, hostsPresent: waiting.hostsPresent }, {
      status: 'waiting',
      hostsPresent: 0,
    });

    // A host enters at once, and hears of the knock already waiting; a later knock reaches it live.
    const hostClient = await connect(t, service, {
      auth: { protocol: PROTOCOL_VERSION, token: await token(room.id, 'host', 'Chair') },
    });
    const heldKnock = next(hostClient, 'knock:request');
    assert.ok((await command(hostClient, 'room:join', {})).ok, 'a host does not knock');
    assert.deepEqual(await heldKnock, { peerId: graceId, displayName: 'Grace' });
    const liveKnock = next(hostClient, 'knock:request');
    const malloryWaits = await command<KnockStatus>(mallory, 'room:knock', {});
    assert.ok(malloryWaits.ok && malloryWaits.status === 'waiting' && malloryWaits.hostsPresent === 1);
    assert.deepEqual(await liveKnock, { peerId: malloryId, displayName: 'Mallory' });

    // Guests may not answer knocks.
    const refused = await command(grace, 'host:admit', { peerId: malloryId });
    assert.equal(!refused.ok && refused.error.code, 'not_in_room');
    // A second host joining hears of both knocks still waiting, and of their answers.
    const second = await connect(t, service, {
      auth: { protocol: PROTOCOL_VERSION, token: await token(room.id, 'host', 'Second') },
    });
    const heard: string[] = [];
    second.on('knock:request', ({ peerId }) => heard.push(`knock ${peerId}`));
    second.on('knock:withdrawn', ({ peerId }) => heard.push(`withdrawn ${peerId}`));
    assert.ok((await command(second, 'room:join', {})).ok);

    // Admit Grace: she is told, and joins.
    const admitted = next(grace, 'knock:answer');
    const withdrawn = next(hostClient, 'knock:withdrawn');
    assert.ok((await command(hostClient, 'host:admit', { peerId: graceId })).ok);
    assert.deepEqual(await admitted, { admitted: true });
    assert.deepEqual(await withdrawn, { peerId: graceId });
    assert.ok((await command(grace, 'room:join', {})).ok);
    const notHost = await command(grace, 'host:deny', { peerId: malloryId, reason: 'no' });
    assert.equal(!notHost.ok && notHost.error.code, 'host_only', 'a guest in the call may not answer');
    const again = await command(hostClient, 'host:admit', { peerId: graceId });
    assert.equal(!again.ok && again.error.code, 'peer_not_found', 'answered once');

    // Deny Mallory, with a reason; she cannot join, and must knock again.
    const denied = next(mallory, 'knock:answer');
    assert.ok((await command(hostClient, 'host:deny', { peerId: malloryId, reason: 'Not on the list' })).ok);
    assert.deepEqual(await denied, { admitted: false, reason: 'Not on the list' });
    assert.ok((await command(second, 'chat:send', { text: 'marker' })).ok); // its own events, in order, before its ack
    assert.deepEqual(heard, [
      `knock ${graceId}`,
      `knock ${malloryId}`,
      `withdrawn ${graceId}`,
      `withdrawn ${malloryId}`,
    ]);
    const sneaking = await command(mallory, 'room:join', {});
    assert.equal(!sneaking.ok && sneaking.error.code, 'knock_required');
    const knocksAgain = next(hostClient, 'knock:request');
    assert.ok((await command(mallory, 'room:knock', {})).ok);
    assert.deepEqual(await knocksAgain, { peerId: malloryId, displayName: 'Mallory' });

    // Bad answers are refused; a knocker that goes away is withdrawn.
    for (const bad of [
      { peerId: malloryId },
      { peerId: malloryId, reason: '' },
      { peerId: malloryId, reason: 'x'.repeat(201) },
    ]) {
      const reply = await command(hostClient, 'host:deny', bad);
      assert.equal(!reply.ok && reply.error.code, 'invalid_payload', JSON.stringify(bad).slice(0, 60));
    }
    const gone = next(hostClient, 'knock:withdrawn');
    mallory.disconnect();
    assert.deepEqual(await gone, { peerId: malloryId });

    // PATCH turns knocking off: guests join directly again.
    assert.equal((await rest('PATCH', `/v1/rooms/${room.id}`, { knock: false })).json<Room>().knock, false);
    const late = await guestClient('Late');
    assert.ok((await command(late, 'room:join', {})).ok);
  });
});
