import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_ROOM_METADATA_BYTES, type ErrorBody, type JoinResult } from '@vcw/shared';
import { RateLimiter } from '../src/limits/rate-limiter.js';
import { buildService, command, connect, next, sessionOf } from './helpers/service.js';

describe('RateLimiter', () => {
  it('allows a burst of its capacity, then earns tokens back at its rate', () => {
    let now = 0;
    const limiter = new RateLimiter({ capacity: 3, perSecond: 0.5 }, () => now);
    assert.deepEqual(
      [1, 2, 3].map(() => limiter.take('k').ok),
      [true, true, true],
    );
    assert.deepEqual(limiter.take('k'), { ok: false, retryAfterMs: 2000 });
    assert.equal(limiter.take('other').ok, true, 'keys are independent');
    now = 1000;
    assert.deepEqual(limiter.take('k'), { ok: false, retryAfterMs: 1000 });
    now = 2000;
    assert.equal(limiter.take('k').ok, true);
    assert.equal(limiter.take('k').ok, false);
  });

  it('forgets idle keys, so a stream of distinct keys cannot grow it without bound', () => {
    let now = 0;
    const limiter = new RateLimiter({ capacity: 2, perSecond: 1 }, () => now);
    for (let i = 0; i < 1000; i++) limiter.take(`ip-${i}`);
    assert.equal(limiter.size, 1000);
    now = 61_000;
    limiter.take('late');
    assert.equal(limiter.size, 1);
  });

  it('spends from a bucket its owner keeps; time before the bucket was counted (a clock behind) earns nothing', () => {
    let now = 10_000;
    const limiter = new RateLimiter({ capacity: 2, perSecond: 1 }, () => now);
    const bucket = limiter.full();
    assert.deepEqual(bucket, { tokens: 2, at: 10_000 });
    assert.deepEqual([limiter.spend(bucket).ok, limiter.spend(bucket).ok], [true, true]);
    assert.deepEqual(limiter.spend(bucket), { ok: false, retryAfterMs: 1000 });
    assert.equal(limiter.size, 0, 'the limiter keeps nothing of it');
    now = 9_000; // the bucket comes to a node whose clock is a second behind
    assert.deepEqual(limiter.spend(bucket), { ok: false, retryAfterMs: 1000 });
    now = 10_000;
    assert.equal(limiter.spend(bucket).ok, true);
  });

  it('refuses a limit that could never admit anything', () => {
    assert.throws(() => new RateLimiter({ capacity: 0, perSecond: 1 }), RangeError);
    assert.throws(() => new RateLimiter({ capacity: 1, perSecond: 0 }), RangeError);
  });
});

