/**
 * Delivers service events to the endpoints that want them, at least once. Each event becomes one stored
 * delivery per endpoint (its id is the `webhook-id` of every attempt); each endpoint has one worker that
 * sends its due deliveries oldest first, one at a time, so a healthy endpoint hears a call's events in
 * order and a slow one holds up nobody else. A failed attempt (non-2xx, timeout, refused) is logged and
 * retried on the schedule; everything lives in the store, so a restart picks up where the last process
 * stopped. Publishing never waits for any of it.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { WebhookPayload } from '@vcw/shared';
import type { ServiceEvent } from '../events/service-events.js';
import { sortableId } from '../store/ids.js';
import type { StoredDelivery, StoredEndpoint, WebhookStore } from '../store/webhook-store.js';
import { RetrySchedule, systemClock, type Clock } from './retry-schedule.js';
import type { SecretBox } from './secret-box.js';
import { signedHeaders } from './signing.js';

export interface WebhookTimings {
  /** Delays before each retry; their count bounds the attempts. */
  retryDelaysMs: number[];
  /** An endpoint that has not answered by then failed this attempt. */
  attemptTimeoutMs: number;
}

export interface DispatcherOptions {
  store: WebhookStore;
  box: SecretBox;
  log: FastifyBaseLogger;
  clock?: Clock;
  timings?: Partial<WebhookTimings>;
}

export const DEFAULT_ATTEMPT_TIMEOUT_MS = 10_000;
/** How long past an attempt's timeout a delivery stays taken; a process that died mid-attempt leaves it to be retried then. */
const LEASE_MARGIN_MS = 5_000;
/** A worker whose store query failed looks again after this long. */
const STORE_RETRY_MS = 5_000;
/** Delivered and failed deliveries are kept this long for the log, then pruned. */
export const DELIVERY_RETENTION_MS = 30 * 24 * 3600 * 1000;
const PRUNE_EVERY_MS = 3600 * 1000;
const USER_AGENT = 'vcw-webhooks/1';

