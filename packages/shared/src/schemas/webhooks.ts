/**
 * Webhooks (Standard Webhooks): the REST shapes of `/v1/webhooks`, the event types, and the payload every
 * delivery carries. Signing, retries and the delivery log are the service's; the shapes are the contract.
 */
import { Type, type Static } from '@sinclair/typebox';

/** Every event type an endpoint can subscribe to. */
export const WEBHOOK_EVENT_TYPES = [
  'room.session.started',
  'room.session.ended',
  'participant.joined',
  'participant.left',
  'recording.started',
  'recording.stopped',
  'queue.customer.waiting',
  'queue.customer.answered',
  'queue.customer.abandoned',
  'ticket.created',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const WebhookEventTypeSchema = Type.Union(
  WEBHOOK_EVENT_TYPES.map((type) => Type.Literal(type)),
  { description: 'an event type (see docs/webhooks.md for each payload)' },
);

/** Endpoints one project may register. */
export const MAX_WEBHOOKS_PER_PROJECT = 10;

/** `POST /v1/webhooks` body. */
export const CreateWebhookBody = Type.Object(
  {
    url: Type.String({
      minLength: 1,
      maxLength: 2000,
      description: 'https:// (http:// only to loopback, on a service that itself runs on loopback)',
    }),
    events: Type.Array(WebhookEventTypeSchema, {
      minItems: 1,
      maxItems: WEBHOOK_EVENT_TYPES.length,
      uniqueItems: true,
    }),
    description: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type CreateWebhookBody = Static<typeof CreateWebhookBody>;

export const Webhook = Type.Object({
  id: Type.String(),
  url: Type.String(),
  events: Type.Array(WebhookEventTypeSchema),
  description: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
});
export type Webhook = Static<typeof Webhook>;

/** What registering an endpoint (or rolling its secret) answers: the signing secret, shown this once. */
export const WebhookWithSecret = Type.Composite([
  Webhook,
  Type.Object({ secret: Type.String({ description: 'whsec_…: verify signatures with it; it is never shown again' }) }),
]);
export type WebhookWithSecret = Static<typeof WebhookWithSecret>;

export const WebhookList = Type.Object({ data: Type.Array(Webhook) });
export type WebhookList = Static<typeof WebhookList>;

export const WebhookIdParams = Type.Object({ id: Type.String({ pattern: '^wh_[A-Za-z0-9]{1,40}$' }) });
export type WebhookIdParams = Static<typeof WebhookIdParams>;

export const DeliveryParams = Type.Object({
  id: WebhookIdParams.properties.id,
  deliveryId: Type.String({ pattern: '^msg_[A-Za-z0-9]{1,40}$' }),
});
export type DeliveryParams = Static<typeof DeliveryParams>;

/** The longest a rolled secret may keep signing beside the new one. */
export const MAX_SECRET_OVERLAP_SECONDS = 7 * 24 * 3600;

/** `POST /v1/webhooks/:id/secret` body: how long the old secret still signs beside the new one. */
export const RollWebhookSecretBody = Type.Object(
  { overlapSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_SECRET_OVERLAP_SECONDS, default: 0 })) },
  { additionalProperties: false },
);
export type RollWebhookSecretBody = Static<typeof RollWebhookSecretBody>;

/** One attempt to deliver a message. */
export const DeliveryAttempt = Type.Object({
  at: Type.String({ format: 'date-time' }),
  /** The endpoint's HTTP status; null when it gave none (refused, timed out). */
  statusCode: Type.Union([Type.Integer(), Type.Null()]),
  /** Why it failed without a status, e.g. `timeout`. */
  error: Type.Union([Type.String(), Type.Null()]),
  durationMs: Type.Integer(),
});

export const DeliveryStatus = Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')], {
  description:
    'pending: not delivered yet, will be tried (again); delivered: an attempt got a 2xx; failed: every retry failed',
});

/** One message to one endpoint: its `id` is the `webhook-id` header, the same on every attempt. */
export const Delivery = Type.Object({
  id: Type.String(),
  eventType: WebhookEventTypeSchema,
  status: DeliveryStatus,
  createdAt: Type.String({ format: 'date-time' }),
  /** When it is tried next; null once delivered or failed. */
  nextAttemptAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  /** Every attempt, oldest first. */
  attempts: Type.Array(DeliveryAttempt),
  /** The signed body, exactly as sent. */
  payload: Type.String(),
});
export type Delivery = Static<typeof Delivery>;

export const DeliveryList = Type.Object({
  data: Type.Array(Delivery),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});
export type DeliveryList = Static<typeof DeliveryList>;

export const ListDeliveriesQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type ListDeliveriesQuery = Static<typeof ListDeliveriesQuery>;

/** The body of every delivery. */
export interface WebhookPayload<D = Record<string, unknown>> {
  type: WebhookEventType;
  /** When the event happened (ISO 8601, UTC). */
  timestamp: string;
  data: D;
}
