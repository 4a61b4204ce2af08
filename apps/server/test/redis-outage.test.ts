import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { StockMessage } from '@liveshop/protocol';
import { startServer, type RunningServer } from '@liveshop/server';
import { checkoutOf } from './checkout-harness.js';
import {
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
  type Isolation,
  type Reply,
} from './harness.js';
import { PrivateRedis } from './private-redis.js';

/**
 * One running server against a Redis of the test's own (append-only file on), which the test
 * restarts, stops and brings back: the server must answer `UNAVAILABLE` quickly while Redis is
 * away, say so once, and recover by itself, fan-out, chat and sweeper included.
 */
let redis: PrivateRedis;
let scope: Isolation;
let server: RunningServer;

beforeAll(async () => {
  redis = await PrivateRedis.start({ appendonly: true });
  scope = isolation();
  server = await startServer(
    testOptions(scope, { redisUrl: redis.url, shopperReservesPerSecond: 10_000, testPayments: true }),
  );
  await createEvent(server, { id: 'show' }, { TEE: 20, MUG: 10 });
}, 60_000);
afterEach(() => vi.restoreAllMocks());
afterAll(async () => {
  closeClients();
  await server?.close();
  await redis?.destroy();
  await dropIsolation(scope);
});

const reserve = (socket: Parameters<typeof request>[0], sku = 'TEE', qty = 1) =>
  request(socket, 'reserve', { eventId: 'show', sku, qty, idempotencyKey: idem() });

/** A viewer of `show` recording every stock item it is pushed. */
async function viewer() {
  const { socket } = await shopper(server);
  expect((await request(socket, 'join', { eventId: 'show' })).ok).toBe(true);
  const stock: StockMessage[] = [];
  socket.on('stock', (message: StockMessage) => stock.push(message));
  const latest = (sku: string) => stock.flatMap((m) => m.items.filter((i) => i.sku === sku)).at(-1);
  return { socket, stock, latest };
}

/** Retries a reserve until one succeeds; resolves with it and how long that took. */
async function reserveWhenBack(socket: Parameters<typeof request>[0], sku = 'TEE') {
  const started = Date.now();
  let held: Reply | undefined;
  await eventually(async () => {
    held = await reserve(socket, sku).catch(() => undefined);
    return held?.ok === true;
  }, 10_000);
  return { held: held!, ms: Date.now() - started };
}

/** Console warnings and errors written during `work` (which may read them as they come). */
async function capturingLogs(work: (lines: string[]) => Promise<void>): Promise<string[]> {
  const lines: string[] = [];
  const capture = (...args: unknown[]) => {
    lines.push(args.map((arg) => (arg instanceof Error ? `${arg.stack}` : String(arg))).join(' '));
  };
  vi.spyOn(console, 'error').mockImplementation(capture);
  vi.spyOn(console, 'warn').mockImplementation(capture);
  await work(lines);
  return lines;
}

