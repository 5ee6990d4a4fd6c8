/**
 * Keyset paging, newest first, for every list the REST API pages (rooms, tickets, call history, webhook
 * deliveries): records ordered by their time column then id, a page ends where its last record is, and the
 * cursor carries that place, opaque to the partner. One Kysely query for every dialect.
 */
import type { SelectQueryBuilder } from 'kysely';
import { sql } from './kysely.js';
import { ServiceError } from '../errors.js';

/** Where a page ended: the time and id of its last record. */
export interface PageCursor {
  at: string;
  id: string;
}

export function encodeCursor({ at, id }: PageCursor): string {
  return Buffer.from(`${at}|${id}`).toString('base64url');
}

export function decodeCursor(cursor: string): PageCursor {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!at || !id || Number.isNaN(Date.parse(at)))
    throw new ServiceError('invalid_payload', 'The cursor is not one this API returned.');
  return { at, id };
}

/** A page's size, and the `nextCursor` of the page before it (none for the first). */
export interface PageRequest {
  limit: number;
  cursor?: string | undefined;
}

/** The names of a row's text columns. */
type TextColumn<Row> = { [K in keyof Row]: Row[K] extends string ? K : never }[keyof Row] & string;

/**
 * The page of `query`'s rows, newest first by `timeColumn` (ISO text) then `id`, after the cursor's record;
 * `nextCursor` is null on the last page. Filters go on `query` before; it must select `timeColumn` and `id`.
 */
export async function newestFirstPage<DB, TB extends keyof DB, Row extends { id: string }>(
  query: SelectQueryBuilder<DB, TB, Row>,
  timeColumn: TextColumn<Row>,
  { limit, cursor }: PageRequest,
): Promise<{ rows: Row[]; nextCursor: string | null }> {
  const at = sql.ref(timeColumn);
  const id = sql.ref('id');
  if (cursor) {
    const after = decodeCursor(cursor);
    query = query.where(sql<boolean>`(${at} < ${after.at} or (${at} = ${after.at} and ${id} < ${after.id}))`);
  }
  const rows = await query
    .orderBy(at, 'desc')
    .orderBy(id, 'desc')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    rows: page,
    nextCursor: rows.length > limit && last ? encodeCursor({ at: last[timeColumn] as string, id: last.id }) : null,
  };
}
