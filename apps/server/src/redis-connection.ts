import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import { redactUrl } from './config/options.js';

/** A connection to one Redis or to a Redis Cluster; every key of an event lives in one slot. */
export type RedisClient = Redis | Cluster;

const CONNECT_TIMEOUT_MS = 5_000;
/**
 * Longest a command on a connection for blocking stream reads may take before it fails (and the
 * read is tried again). Above the 1 s of those reads. The main connection has no per-command
 * timeout: a command there waits its turn however long a burst's queue, and a Redis that stops
 * answering is caught by the availability watch (no reply at all for 2 s, `redis-availability.ts`).
 */
export const COMMAND_TIMEOUT_MS = 2_000;

/**
 * How every connection of the server behaves when Redis goes away: commands fail after
 * {@link COMMAND_TIMEOUT_MS} whatever happens (a stalled Redis that keeps the socket open
 * included), and reconnect attempts come every second at most, for ever. The main connection
 * takes the timeout out ({@link MAIN}).
 */
const RESILIENT: RedisOptions = {
  connectTimeout: CONNECT_TIMEOUT_MS,
  commandTimeout: COMMAND_TIMEOUT_MS,
  maxRetriesPerRequest: 1,
  retryStrategy: (attempt) => Math.min(100 * attempt, 1_000),
};

/**
 * The main connection: no offline queue, nothing sent again after a reconnect, and no per-command
 * timeout. A timer per command failed the tail of a burst queued behind thousands of reserves on a
 * Redis that was answering all along (and those reserves still ran there); whether Redis answers
 * is judged from the connection as a whole instead (decision 0160).
 */
const MAIN = { enableOfflineQueue: false, autoResendUnfulfilledCommands: false, commandTimeout: undefined } as const;

/**
 * Connects the main Redis client, or throws `Redis unreachable at <url>: <reason>`. Requests go
 * through this client, so it has no offline queue: while Redis is away a command fails at once and
 * the request is answered `UNAVAILABLE` instead of waiting. Commands in flight when the connection
 * drops are not sent again after the reconnect: they fail when it closes (`redis-availability.ts`),
 * and a request the client was told failed is never carried out later. ioredis writes each command as it comes
 * without waiting for earlier replies, so concurrent reserves already share the connection; its
 * auto-pipelining measured no faster on the reserve path here, so it stays off.
 */
export async function connectRedis(url: string): Promise<RedisClient> {
  const redis: RedisClient = isClusterUrl(url)
    ? new Cluster(clusterNodes(url), clusterOptions(url, MAIN))
    : new Redis(url, { ...RESILIENT, ...MAIN, lazyConnect: true });
  let lastError: Error | undefined;
  const remember = (error: Error) => (lastError = error);
  redis.on('error', remember);
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
  redis.off('error', remember);
  return redis;
}

/** `redis+cluster://…` or `rediss+cluster://…`: a Redis Cluster named by some of its nodes. */
export function isClusterUrl(url: string): boolean {
  return /^rediss?\+cluster:\/\//.test(url);
}

/** The nodes of `redis+cluster://[user:password@]host:port,host:port`. */
function clusterNodes(url: string): { host: string; port: number }[] {
  const rest = url
    .replace(/^rediss?\+cluster:\/\//, '')
    .replace(/^[^@/]*@/, '')
    .replace(/\/.*$/, '');
  const nodes = rest
    .split(',')
    .filter(Boolean)
    .map((node) => {
      const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(node.trim());
      if (!match) throw new Error(`Redis Cluster URL ${redactUrl(url)}: cannot read node "${node}"`);
      return { host: match[1]!.replace(/^\[|\]$/g, ''), port: Number(match[2] ?? 6379) };
    });
  if (nodes.length === 0) throw new Error(`Redis Cluster URL ${redactUrl(url)} names no node`);
  return nodes;
}

/**
 * A cluster connection behaving like {@link RESILIENT} on each node; the credentials and TLS of
 * the URL go to every node. Reads go to masters (a replica may lag behind a reserve just made).
 */
function clusterOptions(
  url: string,
  overrides: Pick<RedisOptions, 'enableOfflineQueue' | 'autoResendUnfulfilledCommands' | 'commandTimeout'>,
): ClusterOptions {
  const auth = /^rediss?\+cluster:\/\/([^@/]*)@/.exec(url)?.[1];
  const [username, password] = auth ? auth.split(':').map(decodeURIComponent) : [];
  return {
    lazyConnect: true,
    enableOfflineQueue: overrides.enableOfflineQueue,
    scaleReads: 'master',
    clusterRetryStrategy: RESILIENT.retryStrategy,
    slotsRefreshTimeout: CONNECT_TIMEOUT_MS,
    redisOptions: {
      ...RESILIENT,
      ...overrides,
      username: username || undefined,
      password: password || undefined,
      tls: url.startsWith('rediss+') ? {} : undefined,
    },
  };
}

/**
 * A second connection for loops that block on stream reads (the socket.io adapter, the ledger
 * fan-out). It keeps an offline queue: a loop whose read fails retries at once, and without a queue
 * a read would fail at once again, spinning while Redis is away; queued, it waits for the next
 * reconnect attempt or the command timeout. A read in flight when the connection drops is sent
 * again after the reconnect, so the loop resumes at once instead of at the timeout. Errors are
 * reported by the main connection's availability watch, so this one's are dropped.
 */
export function duplicateForReads<T extends RedisClient>(redis: T, options: RedisOptions = {}): T {
  const reads = { enableOfflineQueue: true, autoResendUnfulfilledCommands: true };
  let duplicate: RedisClient;
  if (redis instanceof Cluster) {
    duplicate = redis.duplicate(undefined, {
      lazyConnect: options.lazyConnect ?? false,
      enableOfflineQueue: true,
      redisOptions: { ...redis.options.redisOptions, ...RESILIENT, ...reads },
    });
  } else {
    duplicate = redis.duplicate({ ...RESILIENT, ...reads, ...options });
  }
  duplicate.on('error', () => undefined);
  return duplicate as T;
}

/** Closes a connection politely when Redis answers, at once when it does not. */
export async function closeRedis(redis: RedisClient): Promise<void> {
  if (redis.status === 'ready') await redis.quit().catch(() => undefined);
  redis.disconnect();
}

/**
 * Warns loudly unless Redis is configured never to evict keys: an eviction policy lets Redis
 * delete holds, counts or whole events under memory pressure, and a reserve could then oversell
 * against what was restored. Redis that does not allow CONFIG GET (some managed services) gets a
 * warning to check it by hand.
 */
export async function warnUnlessNoEviction(redis: RedisClient, url: string): Promise<void> {
  let policy: string | undefined;
  try {
    const reply = (await redis.config('GET', 'maxmemory-policy')) as string[];
    policy = reply[1];
  } catch (error) {
    console.warn(
      `liveshop: cannot read maxmemory-policy of Redis at ${redactUrl(url)} (${(error as Error).message}); ` +
        'make sure it is noeviction',
    );
    return;
  }
  if (policy !== 'noeviction') {
    console.warn(
      `liveshop: WARNING: Redis at ${redactUrl(url)} runs with maxmemory-policy ${policy ?? 'unknown'}: under ` +
        'memory pressure it will delete holds, stock counts and whole events. Set maxmemory-policy noeviction.',
    );
  }
}
