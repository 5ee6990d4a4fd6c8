import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mintApiKey } from '../src/auth/api-key.js';
import { buildService, connect, SITE_ORIGIN } from './helpers/service.js';

for (const transport of ['polling', 'websocket'] as const) {
  describe(`handshake over ${transport}`, () => {
    it('accepts a publishable key from an allowed origin', async (t) => {
      const service = await buildService(t);
      const client = await connect(t, service, { transport });
      assert.equal(client.connected, true);
    });

    it('refuses another origin with origin_not_allowed', async (t) => {
      const service = await buildService(t);
      await assert.rejects(connect(t, service, { transport, origin: 'https://evil.example' }), {
        code: 'origin_not_allowed',
      });
    });

    it('refuses a request without Origin with origin_not_allowed', async (t) => {
      const service = await buildService(t);
      await assert.rejects(connect(t, service, { transport, origin: null }), { code: 'origin_not_allowed' });
    });

    it('refuses an unknown, malformed or revoked key with api_key_invalid', async (t) => {
      const service = await buildService(t);
      const unknown = mintApiKey('publishable', 'test').plaintext;
      const typo = service.publishableKey.slice(0, -1) + (service.publishableKey.endsWith('a') ? 'b' : 'a');
      const { key, plaintext: revoked } = await service.app.projects.createApiKey(service.projectId, 'publishable');
      await service.app.projects.revokeKey(key.id);
      const { plaintext: secret } = await service.app.projects.createApiKey(service.projectId, 'secret');
      for (const apiKey of [unknown, typo, revoked, secret, 'pk_test_nonsense']) {
        await assert.rejects(
          connect(t, service, { transport, apiKey }),
          { code: 'api_key_invalid' },
          apiKey.slice(0, 8),
        );
      }
    });

    it('refuses a missing key, a wrong protocol and a malformed auth with their codes', async (t) => {
      const service = await buildService(t);
      await assert.rejects(connect(t, service, { transport, auth: { protocol: 1 } }), { code: 'auth_missing' });
      await assert.rejects(connect(t, service, { transport, auth: { protocol: 99, apiKey: service.publishableKey } }), {
        code: 'protocol_unsupported',
      });
      await assert.rejects(
        connect(t, service, { transport, auth: { protocol: '1', apiKey: service.publishableKey } }),
        { code: 'protocol_unsupported' },
      );
      await assert.rejects(connect(t, service, { transport, auth: {} }), { code: 'invalid_payload' });
      await assert.rejects(connect(t, service, { transport, auth: { protocol: 1, apiKey: 42 } }), {
        code: 'invalid_payload',
      });
    });

    it('takes a same-origin page of the service itself (no Origin, Sec-Fetch-Site: same-origin) as PUBLIC_URL', async (t) => {
      const own = await buildService(t, { env: { PUBLIC_URL: SITE_ORIGIN } });
      const client = await connect(t, own, { transport, origin: null, headers: { 'sec-fetch-site': 'same-origin' } });
      assert.equal(client.connected, true);
      const elsewhere = await buildService(t, { env: { PUBLIC_URL: 'https://video.example' } });
      await assert.rejects(
        connect(t, elsewhere, { transport, origin: null, headers: { 'sec-fetch-site': 'same-origin' } }),
        { code: 'origin_not_allowed' },
      );
      await assert.rejects(connect(t, own, { transport, origin: null, headers: { 'sec-fetch-site': 'cross-site' } }), {
        code: 'origin_not_allowed',
      });
      await assert.rejects(connect(t, own, { transport, origin: 'null' }), { code: 'origin_not_allowed' });
    });

    it('records when a key was last used', async (t) => {
      const service = await buildService(t);
      await connect(t, service, { transport, origin: SITE_ORIGIN });
      const match = await service.app.projects.authenticateKey(service.publishableKey, 'publishable');
      assert.ok(match?.key.lastUsedAt, 'lastUsedAt is set');
    });
  });
}