describe('rate limits', () => {
  it('REST: a secret key over its limit gets 429 rate_limited with Retry-After; other keys are unaffected', async (t) => {
    const { app, projectId } = await buildService(t, { listen: false, env: { RATE_LIMIT_REST_PER_MINUTE: '3' } });
    const first = (await app.projects.createApiKey(projectId, 'secret')).plaintext;
    const second = (await app.projects.createApiKey(projectId, 'secret')).plaintext;
    const list = (key: string) =>
      app.inject({ method: 'GET', url: '/v1/rooms', headers: { authorization: `Bearer ${key}` } });
    const started = performance.now();
    for (let i = 0; i < 3; i++) assert.equal((await list(first)).statusCode, 200);
    const refused = await list(first);
    assert.equal(refused.statusCode, 429);
    // 3 per minute earns one back every 20 s, counted from the first request: on a loaded machine a second or
    // two of that may already have passed.
    const waited = (performance.now() - started) / 1000;
    const retryAfter = Number(refused.headers['retry-after']);
    assert.ok(retryAfter <= 20 && retryAfter >= Math.ceil(20 - waited), `Retry-After ${retryAfter} after ${waited} s`);
    assert.deepEqual(Object.keys(refused.json()).sort(), ['code', 'error', 'message', 'statusCode']);
    assert.equal(refused.json().code, 'rate_limited');
    assert.equal(refused.json().error, 'Too Many Requests');
    assert.equal((await list(second)).statusCode, 200);
  });

  it('REST: the limit is off with 0', async (t) => {
    const { app, projectId } = await buildService(t, { listen: false, env: { RATE_LIMIT_REST_PER_MINUTE: '0' } });
    const key = (await app.projects.createApiKey(projectId, 'secret')).plaintext;
    for (let i = 0; i < 700; i++) {
      const res = await app.inject({
        method: 'GET',
        url: '/v1/rooms?limit=1',
        headers: { authorization: `Bearer ${key}` },
      });
      assert.equal(res.statusCode, 200);
    }
  });

  for (const transport of ['websocket', 'polling'] as const) {
    it(`handshakes over ${transport}: an address over its limit is refused with rate_limited`, async (t) => {
      const service = await buildService(t, { env: { RATE_LIMIT_HANDSHAKES_PER_MINUTE: '3' } });
      for (let i = 0; i < 3; i++) await connect(t, service, { transport });
      await assert.rejects(connect(t, service, { transport }), (error: ErrorBody) => {
        assert.equal(error.code, 'rate_limited');
        assert.match(error.message, /retry in 20 s/);
        return true;
      });
    });
  }

  it('signaling: a flooding socket gets rate_limited acks, then is closed; the others see it leave as kicked', async (t) => {
    const service = await buildService(t, { env: { RATE_LIMIT_SIGNALS_PER_SECOND: '2' } });
    const flooder = await connect(t, service);
    const neighbour = await connect(t, service);
    assert.equal((await command<JoinResult>(neighbour, 'room:join', { room: 'lobby' })).ok, true);
    assert.equal((await command<JoinResult>(flooder, 'room:join', { room: 'lobby' })).ok, true);

    // 2 per second with a 6-second burst: 12 messages in all, the join was the first.
    const replies = [];
    const to = sessionOf(neighbour).peerId;
    for (let i = 0; i < 12; i++) replies.push(await command(flooder, 'signal', { to, candidate: { candidate: '' } }));
    assert.deepEqual(
      replies.map((r) => (r.ok ? 'ok' : r.error.code)),
      [...Array(11).fill('ok'), 'rate_limited'],
    );

    const closed = next(flooder, 'session:closed');
    const left = next(neighbour, 'peer:left');
    const disconnected = new Promise((resolve) => flooder.once('disconnect', resolve));
    for (let i = 0; i < 25; i++)
      flooder.emit('signal', { to: 'nobody-here-1', candidate: { candidate: '' } }, () => {});
    assert.equal((await closed).code, 'rate_limited');
    assert.equal(await disconnected, 'io server disconnect');
    const gone = await left;
    assert.equal(gone.reason, 'kicked');
    assert.equal(gone.peerId, sessionOf(flooder).peerId);

    // The neighbour is unaffected: its own budget is untouched.
    assert.equal((await command(neighbour, 'room:leave', {})).ok, true);
  });
});

describe('size limits', () => {
  it('REST: a body over 64 KiB is refused with 413 payload_too_large, before anything is stored', async (t) => {
    const { app, projectId } = await buildService(t, { listen: false });
    const key = (await app.projects.createApiKey(projectId, 'secret')).plaintext;
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const payload = JSON.stringify({ privacy: 'public', metadata: { note: 'x'.repeat(70 * 1024) } });
    const res = await app.inject({ method: 'POST', url: '/v1/rooms', headers, payload });
    assert.equal(res.statusCode, 413);
    assert.equal(res.json().code, 'payload_too_large');
    const list = await app.inject({ method: 'GET', url: '/v1/rooms', headers: { authorization: `Bearer ${key}` } });
    assert.deepEqual(list.json().data, []);
  });

  it('REST: metadata over its own bound is refused with invalid_payload', async (t) => {
    const { app, projectId } = await buildService(t, { listen: false });
    const key = (await app.projects.createApiKey(projectId, 'secret')).plaintext;
    const res = await app.inject({
      method: 'POST',
      url: '/v1/rooms',
      headers: { authorization: `Bearer ${key}` },
      payload: { privacy: 'public', metadata: { note: 'x'.repeat(MAX_ROOM_METADATA_BYTES) } },
    });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().code, 'invalid_payload');
    assert.match(res.json().message, new RegExp(`at most ${MAX_ROOM_METADATA_BYTES} bytes`));
  });
});

describe('limits in the OpenAPI document', () => {
  it('every /v1 operation documents 401 and 429, and every body-taking one 413', async (t) => {
    const { app } = await buildService(t, { listen: false });
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json<{
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    }>();
    const operations = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/v1/'))
      .flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, method, op })),
      );
    assert.ok(operations.length >= 7, `found ${operations.length} /v1 operations`);
    for (const { name, method, op } of operations) {
      for (const status of ['401', '429']) assert.ok(op.responses[status], `${name} documents ${status}`);
      if (method === 'post') assert.ok(op.responses['413'], `${name} documents 413`);
    }
  });
});
