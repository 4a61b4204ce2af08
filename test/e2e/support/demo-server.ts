import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, type RunningServer, type ServerOptions } from '@liveshop/server';
import { Redis } from 'ioredis';

export interface DemoServer extends RunningServer {
  /** Where this server's ffmpeg writes the demo stream: a temporary directory, removed on `close()`. */
  streamDir: string;
  /** `PUT /api/admin/events/demo/stock`: sets the allocation of each SKU. */
  setStock(items: { sku: string; quantity: number }[]): Promise<void>;
}

/**
 * The real server with the demo event, on a random port, with its own Redis key prefix, an
 * in-memory database and its own stream directory, so parallel runs, other suites and a demo
 * running in the same directory (which writes `data/stream`) never see each other's data;
 * `close()` removes the prefix's keys and the directory.
 * `allowedOrigins` sets the origin allowlist, as `LIVESHOP_ALLOWED_ORIGINS` does; `databaseUrl`
 * and `dbSchema` put the data in PostgreSQL instead (a suite reading it back owns the schema).
 */
export async function startDemoServer(
  options: Pick<ServerOptions, 'allowedOrigins' | 'databaseUrl' | 'dbSchema'> = {},
): Promise<DemoServer> {
  const streamDir = await mkdtemp(path.join(tmpdir(), 'liveshop-e2e-stream-'));
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const keyPrefix = `e2e${randomBytes(4).toString('hex')}`;
  let server: RunningServer;
  try {
    server = await startServer({
      port: 0,
      host: '127.0.0.1',
      demo: true,
      redisUrl,
      keyPrefix,
      databaseUrl: 'memory://',
      ipRateLimitPerSecond: 0,
      streamDir,
      ...options,
    });
  } catch (error) {
    await rm(streamDir, { recursive: true, force: true });
    throw error;
  }
  const setStock = async (items: { sku: string; quantity: number }[]) => {
    const response = await fetch(`${server.url}/api/admin/events/demo/stock`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ items }),
    });
    if (!response.ok) throw new Error(`setStock: ${response.status} ${await response.text()}`);
  };
  const closeServer = server.close.bind(server);
  // The stream stops with the server; only then is its directory free to remove.
  const close = () =>
    closeServer().finally(() =>
      Promise.all([rm(streamDir, { recursive: true, force: true }), removeKeys(redisUrl, keyPrefix)]),
    );
  return Object.assign(server, { streamDir, setStock, close });
}

/** Deletes every key under the server's prefix (SCAN + UNLINK; never FLUSHDB on a shared Redis). */
async function removeKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
