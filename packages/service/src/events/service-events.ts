/**
 * What happened on the service that a partner may want to hear of (calls, recordings, queues, tickets),
 * published by the module that owns each piece of state and heard by whoever subscribes (webhooks). A
 * listener that throws is logged and never reaches the publisher: publishing is fire and forget, so no
 * call ever waits on a listener.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { WebhookEventType } from '@vcw/shared';

export interface ServiceEvent {
  projectId: string;
  type: WebhookEventType;
  /** When it happened. */
  at: Date;
  data: Record<string, unknown>;
}

export type ServiceEventListener = (event: ServiceEvent) => void;

export class ServiceEvents {
  private readonly listeners = new Set<ServiceEventListener>();

  constructor(private readonly log?: FastifyBaseLogger) {}

  publish(event: ServiceEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.log?.error({ err, type: event.type }, 'a service event listener failed');
      }
    }
  }

  /** Calls `listener` for every event from now on; returns what stops it. */
  subscribe(listener: ServiceEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
