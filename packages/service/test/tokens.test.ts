import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { SignJWT } from 'jose';
import { PROTOCOL_VERSION, type JoinResult, type JoinToken, type ParticipantList, type Room } from '@vcw/shared';
import { buildService, command, connect, SITE_ORIGIN, TEST_TOKEN_SECRET, type TestService } from './helpers/service.js';

interface Partner extends TestService {
  auth: { authorization: string };
  createRoom(body: object): Promise<Room>;
  mint(
    roomId: string,
    body: object,
  ): Promise<{ statusCode: number; json(): JoinToken & { code?: string; message?: string } }>;
}

async function partner(t: TestContext): Promise<Partner> {
  const service = await buildService(t);
  const { plaintext } = await service.app.projects.createApiKey(service.projectId, 'secret');
  const auth = { authorization: `Bearer ${plaintext}` };
  return {
    ...service,
    auth,
    createRoom: async (body) =>
      (await service.app.inject({ method: 'POST', url: '/v1/rooms', headers: auth, payload: body })).json<Room>(),
    mint: (roomId, body) =>
      service.app.inject({ method: 'POST', url: `/v1/rooms/${roomId}/tokens`, headers: auth, payload: body }),
  };
}

const withToken = (token: string) => ({ auth: { protocol: PROTOCOL_VERSION, token } });

/** A token signed with the service's own secret but claims of our choosing, as a leaked secret would allow. */
function forge(
  claims: Record<string, unknown>,
  { exp = Math.floor(Date.now() / 1000) + 600, nbf }: { exp?: number; nbf?: number } = {},
) {
  let jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer('vcw')
    .setAudience('vcw:join')
    .setIssuedAt()
    .setJti('forged')
    .setExpirationTime(exp);
  if (nbf) jwt = jwt.setNotBefore(nbf);
  return jwt.sign(new TextEncoder().encode(TEST_TOKEN_SECRET));
}

describe('join tokens', () => {
  it('mints a token for a room and role, valid 10 minutes by default and at most 24 hours', async (t) => {
    const p = await partner(t);
    const room = await p.createRoom({ name: 'consult', privacy: 'private' });
    const res = await p.mint(room.id, { role: 'guest', displayName: 'Dr. Who' });
    assert.equal(res.statusCode, 201);
    const token = res.json();
    assert.equal(token.roomId, room.id);
    assert.equal(token.room, 'consult');
    assert.equal(token.role, 'guest');
    assert.ok(Math.abs(Date.parse(token.expiresAt) - Date.now() - 600_000) < 5000);
    assert.equal(token.token.split('.').length, 3);
    assert.equal((await p.mint(room.id, { role: 'guest', ttlSeconds: 24 * 3600 + 1 })).statusCode, 400);
    assert.equal((await p.mint(room.id, { role: 'admin' })).statusCode, 400);
    assert.equal((await p.mint('room_000000000000000000000000', { role: 'host' })).json().code, 'room_not_found');
    await p.app.inject({ method: 'DELETE', url: `/v1/rooms/${room.id}`, headers: p.auth });
    assert.equal((await p.mint(room.id, { role: 'host' })).json().code, 'room_ended');
  });

  it('lets its holder into the private room it names, under the name it carries, from any origin', async (t) => {
    const p = await partner(t);
    const room = await p.createRoom({ name: 'consult', privacy: 'private' });
    const { token } = (await p.mint(room.id, { role: 'host', displayName: 'Dr. Who' })).json();
    const host = await connect(t, p, { ...withToken(token), origin: 'https://partner-app.example' });
    const joined = await command<JoinResult>(host, 'room:join', { displayName: 'Ignored' });
    assert.ok(joined.ok, JSON.stringify(joined));
    assert.equal(joined.room, 'consult');

    const { token: guestToken } = (await p.mint(room.id, { role: 'guest' })).json();
    const guest = await connect(t, p, withToken(guestToken));
    const seen = await command<JoinResult>(guest, 'room:join', { room: 'consult', displayName: 'Amy' });
    assert.ok(seen.ok);
    assert.deepEqual(
      seen.peers.map((peer) => peer.displayName),
      ['Dr. Who'],
    );

    const listed = (
      await p.app.inject({ method: 'GET', url: `/v1/rooms/${room.id}/participants`, headers: p.auth })
    ).json<ParticipantList>();
    assert.deepEqual(
      listed.data.map(({ displayName, role }) => [displayName, role]),
      [
        ['Dr. Who', 'host'],
        ['Amy', 'guest'],
      ],
    );
    assert.equal(listed.data[0]!.peerId, joined.peerId);
    assert.ok(Date.parse(listed.data[0]!.joinedAt) <= Date.now());

    const byName = await connect(t, p, { origin: SITE_ORIGIN });
    const refused = await command(byName, 'room:join', { room: 'consult' });
    assert.equal(!refused.ok && refused.error.code, 'room_private');
  });

  it('refuses a token replayed for another room', async (t) => {
    const p = await partner(t);
    const a = await p.createRoom({ name: 'room-a', privacy: 'private' });
    await p.createRoom({ name: 'room-b', privacy: 'private' });
    const { token } = (await p.mint(a.id, { role: 'guest' })).json();
    const client = await connect(t, p, withToken(token));
    const reply = await command(client, 'room:join', { room: 'room-b' });
    assert.equal(!reply.ok && reply.error.code, 'token_room_mismatch');
    assert.match(!reply.ok ? reply.error.message : '', /for room "room-a", not "room-b"/);
  });

  for (const transport of ['websocket', 'polling'] as const) {
    it(`refuses expired, not-yet-valid, tampered, unsigned and foreign tokens at the handshake (${transport})`, async (t) => {
      const p = await partner(t);
      const room = await p.createRoom({ name: 'consult', privacy: 'private' });
      const claims = { pid: p.projectId, rid: room.id, room: 'consult', role: 'guest' };
      const now = Math.floor(Date.now() / 1000);
      const good = (await p.mint(room.id, { role: 'guest' })).json().token;
      const [header, payload, signature] = good.split('.') as [string, string, string];
      const tamperedPayload = Buffer.from(
        JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), role: 'host' }),
      ).toString('base64url');
      const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
      const foreign = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer('vcw')
        .setAudience('vcw:join')
        .setJti('x')
        .setExpirationTime('10m')
        .sign(new TextEncoder().encode('some-other-secret-of-enough-length-000'));
      const cases: Array<[string, string]> = [
        [await forge(claims, { exp: now - 10 }), 'token_expired'],
        [await forge(claims, { nbf: now + 3600 }), 'token_not_yet_valid'],
        [`${header}.${tamperedPayload}.${signature}`, 'token_invalid'],
        [unsigned, 'token_invalid'],
        [foreign, 'token_invalid'],
        [await forge({ ...claims, role: 'emperor' }), 'token_invalid'],
        [await forge({ ...claims, pid: 'prj_gone' }), 'token_invalid'],
        ['not.a.jwt', 'token_invalid'],
      ];
      for (const [token, code] of cases) {
        await assert.rejects(connect(t, p, { ...withToken(token), transport }), { code }, code);
      }
      assert.ok(await connect(t, p, { ...withToken(good), transport }), 'the untouched token still works');
    });
  }
});
