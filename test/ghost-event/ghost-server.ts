import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { startServer, type RunningServer } from '@liveshop/server';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface GhostTestServer {
  url: string;
  adminKey: string;
  server: RunningServer;
  /** Calls the server's HTTP API with the admin key; resolves to status and parsed body. */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  /** Closes the server and deletes its Redis keys. */
  stop(): Promise<void>;
}

/**
 * A real server on a random loopback port, with its own Redis key prefix, an in-memory PGlite
 * catalog and a random admin key. `ipRateLimitPerSecond` 0 (the default here) is what a load test
 * from one machine needs.
 */
export async function startGhostTestServer(ipRateLimitPerSecond = 0): Promise<GhostTestServer> {
  const keyPrefix = `ghost${randomBytes(4).toString('hex')}`;
  const adminKey = randomBytes(12).toString('hex');
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    redisUrl: REDIS_URL,
    databaseUrl: 'memory://',
    keyPrefix,
    adminKey,
    ipRateLimitPerSecond,
    demo: false,
    // --checkout pays with the test card.
    testPayments: true,
  });
  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  };
  const stop = async () => {
    await server.close();
    const redis = new Redis(REDIS_URL);
    try {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${keyPrefix}:*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await redis.unlink(...keys);
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
  };
  return { url: server.url, adminKey, server, api, stop };
}

/** Soft open-file limit of this process: the in-process server holds one file per connection. */
export function openFileLimit(): number {
  const match = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
  return !match || match[1] === 'unlimited' ? Number.POSITIVE_INFINITY : Number(match[1]);
}
