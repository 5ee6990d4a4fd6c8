/** `vc-participant-join`: another participant is in the call (fired for each one present on joining, too). */
export interface VcParticipantJoinDetail {
  peerId: string;
  displayName: string;
}

export class VcParticipantJoinEvent extends CustomEvent<VcParticipantJoinDetail> {
  static readonly eventName = 'vc-participant-join';
  constructor(detail: VcParticipantJoinDetail) {
    super(VcParticipantJoinEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'vc-participant-join': VcParticipantJoinEvent;
  }
}
