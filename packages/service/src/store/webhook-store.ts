/**
 * Webhook endpoints, their deliveries and every attempt. One implementation over Kysely for every dialect;
 * the conformance suite in `test/store` runs it on each. Secrets arrive here already sealed: this store
 * never sees one in plaintext.
 */
import type { Kysely, Selectable } from 'kysely';
import type { WebhookEventType } from '@vcw/shared';
import { CompiledOnce } from './compiled-once.js';
import { sortableId } from './ids.js';
import { newestFirstPage } from './paging.js';
import type { Database, WebhookDeliveriesTable, WebhookEndpointsTable } from './schema.js';

export interface StoredEndpoint {
  id: string;
  projectId: string;
  url: string;
  events: WebhookEventType[];
  description: string | null;
  secretSealed: string;
  previousSecretSealed: string | null;
  previousSecretExpiresAt: string | null;
  createdAt: string;
}

export interface NewEndpoint {
  projectId: string;
  url: string;
  events: WebhookEventType[];
  description: string | null;
  secretSealed: string;
}

export type DeliveryStatus = WebhookDeliveriesTable['status'];

export interface StoredAttempt {
  at: string;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

export interface StoredDelivery {
  id: string;
  endpointId: string;
  eventType: WebhookEventType;
  payload: string;
  status: DeliveryStatus;
  failures: number;
  nextAttemptAt: string | null;
  createdAt: string;
}

export interface NewDelivery {
  id: string;
  endpointId: string;
  eventType: WebhookEventType;
  payload: string;
  createdAt: string;
}

/** What an attempt decided: delivered, failed for good, or pending with its next try. */
export interface AttemptOutcome {
  status: DeliveryStatus;
  failures: number;
  nextAttemptAt: string | null;
}

export class WebhookStore {
  /** A project's endpoints, looked up for every event it publishes (each join's), compiled once. */
  private readonly endpointsOf = new CompiledOnce((db, value) =>
    db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('project_id', '=', value(0))
      .orderBy('created_at')
      .orderBy('id'),
  );

  constructor(private readonly db: Kysely<Database>) {}

  async createEndpoint(input: NewEndpoint): Promise<StoredEndpoint> {
    const endpoint: StoredEndpoint = {
      ...input,
      id: sortableId('wh'),
      previousSecretSealed: null,
      previousSecretExpiresAt: null,
      createdAt: new Date().toISOString(),
    };
    await this.db
      .insertInto('webhook_endpoints')
      .values({
        id: endpoint.id,
        project_id: endpoint.projectId,
        url: endpoint.url,
        events: JSON.stringify(endpoint.events),
        description: endpoint.description,
        secret_sealed: endpoint.secretSealed,
        previous_secret_sealed: null,
        previous_secret_expires_at: null,
        created_at: endpoint.createdAt,
      })
      .execute();
    return endpoint;
  }

  /** The project's endpoints, oldest first. */
  async listEndpoints(projectId: string): Promise<StoredEndpoint[]> {
    const { rows } = await this.endpointsOf.run(this.db, projectId);
    return rows.map(toEndpoint);
  }

