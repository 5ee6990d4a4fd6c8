/** Ids shared by the stores. */
import { randomBytes } from 'node:crypto';

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
