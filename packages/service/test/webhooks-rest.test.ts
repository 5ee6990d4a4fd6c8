/** `/v1/webhooks`: registering endpoints, which URLs are accepted, the secret shown once and rolled. */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { MAX_WEBHOOKS_PER_PROJECT, type Webhook, type WebhookList, type WebhookWithSecret } from '@vcw/shared';
import { partnerAuth } from './helpers/partner.js';
import { buildService } from './helpers/service.js';

async function partner(t: TestContext, env: Record<string, string> = {}) {
  const service = await buildService(t, { listen: false, env });
  const auth = await partnerAuth(service);
  const post = (payload: object) => service.app.inject({ method: 'POST', url: '/v1/webhooks', headers: auth, payload });
  return { ...service, auth, post };
}

describe('REST /v1/webhooks', () => {
  it('registers an endpoint and shows its whsec_ secret once; lists, reads and removes it', async (t) => {
    const { app, auth, post } = await partner(t);
    const res = await post({
      url: 'https://hooks.partner.example/vcw',
      events: ['room.session.ended', 'ticket.created'],
      description: 'CRM',
    });
    assert.equal(res.statusCode, 201, res.body);
    const created = res.json<WebhookWithSecret>();
    assert.match(created.id, /^wh_[0-9a-f]{24}$/);
    assert.match(created.secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    assert.deepEqual(created.events, ['room.session.ended', 'ticket.created']);
    assert.equal(created.description, 'CRM');

    const list = (await app.inject({ method: 'GET', url: '/v1/webhooks', headers: auth })).json<WebhookList>();
    const { secret: _, ...withoutSecret } = created;
    assert.deepEqual(list.data, [withoutSecret]);
    assert.equal(JSON.stringify(list).includes('whsec_'), false, 'the list never shows a secret');
    assert.deepEqual(
      (await app.inject({ method: 'GET', url: `/v1/webhooks/${created.id}`, headers: auth })).json<Webhook>(),
      withoutSecret,
    );

    const removed = await app.inject({ method: 'DELETE', url: `/v1/webhooks/${created.id}`, headers: auth });
    assert.equal(removed.statusCode, 200);
    assert.equal(
      (await app.inject({ method: 'GET', url: `/v1/webhooks/${created.id}`, headers: auth })).json().code,
      'webhook_not_found',
    );
    assert.equal(
      (await app.inject({ method: 'DELETE', url: `/v1/webhooks/${created.id}`, headers: auth })).statusCode,
      404,
    );
  });

  it("sees only its own project's endpoints", async (t) => {
    const { app, post } = await partner(t);
    const mine = (await post({ url: 'https://a.example/h', events: ['participant.joined'] })).json<Webhook>();
    const other = await app.projects.createProject({ name: 'other', allowedOrigins: [] });
    const otherAuth = await partnerAuth({ app, projectId: other.id });
    assert.deepEqual(
      (await app.inject({ method: 'GET', url: '/v1/webhooks', headers: otherAuth })).json<WebhookList>().data,
      [],
    );
    assert.equal(
      (await app.inject({ method: 'GET', url: `/v1/webhooks/${mine.id}`, headers: otherAuth })).statusCode,
      404,
    );
    assert.equal(
      (await app.inject({ method: 'DELETE', url: `/v1/webhooks/${mine.id}`, headers: otherAuth })).statusCode,
      404,
    );
    assert.equal(
      (await app.inject({ method: 'GET', url: `/v1/webhooks/${mine.id}/deliveries`, headers: otherAuth })).statusCode,
      404,
    );
  });

  it('refuses bad bodies: unknown or no events, extra fields', async (t) => {
    const { post } = await partner(t);
    for (const bad of [
      { url: 'https://a.example' },
      { url: 'https://a.example', events: [] },
      { url: 'https://a.example', events: ['room.exploded'] },
      { url: 'https://a.example', events: ['ticket.created'], secret: 'mine' },
      { events: ['ticket.created'] },
    ]) {
      const res = await post(bad);
      assert.equal(res.statusCode, 400, JSON.stringify(bad));
      assert.equal(res.json().code, 'invalid_payload');
    }
  });

  it('on a loopback service accepts https anywhere and http to loopback only', async (t) => {
    const { post } = await partner(t);
    for (const url of [
      'https://hooks.example/x',
      'http://127.0.0.1:9/hooks',
      'http://localhost:9/hooks',
      'http://[::1]:9/h',
    ])
      assert.equal((await post({ url, events: ['ticket.created'] })).statusCode, 201, url);
    for (const url of [
      'http://hooks.example/x',
      'ftp://hooks.example/x',
      'not a url',
      'https://user:pw@hooks.example/x',
      'http://10.0.0.5/x',
    ]) {
      const res = await post({ url, events: ['ticket.created'] });
      assert.equal(res.statusCode, 400, url);
      assert.equal(res.json().code, 'webhook_url_invalid', url);
    }
  });

  it('on a public service refuses http and any address on loopback or a private network', async (t) => {
    const { post } = await partner(t, { PUBLIC_URL: 'https://video.partner.example' });
    assert.equal((await post({ url: 'https://hooks.example/x', events: ['ticket.created'] })).statusCode, 201);
    for (const url of [
      'http://127.0.0.1:9/hooks',
      'https://127.0.0.1/hooks',
      'https://localhost/x',
      'https://10.1.2.3/x',
      'https://192.168.0.1/x',
      'https://169.254.169.254/latest',
      'https://[::1]/x',
      'https://[fd00::1]/x',
    ]) {
      const res = await post({ url, events: ['ticket.created'] });
      assert.equal(res.json().code, 'webhook_url_invalid', url);
    }
  });

  it(`holds at most ${MAX_WEBHOOKS_PER_PROJECT} endpoints per project (409 webhook_limit_reached)`, async (t) => {
    const { post } = await partner(t);
    for (let i = 0; i < MAX_WEBHOOKS_PER_PROJECT; i++)
      assert.equal((await post({ url: `https://h.example/${i}`, events: ['ticket.created'] })).statusCode, 201);
    const over = await post({ url: 'https://h.example/over', events: ['ticket.created'] });
    assert.equal(over.statusCode, 409);
    assert.equal(over.json().code, 'webhook_limit_reached');
  });

  it('rolls the secret: a new whsec_ shown once, different from the first', async (t) => {
    const { app, auth, post } = await partner(t);
    const created = (await post({ url: 'https://h.example/x', events: ['ticket.created'] })).json<WebhookWithSecret>();
    const rolled = await app.inject({
      method: 'POST',
      url: `/v1/webhooks/${created.id}/secret`,
      headers: auth,
      payload: { overlapSeconds: 3600 },
    });
    assert.equal(rolled.statusCode, 200, rolled.body);
    const { secret } = rolled.json<WebhookWithSecret>();
    assert.match(secret, /^whsec_/);
    assert.notEqual(secret, created.secret);
    const stored = await app.webhooks.store.findEndpoint(created.id);
    assert.ok(stored?.previousSecretExpiresAt, 'the old secret overlaps');
    assert.equal(app.webhooks.box.open(stored.secretSealed), secret);
    assert.equal(app.webhooks.box.open(stored.previousSecretSealed ?? ''), created.secret);
    assert.equal(
      (
        await app.inject({
          method: 'POST',
          url: '/v1/webhooks/wh_000000000000000000000000/secret',
          headers: auth,
          payload: {},
        })
      ).json().code,
      'webhook_not_found',
    );
  });

  it('is in the OpenAPI document', async (t) => {
    const { app } = await partner(t);
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json<{
      paths: Record<string, Record<string, unknown>>;
    }>();
    for (const [path, method] of [
      ['/v1/webhooks', 'post'],
      ['/v1/webhooks', 'get'],
      ['/v1/webhooks/{id}', 'delete'],
      ['/v1/webhooks/{id}/secret', 'post'],
      ['/v1/webhooks/{id}/deliveries', 'get'],
      ['/v1/webhooks/{id}/deliveries/{deliveryId}/replay', 'post'],
    ] as const) {
      assert.ok(doc.paths[path]?.[method], `${method} ${path}`);
    }
  });
});
