import { Redis } from 'ioredis';
import { redactUrl } from './config/options.js';

const CONNECT_TIMEOUT_MS = 5_000;

/**
 * Connects the main Redis client, or throws `Redis unreachable at <url>: <reason>`. Commands are
 * auto-pipelined (concurrent requests share network writes, which is what makes the reserve path
 * cheap) and fail after a few reconnect attempts instead of queueing for long during an outage.
 */
export async function connectRedis(url: string): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableAutoPipelining: true,
    maxRetriesPerRequest: 3,
    connectTimeout: CONNECT_TIMEOUT_MS,
  });
  let lastError: Error | undefined;
  redis.on('error', (error: Error) => (lastError = error));
  try {
    await Promise.race([
      redis.connect(),
      new Promise((_resolve, reject) =>
        setTimeout(() => reject(lastError ?? new Error('timed out')), CONNECT_TIMEOUT_MS).unref(),
      ),
    ]);
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    const reason = (error as Error).message || (lastError?.message ?? 'unknown error');
    throw new Error(`Redis unreachable at ${redactUrl(url)}: ${reason}`, { cause: error });
  }
  return redis;
}
