/**
 * Every kind of key against every surface it could be tried on: the REST API, the signaling handshake, and
 * minting a join token. Each cell is what a user of that key would see.
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type { Room } from '@vcw/shared';
import { buildService, connect, SITE_ORIGIN, type TestService } from './helpers/service.js';

type Outcome = 'ok' | string; // 'ok' or the error code

interface Surfaces {
  rest(key: string): Promise<Outcome>;
  handshake(key: string, transport: 'websocket' | 'polling'): Promise<Outcome>;
  mint(key: string): Promise<Outcome>;
}

async function surfaces(t: TestContext, service: TestService, roomId: string): Promise<Surfaces> {
  const code = (res: { statusCode: number; json(): { code?: string } }, okStatus: number) =>
    res.statusCode === okStatus ? 'ok' : (res.json().code ?? String(res.statusCode));
  return {
    rest: async (key) =>
      code(
        await service.app.inject({ method: 'GET', url: '/v1/rooms', headers: { authorization: `Bearer ${key}` } }),
        200,
      ),
    mint: async (key) =>
      code(
        await service.app.inject({
          method: 'POST',
          url: `/v1/rooms/${roomId}/tokens`,
          headers: { authorization: `Bearer ${key}` },
          payload: { role: 'guest' },
        }),
        201,
      ),
    handshake: (key, transport) =>
      connect(t, service, { apiKey: key, transport, origin: SITE_ORIGIN }).then(
        () => 'ok',
        (error: { code?: string }) => error.code ?? 'refused',
      ),
  };
}

describe('security matrix: key kind × surface', () => {
  it('each key works exactly where it should', async (t) => {
    const service = await buildService(t);
    const { app, projectId } = service;
    const mint = (type: 'publishable' | 'secret') => app.projects.createApiKey(projectId, type);
    const admin = await mint('secret');
    const room = (
      await app.inject({
        method: 'POST',
        url: '/v1/rooms',
        headers: { authorization: `Bearer ${admin.plaintext}` },
        payload: { privacy: 'private' },
      })
    ).json<Room>();
    const on = await surfaces(t, service, room.id);

    const revokedSecret = await mint('secret');
    await app.projects.revokeKey(revokedSecret.key.id);
    const revokedPublishable = await mint('publishable');
    await app.projects.revokeKey(revokedPublishable.key.id);
    const rolledSecret = await mint('secret'); // rolled with a 1-hour overlap: still valid
    const secretSuccessor = await app.projects.rollKey(rolledSecret.key.id, 3600);
    const expiredSecret = await mint('secret'); // rolled with no overlap: its time is up
    await app.projects.rollKey(expiredSecret.key.id, 0);
    const expiredPublishable = await mint('publishable');
    const publishableSuccessor = await app.projects.rollKey(expiredPublishable.key.id, 0);

    const rows: Array<[string, string, Outcome, Outcome, Outcome]> = [
      // name, key, REST, handshake, token mint
      ['publishable', service.publishableKey, 'api_key_invalid', 'ok', 'api_key_invalid'],
      ['secret', admin.plaintext, 'ok', 'api_key_invalid', 'ok'],
      ['revoked secret', revokedSecret.plaintext, 'api_key_invalid', 'api_key_invalid', 'api_key_invalid'],
      ['revoked publishable', revokedPublishable.plaintext, 'api_key_invalid', 'api_key_invalid', 'api_key_invalid'],
      ['rolled secret, in its overlap', rolledSecret.plaintext, 'ok', 'api_key_invalid', 'ok'],
      ['successor of a rolled secret', secretSuccessor.plaintext, 'ok', 'api_key_invalid', 'ok'],
      ['rolled secret, overlap over', expiredSecret.plaintext, 'api_key_invalid', 'api_key_invalid', 'api_key_invalid'],
      [
        'rolled publishable, overlap over',
        expiredPublishable.plaintext,
        'api_key_invalid',
        'api_key_invalid',
        'api_key_invalid',
      ],
      ['successor of a rolled publishable', publishableSuccessor.plaintext, 'api_key_invalid', 'ok', 'api_key_invalid'],
      ['malformed', 'sk_test_nope', 'api_key_invalid', 'api_key_invalid', 'api_key_invalid'],
    ];
    for (const [name, key, rest, handshake, mintOutcome] of rows) {
      assert.equal(await on.rest(key), rest, `${name} on REST`);
      for (const transport of ['websocket', 'polling'] as const)
        assert.equal(await on.handshake(key, transport), handshake, `${name} on the ${transport} handshake`);
      assert.equal(await on.mint(key), mintOutcome, `${name} minting a token`);
    }
  });
});
