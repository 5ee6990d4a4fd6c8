/**
 * The retry schedule on an injected clock: the delays between attempts, the bound on attempts, and a
 * dispatcher that follows them against a real (failing) receiver without waiting real hours.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FastifyBaseLogger } from 'fastify';
import { ServiceEvents } from '../src/events/service-events.js';
import { openSqlite } from '../src/store/database.js';
import { ProjectStore } from '../src/store/project-store.js';
import { WebhookStore } from '../src/store/webhook-store.js';
import { WebhookDispatcher } from '../src/webhooks/dispatcher.js';
import { DEFAULT_RETRY_DELAYS_MS, RetrySchedule } from '../src/webhooks/retry-schedule.js';
import { SecretBox } from '../src/webhooks/secret-box.js';
import { newWebhookSecret } from '../src/webhooks/signing.js';
import { TEST_TOKEN_SECRET } from './helpers/service.js';
import { TestClock, until } from './helpers/toolkit.js';
import { webhookReceiver } from './helpers/webhook-receiver.js';

const START = Date.parse('2030-01-01T00:00:00.000Z');

const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent } as unknown as FastifyBaseLogger;

describe('webhook retry schedule', () => {
  it('follows the Standard Webhooks delays and stops after eight attempts', () => {
    const schedule = new RetrySchedule();
    assert.deepEqual(
      DEFAULT_RETRY_DELAYS_MS,
      [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000],
    );
    assert.equal(schedule.maxAttempts, 8);
    assert.equal(schedule.nextAttemptAt(1, START), START + 5_000);
    assert.equal(schedule.nextAttemptAt(7, START), START + 36_000_000);
    assert.equal(schedule.nextAttemptAt(8, START), null);
  });

  it('a dispatcher on a fake clock retries a failing endpoint at those times, then marks the delivery failed', async (t) => {
    const db = await openSqlite(':memory:');
    t.after(() => db.destroy());
    const projectId = (await new ProjectStore(db).createProject({ name: 'p', allowedOrigins: [] })).id;
    const store = new WebhookStore(db);
    const box = new SecretBox(TEST_TOKEN_SECRET);
    const receiver = await webhookReceiver(t);
    receiver.answerWith(() => 500);
    const endpoint = await store.createEndpoint({
      projectId,
      url: receiver.url,
      events: ['ticket.created'],
      description: null,
      secretSealed: box.seal(newWebhookSecret()),
    });
    const clock = new TestClock(START);
    const delays = [5_000, 300_000, 1_800_000];
    const dispatcher = new WebhookDispatcher({ store, box, log: silent, clock, timings: { retryDelaysMs: delays } });
    t.after(() => dispatcher.close());
    const events = new ServiceEvents();
    events.subscribe((event) => dispatcher.publish(event));
    events.publish({ projectId, type: 'ticket.created', at: new Date(START), data: { ticketId: 'tkt_1' } });

    const attemptTimes: number[] = [];
    for (let attempt = 1; attempt <= delays.length + 1; attempt++) {
      await receiver.until(attempt);
      attemptTimes.push(clock.now());
      // The failure is recorded, then (unless it was the last) the worker sleeps until the retry's timer.
      const recorded = async () => (await store.listDeliveries(endpoint.id, { limit: 1 })).deliveries[0];
      while ((await recorded())?.attempts.length !== attempt) await new Promise((r) => setTimeout(r, 5));
      if (attempt <= delays.length) await until(() => clock.nextTimerAt() !== null, `retry ${attempt} to be scheduled`);
      const delivery = await recorded();
      if (attempt <= delays.length) {
        assert.equal(delivery?.status, 'pending');
        assert.equal(
          delivery?.nextAttemptAt,
          new Date(clock.now() + delays[attempt - 1]!).toISOString(),
          `retry ${attempt} is due ${delays[attempt - 1]} ms later`,
        );
        clock.advanceTo(Date.parse(delivery!.nextAttemptAt!) - 1);
        assert.equal(
          clock.nextTimerAt(),
          Date.parse(delivery!.nextAttemptAt!),
          'the retry waits: not a millisecond early',
        );
        clock.advanceTo(Date.parse(delivery!.nextAttemptAt!));
      } else {
        assert.equal(delivery?.status, 'failed');
        assert.equal(delivery?.nextAttemptAt, null);
        assert.equal(delivery?.attempts.length, delays.length + 1);
      }
    }
    assert.deepEqual(attemptTimes, [START, START + 5_000, START + 305_000, START + 2_105_000]);
    assert.equal(new Set(receiver.received.map((r) => r.id)).size, 1);
  });
});
