/**
 * The error table: every code the product can report, with its default message. The same code travels in
 * REST error bodies, socket acknowledgements, `connect_error.data` and the widget's `vc-error` event.
 * `docs/errors.md` explains each one and how to fix it.
 */
import { RECORDING_ERROR_MESSAGES, type RecordingErrorCode } from './recording-errors.js';
import { WIDGET_ERROR_MESSAGES, type WidgetErrorCode } from './widget-errors.js';

export type { RecordingErrorCode, WidgetErrorCode };

/** Codes raised by the service, each with the HTTP status it maps to. */
const SERVICE_ERRORS = {
  protocol_unsupported: {
    status: 400,
    message:
      'This widget speaks a protocol version the service does not support. Load widget.js from the service you connect to.',
  },
  auth_missing: { status: 401, message: 'No API key or join token was given.' },
  api_key_invalid: { status: 401, message: 'The API key is unknown, revoked or malformed.' },
  origin_not_allowed: { status: 403, message: "This page's origin is not allowed to use this API key." },
  invalid_payload: { status: 400, message: 'The message does not match its schema.' },
  room_full: { status: 409, message: 'The room is full.' },
  already_in_room: { status: 409, message: 'This connection is already in a room; leave it first.' },
  not_in_room: { status: 409, message: 'Join a room first.' },
  peer_not_found: { status: 404, message: 'That participant is not in your room.' },
  not_found: { status: 404, message: 'Not found.' },
  room_not_found: { status: 404, message: 'No such room in this project.' },
  room_ended: { status: 410, message: 'This call has been ended.' },
  room_expired: { status: 410, message: 'This room has expired.' },
  room_private: { status: 403, message: 'This room is private: join it with a join token.' },
  token_invalid: { status: 401, message: 'The join token is malformed, tampered with, or not signed by this service.' },
  token_expired: { status: 401, message: 'The join token has expired; ask for a new one.' },
  token_not_yet_valid: { status: 401, message: 'The join token is not valid yet.' },
  token_room_mismatch: { status: 403, message: 'This join token is for another room.' },
  idempotency_conflict: { status: 409, message: 'This Idempotency-Key was already used with a different request.' },
  payload_too_large: { status: 413, message: 'The request body is too large.' },
  unsupported_media_type: {
    status: 415,
    message: 'Send the request body as JSON, with `Content-Type: application/json`.',
  },
  room_name_taken: { status: 409, message: 'This project already has a room of that name.' },
  webhook_not_found: { status: 404, message: 'No such webhook endpoint in this project.' },
  webhook_url_invalid: {
    status: 400,
    message:
      'A webhook endpoint must be an https:// URL (http:// only to loopback, on a service that itself runs on loopback).',
  },
  webhook_limit_reached: {
    status: 409,
    message: 'This project has as many webhook endpoints as it may; remove one first.',
  },
  host_only: {
    status: 403,
    message: 'Only a host of this room (a participant who joined with a host token) may do this.',
  },
  participant_removed: { status: 403, message: 'You were removed from this call.' },
  knock_required: { status: 403, message: 'This room lets guests in once a host admits them: knock first.' },
  room_locked: { status: 423, message: 'This room is locked: nobody new may join it now.' },
  ticket_not_found: { status: 404, message: 'No such ticket in this queue.' },
  delivery_not_found: { status: 404, message: 'No such delivery for this webhook endpoint.' },
  already_in_queue: { status: 409, message: 'This connection is already waiting in a queue; leave it first.' },
  not_in_queue: { status: 409, message: 'This connection is not waiting in a queue.' },
  not_matched: { status: 409, message: 'There is no current match to end or report.' },
  agent_only: { status: 403, message: 'Only a support agent (connected with an agent token) may do this.' },
  token_queue_mismatch: { status: 403, message: 'This agent token is for another queue.' },
  queue_empty: { status: 409, message: 'Nobody is waiting in this queue.' },
  customer_not_waiting: { status: 404, message: 'That customer is no longer waiting.' },
  recording_busy: { status: 409, message: 'A recording, or a request to record, is already under way in this room.' },
  recording_not_found: {
    status: 404,
    message: 'There is no such recording request, or no recording of yours, in this room.',
  },
  recording_not_consented: { status: 409, message: 'Not everyone asked has accepted this recording yet.' },
  shutting_down: { status: 503, message: 'This service node is shutting down; connect again in a moment.' },
  rate_limited: { status: 429, message: 'Too many requests; slow down and retry later.' },
  unknown_event: { status: 400, message: 'The service does not know this event.' },
  queue_full: { status: 503, message: 'This queue is full; try again in a while.' },
  ticket_limit: { status: 429, message: 'Too many messages were left here; try again later.' },
  room_limit: {
    status: 429,
    message: 'This project opened too many rooms by name; try again later, or use an existing room.',
  },
  internal_error: { status: 500, message: 'Something went wrong on the service.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ServiceErrorCode = keyof typeof SERVICE_ERRORS;
export type ErrorCode = ServiceErrorCode | WidgetErrorCode | RecordingErrorCode;

/** Every code with its default message; a code missing from either table is a compile error where it is used. */
export const ERROR_MESSAGES: { readonly [C in ErrorCode]: string } = {
  ...mapMessages(SERVICE_ERRORS),
  ...WIDGET_ERROR_MESSAGES,
  ...RECORDING_ERROR_MESSAGES,
};

/** HTTP status of each service code. */
export const ERROR_STATUS: { readonly [C in ServiceErrorCode]: number } = Object.fromEntries(
  Object.entries(SERVICE_ERRORS).map(([code, { status }]) => [code, status]),
) as { [C in ServiceErrorCode]: number };

/** The error shape carried by socket acknowledgements and `connect_error.data`. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_MESSAGES, value);
}

/** Builds the wire error for a code, with its default message unless a more specific one is given. */
export function errorBody(code: ErrorCode, message: string = ERROR_MESSAGES[code]): ErrorBody {
  return { code, message };
}

function mapMessages<T extends Record<string, { message: string }>>(table: T): { [C in keyof T]: string } {
  return Object.fromEntries(Object.entries(table).map(([code, { message }]) => [code, message])) as {
    [C in keyof T]: string;
  };
}
