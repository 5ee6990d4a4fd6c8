/**
 * What happens to support customers, as service events (the `queue.customer.*` webhooks): one starts waiting, an
 * agent takes them, or they go before anyone did. On one node `ObservedCoordinator` sees it; with several, the
 * matching script that made the change says so and the node that ran it publishes it, once.
 */
import type { CustomerNews } from '../bus/match-book.js';
import type { ServiceEvents } from '../events/service-events.js';

export type { CustomerNews };

/** Seconds, to the tenth. */
const seconds = (ms: number): number => Math.round(Math.max(0, ms) / 100) / 10;

export function publishCustomerNews(events: ServiceEvents, news: CustomerNews): void {
  const own =
    news.type === 'waiting'
      ? { message: news.message ?? null, since: new Date(news.since ?? news.at).toISOString() }
      : news.type === 'answered'
        ? { agent: news.agent, waitedSeconds: seconds(news.waitedMs ?? 0) }
        : { reason: news.reason, waitedSeconds: seconds(news.waitedMs ?? 0) };
  events.publish({
    projectId: news.projectId,
    type: `queue.customer.${news.type}`,
    at: new Date(news.at),
    data: { queue: news.queue, peerId: news.peerId, displayName: news.displayName, ...own },
  });
}
