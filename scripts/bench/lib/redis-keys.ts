/** Random key prefixes for benchmark runs and removal of everything under them afterwards. */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

/** The Redis every part of a bench run uses; see {@link useRedisUrl}. */
export let redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Points the whole bench run (servers, ceilings, cleanup) at another Redis. */
export function useRedisUrl(url: string): void {
  redisUrl = url;
}

export const randomPrefix = (label: string) => `bench-${label}-${randomBytes(4).toString('hex')}`;

/** Deletes every key starting with `prefix` (SCAN + UNLINK, never FLUSHDB: Redis is shared). */
export async function deleteKeys(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}
