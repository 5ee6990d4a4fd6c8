import type { CallState } from '../engine/call-engine.js';

/** `vc-connection-state-change`: the widget's `state` changed. */
export interface VcConnectionStateChangeDetail {
  state: CallState;
}

export class VcConnectionStateChangeEvent extends CustomEvent<VcConnectionStateChangeDetail> {
  static readonly eventName = 'vc-connection-state-change';
  constructor(detail: VcConnectionStateChangeDetail) {
    super(VcConnectionStateChangeEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'vc-connection-state-change': VcConnectionStateChangeEvent;
  }
}
