/**
 * `vc-customer-waiting` (agent mode): a customer started waiting in the queue this agent serves — fired once
 * per customer as they arrive (those already waiting when the console opens are in its first
 * `vc-queue-update`). `message` is what they wrote on the help page, or null.
 */
export interface VcCustomerWaitingDetail {
  peerId: string;
  displayName: string;
  message: string | null;
}

export class VcCustomerWaitingEvent extends CustomEvent<VcCustomerWaitingDetail> {
  static readonly eventName = 'vc-customer-waiting';
  constructor(detail: VcCustomerWaitingDetail) {
    super(VcCustomerWaitingEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'vc-customer-waiting': VcCustomerWaitingEvent;
  }
}
