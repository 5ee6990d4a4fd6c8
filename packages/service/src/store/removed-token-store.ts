/**
 * Join tokens of participants removed from a room: such a token admits nobody to that room again, on any
 * node and after a restart. A removal is kept as long as any join token can live, then pruned.
 */
import type { Kysely } from 'kysely';
import { MAX_TOKEN_TTL_SECONDS } from '@vcw/shared';
import type { Database } from './schema.js';

export class RemovedTokenStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** Records that `tokenId` admits nobody to `roomId` any more (again: no-op), and drops lapsed removals. */
  async add(roomId: string, tokenId: string, now = new Date()): Promise<void> {
    const expiresAt = new Date(now.getTime() + MAX_TOKEN_TTL_SECONDS * 1000).toISOString();
    await this.db
      .insertInto('removed_tokens')
      .values({ room_id: roomId, token_id: tokenId, removed_at: now.toISOString(), expires_at: expiresAt })
      .onConflict((oc) => oc.columns(['room_id', 'token_id']).doUpdateSet({ expires_at: expiresAt }))
      .execute();
    // Removals are rare: pruning on each one keeps the table small without a timer of its own.
    await this.db.deleteFrom('removed_tokens').where('expires_at', '<=', now.toISOString()).execute();
  }

  /** Whether `tokenId` was removed from `roomId` and the removal still holds at `now`. */
  async has(roomId: string, tokenId: string, now = new Date()): Promise<boolean> {
    const row = await this.db
      .selectFrom('removed_tokens')
      .select('token_id')
      .where('room_id', '=', roomId)
      .where('token_id', '=', tokenId)
      .where('expires_at', '>', now.toISOString())
      .executeTakeFirst();
    return row !== undefined;
  }
}
