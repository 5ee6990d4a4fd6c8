import type { QualityChangeReason, QualityLevel } from '../engine/send-quality.js';

/**
 * `vc-quality-change`: the video quality this widget sends changed, because the `quality` attribute did
 * (`attribute`), or because `quality="auto"` followed the network (`packet-loss`, `round-trip-time`,
 * `bandwidth` down; `recovered` back up).
 */
export interface VcQualityChangeDetail {
  from: QualityLevel;
  to: QualityLevel;
  reason: QualityChangeReason;
}

export class VcQualityChangeEvent extends CustomEvent<VcQualityChangeDetail> {
  static readonly eventName = 'vc-quality-change';
  constructor(detail: VcQualityChangeDetail) {
    super(VcQualityChangeEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'vc-quality-change': VcQualityChangeEvent;
  }
}