interface Worker {
  running: boolean;
  /** Kicked while running: look for due deliveries once more before resting. */
  again: boolean;
  timer?: ReturnType<typeof setTimeout>;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export class WebhookDispatcher {
  private readonly workers = new Map<string, Worker>();
  private readonly inflight = new Set<Promise<void>>();
  private readonly stopping = new AbortController();
  private readonly clock: Clock;
  private readonly schedule: RetrySchedule;
  private readonly attemptTimeoutMs: number;
  private intake: Promise<void> = Promise.resolve();
  private pruneTimer?: ReturnType<typeof setTimeout>;
  private closed = false;

  constructor(private readonly options: DispatcherOptions) {
    this.clock = options.clock ?? systemClock;
    this.schedule = new RetrySchedule(options.timings?.retryDelaysMs);
    this.attemptTimeoutMs = options.timings?.attemptTimeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS;
  }

  /** Picks up the deliveries a previous process left pending, and starts pruning old ones. */
  async start(): Promise<void> {
    for (const endpointId of await this.options.store.endpointsWithPending()) this.kick(endpointId);
    this.schedulePrune();
  }

  /** Queues `event` for every endpoint of its project that wants it (stored in the order published). */
  publish(event: ServiceEvent): void {
    if (this.closed) return;
    this.intake = this.intake
      .then(() => this.fanOut(event))
      .catch((err: unknown) => this.options.log.error({ err, type: event.type }, 'could not queue a webhook event'));
  }

  /** Resolves once every event published so far is stored (tests, shutdown). */
  async settled(): Promise<void> {
    await this.intake;
  }

  /** Looks for the endpoint's due deliveries now (after a replay, or new deliveries). */
  kick(endpointId: string): void {
    if (this.closed) return;
    const worker = this.workers.get(endpointId) ?? { running: false, again: false };
    this.workers.set(endpointId, worker);
    if (worker.running) {
      worker.again = true;
      return;
    }
    this.clock.clearTimeout(worker.timer);
    worker.timer = undefined;
    worker.running = true;
    const run = this.drain(endpointId, worker).finally(() => {
      this.inflight.delete(run);
      worker.running = false;
      if (worker.again) {
        worker.again = false;
        this.kick(endpointId);
      }
    });
    this.inflight.add(run);
  }

  /** Stops: attempts under way are abandoned (their deliveries stay pending for the next start). */
  async close(): Promise<void> {
    await this.intake;
    this.closed = true;
    this.clock.clearTimeout(this.pruneTimer);
    for (const worker of this.workers.values()) this.clock.clearTimeout(worker.timer);
    this.stopping.abort();
    await Promise.all([...this.inflight]);
  }

  private async fanOut(event: ServiceEvent): Promise<void> {
    const endpoints = await this.options.store.subscribers(event.projectId, event.type);
    if (endpoints.length === 0) return;
    const payload: WebhookPayload = { type: event.type, timestamp: event.at.toISOString(), data: event.data };
    const body = JSON.stringify(payload);
    const createdAt = iso(this.clock.now());
    await this.options.store.enqueue(
      endpoints.map((endpoint) => ({
        id: sortableId('msg'),
        endpointId: endpoint.id,
        eventType: event.type,
        payload: body,
        createdAt,
      })),
    );
    for (const endpoint of endpoints) this.kick(endpoint.id);
  }

  /** Sends the endpoint's due deliveries one after another, then sleeps until the next one falls due. */
  private async drain(endpointId: string, worker: Worker): Promise<void> {
    const { store, log } = this.options;
    try {
      while (!this.closed) {
        const now = this.clock.now();
        const due = await store.nextDue(endpointId, iso(now));
        if (!due || due.nextAttemptAt === null) break;
        const leaseUntil = iso(now + this.attemptTimeoutMs + LEASE_MARGIN_MS);
        if (!(await store.claim(due.id, due.nextAttemptAt, leaseUntil))) continue; // another node took it
        const endpoint = await store.findEndpoint(endpointId);
        if (!endpoint) return; // removed: its deliveries went with it
        await this.attempt(endpoint, due, leaseUntil);
      }
      if (this.closed) return;
      const earliest = await store.earliestPending(endpointId);
      if (earliest) this.wakeAt(endpointId, worker, Date.parse(earliest));
    } catch (err) {
      if (this.closed) return;
      log.error({ err, endpoint: endpointId }, 'webhook worker could not read the store');
      this.wakeAt(endpointId, worker, this.clock.now() + STORE_RETRY_MS);
    }
  }

  private wakeAt(endpointId: string, worker: Worker, at: number): void {
    this.clock.clearTimeout(worker.timer);
    worker.timer = this.clock.setTimeout(() => this.kick(endpointId), Math.max(0, at - this.clock.now()));
    worker.timer.unref?.();
  }

  private async attempt(endpoint: StoredEndpoint, delivery: StoredDelivery, leaseUntil: string): Promise<void> {
    const { store, log } = this.options;
    const startedAt = this.clock.now();
    const started = performance.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const headers = signedHeaders(
        this.secretsOf(endpoint, startedAt),
        delivery.id,
        Math.floor(startedAt / 1000),
        delivery.payload,
      );
      const response = await fetch(endpoint.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': USER_AGENT, ...headers },
        body: delivery.payload,
        redirect: 'manual',
        signal: AbortSignal.any([AbortSignal.timeout(this.attemptTimeoutMs), this.stopping.signal]),
      });
      statusCode = response.status;
      await response.body?.cancel().catch(() => undefined);
    } catch (err) {
      if (this.stopping.signal.aborted) {
        // Stopping: not the endpoint's failure. Hand the delivery back, due at once for the next start.
        await store.claim(delivery.id, leaseUntil, iso(startedAt)).catch(() => undefined);
        return;
      }
      error = describeFailure(err);
    }
    const durationMs = Math.round(performance.now() - started);
    const ok = statusCode !== null && statusCode >= 200 && statusCode < 300;
    const failures = ok ? delivery.failures : delivery.failures + 1;
    const next = ok ? null : this.schedule.nextAttemptAt(failures, this.clock.now());
    const status = ok ? 'delivered' : next === null ? 'failed' : 'pending';
    await store.recordAttempt(
      delivery.id,
      { at: iso(startedAt), statusCode, error, durationMs },
      { status, failures, nextAttemptAt: next === null ? null : iso(next) },
    );
    if (ok)
      log.debug(
        { endpoint: endpoint.id, delivery: delivery.id, type: delivery.eventType, statusCode },
        'webhook delivered',
      );
    else
      log.warn(
        { endpoint: endpoint.id, delivery: delivery.id, type: delivery.eventType, statusCode, error, failures, status },
        'webhook attempt failed',
      );
  }

  /** The secrets to sign with: the current one, and a rolled one while its overlap lasts. */
  private secretsOf(endpoint: StoredEndpoint, now: number): string[] {
    const { box } = this.options;
    let current: string;
    try {
      current = box.open(endpoint.secretSealed);
    } catch {
      throw new Error("secret unreadable (was TOKEN_SECRET changed?): roll the endpoint's secret");
    }
    const overlapping =
      endpoint.previousSecretSealed &&
      endpoint.previousSecretExpiresAt &&
      Date.parse(endpoint.previousSecretExpiresAt) > now;
    return overlapping && endpoint.previousSecretSealed
      ? [current, box.open(endpoint.previousSecretSealed)]
      : [current];
  }

  private schedulePrune(): void {
    this.pruneTimer = this.clock.setTimeout(() => {
      this.options.store
        .pruneDeliveries(iso(this.clock.now() - DELIVERY_RETENTION_MS))
        .catch((err: unknown) => this.options.log.warn({ err }, 'could not prune webhook deliveries'))
        .finally(() => {
          if (!this.closed) this.schedulePrune();
        });
    }, PRUNE_EVERY_MS);
    this.pruneTimer.unref?.();
  }
}

/** A short reason for a failure without an HTTP status; never the URL (it may carry the partner's tokens). */
function describeFailure(err: unknown): string {
  const error = err as { name?: string; cause?: { code?: string }; message?: string };
  if (error.name === 'TimeoutError') return 'timeout';
  if (error.cause?.code) return error.cause.code;
  if (error.message?.startsWith('secret unreadable')) return error.message;
  return 'request failed';
}
