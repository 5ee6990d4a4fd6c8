import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type { JoinResult, Room, RoomList } from '@vcw/shared';
import { buildService, command, connect, next, type TestService } from './helpers/service.js';

async function partner(
  t: TestContext,
  options: { listen?: boolean } = { listen: false },
): Promise<TestService & { secretKey: string; auth: { authorization: string } }> {
  const service = await buildService(t, options);
  const { plaintext } = await service.app.projects.createApiKey(service.projectId, 'secret');
  return { ...service, secretKey: plaintext, auth: { authorization: `Bearer ${plaintext}` } };
}

describe('REST /v1/rooms', () => {
  it('creates a room with the given settings, and reads it back', async (t) => {
    const { app, auth } = await partner(t);
    const res = await app.inject({
      method: 'POST',
      url: '/v1/rooms',
      headers: auth,
      payload: {
        name: 'sales-demo',
        privacy: 'public',
        maxParticipants: 6,
        ttlSeconds: 3600,
        metadata: { crm: 'lead-42' },
      },
    });
    assert.equal(res.statusCode, 201);
    const room = res.json<Room>();
    assert.match(room.id, /^room_[0-9a-f]{24}$/);
    assert.equal(room.name, 'sales-demo');
    assert.equal(room.maxParticipants, 6);
    assert.deepEqual(room.metadata, { crm: 'lead-42' });
    assert.equal(room.participantCount, 0);
    assert.ok(room.expiresAt && Math.abs(Date.parse(room.expiresAt) - Date.now() - 3600_000) < 5000);
    const read = await app.inject({ method: 'GET', url: `/v1/rooms/${room.id}`, headers: auth });
    const { url: _link, ...stored } = room as Room & { url: string };
    assert.deepEqual(read.json(), stored);
  });

  it('names a room itself when no name is given, and defaults to 4 participants', async (t) => {
    const { app, auth } = await partner(t);
    const room = (
      await app.inject({ method: 'POST', url: '/v1/rooms', headers: auth, payload: { privacy: 'private' } })
    ).json<Room>();
    assert.match(room.name, /^room-[0-9a-f]{12}$/);
    assert.equal(room.maxParticipants, 4);
    assert.equal(room.privacy, 'private');
  });

  it('refuses bad bodies with invalid_payload, explaining the mesh limit', async (t) => {
    const { app, auth } = await partner(t);
    const post = (payload: unknown) =>
      app.inject({ method: 'POST', url: '/v1/rooms', headers: auth, payload: payload as object });
    const tooBig = await post({ privacy: 'public', maxParticipants: 9 });
    assert.equal(tooBig.statusCode, 400);
    assert.equal(tooBig.json().code, 'invalid_payload');
    assert.match(tooBig.json().message, /from 2 to 8: calls are a mesh/);
    for (const bad of [
      {},
      { privacy: 'secret' },
      { privacy: 'public', maxParticipants: 1 },
      { privacy: 'public', name: '../x' },
      { privacy: 'public', ttlSeconds: 5 },
      { privacy: 'public', extra: 1 },
      { privacy: 'public', metadata: 'x' },
    ]) {
      const res = await post(bad);
      assert.equal(res.statusCode, 400, JSON.stringify(bad));
      assert.deepEqual(Object.keys(res.json()).sort(), ['code', 'error', 'message', 'statusCode']);
    }
    const heavy = await post({ privacy: 'public', metadata: { blob: 'x'.repeat(5000) } });
    assert.equal(heavy.statusCode, 400);
    assert.match(heavy.json().message, /metadata must be at most 4096 bytes/);
    const duplicate = await post({ privacy: 'public', name: 'twice' });
    assert.equal(duplicate.statusCode, 201);
    const taken = await post({ privacy: 'public', name: 'twice' });
    assert.equal(taken.statusCode, 409);
    assert.deepEqual(taken.json(), {
      statusCode: 409,
      error: 'Conflict',
      code: 'room_name_taken',
      message: 'A room named "twice" already exists in this project.',
    });
  });

  it('a body that is not JSON answers 415 Unsupported Media Type with its own code', async (t) => {
    const { app, auth } = await partner(t);
    for (const headers of [
      { 'content-type': 'application/x-www-form-urlencoded' },
      { 'content-type': 'application/xml' },
    ]) {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/rooms',
        headers: { ...auth, ...headers },
        payload: 'privacy=public',
      });
      assert.equal(res.statusCode, 415, headers['content-type']);
      assert.deepEqual(res.json(), {
        statusCode: 415,
        error: 'Unsupported Media Type',
        code: 'unsupported_media_type',
        message: 'Send the request body as JSON, with `Content-Type: application/json`.',
      });
    }
  });

  it('honours Idempotency-Key: same body, same room; other body, 409', async (t) => {
    const { app, auth } = await partner(t);
    const post = (payload: object) =>
      app.inject({ method: 'POST', url: '/v1/rooms', headers: { ...auth, 'idempotency-key': 'order-7' }, payload });
    const first = await post({ privacy: 'public', metadata: { a: 1, b: 2 } });
    const again = await post({ metadata: { b: 2, a: 1 }, privacy: 'public' });
    assert.equal(first.statusCode, 201);
    assert.equal(again.statusCode, 200);
    assert.equal(again.json().id, first.json().id);
    const other = await post({ privacy: 'private' });
    assert.equal(other.statusCode, 409);
    assert.equal(other.json().code, 'idempotency_conflict');
    const racing = await Promise.all(
      Array.from({ length: 5 }, () =>
        app.inject({
          method: 'POST',
          url: '/v1/rooms',
          headers: { ...auth, 'idempotency-key': 'race' },
          payload: { privacy: 'public' },
        }),
      ),
    );
    assert.equal(new Set(racing.map((r) => r.json().id)).size, 1, 'one room for one key');
  });

  it("lists rooms newest first with cursor paging, only the key's project", async (t) => {
    const { app, auth } = await partner(t);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push(
        (
          await app.inject({
            method: 'POST',
            url: '/v1/rooms',
            headers: auth,
            payload: { privacy: 'public', name: `r${i}` },
          })
        ).json().id,
      );
    const other = await app.projects.createProject({ name: 'other', allowedOrigins: [] });
    const { plaintext } = await app.projects.createApiKey(other.id, 'secret');
    await app.inject({
      method: 'POST',
      url: '/v1/rooms',
      headers: { authorization: `Bearer ${plaintext}` },
      payload: { privacy: 'public' },
    });

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { statusCode: number; json<T>(): T } = await app.inject({
        method: 'GET',
        url: `/v1/rooms?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        headers: auth,
      });
      assert.equal(res.statusCode, 200);
      const page = res.json<RoomList>();
      assert.ok(page.data.length <= 2);
      seen.push(...page.data.map((r) => r.id));
      cursor = page.nextCursor;
    } while (cursor);
    assert.deepEqual(seen, [...ids].reverse());
    assert.equal(
      (await app.inject({ method: 'GET', url: '/v1/rooms?cursor=bogus', headers: auth })).json().code,
      'invalid_payload',
    );
    assert.equal((await app.inject({ method: 'GET', url: '/v1/rooms?limit=500', headers: auth })).statusCode, 400);
  });

  it('lists nobody in an empty room, and 404s for a room of another project', async (t) => {
    const { app, auth } = await partner(t);
    const room = (
      await app.inject({ method: 'POST', url: '/v1/rooms', headers: auth, payload: { privacy: 'public' } })
    ).json<Room>();
    assert.deepEqual(
      (await app.inject({ method: 'GET', url: `/v1/rooms/${room.id}/participants`, headers: auth })).json(),
      { data: [] },
    );
    assert.equal(
      (
        await app.inject({ method: 'GET', url: '/v1/rooms/room_000000000000000000000000/participants', headers: auth })
      ).json().code,
      'room_not_found',
    );
  });

  it("keeps projects apart: another project's room is not found", async (t) => {
    const { app, auth } = await partner(t);
    const room = (
      await app.inject({ method: 'POST', url: '/v1/rooms', headers: auth, payload: { privacy: 'public' } })
    ).json<Room>();
    const other = await app.projects.createProject({ name: 'other', allowedOrigins: [] });
    const { plaintext } = await app.projects.createApiKey(other.id, 'secret');
    for (const method of ['GET', 'DELETE'] as const) {
      const res = await app.inject({
        method,
        url: `/v1/rooms/${room.id}`,
        headers: { authorization: `Bearer ${plaintext}` },
      });
      assert.equal(res.statusCode, 404);
      assert.equal(res.json().code, 'room_not_found');
    }
  });

  it('authenticates with secret keys only', async (t) => {
    const { app, publishableKey, projectId } = await partner(t);
    const get = (authorization?: string) =>
      app.inject({ method: 'GET', url: '/v1/rooms', headers: authorization ? { authorization } : {} });
    assert.equal((await get()).json().code, 'auth_missing');
    assert.equal((await get()).statusCode, 401);
    const publishable = await get(`Bearer ${publishableKey}`);
    assert.equal(publishable.statusCode, 401);
    assert.match(publishable.json().message, /Publishable keys cannot call the REST API/);
    const { key, plaintext: revoked } = await app.projects.createApiKey(projectId, 'secret');
    await app.projects.revokeKey(key.id);
    assert.equal((await get(`Bearer ${revoked}`)).json().code, 'api_key_invalid');
    assert.equal((await get('Bearer sk_test_0000000000000000000000000000')).json().code, 'api_key_invalid');
    assert.equal((await get('Basic abc')).json().code, 'auth_missing');
  });

  it('sends no CORS headers on /v1, even to a browser origin', async (t) => {
    const { app, auth } = await partner(t);
    const res = await app.inject({
      method: 'GET',
      url: '/v1/rooms',
      headers: { ...auth, origin: 'https://site.example' },
    });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['access-control-allow-origin'], undefined);
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/v1/rooms',
      headers: { origin: 'https://site.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(preflight.headers['access-control-allow-origin'], undefined);
  });

  it('publishes the OpenAPI document and the docs page', async (t) => {
    const { app } = await partner(t);
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    assert.equal(doc.openapi, '3.0.3');
    assert.ok(doc.paths['/v1/rooms'].post && doc.paths['/v1/rooms'].get);
    assert.ok(doc.paths['/v1/rooms/{id}'].get && doc.paths['/v1/rooms/{id}'].delete);
    assert.equal(
      doc.paths['/v1/rooms'].post.requestBody.content['application/json'].schema.properties.maxParticipants.maximum,
      8,
    );
    const page = await app.inject({ method: 'GET', url: '/docs/' });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /swagger/i);
  });
});

describe('rooms and signaling together', () => {
  it('a live room reports its participants; DELETE ends the call for everyone and refuses later joins', async (t) => {
    const service = await partner(t, { listen: true });
    const { app, auth } = service;
    const room = (
      await app.inject({
        method: 'POST',
        url: '/v1/rooms',
        headers: auth,
        payload: { name: 'town-hall', privacy: 'public', maxParticipants: 2 },
      })
    ).json<Room>();
    const alice = await connect(t, service);
    const bob = await connect(t, service);
    assert.ok((await command<JoinResult>(alice, 'room:join', { room: 'town-hall' })).ok);
    assert.ok((await command<JoinResult>(bob, 'room:join', { room: 'town-hall' })).ok);
    const carol = await connect(t, service);
    const full = await command(carol, 'room:join', { room: 'town-hall' });
    assert.equal(!full.ok && full.error.code, 'room_full', 'the room keeps its REST capacity of 2');
    assert.equal(
      (await app.inject({ method: 'GET', url: `/v1/rooms/${room.id}`, headers: auth })).json().participantCount,
      2,
    );

    const endedForAlice = next(alice, 'room:ended');
    const endedForBob = next(bob, 'room:ended');
    const res = await app.inject({ method: 'DELETE', url: `/v1/rooms/${room.id}`, headers: auth });
    assert.equal(res.statusCode, 200);
    assert.ok(res.json().endedAt);
    assert.equal(res.json().participantCount, 0);
    assert.deepEqual(await endedForAlice, { room: 'town-hall' });
    assert.deepEqual(await endedForBob, { room: 'town-hall' });
    const again = await command(carol, 'room:join', { room: 'town-hall' });
    assert.equal(!again.ok && again.error.code, 'room_ended');
    const leave = await command(alice, 'room:leave', {});
    assert.equal(!leave.ok && leave.error.code, 'not_in_room', 'the seat is gone');
  });

  it('a private room cannot be joined by name with a publishable key; an expired one neither', async (t) => {
    const service = await partner(t, { listen: true });
    await service.app.inject({
      method: 'POST',
      url: '/v1/rooms',
      headers: service.auth,
      payload: { name: 'vip', privacy: 'private' },
    });
    const client = await connect(t, service);
    const reply = await command(client, 'room:join', { room: 'vip' });
    assert.equal(!reply.ok && reply.error.code, 'room_private');
    const { room } = await service.app.roomStore.create(service.projectId, {
      name: 'old',
      privacy: 'public',
      ttlSeconds: 60,
    });
    await service.app.roomStore['db']
      .updateTable('rooms')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('id', '=', room.id)
      .execute();
    const late = await command(client, 'room:join', { room: 'old' });
    assert.equal(!late.ok && late.error.code, 'room_expired');
  });

  it('a first join by name makes a public room that the partner can see', async (t) => {
    const service = await partner(t, { listen: true });
    const client = await connect(t, service);
    assert.ok((await command<JoinResult>(client, 'room:join', { room: 'adhoc' })).ok);
    const list = (
      await service.app.inject({ method: 'GET', url: '/v1/rooms', headers: service.auth })
    ).json<RoomList>();
    assert.deepEqual(
      list.data.map((r) => [r.name, r.privacy, r.participantCount]),
      [['adhoc', 'public', 1]],
    );
  });
});
