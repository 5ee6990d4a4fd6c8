/**
 * `call:quality`: widgets report their network quality and whether they go through a relay; the call's
 * `room.session.ended` summary carries the worst quality and whether any relay was used. Real sockets, a real
 * webhook receiver on loopback.
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { partnerAuth } from './helpers/partner.js';
import { buildService, command, connect, type TestService } from './helpers/service.js';
import { webhookReceiver } from './helpers/webhook-receiver.js';

const FAST = { retryDelaysMs: [100, 100, 100], attemptTimeoutMs: 2_000 };

async function summaries(t: TestContext, service: TestService) {
  const receiver = await webhookReceiver(t);
  const res = await service.app.inject({
    method: 'POST',
    url: '/v1/webhooks',
    headers: await partnerAuth(service),
    payload: { url: receiver.url, events: ['room.session.ended'] },
  });
  assert.equal(res.statusCode, 201, res.body);
  return async () =>
    (await receiver.until(1))[0]!.payload.data as { worstNetworkQuality: unknown; relayUsed: unknown; room: string };
}

async function joined(t: TestContext, service: TestService, room: string) {
  const client = await connect(t, service);
  assert.ok((await command(client, 'room:join', { room })).ok);
  return client;
}

describe('call:quality', () => {
  it('the call summary carries the worst quality reported and whether any relay was used', async (t) => {
    const service = await buildService(t, { webhookTimings: FAST });
    const ended = await summaries(t, service);
    const ada = await joined(t, service, 'clinic');
    const grace = await joined(t, service, 'clinic');
    assert.deepEqual(await command(ada, 'call:quality', { quality: 'good', relay: false }), { ok: true });
    assert.deepEqual(await command(grace, 'call:quality', { quality: 'fair', relay: true }), { ok: true });
    assert.deepEqual(
      await command(ada, 'call:quality', { quality: 'good', relay: false }),
      { ok: true },
      'better again: the worst stays',
    );
    assert.ok((await command(grace, 'room:leave', {})).ok);
    assert.ok((await command(ada, 'room:leave', {})).ok);
    const summary = await ended();
    assert.equal(summary.room, 'clinic');
    assert.deepEqual([summary.worstNetworkQuality, summary.relayUsed], ['fair', true]);
    // The room's call history over REST says the same.
    const headers = await partnerAuth(service);
    const room = await service.app.inject({ method: 'GET', url: '/v1/rooms?limit=100', headers });
    const clinic = (room.json() as { data: Array<{ id: string; name: string }> }).data.find((r) => r.name === 'clinic');
    assert.ok(clinic, room.body);
    const history = await service.app.inject({ method: 'GET', url: `/v1/rooms/${clinic.id}/sessions`, headers });
    assert.equal(history.statusCode, 200, history.body);
    const [session] = (history.json() as { data: Array<{ worstNetworkQuality: unknown; relayUsed: unknown }> }).data;
    assert.deepEqual([session?.worstNetworkQuality, session?.relayUsed], ['fair', true]);
  });

  it('a call whose widgets saw only direct links says relayUsed false', async (t) => {
    const service = await buildService(t, { webhookTimings: FAST });
    const ended = await summaries(t, service);
    const ada = await joined(t, service, 'direct');
    assert.ok((await command(ada, 'call:quality', { quality: 'poor', relay: false })).ok);
    assert.ok((await command(ada, 'room:leave', {})).ok);
    assert.deepEqual(((s) => [s.worstNetworkQuality, s.relayUsed])(await ended()), ['poor', false]);
  });

  it('refuses bad payloads with invalid_payload and reports from outside a room with not_in_room; neither counts', async (t) => {
    const service = await buildService(t, { webhookTimings: FAST });
    const ended = await summaries(t, service);
    const outsider = await connect(t, service);
    const outside = await command(outsider, 'call:quality', { quality: 'poor', relay: true });
    assert.equal(!outside.ok && outside.error.code, 'not_in_room');
    const ada = await joined(t, service, 'strict');
    for (const bad of [
      undefined,
      null,
      'poor',
      [],
      {},
      { quality: 'poor' },
      { relay: true },
      { quality: 'terrible', relay: false },
      { quality: 'unknown', relay: false },
      { quality: 'poor', relay: 'yes' },
      { quality: 'poor', relay: true, extra: 1 },
    ]) {
      const reply = await command(ada, 'call:quality', bad);
      assert.equal(!reply.ok && reply.error.code, 'invalid_payload', JSON.stringify(bad));
    }
    assert.ok((await command(ada, 'call:quality', { quality: 'good', relay: false })).ok);
    assert.ok((await command(ada, 'room:leave', {})).ok);
    assert.deepEqual(
      ((s) => [s.worstNetworkQuality, s.relayUsed])(await ended()),
      ['good', false],
      'only the valid report counted',
    );
  });

  it("reports spend the connection's message budget", async (t) => {
    const service = await buildService(t, { env: { RATE_LIMIT_SIGNALS_PER_SECOND: '2' } });
    const ada = await joined(t, service, 'flood');
    // 2 per second with a 6-second burst: 12 messages in all, the join was the first.
    const replies = [];
    for (let i = 0; i < 12; i++) replies.push(await command(ada, 'call:quality', { quality: 'good', relay: false }));
    assert.deepEqual(
      replies.map((r) => (r.ok ? 'ok' : r.error.code)),
      [...Array(11).fill('ok'), 'rate_limited'],
    );
  });
});
