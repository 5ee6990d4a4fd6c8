/**
 * Resume tokens, with several nodes: what lets a widget take its seat back through another node when the node
 * holding its connection died (a killed process keeps no session for Socket.io's recovery to find). The service
 * gives one with each seat (`room:join`'s answer, and `session` after a resume); the widget sends the latest back
 * as `auth.resume` when it connects again.
 *
 * A seat's token names one taking of one seat: project, room, peer and the seat's epoch. It is signed
 * (HMAC-SHA256, a key derived from `TOKEN_SECRET`, which every node shares) and lives at most `TTL_MS`, but it
 * is worth only as long as the seat it names is still held under that epoch: once the seat is taken back (a new
 * epoch, a new token) or freed, it takes nothing.
 *
 * A place's token (given with `queue:enter`'s answer) names a peer only (no room, epoch 0): any token of a peer
 * also takes back its place in matching (waiting, or paired), for as long as that place lasts. A seat's fences
 * against a stale socket freeing it; a place is only ever spoken for by the socket that holds it last.
 */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

const INFO = 'vcw resume token v1';
/** Longer than any call is expected to last without a single drop: each resume gives a fresh token. */
const TTL_MS = 24 * 60 * 60 * 1000;

/** What a token names. */
export interface ResumeClaim {
  projectId: string;
  /** '' for a place's token. */
  roomKey: string;
  peerId: string;
  epoch: number;
}

export class ResumeTokens {
  private readonly key: Buffer;

  constructor(
    tokenSecret: string,
    private readonly now: () => number = Date.now,
  ) {
    this.key = Buffer.from(hkdfSync('sha256', tokenSecret, Buffer.alloc(0), INFO, 32));
  }

  /** A token for the peer's place in matching (it names no seat). */
  mintPlace(projectId: string, peerId: string): string {
    return this.mint({ projectId, roomKey: '', peerId, epoch: 0 });
  }

  mint(claim: ResumeClaim): string {
    const body = Buffer.from(
      JSON.stringify([claim.projectId, claim.roomKey, claim.peerId, claim.epoch, this.now() + TTL_MS]),
    ).toString('base64url');
    return `${body}.${this.sign(body)}`;
  }

  /** The claim of a token this service signed, unexpired; null for anything else. */
  verify(token: string): ResumeClaim | null {
    const [body, signature, ...rest] = token.split('.');
    if (!body || !signature || rest.length > 0) return null;
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    let fields: unknown;
    try {
      fields = JSON.parse(Buffer.from(body, 'base64url').toString());
    } catch {
      return null;
    }
    if (!Array.isArray(fields) || fields.length !== 5) return null;
    const [projectId, roomKey, peerId, epoch, expiresAt] = fields as unknown[];
    if (typeof projectId !== 'string' || typeof roomKey !== 'string' || typeof peerId !== 'string') return null;
    if (!Number.isSafeInteger(epoch) || typeof expiresAt !== 'number' || expiresAt <= this.now()) return null;
    return { projectId, roomKey, peerId, epoch: epoch as number };
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
