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

/** How many entries the streams under `prefix` (every node's journal of call history, say) hold in all. */
export async function streamEntriesAt(redisUrl: string, prefix: string): Promise<number> {
  const keys = await keysAt(redisUrl, prefix);
  const redis = new Redis(redisUrl);
  try {
    const lengths = await Promise.all(keys.map((key) => redis.xlen(key)));
    return lengths.reduce((sum, length) => sum + length, 0);
  } finally {
    redis.disconnect();
  }
}
