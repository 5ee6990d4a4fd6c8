import { ERROR_MESSAGES, ERROR_STATUS, type ErrorBody, type ServiceErrorCode } from '@vcw/shared';

/** An expected failure with a code from the shared table; anything else is an `internal_error`. */
export class ServiceError extends Error {
  override name = 'ServiceError';
  constructor(
    readonly code: ServiceErrorCode,
    message: string = ERROR_MESSAGES[code],
  ) {
    super(message);
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  toBody(): ErrorBody {
    return { code: this.code, message: this.message };
  }
}
