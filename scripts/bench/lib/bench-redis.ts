/**
 * Chooses the Redis of a bench run: by default a private redis-server (when the binary is on the
 * PATH), else the shared one at REDIS_URL. Either way both servers under test use the same one.
 */
import { execFileSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { localRedisPid } from './cpu.js';
import { startPrivateRedis } from './private-redis.js';
import { redisUrl, useRedisUrl } from './redis-keys.js';

export interface BenchRedis {
  url: string;
  kind: 'private' | 'shared';
  /** Local pid for CPU accounting, when known. */
  pid?: number;
  stop(): Promise<void>;
}

const hasRedisServer = () => {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/** `mode`: `private`, `shared`, or `auto` (private when redis-server is installed). */
export async function setupBenchRedis(mode: string): Promise<BenchRedis> {
  if (mode === 'private' || (mode === 'auto' && hasRedisServer())) {
    const redis = await startPrivateRedis();
    useRedisUrl(redis.url);
    return { url: redis.url, kind: 'private', pid: redis.pid, stop: redis.stop };
  }
  const probe = new Redis(redisUrl);
  try {
    return { url: redisUrl, kind: 'shared', pid: await localRedisPid(probe), stop: async () => undefined };
  } finally {
    probe.disconnect();
  }
}
