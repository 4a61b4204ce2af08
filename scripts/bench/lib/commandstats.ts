/**
 * Redis's own account of the time it spent executing commands (`INFO commandstats`: calls and
 * microseconds per command, a Lua script's calls included in its EVALSHA), so the Redis cost of a
 * reserve is measured inside Redis rather than from its process's CPU time alone.
 */
import { Redis } from 'ioredis';
import { redisUrl } from './redis-keys.js';

export type CommandStats = Record<string, { calls: number; usec: number }>;

export async function commandStats(): Promise<CommandStats> {
  const redis = new Redis(redisUrl, { lazyConnect: true });
  try {
    await redis.connect();
    const info = await redis.info('commandstats');
    const stats: CommandStats = {};
    for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)) {
      stats[match[1]!] = { calls: Number(match[2]), usec: Number(match[3]) };
    }
    return stats;
  } finally {
    redis.disconnect();
  }
}

/** What each command cost between two readings (commands that ran in between only). */
export function commandStatsDelta(before: CommandStats, after: CommandStats): CommandStats {
  const delta: CommandStats = {};
  for (const [name, now] of Object.entries(after)) {
    const was = before[name] ?? { calls: 0, usec: 0 };
    if (now.calls > was.calls) delta[name] = { calls: now.calls - was.calls, usec: now.usec - was.usec };
  }
  return delta;
}
