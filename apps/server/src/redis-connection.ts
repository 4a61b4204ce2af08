import { Redis } from 'ioredis';
import { redactUrl } from './config/options.js';

const CONNECT_TIMEOUT_MS = 5_000;

/**
 * Connects the main Redis client, or throws `Redis unreachable at <url>: <reason>`. Commands fail
 * after a few reconnect attempts instead of queueing for long during an outage. ioredis writes each
 * command as it comes without waiting for earlier replies, so concurrent reserves already share the
 * connection; its auto-pipelining measured no faster on the reserve path here, so it stays off.
 */
export async function connectRedis(url: string): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
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
