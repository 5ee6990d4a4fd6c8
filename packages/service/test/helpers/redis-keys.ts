/** The keys a test deployment left in a Redis, found and deleted by their prefix. */
import { Redis } from 'ioredis';

/** The keys under `prefix` in the Redis at `redisUrl`. */
export async function keysAt(redisUrl: string, prefix: string): Promise<string[]> {
  const redis = new Redis(redisUrl);
  try {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      keys.push(...batch);
      cursor = next;
    } while (cursor !== '0');
    return keys;
  } finally {
    redis.disconnect();
  }
}

/** Deletes every key under `prefix` in the Redis at `redisUrl`. */
export async function deleteKeysAt(redisUrl: string, prefix: string): Promise<void> {
  const keys = await keysAt(redisUrl, prefix);
  if (keys.length === 0) return;
  const redis = new Redis(redisUrl);
  try {
    await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}
