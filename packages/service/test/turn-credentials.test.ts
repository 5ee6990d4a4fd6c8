import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import type { IceServer, JoinResult } from '@vcw/shared';
import { mintTurnCredential } from '../src/auth/turn-credentials.js';
import { loadConfig } from '../src/config.js';
import { buildService, command, connect, sessionOf } from './helpers/service.js';

// Computed independently: printf '1700000600:peer_abc' | openssl dgst -sha1 -hmac shared-secret-0123456789 -binary | base64
const REFERENCE = 'dTi2DMlgRW4XbKa10/m72yfp9pI=';

describe('TURN credentials', () => {
  it('follow the TURN REST scheme: expiry:peer as username, base64 HMAC-SHA1 as password', () => {
    const { username, credential, expiresAt } = mintTurnCredential(
      'shared-secret-0123456789',
      'peer_abc',
      600,
      1_700_000_000_000,
    );
    assert.equal(username, '1700000600:peer_abc');
    assert.equal(expiresAt, 1_700_000_600_000);
    assert.equal(credential, REFERENCE);
  });
});

const TURN_ENV = {
  TURN_URLS: 'turn:127.0.0.1:3478?transport=udp',
  TURN_SECRET: 'turn-secret-0123456789',
  TURN_TTL_SECONDS: '600',
};

/** The TURN entry of a list of ICE servers, checked against the secret: a credential coturn would accept. */
function checkTurn(servers: IceServer[], peerId: string): number {
  const turn = servers.find((s) => [s.urls].flat().some((u) => u.startsWith('turn:')));
  assert.ok(turn?.username && turn.credential, 'a TURN server with credentials');
  const [expiry, who] = turn.username.split(':');
  assert.equal(who, peerId);
  assert.equal(turn.credential, createHmac('sha1', TURN_ENV.TURN_SECRET).update(turn.username).digest('base64'));
  return Number(expiry) - Date.now() / 1000;
}

describe('TURN and relay-only calls through the service', () => {
  it('every session and every join carries TURN credentials minted for that peer', async (t) => {
    const service = await buildService(t, { env: TURN_ENV });
    const client = await connect(t, service);
    const session = sessionOf(client);
    assert.equal(session.iceTransportPolicy, 'all');
    const left = checkTurn(session.iceServers, session.peerId);
    assert.ok(left > 590 && left <= 600, `expires in TURN_TTL_SECONDS (${left})`);
    const joined = await command<JoinResult>(client, 'room:join', { room: 'lobby' });
    assert.ok(joined.ok);
    checkTurn(joined.iceServers, session.peerId);
    assert.equal(joined.iceTransportPolicy, 'all');
  });

  it('ice:servers hands out fresh credentials on demand, for the next ICE restart', async (t) => {
    const service = await buildService(t, { env: TURN_ENV });
    const client = await connect(t, service);
    const { peerId } = sessionOf(client);
    const reply = await command<{ iceServers: IceServer[] }>(client, 'ice:servers', {});
    assert.ok(reply.ok);
    const left = checkTurn(reply.iceServers, peerId);
    assert.ok(left > 590 && left <= 600);
    const refused = await command(client, 'ice:servers', { give: 'me more' });
    assert.equal(!refused.ok && refused.error.code, 'invalid_payload');
  });

  it('without TURN_URLS only STUN is handed out, and a relay-only room is refused', async (t) => {
    const service = await buildService(t, { env: { STUN_URLS: 'stun:127.0.0.1:3478' } });
    const client = await connect(t, service);
    assert.deepEqual(sessionOf(client).iceServers, [{ urls: ['stun:127.0.0.1:3478'] }]);
    const { plaintext } = await service.app.projects.createApiKey(service.projectId, 'secret');
    const res = await service.app.inject({
      method: 'POST',
      url: '/v1/rooms',
      headers: { authorization: `Bearer ${plaintext}` },
      payload: { privacy: 'public', iceTransportPolicy: 'relay' },
    });
    assert.equal(res.statusCode, 400);
    assert.match(res.json().message, /TURN/);
  });

  it('a relay-only room says so to joiners, and does not forward an offer made under the service policy', async (t) => {
    const service = await buildService(t, { env: TURN_ENV });
    const { plaintext } = await service.app.projects.createApiKey(service.projectId, 'secret');
    const created = await service.app.inject({
      method: 'POST',
      url: '/v1/rooms',
      headers: { authorization: `Bearer ${plaintext}` },
      payload: { name: 'private-desk', privacy: 'public', iceTransportPolicy: 'relay' },
    });
    assert.equal(created.statusCode, 201);
    assert.equal(created.json().iceTransportPolicy, 'relay');
    const first = await connect(t, service);
    const second = await connect(t, service);
    assert.ok((await command<JoinResult>(first, 'room:join', { room: 'private-desk' })).ok);
    let forwarded = false;
    first.on('signal', () => (forwarded = true));
    first.on('peer:joined', (peer) => (forwarded ||= peer.offer !== undefined));
    const joined = await command<JoinResult>(second, 'room:join', {
      room: 'private-desk',
      offer: { type: 'offer', sdp: 'v=0\r\n' },
    });
    assert.ok(joined.ok);
    assert.equal(joined.iceTransportPolicy, 'relay');
    assert.equal(joined.offeredTo, undefined);
    await command(second, 'room:leave', {});
    assert.equal(forwarded, false, 'the offer was not handed on');
  });

  it('a relay-only service makes every room relay-only, and refuses to start without TURN', async (t) => {
    const service = await buildService(t, { env: { ...TURN_ENV, ICE_TRANSPORT_POLICY: 'relay' } });
    const client = await connect(t, service);
    assert.equal(sessionOf(client).iceTransportPolicy, 'relay');
    const joined = await command<JoinResult>(client, 'room:join', { room: 'lobby' });
    assert.ok(joined.ok && joined.iceTransportPolicy === 'relay');
    assert.throws(() => loadConfig({ ICE_TRANSPORT_POLICY: 'relay' }), /needs a TURN server/);
  });
});
