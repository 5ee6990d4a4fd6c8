/** The webhook part of the store contract (WebhookStore), registered inside each store's conformance suite. */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type { Kysely } from 'kysely';
import { ProjectStore } from '../../src/store/project-store.js';
import type { Database } from '../../src/store/schema.js';
import { WebhookStore } from '../../src/store/webhook-store.js';

const START = Date.parse('2030-01-01T00:00:00.000Z');
const iso = (ms: number): string => new Date(START + ms).toISOString();

export function describeWebhookStore(freshDb: (t: TestContext) => Promise<Kysely<Database>>): void {
  async function fresh(t: TestContext) {
    const db = await freshDb(t);
    const projects = new ProjectStore(db);
    const projectId = (await projects.createProject({ name: 'Hooks', allowedOrigins: [] })).id;
    const otherId = (await projects.createProject({ name: 'Other', allowedOrigins: [] })).id;
    const store = new WebhookStore(db);
    const endpoint = (events: Array<'ticket.created' | 'participant.joined'>, project = projectId) =>
      store.createEndpoint({
        projectId: project,
        url: 'https://h.example/x',
        events,
        description: null,
        secretSealed: 'v1.sealed',
      });
    return { db, store, projectId, otherId, endpoint };
  }
  const delivery = (id: string, endpointId: string, at: number) => ({
    id,
    endpointId,
    eventType: 'ticket.created' as const,
    payload: `{"n":"${id}"}`,
    createdAt: iso(at),
  });

  describe('webhooks', () => {
    it('keeps endpoints per project, finds who subscribes to a type, rolls secrets and removes endpoints', async (t) => {
      const { store, projectId, otherId, endpoint } = await fresh(t);
      const tickets = await endpoint(['ticket.created']);
      const both = await endpoint(['ticket.created', 'participant.joined']);
      await endpoint(['ticket.created'], otherId);
      assert.deepEqual(
        (await store.listEndpoints(projectId)).map((e) => e.id),
        [tickets.id, both.id],
      );
      assert.equal(await store.countEndpoints(projectId), 2);
      assert.deepEqual(
        (await store.subscribers(projectId, 'participant.joined')).map((e) => e.id),
        [both.id],
      );
      assert.deepEqual(
        (await store.subscribers(projectId, 'ticket.created')).map((e) => e.id),
        [tickets.id, both.id],
      );
      assert.equal(await store.findEndpoint(tickets.id, otherId), null, "never another project's");
      assert.deepEqual((await store.findEndpoint(tickets.id))?.events, ['ticket.created']);

      const rolled = await store.rollSecret(projectId, tickets.id, 'v1.new', iso(60_000));
      assert.deepEqual(
        [rolled?.secretSealed, rolled?.previousSecretSealed, rolled?.previousSecretExpiresAt],
        ['v1.new', 'v1.sealed', iso(60_000)],
      );
      const again = await store.rollSecret(projectId, tickets.id, 'v1.newer', null);
      assert.deepEqual(
        [again?.secretSealed, again?.previousSecretSealed],
        ['v1.newer', null],
        'no overlap: the old secret stops at once',
      );
      assert.equal(await store.rollSecret(otherId, tickets.id, 'v1.x', null), null);

      assert.equal(await store.deleteEndpoint(otherId, tickets.id), false);
      assert.equal(await store.deleteEndpoint(projectId, tickets.id), true);
      assert.deepEqual(
        (await store.listEndpoints(projectId)).map((e) => e.id),
        [both.id],
      );
    });

    it('hands out due deliveries oldest first, one claim each, and logs every attempt', async (t) => {
      const { store, endpoint } = await fresh(t);
      const hook = await endpoint(['ticket.created']);
      await store.enqueue([delivery('msg_a', hook.id, 0), delivery('msg_b', hook.id, 1)]);
      assert.deepEqual(await store.endpointsWithPending(), [hook.id]);
      assert.equal(await store.nextDue(hook.id, iso(-1)), null, 'nothing is due before it was made');
      const first = await store.nextDue(hook.id, iso(10));
      assert.equal(first?.id, 'msg_a');
      assert.equal(await store.claim('msg_a', iso(0), iso(15_000)), true);
      assert.equal(await store.claim('msg_a', iso(0), iso(15_000)), false, 'a second claim of the same due time loses');
      assert.equal(
        (await store.nextDue(hook.id, iso(10)))?.id,
        'msg_b',
        'a claimed delivery is not due again until its lease ends',
      );
      assert.equal(
        (await store.nextDue(hook.id, iso(15_000)))?.id,
        'msg_a',
        'a lease that ran out (the process died) makes it due again',
      );

      await store.recordAttempt(
        'msg_a',
        { at: iso(10), statusCode: 500, error: null, durationMs: 12 },
        { status: 'pending', failures: 1, nextAttemptAt: iso(5_010) },
      );
      assert.equal(await store.earliestPending(hook.id), iso(1));
      await store.recordAttempt(
        'msg_b',
        { at: iso(11), statusCode: null, error: 'timeout', durationMs: 10_000 },
        { status: 'failed', failures: 1, nextAttemptAt: null },
      );
      assert.equal(await store.earliestPending(hook.id), iso(5_010));
      await store.recordAttempt(
        'msg_a',
        { at: iso(5_010), statusCode: 200, error: null, durationMs: 3 },
        { status: 'delivered', failures: 1, nextAttemptAt: null },
      );
      assert.equal(await store.earliestPending(hook.id), null);
      assert.deepEqual(await store.endpointsWithPending(), []);

      const page = await store.listDeliveries(hook.id, { limit: 1 });
      assert.deepEqual(
        page.deliveries.map((d) => [d.id, d.status]),
        [['msg_b', 'failed']],
      );
      assert.deepEqual(page.deliveries[0]?.attempts, [
        { at: iso(11), statusCode: null, error: 'timeout', durationMs: 10_000 },
      ]);
      assert.ok(page.nextCursor);
      const rest = await store.listDeliveries(hook.id, { limit: 5, cursor: page.nextCursor });
      assert.deepEqual(
        rest.deliveries.map((d) => [d.id, d.status, d.attempts.map((a) => a.statusCode)]),
        [['msg_a', 'delivered', [500, 200]]],
      );
      assert.equal(rest.nextCursor, null);

      assert.equal(await store.replay(hook.id, 'msg_b', iso(20_000)), true);
      assert.deepEqual(await store.nextDue(hook.id, iso(20_000)), {
        id: 'msg_b',
        endpointId: hook.id,
        eventType: 'ticket.created',
        payload: '{"n":"msg_b"}',
        status: 'pending',
        failures: 0,
        nextAttemptAt: iso(20_000),
        createdAt: iso(1),
      });
      assert.equal(await store.replay(hook.id, 'msg_unknown', iso(20_000)), false);
    });

    it('prunes old finished deliveries, never pending ones, and removes deliveries with their endpoint', async (t) => {
      const { store, projectId, endpoint } = await fresh(t);
      const hook = await endpoint(['ticket.created']);
      await store.enqueue([
        delivery('msg_old', hook.id, 0),
        delivery('msg_pending', hook.id, 1),
        delivery('msg_new', hook.id, 100_000),
      ]);
      for (const id of ['msg_old', 'msg_new'])
        await store.recordAttempt(
          id,
          { at: iso(2), statusCode: 204, error: null, durationMs: 1 },
          { status: 'delivered', failures: 0, nextAttemptAt: null },
        );
      assert.equal(await store.pruneDeliveries(iso(50_000)), 1);
      assert.deepEqual(
        (await store.listDeliveries(hook.id, { limit: 10 })).deliveries.map((d) => d.id),
        ['msg_new', 'msg_pending'],
      );
      await store.deleteEndpoint(projectId, hook.id);
      assert.deepEqual((await store.listDeliveries(hook.id, { limit: 10 })).deliveries, []);
      assert.deepEqual(await store.endpointsWithPending(), []);
    });
  });
}
