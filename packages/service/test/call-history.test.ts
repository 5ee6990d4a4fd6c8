/** Call history as a partner reads it: real calls over socket.io, then `GET /v1/rooms/:id/sessions`. */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it, type TestContext } from 'node:test';
import { sql } from 'kysely';
import { PROTOCOL_VERSION, type CallSessionList, type JoinResult, type JoinToken, type Room } from '@vcw/shared';
import { openSqlite } from '../src/store/database.js';
import { CallHistory } from '../src/store/call-history.js';
import { ProjectStore } from '../src/store/project-store.js';
import { RoomStore } from '../src/store/room-store.js';
import { partnerAuth, serviceOver } from './helpers/partner.js';
import { buildService, command, connect, next, type Client, type TestService } from './helpers/service.js';

interface Partner extends TestService {
  auth: { authorization: string };
}

async function partner(t: TestContext, options: Parameters<typeof buildService>[1] = {}): Promise<Partner> {
  const service = await buildService(t, options);
  return { ...service, auth: await partnerAuth(service) };
}

async function createRoom(service: Partner, payload: object): Promise<Room> {
  const res = await service.app.inject({ method: 'POST', url: '/v1/rooms', headers: service.auth, payload });
  assert.equal(res.statusCode, 201, res.body);
  return res.json<Room>();
}

async function history(service: Partner, roomId: string, query = ''): Promise<CallSessionList> {
  const res = await service.app.inject({
    method: 'GET',
    url: `/v1/rooms/${roomId}/sessions${query}`,
    headers: service.auth,
  });
  assert.equal(res.statusCode, 200, res.body);
  return res.json<CallSessionList>();
}

async function join(
  t: TestContext,
  service: TestService,
  payload: object,
  auth?: Record<string, unknown>,
): Promise<{ client: Client; peerId: string }> {
  const client = await connect(t, service, auth ? { auth } : {});
  const reply = await command<JoinResult>(client, 'room:join', payload);
  assert.ok(reply.ok, JSON.stringify(reply));
  return { client, peerId: reply.peerId };
}

