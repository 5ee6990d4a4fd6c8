import { MAX_TOKEN_TTL_SECONDS } from '@vcw/shared';

/**
 * Join tokens of removed participants, per room. Kept as long as any token can live (24 hours), then
 * forgotten; on this node only, like the seats.
 */
export class RemovedTokens {
  private readonly until = new Map<string, number>();

  add(roomId: string, tokenId: string, now = Date.now()): void {
    this.prune(now);
    this.until.set(`${roomId}/${tokenId}`, now + MAX_TOKEN_TTL_SECONDS * 1000);
  }

  has(roomId: string, tokenId: string, now = Date.now()): boolean {
    const until = this.until.get(`${roomId}/${tokenId}`);
    return until !== undefined && until > now;
  }

  private prune(now: number): void {
    for (const [key, until] of this.until) if (until <= now) this.until.delete(key);
  }
}
