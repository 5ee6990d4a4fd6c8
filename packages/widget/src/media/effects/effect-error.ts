import type { WidgetErrorCode } from '@vcw/shared/widget-errors';

/**
 * Why an effect could not start. `code` is the shared error code the element reports in `vc-error`;
 * the message says what exactly is missing.
 */
export class EffectError extends Error {
  override name = 'EffectError';
  readonly code: WidgetErrorCode = 'effect_unavailable';
}
