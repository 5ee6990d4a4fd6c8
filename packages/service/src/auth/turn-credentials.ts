/**
 * Time-limited TURN credentials in the TURN REST scheme (draft-uberti-behave-turn-rest), which coturn checks
 * with `use-auth-secret`: the username is `<expiry unix time>:<peer id>` and the password is the base64
 * HMAC-SHA1 of that username under the secret both sides share. Nothing is stored; expiry is in the name.
 */
import { createHmac } from 'node:crypto';

export interface TurnCredential {
  username: string;
  credential: string;
  /** When the relay stops accepting it (ms since the epoch). */
  expiresAt: number;
}

export function mintTurnCredential(
  secret: string,
  peerId: string,
  ttlSeconds: number,
  now: number = Date.now(),
): TurnCredential {
  const expiry = Math.floor(now / 1000) + ttlSeconds;
  const username = `${expiry}:${peerId}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential, expiresAt: expiry * 1000 };
}
