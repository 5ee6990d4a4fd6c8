/**
 * How an agent's side turns `queue:changes` into the snapshot it stands for: the entries it names are the ones
 * just sent (`added`) or ones the last snapshot listed.
 */
import type { QueueChanges, QueueSnapshot, QueuedCustomer } from './schemas/queue.js';

/** The snapshot `changes` describes, from the last one; null when it names a customer neither of them carries. */
export function applyQueueChanges(last: QueueSnapshot, changes: QueueChanges): QueueSnapshot | null {
  const known = new Map<string, QueuedCustomer>();
  for (const customer of last.customers) known.set(customer.customerId, customer);
  for (const customer of changes.added) known.set(customer.customerId, customer);
  const customers: QueuedCustomer[] = [];
  for (const id of changes.order) {
    const customer = known.get(id);
    if (!customer) return null;
    customers.push(customer);
  }
  return {
    queue: changes.queue,
    customers,
    total: changes.total,
    agentsOnline: changes.agentsOnline,
    averageWaitMs: changes.averageWaitMs,
  };
}
