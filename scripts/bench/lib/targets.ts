/**
 * The two servers every realtime benchmark compares: the bare reference and the real Liveshop
 * server, each in its own process, behind one small interface the benches drive.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { startServerProcess, type ServerProcess } from './process.js';
import { http } from './http.js';
import { deleteKeys, randomPrefix, redisUrl } from './redis-keys.js';

export interface ProductStock {
  sku: string;
  units: number;
  /** Real server only: per-shopper purchase limit of the SKU (0 = none). */
  limitPerShopper?: number;
}

export interface BenchTarget {
  readonly name: 'bare' | 'real';
  readonly server: ServerProcess;
  /** Redis key prefix of everything this target writes. */
  readonly keyPrefix: string;
  /** Creates a live event whose SKUs hold the given stock. */
  createEvent(eventId: string, products: ProductStock[]): Promise<void>;
  /** Units of a SKU still available, as the server reports them. */
  available(eventId: string, sku: string): Promise<number>;
  /** Stops the process and deletes its keys. */
  stop(): Promise<void>;
}

async function cleanupKeys(prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true });
  try {
    await redis.connect();
    await deleteKeys(redis, prefix);
  } finally {
    redis.disconnect();
  }
}

export async function startBareTarget(options: { nodeArgs?: string[] } = {}): Promise<BenchTarget> {
  const keyPrefix = randomPrefix('bare');
  const server = await startServerProcess({
    name: 'bare',
    entry: 'scripts/bench/bare/server.ts',
    env: { PORT: '0', REDIS_URL: redisUrl, BARE_PREFIX: keyPrefix },
    nodeArgs: ['--expose-gc', ...(options.nodeArgs ?? [])],
  });
  return {
    name: 'bare',
    server,
    keyPrefix,
    async createEvent(eventId, products) {
      await http('PUT', `${server.url}/stock/${eventId}`, {
        items: products.map((p) => ({ sku: p.sku, quantity: p.units })),
      });
    },
    async available(eventId, sku) {
      const stock = (await http('GET', `${server.url}/stock/${eventId}`)) as Record<string, string>;
      return Number(stock[sku] ?? Number.NaN);
    },
    async stop() {
      await server.stop();
      await cleanupKeys(keyPrefix);
    },
  };
}

export interface RealTargetOptions {
  /** Per-shopper reserve rate limit the server runs with (the per-IP limit is always off). */
  shopperReservesPerSecond?: number;
  nodeArgs?: string[];
  /** Record analytics (`LIVESHOP_ANALYTICS`); default on, as the server's default. */
  analytics?: boolean;
  /** The database; default an in-memory PGlite in the server's process. */
  databaseUrl?: string;
  /** With a PostgreSQL `databaseUrl`: the schema (dropped by whoever made it up). */
  dbSchema?: string;
}

/**
 * The real server's options every bench starts it with: a load test from one machine (per-IP
 * limit off, `ipRateLimitPerSecond: 0`: every client comes from 127.0.0.1), an ephemeral port on
 * loopback, the bench Redis under `keyPrefix`, a fresh session secret and no demo seed. Each bench
 * adds its database and the rest.
 */
export function loadTestServerOptions(keyPrefix: string, adminKey: string) {
  return {
    port: 0,
    host: '127.0.0.1',
    redisUrl,
    keyPrefix,
    adminKey,
    sessionSecret: randomBytes(32).toString('hex'),
    ipRateLimitPerSecond: 0,
    demo: false,
  };
}

/**
 * The real server with the settings a load test from one machine needs: per-IP limit off
 * (`ipRateLimitPerSecond: 0`; every client comes from 127.0.0.1), per-shopper limits on, an
 * in-memory PGlite catalog, a random Redis prefix, no demo seed.
 */
export async function startRealTarget(options: RealTargetOptions = {}): Promise<BenchTarget> {
  const keyPrefix = randomPrefix('real');
  const adminKey = randomBytes(16).toString('hex');
  const serverOptions = {
    ...loadTestServerOptions(keyPrefix, adminKey),
    databaseUrl: options.databaseUrl ?? 'memory://',
    ...(options.dbSchema !== undefined && { dbSchema: options.dbSchema }),
    ...(options.analytics !== undefined && { analytics: options.analytics }),
    ...(options.shopperReservesPerSecond !== undefined && {
      shopperReservesPerSecond: options.shopperReservesPerSecond,
    }),
  };
  const server = await startServerProcess({
    name: 'real',
    entry: 'scripts/bench/real/server.ts',
    env: { BENCH_SERVER_OPTIONS: JSON.stringify(serverOptions), DEBUG: '' },
    nodeArgs: ['--expose-gc', ...(options.nodeArgs ?? [])],
  });
  return {
    name: 'real',
    server,
    keyPrefix,
    async createEvent(eventId, products) {
      await http(
        'POST',
        `${server.url}/api/admin/events`,
        {
          id: eventId,
          title: `Benchmark ${eventId}`,
          holdTtlSeconds: 300,
          products: products.map((p) => ({
            sku: p.sku,
            title: p.sku,
            priceCents: 1000,
            currency: 'USD',
            limitPerShopper: p.limitPerShopper ?? 0,
          })),
        },
        adminKey,
      );
      await http(
        'PUT',
        `${server.url}/api/admin/events/${eventId}/stock`,
        { items: products.map((p) => ({ sku: p.sku, quantity: p.units })) },
        adminKey,
      );
      await http('POST', `${server.url}/api/admin/events/${eventId}/status`, { status: 'live' }, adminKey);
    },
    async available(eventId, sku) {
      const body = (await http('GET', `${server.url}/api/events/${eventId}`)) as {
        products?: { sku: string; available: number }[];
      };
      return body.products?.find((p) => p.sku === sku)?.available ?? Number.NaN;
    },
    async stop() {
      await server.stop();
      await cleanupKeys(keyPrefix);
    },
  };
}
