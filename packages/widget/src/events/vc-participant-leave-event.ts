import type { LeaveReason } from '@vcw/shared/protocol';

/** `vc-participant-leave`: another participant left: `hangup`, `timeout`, `network`, `kicked` or `room-ended`. */
export interface VcParticipantLeaveDetail {
  peerId: string;
  reason: LeaveReason;
}

export class VcParticipantLeaveEvent extends CustomEvent<VcParticipantLeaveDetail> {
  static readonly eventName = 'vc-participant-leave';
  constructor(detail: VcParticipantLeaveDetail) {
    super(VcParticipantLeaveEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'vc-participant-leave': VcParticipantLeaveEvent;
  }
}