describe('Redis restarts, stops and comes back', () => {
  it('keeps holds and counts across a restart with the append-only file, and reserves again within 10 s', async () => {
    const watcher = await viewer();
    const buyer = await shopper(server);
    const held = await reserve(buyer.socket, 'TEE', 2);
    expect(held.ok).toBe(true);
    const before = await server.inventory.snapshot('show');

    await redis.restart();
    const { held: again, ms } = await reserveWhenBack(buyer.socket);
    expect(ms).toBeLessThan(10_000);

    const tee = (await server.inventory.snapshot('show')).find((s) => s.sku === 'TEE')!;
    expect(tee).toMatchObject({ allocated: 20, held: 3, available: 17 });
    expect(tee.version).toBe(before.find((s) => s.sku === 'TEE')!.version + 1);
    const rejoined = await request(buyer.socket, 'join', { eventId: 'show' });
    expect(rejoined.holds.map((h: { id: string }) => h.id).sort()).toEqual([held.hold.id, again.hold.id].sort());
    await eventually(() => watcher.latest('TEE')?.version === tee.version);
    expect(watcher.latest('TEE')?.available).toBe(17);
  });

  it('answers UNAVAILABLE within 3 s while Redis is down, says so once, and recovers by itself', async () => {
    await server.inventory.configureEvent('show', { holdTtlSeconds: 1 });
    const watcher = await viewer();
    const buyer = await shopper(server);
    expect((await request(buyer.socket, 'join', { eventId: 'show' })).ok).toBe(true);
    const chatSeen: string[] = [];
    watcher.socket.on('chat', (message: { text: string }) => chatSeen.push(message.text));
    const kept = await reserve(buyer.socket, 'TEE');
    expect(kept.ok).toBe(true);
    const hostToken = (await admin(server, 'POST', '/api/admin/tokens', { role: 'host', eventId: 'show' })).body.token;
    const host = await client(server, '/host', { token: hostToken });

    const outage = await capturingLogs(async () => {
      await redis.stop();
      for (let round = 0; round < 3; round += 1) {
        const timed = async (what: string, call: () => Promise<{ code?: string }>) => {
          const started = Date.now();
          const { code } = await call();
          expect(Date.now() - started, what).toBeLessThan(3_000);
          expect(code, what).toBe('UNAVAILABLE');
        };
        const ackCode = (reply: Reply) => ({ code: reply.error?.code });
        const httpCode = async (response: Response) => {
          expect(response.status).toBe(503);
          return { code: ((await response.json()) as Reply).error?.code };
        };
        await timed('reserve', async () => ackCode(await reserve(buyer.socket)));
        await timed('release', async () => ackCode(await request(buyer.socket, 'release', { holdId: kept.hold.id })));
        await timed('join', async () => ackCode(await request(buyer.socket, 'join', { eventId: 'show' })));
        await timed('chat', async () =>
          ackCode(await request(buyer.socket, 'chat:send', { eventId: 'show', text: 'anyone?' })),
        );
        await timed('checkout', async () =>
          ackCode(await request(buyer.socket, 'checkout', checkoutOf('show', [kept.hold.id]))),
        );
        await timed('host pin', async () => ackCode(await request(host, 'pin', { eventId: 'show', skus: ['TEE'] })));
        await timed('join of a new connection', async () => {
          const fresh = await shopper(server);
          return ackCode(await request(fresh.socket, 'join', { eventId: 'show' }));
        });
        await timed('GET /api/events/show', async () => httpCode(await fetch(`${server.url}/api/events/show`)));
        await timed('PUT stock', async () => {
          const response = await admin(server, 'PUT', '/api/admin/events/show/stock', {
            items: [{ sku: 'TEE', quantity: 30 }],
          });
          expect(response.status).toBe(503);
          return { code: response.body.error?.code };
        });
        const started = Date.now();
        const health = await fetch(`${server.url}/healthz`);
        expect(Date.now() - started).toBeLessThan(3_000);
        expect(health.status).toBe(503);
        expect(await health.json()).toMatchObject({ ok: false, database: 'up' });
      }
    });
    const aboutRedis = outage.filter((line) => /redis/i.test(line));
    expect(aboutRedis, outage.join('\n')).toHaveLength(1);
    expect(outage.join('\n')).not.toMatch(/\n\s+at /);

    const recovery = await capturingLogs(async () => {
      await redis.restart();
      await reserveWhenBack(buyer.socket, 'TEE');
      await eventually(async () => (await fetch(`${server.url}/healthz`)).status === 200, 10_000);
    });
    expect(
      recovery.filter((line) => /redis/i.test(line)),
      recovery.join('\n'),
    ).toHaveLength(1);

    // The hold TTL shortened in Redis alone (before the outage) is put back from the database after
    // the reconnect; shortened again, it lets the sweeper show it works.
    await eventually(async () => (await server.inventory.getEventConfig('show'))?.holdTtlSeconds === 300);
    await server.inventory.configureEvent('show', { holdTtlSeconds: 1 });

    // The fan-out pushes again, chat reaches the room through the adapter, and the sweeper returns holds.
    const mug = await reserve(buyer.socket, 'MUG');
    expect(mug, JSON.stringify(mug)).toMatchObject({ ok: true });
    await eventually(() => watcher.latest('MUG')?.version === mug.version);
    await eventually(async () => {
      await request(buyer.socket, 'chat:send', { eventId: 'show', text: 'back' });
      return chatSeen.includes('back');
    });
    await eventually(() => watcher.latest('MUG')?.available === 10, 8_000);
    expect(server.inventory).toBeDefined();
  }, 60_000);

  it('answers UNAVAILABLE within 3 s while Redis stalls with its connections open, and recovers', async () => {
    const buyer = await shopper(server);
    const lines = await capturingLogs(async () => {
      redis.pause();
      try {
        for (let round = 0; round < 3; round += 1) {
          const started = Date.now();
          const refused = await reserve(buyer.socket);
          expect(Date.now() - started).toBeLessThan(3_000);
          expect(refused.error?.code).toBe('UNAVAILABLE');
          const checked = Date.now();
          expect((await fetch(`${server.url}/healthz`)).status).toBe(503);
          expect(Date.now() - checked).toBeLessThan(3_000);
        }
      } finally {
        redis.resume();
      }
      await reserveWhenBack(buyer.socket);
    });
    expect(
      lines.filter((line) => /unavailable/.test(line)),
      lines.join('\n'),
    ).toHaveLength(1);
    expect(
      lines.filter((line) => /available again/.test(line)),
      lines.join('\n'),
    ).toHaveLength(1);
  }, 30_000);

  it('restores the live event within 15 s when Redis comes back empty, sells nothing twice, and viewers end on the snapshot', async () => {
    const watchers = [await viewer(), await viewer()];
    const buyer = await shopper(server);
    expect((await reserve(buyer.socket, 'MUG', 2)).ok).toBe(true);
    const lost = await server.inventory.snapshot('show');

    const lines = await capturingLogs(async (lines) => {
      await redis.restartEmpty();
      const { ms } = await reserveWhenBack(buyer.socket, 'TEE');
      expect(ms).toBeLessThan(15_000);
      // The restore is logged once its transaction has committed, just after Redis has the event.
      await eventually(() => lines.some((line) => /show.*restored/.test(line)));
    });
    expect(
      lines.filter((line) => /show.*restored/.test(line)),
      lines.join('\n'),
    ).toHaveLength(1);

    // Allocations as last set, holds gone, a generation above the lost one.
    const [mugAfter, teeAfter] = await server.inventory.snapshot('show');
    expect(mugAfter).toMatchObject({ allocated: 10, held: 0, sold: 0, available: 10 });
    expect(teeAfter).toMatchObject({ allocated: 20, held: 1, sold: 0, available: 19 });
    expect(teeAfter!.generation).toBeGreaterThan(lost[1]!.generation);
    expect(await request(buyer.socket, 'join', { eventId: 'show' })).toMatchObject({
      ok: true,
      event: { status: 'live', holdTtlSeconds: 300 },
    });

    // A burst after the restore sells exactly what was restored, once.
    const shoppers = await Promise.all(Array.from({ length: 15 }, () => shopper(server)));
    const acks = await Promise.all(shoppers.map(({ socket }) => reserve(socket, 'MUG', 1)));
    expect(acks.filter((ack) => ack.ok)).toHaveLength(10);
    expect(acks.filter((ack) => ack.error?.code === 'SOLD_OUT')).toHaveLength(5);

    const final = await server.inventory.snapshot('show');
    for (const watcher of watchers) {
      await eventually(() => final.every((s) => watcher.latest(s.sku)?.version === s.version));
      for (const s of final) {
        expect(watcher.latest(s.sku)).toEqual({
          sku: s.sku,
          available: s.available,
          version: s.version,
          generation: s.generation,
        });
      }
    }
    expect(final.find((s) => s.sku === 'MUG')).toMatchObject({ allocated: 10, available: 0, held: 10 });
  }, 60_000);
});
