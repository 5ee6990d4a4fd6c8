import type { QueueStatus } from '@vcw/shared';

/**
 * `vc-queue-update` (random and support modes): this visitor's place in the queue changed. `status` is
 * `waiting`, `matched` (the call is being set up), `declined` (an agent turned the request away: `reason`
 * says why) or `left` (no longer queued); `position` is 1 for the next one matched (0 when not waiting);
 * `estimatedWaitMs` is null without an estimate.
 */
export type VcQueueUpdateDetail = QueueStatus;

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
