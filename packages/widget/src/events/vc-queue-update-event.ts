import type { QueueSnapshot, QueueStatus } from '@vcw/shared';

/**
 * An agent's view of the queue they serve (`mode: 'agent'`): how many wait (`waiting`), the first of them in
 * order (`customers`, at most 20), the agents online and the recent average wait.
 */
export interface VcAgentQueueDetail {
  mode: 'agent';
  queue: string;
  waiting: number;
  agentsOnline: number;
  averageWaitMs: number | null;
  customers: QueueSnapshot['customers'];
}

/**
 * `vc-queue-update` (random and support modes): this visitor's place in the queue changed. `status` is
 * `waiting`, `matched` (the call is being set up), `declined` (an agent turned the request away: `reason`
 * says why) or `left` (no longer queued); `position` is 1 for the next one matched (0 when not waiting);
 * `estimatedWaitMs` is null without an estimate. In agent mode, the waiting list changed: `mode` is
 * `agent` and the detail is a `VcAgentQueueDetail`.
 */
export type VcQueueUpdateDetail = QueueStatus | VcAgentQueueDetail;

export class VcQueueUpdateEvent extends CustomEvent<VcQueueUpdateDetail> {
  static readonly eventName = 'vc-queue-update';
  constructor(detail: VcQueueUpdateDetail) {
    super(VcQueueUpdateEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'vc-queue-update': VcQueueUpdateEvent;
  }
}
