import { afterAll, describe, expect, it } from 'vitest';
import type { StockMessage } from '@liveshop/protocol';
import { startServer, type RunningServer } from '@liveshop/server';
import {
  TEST_DATABASE_URL,
  admin,
  client,
  closeClients,
  createEvent,
  dropIsolation,
  eventually,
  idem,
  isolation,
  request,
  shopper,
  testOptions,
} from './harness.js';
import { PrivateRedis } from './private-redis.js';

/**
 * An event's settings have one owner, PostgreSQL; Redis holds a copy the scripts read. A copy that
 * drifted (a crash between the two writes) is put back at start and after a reconnect, a change
 * Redis could not take changes nothing, and holds expire whatever the status.
 */
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  closeClients();
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function setup(options: { persistentDatabase?: boolean } = {}) {
  const redis = await PrivateRedis.start({ appendonly: true });
  cleanups.push(() => redis.destroy());
  const scope = isolation();
  cleanups.push(() => dropIsolation(scope));
  const serverOptions = testOptions(scope, { redisUrl: redis.url, shopperReservesPerSecond: 10_000 });
  if (options.persistentDatabase && !TEST_DATABASE_URL) throw new Error('needs PostgreSQL');
  const servers: RunningServer[] = [];
  const start = async () => {
    const server = await startServer(serverOptions);
    servers.push(server);
    cleanups.push(() => server.close());
    return server;
  };
  return { redis, start };
}

const statusInRedis = async (redis: PrivateRedis, server: RunningServer, eventId: string) => {
  const direct = redis.client();
  try {
    return await direct.hget(server.inventory.keys.config(eventId), 'status');
  } finally {
    direct.disconnect();
  }
};

const setStatusInRedisOnly = async (redis: PrivateRedis, server: RunningServer, eventId: string, status: string) => {
  const direct = redis.client();
  try {
    await direct.hset(server.inventory.keys.config(eventId), 'status', status);
  } finally {
    direct.disconnect();
  }
};

describe('event settings have one owner', () => {
  it('returns expired holds to stock whatever the status, a host-set scheduled included', async () => {
    const { start } = await setup();
    const server = await start();
    await createEvent(server, { id: 'paused' }, { TEE: 3 });
    await server.inventory.configureEvent('paused', { holdTtlSeconds: 0.5 });
    const { socket } = await shopper(server);
    await request(socket, 'join', { eventId: 'paused' });
    const stock: StockMessage[] = [];
    socket.on('stock', (message: StockMessage) => stock.push(message));
    expect(
      await request(socket, 'reserve', { eventId: 'paused', sku: 'TEE', qty: 2, idempotencyKey: idem() }),
    ).toMatchObject({
      ok: true,
      available: 1,
    });
    const token = (await admin(server, 'POST', '/api/admin/tokens', { role: 'host', eventId: 'paused' })).body.token;
    const host = await client(server, '/host', { token });
    expect(await request(host, 'status', { eventId: 'paused', status: 'scheduled' })).toMatchObject({ ok: true });
    // Nobody can reserve while it is scheduled, so only the sweeper can give the units back.
    await eventually(() => stock.some((m) => m.items.some((i) => i.sku === 'TEE' && i.available === 3)), 8_000);
  });

  it('puts back a status Redis drifted from after a reconnect, and a status change Redis refused changes nothing', async () => {
    const { redis, start } = await setup();
    const server = await start();
    await createEvent(server, { id: 'drift' }, { TEE: 3 });

    // A crash between the two writes left Redis saying ended; the database says live.
    await setStatusInRedisOnly(redis, server, 'drift', 'ended');
    await redis.restart();
    await eventually(async () => (await statusInRedis(redis, server, 'drift').catch(() => null)) === 'live', 10_000);
    const { socket } = await shopper(server);
    const held = await request(socket, 'reserve', { eventId: 'drift', sku: 'TEE', qty: 1, idempotencyKey: idem() });
    expect(held.ok).toBe(true);

    await redis.stop();
    const refused = await admin(server, 'POST', '/api/admin/events/drift/status', { status: 'ended' });
    expect(refused).toMatchObject({ status: 503, body: { error: { code: 'UNAVAILABLE' } } });
    await redis.restart();
    // Had the database taken the change, reconciliation would now end the event in Redis too.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await eventually(async () => (await fetch(`${server.url}/api/events/drift`)).status === 200, 10_000);
    expect(
      ((await (await fetch(`${server.url}/api/events/drift`)).json()) as { event: { status: string } }).event.status,
    ).toBe('live');
    expect(await statusInRedis(redis, server, 'drift')).toBe('live');
  }, 60_000);

  it.skipIf(!TEST_DATABASE_URL)(
    'puts back a drifted status, hold TTL and allocation when a process starts',
    async () => {
      const { redis, start } = await setup({ persistentDatabase: true });
      const first = await start();
      await createEvent(first, { id: 'restart', holdTtlSeconds: 120 }, { TEE: 7 });
      await first.close();

      const direct = redis.client();
      await direct.hset(first.inventory.keys.config('restart'), 'status', 'scheduled', 'ttlMs', '999000');
      await direct.hset(first.inventory.keys.stock('restart', 'TEE'), 'allocated', '70', 'available', '70');
      direct.disconnect();

      const second = await start();
      expect(await second.inventory.getEventConfig('restart')).toMatchObject({ status: 'live', holdTtlSeconds: 120 });
      expect((await second.inventory.snapshot('restart')).find((s) => s.sku === 'TEE')).toMatchObject({
        allocated: 7,
        available: 7,
      });
    },
  );
});
