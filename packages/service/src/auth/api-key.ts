/**
 * API keys: `pk_test_…`/`pk_live_…` (publishable, browser-safe, locked to origins) and `sk_test_…`/`sk_live_…`
 * (secret, for servers). A key is 128 random bits in base62 followed by a 6-character checksum, so typos
 * and truncations are refused without touching the store. Only the SHA-256 hash is ever stored.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export type KeyType = 'publishable' | 'secret';
export type KeyEnvironment = 'test' | 'live';

const TYPE_PREFIX: Record<KeyType, string> = { publishable: 'pk', secret: 'sk' };
const BODY_LENGTH = 22; // 16 random bytes in base62
const CHECKSUM_LENGTH = 6; // 4 bytes of SHA-256 in base62
const KEY_PATTERN = /^(pk|sk)_(test|live)_([0-9A-Za-z]{22})([0-9A-Za-z]{6})$/;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export interface MintedKey {
  /** The key itself: shown once, never stored. */
  plaintext: string;
  hash: string;
  displayPrefix: string;
  last4: string;
}

export interface ParsedKey {
  type: KeyType;
  environment: KeyEnvironment;
}

export function mintApiKey(type: KeyType, environment: KeyEnvironment): MintedKey {
  const head = `${TYPE_PREFIX[type]}_${environment}_`;
  const body = toBase62(randomBytes(16), BODY_LENGTH);
  const plaintext = head + body + checksum(head + body);
  return { plaintext, hash: hashApiKey(plaintext), displayPrefix: head, last4: plaintext.slice(-4) };
}

/** Checks a key's shape and checksum; `null` for anything that cannot be a key we minted. */
export function parseApiKey(candidate: string): ParsedKey | null {
  const match = KEY_PATTERN.exec(candidate);
  if (!match) return null;
  const [, prefix, environment, body, sum] = match as unknown as [string, 'pk' | 'sk', KeyEnvironment, string, string];
  const head = `${prefix}_${environment}_`;
  if (!constantTimeEqual(checksum(head + body), sum)) return null;
  return { type: prefix === 'pk' ? 'publishable' : 'secret', environment };
}

export function hashApiKey(plaintext: string): string {
  return createHash('sha256').update(plaintext).digest('hex');
}

/** Compares two strings without leaking where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function checksum(text: string): string {
  return toBase62(createHash('sha256').update(text).digest().subarray(0, 4), CHECKSUM_LENGTH);
}

function toBase62(bytes: Buffer, length: number): string {
  let n = BigInt(`0x${bytes.toString('hex')}`);
  let out = '';
  while (n > 0n) {
    out = BASE62[Number(n % 62n)] + out;
    n /= 62n;
  }
  return out.padStart(length, '0');
}
