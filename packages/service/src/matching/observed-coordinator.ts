/**
 * The local coordinator, telling service events what happens to support customers: one starts waiting
 * (`queue.customer.waiting`), an agent takes them (`queue.customer.answered`), or they go before anyone did
 * (`queue.customer.abandoned`: they left the queue, or their connection did not come back). Observes the
 * coordinator's outcomes from outside, so the matching core itself knows nothing of subscribers.
 */
import type { AgentConnection, Visitor } from './coordinator.js';
import { publishCustomerNews, type CustomerNews } from './customer-news.js';
import { LocalCoordinator, type LocalCoordinatorOptions } from './local-coordinator.js';
import type { ServiceEvents } from '../events/service-events.js';
import type { QueueStatus } from '@vcw/shared';

interface Waiting {
  visitor: Visitor;
  since: number;
}

export class ObservedCoordinator extends LocalCoordinator {
  /** Support customers waiting now, as this observer saw them enter. */
  private readonly customers = new Map<string, Waiting>();

  constructor(
    options: LocalCoordinatorOptions,
    private readonly events: ServiceEvents,
  ) {
    super(options);
  }

  override enter(visitor: Visitor): QueueStatus {
    const status = super.enter(visitor);
    if (visitor.mode === 'support' && this.stateOf(visitor.peerId) === 'waiting') {
      const since = this.clock.now();
      this.customers.set(visitor.peerId, { visitor, since });
      this.publish(visitor, { type: 'waiting', since, message: visitor.message ?? null });
    }
    return status;
  }

  override take(agent: AgentConnection, customerId?: string): string {
    const taken = super.take(agent, customerId);
    const waiting = this.customers.get(taken);
    if (waiting) {
      this.customers.delete(taken);
      this.publish(waiting.visitor, {
        type: 'answered',
        agent: { peerId: agent.peerId, displayName: agent.displayName },
        waitedMs: this.clock.now() - waiting.since,
      });
    }
    return taken;
  }

  override decline(agent: AgentConnection, customerId: string, reason: string): void {
    super.decline(agent, customerId, reason);
    this.customers.delete(customerId);
  }

  override leave(peerId: string): void {
    super.leave(peerId);
    this.abandoned(peerId, 'left');
  }

  override disconnected(peerId: string): void {
    super.disconnected(peerId);
    this.abandoned(peerId, 'disconnected');
  }

  /** A customer this observer saw waiting, and who is no longer waiting, abandoned the queue. */
  private abandoned(peerId: string, reason: 'left' | 'disconnected'): void {
    const waiting = this.customers.get(peerId);
    if (!waiting || this.stateOf(peerId) === 'waiting') return;
    this.customers.delete(peerId);
    this.publish(waiting.visitor, { type: 'abandoned', reason, waitedMs: this.clock.now() - waiting.since });
  }

  private publish(
    visitor: Visitor,
    news: Pick<CustomerNews, 'type' | 'since' | 'message' | 'agent' | 'waitedMs' | 'reason'>,
  ): void {
    publishCustomerNews(this.events, {
      projectId: visitor.projectId,
      queue: visitor.queue,
      peerId: visitor.peerId,
      displayName: visitor.displayName,
      at: this.clock.now(),
      ...news,
    });
  }
}
