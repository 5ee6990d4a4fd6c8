import type { ErrorBody, ErrorCode } from '@vcw/shared/errors';
import { WIDGET_ERROR_MESSAGES } from '@vcw/shared/widget-errors';

/** A service code as it arrives: lower-case words joined by `_` (the protocol version pins the table). */
const CODE = /^[a-z][a-z_]{0,39}$/;

/** A failure the widget reports as `vc-error`: a shared code, a readable message, and whether it is final. */
export class CallError extends Error {
  override name = 'CallError';
  constructor(
    readonly code: ErrorCode,
    // Only the widget's own codes have a default here; the service sends its message with its code.
    message: string = (WIDGET_ERROR_MESSAGES as Partial<Record<ErrorCode, string>>)[code] ?? code,
    /** A fatal error ends the widget's attempt; the site or user has to change something first. */
    readonly fatal = false,
  ) {
    super(message);
  }

  /** `error` as a CallError: itself if it is one, else a `connection_failed` with its message. */
  static from(error: unknown): CallError {
    if (error instanceof CallError) return error;
    return new CallError('connection_failed', error instanceof Error ? error.message : String(error));
  }

  /** Builds a CallError from a service error body (an ack or `connect_error.data`), if it is one. */
  static fromBody(body: unknown, fatal = false): CallError | null {
    const { code, message } = (body ?? {}) as Partial<ErrorBody>;
    if (typeof code !== 'string' || !CODE.test(code)) return null;
    return new CallError(code, typeof message === 'string' && message ? message : undefined, fatal);
  }
}
