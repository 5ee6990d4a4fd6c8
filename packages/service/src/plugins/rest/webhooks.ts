/**
 * `/v1/webhooks`: partners register endpoints for service events (Standard Webhooks), roll their signing
 * secrets, read the delivery log and replay a delivery. A secret is shown once, when made; the store keeps
 * it sealed.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  CreateWebhookBody,
  Delivery,
  DeliveryList,
  DeliveryParams,
  ListDeliveriesQuery,
  MAX_WEBHOOKS_PER_PROJECT,
  RollWebhookSecretBody,
  Webhook,
  WebhookIdParams,
  WebhookList,
  WebhookWithSecret,
} from '@vcw/shared';
import { ServiceError } from '../../errors.js';
import type { StoredAttempt, StoredDelivery, StoredEndpoint } from '../../store/webhook-store.js';
import { checkEndpointUrl } from '../../webhooks/endpoint-url.js';
import { newWebhookSecret } from '../../webhooks/signing.js';
import { errorResponses } from './error-responses.js';

const view = (endpoint: StoredEndpoint): Webhook => ({
  id: endpoint.id,
  url: endpoint.url,
  events: endpoint.events,
  description: endpoint.description,
  createdAt: endpoint.createdAt,
});

const deliveryView = (delivery: StoredDelivery & { attempts: StoredAttempt[] }): Delivery => ({
  id: delivery.id,
  eventType: delivery.eventType,
  status: delivery.status,
  createdAt: delivery.createdAt,
  nextAttemptAt: delivery.status === 'pending' ? delivery.nextAttemptAt : null,
  attempts: delivery.attempts,
  payload: delivery.payload,
});

export async function webhookRoutes(app: FastifyInstance): Promise<void> {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const { store, box, dispatcher, serviceOnLoopback } = app.webhooks;
  const endpointOf = async (projectId: string, id: string): Promise<StoredEndpoint> => {
    const endpoint = await store.findEndpoint(id, projectId);
    if (!endpoint) throw new ServiceError('webhook_not_found');
    return endpoint;
  };

  api.post(
    '/webhooks',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Register a webhook endpoint',
        description: `The endpoint gets the events listed, signed as the Standard Webhooks spec says. The answer holds the signing secret (\`whsec_…\`), shown this once. At most ${MAX_WEBHOOKS_PER_PROJECT} endpoints per project.`,
        body: CreateWebhookBody,
        response: { 201: WebhookWithSecret, ...errorResponses(409, 413, 415) },
      },
    },
    async (request, reply) => {
      const url = checkEndpointUrl(request.body.url, { serviceOnLoopback });
      if ((await store.countEndpoints(request.project.id)) >= MAX_WEBHOOKS_PER_PROJECT)
        throw new ServiceError('webhook_limit_reached');
      const secret = newWebhookSecret();
      const endpoint = await store.createEndpoint({
        projectId: request.project.id,
        url,
        events: request.body.events,
        description: request.body.description ?? null,
        secretSealed: box.seal(secret),
      });
      request.log.info({ webhook: endpoint.id, events: endpoint.events.length }, 'webhook endpoint registered');
      return reply.code(201).send({ ...view(endpoint), secret });
    },
  );

  api.get(
    '/webhooks',
    {
      schema: {
        tags: ['webhooks'],
        summary: "The project's webhook endpoints",
        response: { 200: WebhookList, ...errorResponses() },
      },
    },
    async (request) => ({
      data: (await store.listEndpoints(request.project.id)).map(view),
    }),
  );

  api.get(
    '/webhooks/:id',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'One webhook endpoint',
        params: WebhookIdParams,
        response: { 200: Webhook, ...errorResponses(404) },
      },
    },
    async (request) => view(await endpointOf(request.project.id, request.params.id)),
  );

  api.delete(
    '/webhooks/:id',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Remove a webhook endpoint',
        description: 'It gets nothing more; its delivery log goes with it.',
        params: WebhookIdParams,
        response: { 200: Webhook, ...errorResponses(404) },
      },
    },
    async (request) => {
      const endpoint = await endpointOf(request.project.id, request.params.id);
      await store.deleteEndpoint(request.project.id, endpoint.id);
      request.log.info({ webhook: endpoint.id }, 'webhook endpoint removed');
      return view(endpoint);
    },
  );

  api.post(
    '/webhooks/:id/secret',
    {
      schema: {
        tags: ['webhooks'],
        summary: "Roll an endpoint's signing secret",
        description:
          'A new secret, shown this once. With `overlapSeconds`, deliveries carry a signature by the old secret too until then (the spec allows several), so the receiver can switch without losing any.',
        params: WebhookIdParams,
        body: RollWebhookSecretBody,
        response: { 200: WebhookWithSecret, ...errorResponses(404, 413, 415) },
      },
    },
    async (request) => {
      const overlapSeconds = request.body.overlapSeconds ?? 0;
      const secret = newWebhookSecret();
      const previousExpiresAt = overlapSeconds > 0 ? new Date(Date.now() + overlapSeconds * 1000).toISOString() : null;
      const endpoint = await store.rollSecret(
        request.project.id,
        request.params.id,
        box.seal(secret),
        previousExpiresAt,
      );
      if (!endpoint) throw new ServiceError('webhook_not_found');
      request.log.info({ webhook: endpoint.id, overlapSeconds }, 'webhook secret rolled');
      return { ...view(endpoint), secret };
    },
  );

  api.get(
    '/webhooks/:id/deliveries',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'The delivery log, newest first',
        description:
          'Each message sent to this endpoint (its `id` is the `webhook-id` header), its status, and every attempt with the status code the endpoint answered.',
        params: WebhookIdParams,
        querystring: ListDeliveriesQuery,
        response: { 200: DeliveryList, ...errorResponses(404) },
      },
    },
    async (request) => {
      const endpoint = await endpointOf(request.project.id, request.params.id);
      await dispatcher.settled(); // events published just before are in the log
      const { deliveries, nextCursor } = await store.listDeliveries(endpoint.id, {
        limit: request.query.limit ?? 20,
        cursor: request.query.cursor,
      });
      return { data: deliveries.map(deliveryView), nextCursor };
    },
  );

  api.post(
    '/webhooks/:id/deliveries/:deliveryId/replay',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Send a delivery again',
        description:
          'The same message (same `webhook-id` and body, a fresh signature) is sent again at once, with a fresh set of retries, whatever became of it before.',
        params: DeliveryParams,
        response: { 202: Delivery, ...errorResponses(404, 413) },
      },
    },
    async (request, reply) => {
      const endpoint = await endpointOf(request.project.id, request.params.id);
      if (!(await store.replay(endpoint.id, request.params.deliveryId, new Date().toISOString())))
        throw new ServiceError('delivery_not_found');
      dispatcher.kick(endpoint.id);
      request.log.info({ webhook: endpoint.id, delivery: request.params.deliveryId }, 'webhook delivery replayed');
      const { deliveries } = await store.listDeliveries(endpoint.id, {
        limit: 1,
        cursor: undefined,
        only: request.params.deliveryId,
      });
      const delivery = deliveries[0];
      if (!delivery) throw new ServiceError('delivery_not_found');
      return reply.code(202).send(deliveryView(delivery));
    },
  );
}