describe('call history', () => {
  it('shows a call going on, then who left and why: hangup for leaving, network for a dropped connection (no resume grace)', async (t) => {
    const service = await partner(t, { env: { RESUME_GRACE_SECONDS: '0' } });
    const room = await createRoom(service, { name: 'clinic', privacy: 'public' });
    const alice = await join(t, service, { room: 'clinic', displayName: 'Alice' });
    const bob = await join(t, service, { room: 'clinic', displayName: 'Bob' });

    const live = await history(service, room.id);
    assert.equal(live.data.length, 1);
    assert.equal(live.data[0]?.endedAt, null, 'the call is going on');
    assert.deepEqual(
      live.data[0]?.participants.map((p) => [p.displayName, p.leftAt, p.leaveReason]),
      [
        ['Alice', null, null],
        ['Bob', null, null],
      ],
    );

    const bobLost = next(alice.client, 'peer:left');
    (bob.client.io as unknown as { engine: { close(): void } }).engine.close(); // the transport dies, no goodbye
    await bobLost;
    assert.deepEqual(await command(alice.client, 'room:leave', {}), { ok: true });

    const [call] = (await history(service, room.id)).data;
    assert.ok(call?.endedAt, 'the call ended with its last participant');
    assert.deepEqual(
      call.participants.map((p) => ({
        peerId: p.peerId,
        displayName: p.displayName,
        role: p.role,
        leaveReason: p.leaveReason,
      })),
      [
        { peerId: alice.peerId, displayName: 'Alice', role: 'guest', leaveReason: 'hangup' },
        { peerId: bob.peerId, displayName: 'Bob', role: 'guest', leaveReason: 'network' },
      ],
    );
    assert.equal(call.participants[0]?.leftAt, call.endedAt, 'the last one out ended the call');
    for (const p of call.participants)
      assert.ok(call.startedAt <= p.joinedAt && p.joinedAt <= (p.leftAt ?? '') && (p.leftAt ?? '') <= call.endedAt);
  });

  it('a second call in the same room is a second session, listed first and paged like rooms', async (t) => {
    const service = await partner(t);
    const room = await createRoom(service, { name: 'standup', privacy: 'public' });
    const first = await join(t, service, { room: 'standup', displayName: 'Monday' });
    await command(first.client, 'room:leave', {});
    const second = await join(t, service, { room: 'standup', displayName: 'Tuesday' });
    await command(second.client, 'room:leave', {});

    const all = await history(service, room.id);
    assert.deepEqual(
      all.data.map((s) => s.participants.map((p) => p.displayName)),
      [['Tuesday'], ['Monday']],
    );
    const page1 = await history(service, room.id, '?limit=1');
    assert.deepEqual(
      page1.data.map((s) => s.id),
      [all.data[0]?.id],
    );
    assert.ok(page1.nextCursor);
    const page2 = await history(service, room.id, `?limit=1&cursor=${page1.nextCursor}`);
    assert.deepEqual(page2, { data: [all.data[1]], nextCursor: null });
    assert.equal(all.data[1]?.participants[0]?.leaveReason, 'hangup');
  });

  it('ending a room through REST closes its call with room-ended for everyone, with their token roles and names', async (t) => {
    const service = await partner(t);
    const room = await createRoom(service, { name: 'vip', privacy: 'private' });
    const tokenFor = async (role: string, displayName: string) =>
      (
        await service.app.inject({
          method: 'POST',
          url: `/v1/rooms/${room.id}/tokens`,
          headers: service.auth,
          payload: { role, displayName },
        })
      ).json<JoinToken>().token;
    const host = await join(t, service, {}, { protocol: PROTOCOL_VERSION, token: await tokenFor('host', 'Hana') });
    const guest = await join(t, service, {}, { protocol: PROTOCOL_VERSION, token: await tokenFor('guest', 'Gus') });

    const ended = Promise.all([next(host.client, 'room:ended'), next(guest.client, 'room:ended')]);
    assert.equal(
      (await service.app.inject({ method: 'DELETE', url: `/v1/rooms/${room.id}`, headers: service.auth })).statusCode,
      200,
    );
    await ended;

    const [call] = (await history(service, room.id)).data;
    assert.ok(call?.endedAt);
    assert.deepEqual(
      call.participants.map((p) => [p.displayName, p.role, p.leaveReason, p.leftAt]),
      [
        ['Hana', 'host', 'room-ended', call.endedAt],
        ['Gus', 'guest', 'room-ended', call.endedAt],
      ],
    );
  });

  it('a call cut off by a stopped service is closed as lost to the network when the service starts again', async (t) => {
    const db = await openSqlite(':memory:');
    const project = await new ProjectStore(db).createProject({ name: 'crashy', allowedOrigins: [] });
    const { room } = await new RoomStore(db).create(project.id, { name: 'cut-off', privacy: 'public' });
    // What the previous process wrote before it died: the join, never the leave.
    await new CallHistory(db).participantJoined({
      projectId: project.id,
      roomId: room.id,
      peerId: 'ghost-peer-1',
      displayName: 'Ghost',
      role: 'guest',
      at: new Date(Date.now() - 60_000),
    });
    const bootedAt = new Date().toISOString();

    const service = await serviceOver(t, db);
    const auth = await partnerAuth({ app: service.app, projectId: project.id });
    const [call] = (await history({ ...service, auth }, room.id)).data;
    assert.ok(call?.endedAt && call.endedAt >= bootedAt, 'ended at boot');
    assert.deepEqual(
      call.participants.map((p) => [p.displayName, p.leaveReason, p.leftAt]),
      [['Ghost', 'network', call.endedAt]],
    );
  });

  it('a history write that fails never disturbs the call; it is logged', async (t) => {
    let logs = '';
    const sink = new Writable({ write: (chunk, _encoding, done) => ((logs += String(chunk)), done()) });
    const db = await openSqlite(':memory:');
    const service = await serviceOver(t, db, { level: 'error', stream: sink });
    await sql`DROP TABLE room_session_participants`.execute(db);

    const alice = await join(t, service, { room: 'fragile', displayName: 'Alice' });
    const announced = next(alice.client, 'peer:joined');
    const bob = await join(t, service, { room: 'fragile', displayName: 'Bob' });
    assert.equal((await announced).peerId, bob.peerId);
    const left = next(alice.client, 'peer:left');
    assert.deepEqual(await command(bob.client, 'room:leave', {}), { ok: true });
    assert.deepEqual(await left, { peerId: bob.peerId, reason: 'hangup' });
    await service.app.callHistoryWriter.flushed();
    assert.match(logs, /could not record call history/);
    assert.match(logs, /"module":"signaling"/);
  });

  it('answers 404 for an unknown room or one of another project, 400 for a bad cursor, 401 without a key', async (t) => {
    const service = await partner(t, { listen: false });
    const room = await createRoom(service, { privacy: 'public' });
    const get = (url: string, headers: Record<string, string> = service.auth) =>
      service.app.inject({ method: 'GET', url, headers });
    assert.deepEqual((await history(service, room.id)).data, [], 'a room nobody joined has no history');

    const unknown = await get('/v1/rooms/room_000000000000000000000000/sessions');
    assert.deepEqual([unknown.statusCode, unknown.json().code], [404, 'room_not_found']);
    const other = await service.app.projects.createProject({ name: 'other', allowedOrigins: [] });
    const { plaintext } = await service.app.projects.createApiKey(other.id, 'secret');
    const foreign = await get(`/v1/rooms/${room.id}/sessions`, { authorization: `Bearer ${plaintext}` });
    assert.deepEqual([foreign.statusCode, foreign.json().code], [404, 'room_not_found']);
    const badCursor = await get(`/v1/rooms/${room.id}/sessions?cursor=bogus`);
    assert.deepEqual([badCursor.statusCode, badCursor.json().code], [400, 'invalid_payload']);
    assert.equal((await get(`/v1/rooms/${room.id}/sessions?limit=0`)).statusCode, 400);
    const anonymous = await get(`/v1/rooms/${room.id}/sessions`, {});
    assert.deepEqual([anonymous.statusCode, anonymous.json().code], [401, 'auth_missing']);

    const doc = (await service.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const operation = doc.paths['/v1/rooms/{id}/sessions']?.get;
    assert.ok(operation, 'the route is in the OpenAPI document');
    assert.deepEqual(Object.keys(operation.responses).sort(), ['200', '400', '401', '404', '429']);
    const participant =
      operation.responses['200'].content['application/json'].schema.properties.data.items.properties.participants.items;
    assert.deepEqual(Object.keys(participant.properties).sort(), [
      'displayName',
      'joinedAt',
      'leaveReason',
      'leftAt',
      'peerId',
      'role',
    ]);
  });
});
