/**
 * The error statuses a `/v1` route can answer, for its response schema (and so for OpenAPI). Every route can
 * answer 400 (bad input), 401 (key) and 429 (the key's rate limit); routes add their own.
 */
import { RestError } from '@vcw/shared';

type ErrorStatus = 400 | 401 | 404 | 409 | 410 | 413 | 415 | 429;

export function errorResponses(...statuses: ErrorStatus[]): Partial<Record<ErrorStatus, typeof RestError>> {
  return Object.fromEntries([400, 401, 429, ...statuses].map((status) => [status, RestError]));
}
