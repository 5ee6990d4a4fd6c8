/**
 * The join page behind the `url` of rooms and tokens, and the project branding that styles it (REST and CLI).
 * That the page really joins a call is e2e/join-link.test.mjs's business.
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type { CreatedRoom, JoinToken, ProjectBranding } from '@vcw/shared';
import { partnerAuth } from './helpers/partner.js';
import { buildService } from './helpers/service.js';

async function partner(t: TestContext) {
  const service = await buildService(t, { listen: true, env: { PUBLIC_URL: 'https://video.partner.example' } });
  const auth = await partnerAuth(service);
  const rest = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
    service.app.inject({ method, url, headers: auth, ...(payload ? { payload } : {}) });
  return { ...service, rest };
}

describe('join links', () => {
  it('POST /v1/rooms answers a link to the join page with a guest token for that room', async (t) => {
    const { app, rest, projectId } = await partner(t);
    const room = (
      await rest('POST', '/v1/rooms', { name: 'clinic', privacy: 'private', ttlSeconds: 3600 })
    ).json<CreatedRoom>();
    const url = new URL(room.url);
    assert.equal(url.origin, 'https://video.partner.example', "on the service's public URL");
    assert.equal(url.pathname, '/join/clinic');
    const grant = await app.joinTokens.verify(url.searchParams.get('token') ?? '');
    assert.equal(grant.kind, 'room');
    assert.deepEqual(grant.kind === 'room' && [grant.projectId, grant.roomId, grant.room, grant.role], [
      projectId,
      room.id,
      'clinic',
      'guest',
    ]);
  });

  it('token minting answers the join page link with that very token', async (t) => {
    const { rest } = await partner(t);
    const room = (await rest('POST', '/v1/rooms', { name: 'consult', privacy: 'private' })).json<CreatedRoom>();
    const minted = (
      await rest('POST', `/v1/rooms/${room.id}/tokens`, { role: 'host', displayName: 'Dr. Ada' })
    ).json<JoinToken>();
    assert.equal(minted.url, `https://video.partner.example/join/consult?token=${minted.token}`);
  });

  it("the page shows the widget with the token, the room's name and the project's branding, escaped", async (t) => {
    const { app, rest } = await partner(t);
    const room = (await rest('POST', '/v1/rooms', { name: 'team-sync', privacy: 'private' })).json<CreatedRoom>();
    const path = new URL(room.url).pathname + new URL(room.url).search;
    const plain = await app.inject({ method: 'GET', url: path });
    assert.equal(plain.statusCode, 200);
    assert.match(String(plain.headers['content-type']), /^text\/html/);
    assert.equal(plain.headers['cache-control'], 'no-store');
    assert.equal(plain.headers['referrer-policy'], 'no-referrer');
    const token = new URL(room.url).searchParams.get('token');
    assert.ok(plain.body.includes(`<video-chat-widget token="${token}" theme="dark"></video-chat-widget>`));
    assert.ok(plain.body.includes('<script type="module" src="/widget.js"></script>'));
    assert.match(plain.body, /<title>team-sync · test site<\/title>/);
    assert.ok(!plain.body.includes('<img'), 'no logo until one is set');

    const set = await rest('PATCH', '/v1/project/branding', {
      displayName: 'Acme <Care>',
      accentColor: '#0f766e',
      logoUrl: 'https://cdn.acme.example/logo.svg?a=1&b="2"',
    });
    assert.equal(set.statusCode, 200, set.body);
    const branded = (await app.inject({ method: 'GET', url: path })).body;
    assert.match(branded, /<span class="brand">Acme &lt;Care&gt;<\/span><span class="room">team-sync<\/span>/);
    assert.ok(branded.includes('--vc-accent: #0f766e;'));
    assert.ok(branded.includes('<img src="https://cdn.acme.example/logo.svg?a=1&amp;b=%222%22" alt="" />'));
  });

  it('a link with a bad or expired token, or for another room, says so instead of a widget', async (t) => {
    const { app, rest, projectId } = await partner(t);
    const room = (await rest('POST', '/v1/rooms', { name: 'lobby', privacy: 'public' })).json<CreatedRoom>();
    const token = new URL(room.url).searchParams.get('token') ?? '';
    const tampered = await app.inject({ method: 'GET', url: `/join/lobby?token=${token.slice(0, -2)}xx` });
    assert.equal(tampered.statusCode, 401);
    assert.match(tampered.body, /This link is not valid/);
    assert.ok(!tampered.body.includes('<video-chat-widget') && !tampered.body.includes('/widget.js'), 'no widget');
    const expired = await app.joinTokens.mint({ projectId, roomId: room.id, room: 'lobby', role: 'guest' }, -10);
    assert.match(
      (await app.inject({ method: 'GET', url: `/join/lobby?token=${expired.token}` })).body,
      /This link has expired/,
    );
    const elsewhere = await app.inject({ method: 'GET', url: `/join/other?token=${token}` });
    assert.equal(elsewhere.statusCode, 404);
    assert.match(elsewhere.body, /not for this room/);
    assert.equal((await app.inject({ method: 'GET', url: '/join/lobby' })).statusCode, 400, 'no token at all');
  });

  it('branding over REST: read, change, clear; bad values refused', async (t) => {
    const { rest } = await partner(t);
    assert.deepEqual((await rest('GET', '/v1/project/branding')).json(), {
      displayName: null,
      accentColor: null,
      logoUrl: null,
    });
    assert.deepEqual(
      (await rest('PATCH', '/v1/project/branding', { accentColor: '#112233' })).json<ProjectBranding>(),
      { displayName: null, accentColor: '#112233', logoUrl: null },
    );
    assert.deepEqual(
      (
        await rest('PATCH', '/v1/project/branding', { displayName: '  Acme ', accentColor: null })
      ).json<ProjectBranding>(),
      { displayName: 'Acme', accentColor: null, logoUrl: null },
    );
    for (const bad of [
      { accentColor: 'red' },
      { logoUrl: 'http://cdn.example/x.png' },
      { logoUrl: 'javascript:alert(1)' },
      { displayName: 'x'.repeat(65) },
      {},
      { theme: 'x' },
    ]) {
      const res = await rest('PATCH', '/v1/project/branding', bad);
      assert.equal(res.statusCode, 400, JSON.stringify(bad));
      assert.equal(res.json().code, 'invalid_payload');
    }
    assert.deepEqual((await rest('GET', '/v1/project/branding')).json(), {
      displayName: 'Acme',
      accentColor: null,
      logoUrl: null,
    });
  });
});
