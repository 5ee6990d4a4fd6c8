/** Pruning: expired rooms are ended and deleted, day-old idempotency keys forgotten. Tests pick the time. */
import assert from 'node:assert/strict';
import { setImmediate as turn } from 'node:timers/promises';
import { describe, it, type TestContext } from 'node:test';
import type { JoinResult, Room } from '@vcw/shared';
import { PRUNE_INTERVAL_MS } from '../src/plugins/room-pruning.js';
import { partnerAuth } from './helpers/partner.js';
import { buildService, command, connect, next, type TestService } from './helpers/service.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** `ms` from now. */
const later = (ms: number): Date => new Date(Date.now() + ms);

async function partner(t: TestContext, listen = false): Promise<TestService & { auth: { authorization: string } }> {
  const service = await buildService(t, { listen });
  return { ...service, auth: await partnerAuth(service) };
}

describe('pruning expired rooms', () => {
  it('deletes a room once its ttlSeconds have passed, and keeps rooms still open', async (t) => {
    const { app, auth } = await partner(t);
    const create = async (payload: object) =>
      (await app.inject({ method: 'POST', url: '/v1/rooms', headers: auth, payload })).json<Room>();
    const brief = await create({ name: 'brief', privacy: 'public', ttlSeconds: 60 });
    const long = await create({ name: 'long', privacy: 'public', ttlSeconds: 3600 });
    const open = await create({ name: 'open', privacy: 'private' });

    assert.deepEqual(
      await app.pruneExpiredRooms(later(30_000)),
      { rooms: 0, participants: 0, idempotencyKeys: 0 },
      'nothing has expired yet',
    );
    assert.deepEqual(await app.pruneExpiredRooms(later(2 * MINUTE)), { rooms: 1, participants: 0, idempotencyKeys: 0 });
    const gone = await app.inject({ method: 'GET', url: `/v1/rooms/${brief.id}`, headers: auth });
    assert.deepEqual([gone.statusCode, gone.json().code], [404, 'room_not_found']);
    for (const kept of [long, open])
      assert.equal(
        (await app.inject({ method: 'GET', url: `/v1/rooms/${kept.id}`, headers: auth })).statusCode,
        200,
        kept.name,
      );
    const listed = (await app.inject({ method: 'GET', url: '/v1/rooms', headers: auth })).json<{ data: Room[] }>();
    assert.deepEqual(listed.data.map((r) => r.name).sort(), ['long', 'open']);
  });

  it('ends the call still going on in an expired room first: everyone in it is told room:ended', async (t) => {
    const service = await partner(t, true);
    const { app, auth } = service;
    const room = (
      await app.inject({
        method: 'POST',
        url: '/v1/rooms',
        headers: auth,
        payload: { name: 'overtime', privacy: 'public', ttlSeconds: 60 },
      })
    ).json<Room>();
    const alice = await connect(t, service);
    const bob = await connect(t, service);
    assert.ok((await command<JoinResult>(alice, 'room:join', { room: 'overtime' })).ok);
    assert.ok((await command<JoinResult>(bob, 'room:join', { room: 'overtime' })).ok);

    const told = Promise.all([next(alice, 'room:ended'), next(bob, 'room:ended')]);
    assert.deepEqual(await app.pruneExpiredRooms(later(2 * MINUTE)), { rooms: 1, participants: 2, idempotencyKeys: 0 });
    assert.deepEqual(await told, [{ room: 'overtime' }, { room: 'overtime' }]);
    const leave = await command(alice, 'room:leave', {});
    assert.equal(!leave.ok && leave.error.code, 'not_in_room', 'the seat is gone');
    assert.equal((await app.inject({ method: 'GET', url: `/v1/rooms/${room.id}`, headers: auth })).statusCode, 404);
  });

  it('forgets an Idempotency-Key after a day, so it may be used for a new room', async (t) => {
    const { app, auth } = await partner(t);
    const post = (payload: object) =>
      app.inject({ method: 'POST', url: '/v1/rooms', headers: { ...auth, 'idempotency-key': 'order-9' }, payload });
    assert.equal((await post({ privacy: 'public' })).statusCode, 201);

    assert.equal((await app.pruneExpiredRooms(later(23 * HOUR))).idempotencyKeys, 0);
    assert.equal(
      (await post({ privacy: 'private' })).statusCode,
      409,
      'within the day the key still belongs to its first request',
    );
    assert.equal((await app.pruneExpiredRooms(later(25 * HOUR))).idempotencyKeys, 1);
    assert.equal((await post({ privacy: 'private' })).statusCode, 201);
  });

  it('prunes on its own once a minute', async (t) => {
    t.mock.timers.enable({ apis: ['setInterval'] });
    const { app, auth } = await partner(t);
    const room = (
      await app.inject({
        method: 'POST',
        url: '/v1/rooms',
        headers: auth,
        payload: { privacy: 'public', ttlSeconds: 60 },
      })
    ).json<Room>();
    // Time itself is not faked (the store reads the real clock), so the room is made to have expired already.
    await app.roomStore['db']
      .updateTable('rooms')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('id', '=', room.id)
      .execute();
    const status = async () =>
      (await app.inject({ method: 'GET', url: `/v1/rooms/${room.id}`, headers: auth })).statusCode;

    t.mock.timers.tick(PRUNE_INTERVAL_MS - 1);
    await turn();
    assert.equal(await status(), 200, 'not before the minute is up');
    t.mock.timers.tick(1);
    let seen = await status();
    for (let turns = 0; seen !== 404 && turns < 100; turns++) {
      await turn(); // the pass runs a few store round trips
      seen = await status();
    }
    assert.equal(seen, 404);
  });
});
