/**
 * Webhooks: the endpoints' store, the sealed secrets, and the dispatcher that delivers every service event
 * to the endpoints that want it. Registered before signaling, so that on close it stops after the last
 * calls' events are published and before the store closes.
 */
import fp from 'fastify-plugin';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { ServiceEvents } from '../events/service-events.js';
import { WebhookStore } from '../store/webhook-store.js';
import { WebhookDispatcher, type WebhookTimings } from '../webhooks/dispatcher.js';
import type { Clock } from '../webhooks/retry-schedule.js';
import { SecretBox } from '../webhooks/secret-box.js';

declare module 'fastify' {
  interface FastifyInstance {
    webhooks: {
      store: WebhookStore;
      box: SecretBox;
      dispatcher: WebhookDispatcher;
      /** The service runs on loopback, so endpoints on loopback (and plain http to them) are accepted. */
      serviceOnLoopback: boolean;
    };
  }
}

export interface WebhooksOptions {
  db: Kysely<Database>;
  events: ServiceEvents;
  tokenSecret: string;
  serviceOnLoopback: boolean;
  timings?: Partial<WebhookTimings>;
  clock?: Clock;
}

export default fp<WebhooksOptions>(
  async (app, { db, events, tokenSecret, serviceOnLoopback, timings, clock }) => {
    const store = new WebhookStore(db);
    const box = new SecretBox(tokenSecret);
    const dispatcher = new WebhookDispatcher({
      store,
      box,
      log: app.log.child({ module: 'webhooks' }),
      ...(timings ? { timings } : {}),
      ...(clock ? { clock } : {}),
    });
    const stop = events.subscribe((event) => dispatcher.publish(event));
    app.decorate('webhooks', { store, box, dispatcher, serviceOnLoopback });
    app.addHook('onReady', async () => {
      await dispatcher.start();
    });
    app.addHook('onClose', async () => {
      stop();
      await dispatcher.close();
    });
  },
  { name: 'webhooks', dependencies: ['store'] },
);
