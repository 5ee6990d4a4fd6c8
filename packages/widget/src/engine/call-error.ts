import { ERROR_MESSAGES, isErrorCode, type ErrorBody, type ErrorCode } from '@vcw/shared/errors';

/** A failure the widget reports as `vc-error`: a shared code, a readable message, and whether it is final. */
export class CallError extends Error {
  override name = 'CallError';
  constructor(
    readonly code: ErrorCode,
    message: string = ERROR_MESSAGES[code],
    /** A fatal error ends the widget's attempt; the site or user has to change something first. */
    readonly fatal = false,
  ) {
    super(message);
  }

  /** Builds a CallError from a service error body (an ack or `connect_error.data`), if it is one. */
  static fromBody(body: unknown, fatal = false): CallError | null {
    const { code, message } = (body ?? {}) as Partial<ErrorBody>;
    return isErrorCode(code) ? new CallError(code, typeof message === 'string' ? message : ERROR_MESSAGES[code], fatal) : null;
  }
}
