import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { StockMessage } from '@liveshop/protocol';
import { startServer, type RunningServer } from '@liveshop/server';
import {
  TEST_DATABASE_URL,
  closeClients,
  createEvent,
  dropIsolation,
  eventually,
  idem,
  isolation,
  request,
  shopper,
  testOptions,
  type Isolation,
} from './harness.js';
import { PrivateRedis } from './private-redis.js';
import { spawnServer, type ChildServer } from './spawn-server.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(() => vi.restoreAllMocks());
afterAll(async () => {
  closeClients();
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function privateRedis(options: Parameters<typeof PrivateRedis.start>[0] = {}): Promise<PrivateRedis> {
  const redis = await PrivateRedis.start(options);
  cleanups.push(() => redis.destroy());
  return redis;
}

function scoped(): Isolation {
  const scope = isolation();
  cleanups.push(() => dropIsolation(scope));
  return scope;
}

describe('Redis that may lose data', () => {
  it('warns loudly at start unless Redis is set never to evict keys', async () => {
    const warnings: string[] = [];
    vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => void warnings.push(args.join(' ')));
    const evicting = await privateRedis({ maxmemoryPolicy: 'allkeys-lru' });
    const server = await startServer(testOptions(scoped(), { redisUrl: evicting.url }));
    await server.close();
    expect(warnings.join('\n')).toMatch(/WARNING.*maxmemory-policy allkeys-lru.*noeviction/);

    warnings.length = 0;
    const safe = await privateRedis({ maxmemoryPolicy: 'noeviction' });
    const quiet = await startServer(testOptions(scoped(), { redisUrl: safe.url }));
    await quiet.close();
    expect(warnings.join('\n')).not.toMatch(/maxmemory-policy/);
  });

  // Two processes need one database: PostgreSQL.
  it.skipIf(!TEST_DATABASE_URL)(
    'is restored once when two processes restore it at the same time, and sells its stock once',
    async () => {
      const redis = await privateRedis();
      const scope = scoped();
      const options = testOptions(scope, { redisUrl: redis.url, shopperReservesPerSecond: 10_000 });
      const a: RunningServer = await startServer(options);
      cleanups.push(() => a.close());
      const b: ChildServer = await spawnServer(options);
      cleanups.push(() => b.stop());
      await createEvent(a, { id: 'twice' }, { TEE: 40 });

      const viewers = await Promise.all(
        [a, b, a, b].map(async (server) => {
          const { socket } = await shopper(server);
          expect((await request(socket, 'join', { eventId: 'twice' })).ok).toBe(true);
          const stock: StockMessage[] = [];
          socket.on('stock', (message: StockMessage) => stock.push(message));
          return () => stock.flatMap((m) => m.items.filter((i) => i.sku === 'TEE')).at(-1);
        }),
      );
      const held = await request((await shopper(b)).socket, 'reserve', {
        eventId: 'twice',
        sku: 'TEE',
        qty: 5,
        idempotencyKey: idem(),
      });
      expect(held.ok).toBe(true);

      await redis.restartEmpty();
      // Both processes reconnect and restore; shoppers on both hammer the event meanwhile.
      const buyers = await Promise.all(Array.from({ length: 60 }, (_, i) => shopper(i % 2 ? a : b)));
      await eventually(async () => (await a.inventory.snapshot('twice')).length === 2, 15_000);
      const acks = await Promise.all(
        buyers.map(({ socket }) =>
          request(socket, 'reserve', { eventId: 'twice', sku: 'TEE', qty: 1, idempotencyKey: idem() }),
        ),
      );
      expect(acks.filter((ack) => ack.ok)).toHaveLength(40);
      expect(acks.filter((ack) => ack.error?.code === 'SOLD_OUT')).toHaveLength(20);
      const [, tee] = await a.inventory.snapshot('twice');
      expect(tee).toMatchObject({ allocated: 40, held: 40, available: 0, sold: 0 });
      for (const latest of viewers) {
        await eventually(() => latest()?.version === tee!.version && latest()?.generation === tee!.generation);
        expect(latest()?.available).toBe(0);
      }
      const restores = await ledgerTypes(redis, a, 'twice');
      expect(restores.filter((type) => type === 'restore')).toHaveLength(2);
    },
    60_000,
  );
});

async function ledgerTypes(redis: PrivateRedis, server: RunningServer, eventId: string): Promise<string[]> {
  const client = redis.client();
  try {
    const entries = (await client.xrange(server.inventory.keys.ledger(eventId), '-', '+')) as [string, string[]][];
    return entries.map(([, fields]) => fields[1]!.split('|')[0]!);
  } finally {
    client.disconnect();
  }
}
