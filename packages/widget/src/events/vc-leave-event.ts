import type { LeaveReason } from '@vcw/shared/protocol';

/** `vc-leave`: this widget left the room (hung up, or was removed). */
export interface VcLeaveDetail {
  reason: LeaveReason;
}

export class VcLeaveEvent extends CustomEvent<VcLeaveDetail> {
  static readonly eventName = 'vc-leave';
  constructor(detail: VcLeaveDetail) {
    super(VcLeaveEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'vc-leave': VcLeaveEvent;
  }
}
