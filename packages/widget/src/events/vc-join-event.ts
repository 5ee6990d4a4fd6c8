/** `vc-join`: this widget took its seat in the room. */
export interface VcJoinDetail {
  /** This participant's id in the room. */
  peerId: string;
  room: string;
}

export class VcJoinEvent extends CustomEvent<VcJoinDetail> {
  static readonly eventName = 'vc-join';
  constructor(detail: VcJoinDetail) {
    super(VcJoinEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'vc-join': VcJoinEvent;
  }
}
