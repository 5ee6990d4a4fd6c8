/**
 * A support line's availability before waiting (`queue:watch`, `queue:availability`), an agent's goodbye (a
 * closed tab stops counting at once, a dropped connection only when its grace runs out), and a support call's
 * room linking back to the customer's request.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MatchFound, QueueAvailability } from '@vcw/shared';
import { agent, enter, visitor } from './helpers/matching.js';
import { collect } from './helpers/toolkit.js';
import { partnerAuth } from './helpers/partner.js';
import { buildService, command, next } from './helpers/service.js';

describe('queue:watch', () => {
  it('answers with the line as it stands, then tells each change (agents coming and going) until the customer waits', async (t) => {
    const service = await buildService(t);
    const customer = await visitor(t, service);
    const watched = await command<QueueAvailability>(customer.client, 'queue:watch', { queue: 'help' });
    assert.ok(watched.ok);
    assert.deepEqual(
      { ...watched, ok: undefined },
      { ok: undefined, queue: 'help', agentsOnline: 0, estimatedWaitMs: null },
    );

    const smith = await agent(t, service, 'help');
    const online = next(customer.client, 'queue:availability');
    assert.ok((await command(smith.client, 'agent:status', { status: 'online' })).ok);
    assert.deepEqual(await online, { queue: 'help', agentsOnline: 1, estimatedWaitMs: null });

    const away = next(customer.client, 'queue:availability');
    assert.ok((await command(smith.client, 'agent:status', { status: 'away' })).ok);
    assert.equal((await away).agentsOnline, 0);

    // Waiting ends the watch: its queue:update says the same. An agent online again reaches it only as a status.
    const news = collect(customer.client, 'queue:availability');
    await enter(customer, { mode: 'support', queue: 'help' });
    const again = await command(customer.client, 'queue:watch', { queue: 'help' });
    assert.equal(!again.ok && again.error.code, 'already_in_queue', 'a waiting customer has its status instead');
    const update = next(customer.client, 'queue:update');
    assert.ok((await command(smith.client, 'agent:status', { status: 'online' })).ok);
    assert.equal((await update).agentsOnline, 1);
    // Barrier: a second watcher, watching after the agent came back, is told of the next change; the first is not.
    const other = await visitor(t, service);
    const otherWatch = await command<QueueAvailability>(other.client, 'queue:watch', { queue: 'help' });
    assert.equal(otherWatch.ok && otherWatch.agentsOnline, 1);
    const otherAway = next(other.client, 'queue:availability');
    assert.ok((await command(smith.client, 'agent:status', { status: 'away' })).ok);
    await otherAway;
    assert.deepEqual(news, []);
  });

  it('is validated, for customers only, and goes through the command guard', async (t) => {
    const service = await buildService(t, { env: { RATE_LIMIT_SIGNALS_PER_SECOND: '2' } });
    const customer = await visitor(t, service);
    const bad = await command(customer.client, 'queue:watch', { queue: '../etc' });
    assert.equal(!bad.ok && bad.error.code, 'invalid_payload');
    const extra = await command(customer.client, 'queue:watch', { queue: 'help', more: 1 });
    assert.equal(!extra.ok && extra.error.code, 'invalid_payload');
    const smith = await agent(t, service, 'help');
    const byAgent = await command(smith.client, 'queue:watch', { queue: 'help' });
    assert.equal(!byAgent.ok && byAgent.error.code, 'token_queue_mismatch');
    const flood = await Promise.all(
      Array.from({ length: 14 }, () => command(customer.client, 'queue:watch', { queue: 'help' })),
    );
    assert.ok(
      flood.some((reply) => !reply.ok && reply.error.code === 'rate_limited'),
      'a flood of watches is rate limited',
    );
  });
});

describe('an agent leaving', () => {
  const GRACE_SECONDS = 2;

  it('says goodbye when the tab closes (a clean disconnect): not online at once; a dropped connection counts until its grace ran out', async (t) => {
    const service = await buildService(t, { env: { RESUME_GRACE_SECONDS: String(GRACE_SECONDS) } });
    const customer = await visitor(t, service);
    assert.ok((await command(customer.client, 'queue:watch', { queue: 'help' })).ok);

    const smith = await agent(t, service, 'help');
    let online = next(customer.client, 'queue:availability');
    assert.ok((await command(smith.client, 'agent:status', { status: 'online' })).ok);
    assert.equal((await online).agentsOnline, 1);
    const said = Date.now();
    const gone = next(customer.client, 'queue:availability');
    smith.client.disconnect(); // what the widget does on pagehide
    assert.equal((await gone).agentsOnline, 0);
    assert.ok(Date.now() - said < GRACE_SECONDS * 1000, 'well within the grace');

    const jones = await agent(t, service, 'help', 'Agent Jones');
    online = next(customer.client, 'queue:availability');
    assert.ok((await command(jones.client, 'agent:status', { status: 'online' })).ok);
    assert.equal((await online).agentsOnline, 1);
    const dropped = Date.now();
    const lost = next(customer.client, 'queue:availability', GRACE_SECONDS * 1000 + 5000);
    // The transport breaks without a goodbye (a network loss): the agent may come back, so still counted.
    (jones.client.io.engine as unknown as { close(): void }).close();
    assert.equal((await lost).agentsOnline, 0);
    assert.ok(
      Date.now() - dropped >= GRACE_SECONDS * 1000 - 100,
      `counted through the grace (${Date.now() - dropped} ms)`,
    );
  });
});

describe("a support call's room", () => {
  it('keeps the customer and their message in its metadata (GET /v1/rooms/:id)', async (t) => {
    const service = await buildService(t);
    const ann = await visitor(t, service);
    await enter(ann, { mode: 'support', queue: 'help', displayName: 'Ann', message: 'My invoice is wrong' });
    const smith = await agent(t, service, 'help');
    assert.ok((await command(smith.client, 'agent:status', { status: 'online' })).ok);
    const found = next(smith.client, 'match:found');
    assert.ok((await command(smith.client, 'agent:take', {})).ok);
    const { room: name } = (await found) as MatchFound;
    const room = await service.app.roomStore.findByName(service.projectId, name);
    const res = await service.app.inject({
      method: 'GET',
      url: `/v1/rooms/${room?.id}`,
      headers: await partnerAuth(service),
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json<{ metadata: unknown }>().metadata, {
      match: {
        mode: 'support',
        queue: 'help',
        customer: { peerId: ann.peerId, displayName: 'Ann', message: 'My invoice is wrong' },
      },
    });
  });
});
