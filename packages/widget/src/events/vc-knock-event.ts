/** `vc-knock`: hosts: a guest knocks to enter (answer with `admit(peerId)` or `deny(peerId, reason)`). */
export interface VcKnockDetail {
  peerId: string;
  displayName: string;
}

export class VcKnockEvent extends CustomEvent<VcKnockDetail> {
  static readonly eventName = 'vc-knock';
  constructor(detail: VcKnockDetail) {
    super(VcKnockEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'vc-knock': VcKnockEvent;
  }
}
