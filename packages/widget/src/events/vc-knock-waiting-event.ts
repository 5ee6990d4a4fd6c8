/**
 * `vc-knock-waiting`: the room makes guests knock, and this guest now waits for a host to let it in
 * (`hostsPresent`: hosts in the call when it knocked; with none it waits for one to come). Admitted, `vc-join`
 * follows; turned away, `vc-error` `knock_denied` with the host's reason.
 */
export interface VcKnockWaitingDetail {
  hostsPresent: number;
}

export class VcKnockWaitingEvent extends CustomEvent<VcKnockWaitingDetail> {
  static readonly eventName = 'vc-knock-waiting';
  constructor(detail: VcKnockWaitingDetail) {
    super(VcKnockWaitingEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'vc-knock-waiting': VcKnockWaitingEvent;
  }
}
