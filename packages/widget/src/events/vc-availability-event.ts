/**
 * `vc-availability` (support mode): whether an agent is online, known before the customer asks for help (no
 * camera needed): fired once the widget is connected, then at every change until the customer waits (their
 * `vc-queue-update` says the same from then on). `estimatedWaitSeconds` is null without an estimate.
 */
export interface VcAvailabilityDetail {
  queue: string;
  agentsOnline: number;
  estimatedWaitSeconds: number | null;
}

export class VcAvailabilityEvent extends CustomEvent<VcAvailabilityDetail> {
  static readonly eventName = 'vc-availability';
  constructor(detail: VcAvailabilityDetail) {
    super(VcAvailabilityEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'vc-availability': VcAvailabilityEvent;
  }
}
