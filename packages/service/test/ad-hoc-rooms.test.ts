/** The project setting for ad-hoc rooms: whether a publishable key's join by an unknown name opens a public room. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PROTOCOL_VERSION, type JoinResult, type JoinToken, type Room, type RoomList } from '@vcw/shared';
import { partnerAuth } from './helpers/partner.js';
import { buildService, command, connect } from './helpers/service.js';

describe('ad-hoc rooms', () => {
  it('a project that allows them (the default) opens a public room on the first join by a new name', async (t) => {
    const service = await buildService(t);
    assert.equal((await service.app.projects.findProject(service.projectId))?.allowAdHocRooms, true);
    const client = await connect(t, service);
    const reply = await command<JoinResult>(client, 'room:join', { room: 'drop-in' });
    assert.ok(reply.ok, JSON.stringify(reply));
    const listed = (
      await service.app.inject({ method: 'GET', url: '/v1/rooms', headers: await partnerAuth(service) })
    ).json<RoomList>();
    assert.deepEqual(
      listed.data.map((r) => [r.name, r.privacy]),
      [['drop-in', 'public']],
    );
  });

  it('a project without them refuses a new name with room_not_found, and still admits the rooms it has', async (t) => {
    const service = await buildService(t);
    const { app, projectId } = service;
    const auth = await partnerAuth(service);
    const early = await connect(t, service);
    assert.ok(
      (await command(early, 'room:join', { room: 'made-by-a-join' })).ok,
      'opened while the project still allowed it',
    );
    await command(early, 'room:leave', {});
    await app.inject({
      method: 'POST',
      url: '/v1/rooms',
      headers: auth,
      payload: { name: 'lobby', privacy: 'public' },
    });
    const vip = (
      await app.inject({
        method: 'POST',
        url: '/v1/rooms',
        headers: auth,
        payload: { name: 'vip', privacy: 'private' },
      })
    ).json<Room>();
    await app.projects.setAllowAdHocRooms(projectId, false);

    const visitor = await connect(t, service);
    const refused = await command(visitor, 'room:join', { room: 'nowhere' });
    assert.equal(!refused.ok && refused.error.code, 'room_not_found');
    assert.match(!refused.ok ? refused.error.message : '', /only admits rooms created through the REST API/);
    const names = (await app.inject({ method: 'GET', url: '/v1/rooms', headers: auth }))
      .json<RoomList>()
      .data.map((r) => r.name);
    assert.equal(names.includes('nowhere'), false, 'the refused join created nothing');

    for (const room of ['lobby', 'made-by-a-join']) {
      const client = await connect(t, service);
      const reply = await command(client, 'room:join', { room });
      assert.ok(reply.ok, `${room}: ${JSON.stringify(reply)}`);
    }
    const token = (
      await app.inject({ method: 'POST', url: `/v1/rooms/${vip.id}/tokens`, headers: auth, payload: { role: 'host' } })
    ).json<JoinToken>();
    const host = await connect(t, service, { auth: { protocol: PROTOCOL_VERSION, token: token.token } });
    assert.ok((await command(host, 'room:join', {})).ok, 'token holders are not affected');

    await app.projects.setAllowAdHocRooms(projectId, true);
    assert.ok(
      (await command(visitor, 'room:join', { room: 'nowhere' })).ok,
      'turned back on, it applies to connections already open',
    );
  });
});