  async countEndpoints(projectId: string): Promise<number> {
    const row = await this.db
      .selectFrom('webhook_endpoints')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('project_id', '=', projectId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** One endpoint of the project; with no project, whichever project it belongs to (the dispatcher's view). */
  async findEndpoint(id: string, projectId?: string): Promise<StoredEndpoint | null> {
    let query = this.db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id);
    if (projectId !== undefined) query = query.where('project_id', '=', projectId);
    const row = await query.executeTakeFirst();
    return row ? toEndpoint(row) : null;
  }

  /** Removes an endpoint with its deliveries; false if the project has no such endpoint. */
  async deleteEndpoint(projectId: string, id: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('webhook_endpoints')
      .where('id', '=', id)
      .where('project_id', '=', projectId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Replaces the secret; the old one keeps signing until `previousExpiresAt` (null: it stops at once). */
  async rollSecret(
    projectId: string,
    id: string,
    secretSealed: string,
    previousExpiresAt: string | null,
  ): Promise<StoredEndpoint | null> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('webhook_endpoints')
        .selectAll()
        .where('id', '=', id)
        .where('project_id', '=', projectId)
        .executeTakeFirst();
      if (!row) return null;
      const previous = previousExpiresAt ? row.secret_sealed : null;
      await trx
        .updateTable('webhook_endpoints')
        .set({
          secret_sealed: secretSealed,
          previous_secret_sealed: previous,
          previous_secret_expires_at: previous ? previousExpiresAt : null,
        })
        .where('id', '=', id)
        .execute();
      return toEndpoint({
        ...row,
        secret_sealed: secretSealed,
        previous_secret_sealed: previous,
        previous_secret_expires_at: previous ? previousExpiresAt : null,
      });
    });
  }

  /** The project's endpoints that want events of `type`. */
  async subscribers(projectId: string, type: WebhookEventType): Promise<StoredEndpoint[]> {
    return (await this.listEndpoints(projectId)).filter((endpoint) => endpoint.events.includes(type));
  }

  /** Queues deliveries, each due at once. */
  async enqueue(deliveries: NewDelivery[]): Promise<void> {
    if (deliveries.length === 0) return;
    await this.db
      .insertInto('webhook_deliveries')
      .values(
        deliveries.map((d) => ({
          id: d.id,
          endpoint_id: d.endpointId,
          event_type: d.eventType,
          payload: d.payload,
          status: 'pending' as const,
          failures: 0,
          next_attempt_at: d.createdAt,
          created_at: d.createdAt,
        })),
      )
      .execute();
  }

  /** The endpoint's oldest delivery due at `now`. */
  async nextDue(endpointId: string, now: string): Promise<StoredDelivery | null> {
    const row = await this.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('endpoint_id', '=', endpointId)
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .orderBy('created_at')
      .orderBy('id')
      .executeTakeFirst();
    return row ? toDelivery(row) : null;
  }

  /** When the endpoint's next pending delivery falls due, if it has any. */
  async earliestPending(endpointId: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('webhook_deliveries')
      .select((eb) => eb.fn.min('next_attempt_at').as('at'))
      .where('endpoint_id', '=', endpointId)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return row?.at ?? null;
  }

  /** Every endpoint with deliveries still to make (what a restarted service picks up). */
  async endpointsWithPending(): Promise<string[]> {
    const rows = await this.db
      .selectFrom('webhook_deliveries')
      .select('endpoint_id')
      .where('status', '=', 'pending')
      .groupBy('endpoint_id')
      .execute();
    return rows.map((row) => row.endpoint_id);
  }

  /**
   * Takes a due delivery for one attempt: moves its due time to `leaseUntil`, so that nobody else tries it
   * meanwhile, and a process that dies mid-attempt leaves it to be tried again then. False if someone else
   * took it first (its due time is no longer `dueAt`).
   */
  async claim(id: string, dueAt: string, leaseUntil: string): Promise<boolean> {
    const result = await this.db
      .updateTable('webhook_deliveries')
      .set({ next_attempt_at: leaseUntil })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .where('next_attempt_at', '=', dueAt)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Logs an attempt and what it decided, in one transaction. */
  async recordAttempt(deliveryId: string, attempt: StoredAttempt, outcome: AttemptOutcome): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('webhook_attempts')
        .values({
          id: sortableId('att'),
          delivery_id: deliveryId,
          attempted_at: attempt.at,
          status_code: attempt.statusCode,
          error: attempt.error,
          duration_ms: attempt.durationMs,
        })
        .execute();
      await trx
        .updateTable('webhook_deliveries')
        .set({ status: outcome.status, failures: outcome.failures, next_attempt_at: outcome.nextAttemptAt })
        .where('id', '=', deliveryId)
        .execute();
    });
  }

  /** An endpoint's deliveries (or the one named `only`), newest first, each with its attempts oldest first. */
  async listDeliveries(
    endpointId: string,
    { limit, cursor, only }: { limit: number; cursor?: string | undefined; only?: string },
  ): Promise<{ deliveries: Array<StoredDelivery & { attempts: StoredAttempt[] }>; nextCursor: string | null }> {
    let query = this.db.selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', endpointId);
    if (only !== undefined) query = query.where('id', '=', only);
    const { rows, nextCursor } = await newestFirstPage(query, 'created_at', { limit, cursor });
    const page = rows.map(toDelivery);
    const attempts = page.length === 0 ? [] : await this.attemptsOf(page.map((d) => d.id));
    return {
      deliveries: page.map((d) => ({
        ...d,
        attempts: attempts.filter((a) => a.deliveryId === d.id).map(({ deliveryId: _, ...a }) => a),
      })),
      nextCursor,
    };
  }

  /** Sends a delivery again (whatever became of it): pending, due at `now`, with a fresh retry budget. */
  async replay(endpointId: string, deliveryId: string, now: string): Promise<boolean> {
    const result = await this.db
      .updateTable('webhook_deliveries')
      .set({ status: 'pending', failures: 0, next_attempt_at: now })
      .where('id', '=', deliveryId)
      .where('endpoint_id', '=', endpointId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Forgets delivered and failed deliveries made before `before`; how many went. */
  async pruneDeliveries(before: string): Promise<number> {
    const result = await this.db
      .deleteFrom('webhook_deliveries')
      .where('status', '!=', 'pending')
      .where('created_at', '<', before)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  private async attemptsOf(deliveryIds: string[]): Promise<Array<StoredAttempt & { deliveryId: string }>> {
    const rows = await this.db
      .selectFrom('webhook_attempts')
      .selectAll()
      .where('delivery_id', 'in', deliveryIds)
      .orderBy('attempted_at')
      .orderBy('id')
      .execute();
    return rows.map((row) => ({
      deliveryId: row.delivery_id,
      at: row.attempted_at,
      statusCode: row.status_code,
      error: row.error,
      durationMs: row.duration_ms,
    }));
  }
}

function toEndpoint(row: Selectable<WebhookEndpointsTable>): StoredEndpoint {
  return {
    id: row.id,
    projectId: row.project_id,
    url: row.url,
    events: JSON.parse(row.events) as WebhookEventType[],
    description: row.description,
    secretSealed: row.secret_sealed,
    previousSecretSealed: row.previous_secret_sealed,
    previousSecretExpiresAt: row.previous_secret_expires_at,
    createdAt: row.created_at,
  };
}

function toDelivery(row: Selectable<WebhookDeliveriesTable>): StoredDelivery {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    eventType: row.event_type as WebhookEventType,
    payload: row.payload,
    status: row.status,
    failures: Number(row.failures),
    nextAttemptAt: row.next_attempt_at,
    createdAt: row.created_at,
  };
}
