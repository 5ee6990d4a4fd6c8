/** Ids and paging cursors shared by the stores. */
import { randomBytes } from 'node:crypto';
import { ServiceError } from '../errors.js';

let lastMs = 0;
let sequence = 0;

/**
 * `PREFIX_` + 24 hex digits: creation time in ms, a counter within the ms, then random bits. Ids sort by
 * creation, so "newest first" stays exact for records made in the same millisecond.
 */
export function sortableId(prefix: string): string {
  const ms = Date.now();
  sequence = ms === lastMs ? (sequence + 1) & 0xffff : 0;
  lastMs = ms;
  return `${prefix}_${ms.toString(16).padStart(12, '0')}${sequence.toString(16).padStart(4, '0')}${randomBytes(4).toString('hex')}`;
}

/** Where a page ended: the time and id of its last record, opaque to the partner. */
export interface PageCursor {
  at: string;
  id: string;
}

export function encodeCursor({ at, id }: PageCursor): string {
  return Buffer.from(`${at}|${id}`).toString('base64url');
}

export function decodeCursor(cursor: string): PageCursor {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!at || !id || Number.isNaN(Date.parse(at))) throw new ServiceError('invalid_payload', 'The cursor is not one this API returned.');
  return { at, id };
}
