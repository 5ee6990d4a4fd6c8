import type { ErrorCode } from '@vcw/shared/errors';

/** `vc-error`: something failed; `code` is from the shared error table (docs/errors.md). */
export interface VcErrorDetail {
  code: ErrorCode;
  message: string;
  /** True when the widget cannot go on until something changes (key, origin, configuration). */
  fatal: boolean;
}

export class VcErrorEvent extends CustomEvent<VcErrorDetail> {
  static readonly eventName = 'vc-error';
  constructor(detail: VcErrorDetail) {
    super(VcErrorEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'vc-error': VcErrorEvent;
  }
}
