import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startServer, type RunningServer } from '@liveshop/server';
import { spawn } from 'node:child_process';
import type { Socket } from 'socket.io-client';
import {
  closeClients,
  createEvent,
  dropIsolation,
  idem,
  isolation,
  shopper,
  testOptions,
  type Isolation,
  type Reply,
} from './harness.js';
import { PrivateRedis } from './private-redis.js';

/**
 * A burst on a Redis that is healthy but busy: other clients keep it executing slow scripts, so
 * the burst's queue on the server's connection drains in small bites, its tail waiting several
 * seconds, while replies never stop coming. Busy is not down: no reserve may be answered
 * `UNAVAILABLE`, and the stock comes out exact.
 */
let redis: PrivateRedis;
let scope: Isolation;
let server: RunningServer;

const UNITS = 300;
const SHOPPERS = 100;
const RESERVES_EACH = 40;
/**
 * How long each of the other clients' scripts keeps Redis busy, ms. The burst's reserves leave in
 * a few dozen batched script calls (decision 0164), which Redis reads in a few bites; each bite
 * waits for one script of every other client, so those are long enough for the queue's tail to
 * wait seconds while no gap between replies comes near the 2 s that counts as no reply.
 */
const HOG_MS = 300;
/** How many other clients keep Redis busy. */
const HOGS = 3;

beforeAll(async () => {
  redis = await PrivateRedis.start();
  scope = isolation();
  server = await startServer(
    testOptions(scope, { redisUrl: redis.url, shopperReservesPerSecond: 10_000, ipRateLimitPerSecond: 0 }),
  );
  await createEvent(server, { id: 'busy' }, { TEE: UNITS });
}, 60_000);
afterAll(async () => {
  closeClients();
  await server?.close();
  await redis?.destroy();
  await dropIsolation(scope);
});

/**
 * Keeps Redis busy with scripts of {@link HOG_MS} each, back to back from `count` `redis-cli`
 * processes of their own (so they run whatever this process is doing), until stopped; `stop`
 * resolves with how many such scripts Redis ran.
 */
function hogRedis(count: number) {
  const spin = `local t = redis.call('TIME'); local start = t[1] * 1e6 + t[2]
    repeat t = redis.call('TIME') until t[1] * 1e6 + t[2] - start >= tonumber(ARGV[1]) * 1000
    return 1`;
  const hogs = Array.from({ length: count }, () =>
    spawn('redis-cli', ['-p', String(redis.port), '-r', '1000000', 'EVAL', spin, '0', String(HOG_MS)], {
      stdio: 'ignore',
    }),
  );
  return {
    async stop() {
      await Promise.all(
        hogs.map((hog) => {
          const exited = new Promise((resolve) => hog.once('exit', resolve));
          hog.kill();
          return exited;
        }),
      );
      const reader = redis.client();
      const stats = await reader.info('commandstats');
      reader.disconnect();
      return Number(/^cmdstat_eval:calls=(\d+)/m.exec(stats)?.[1] ?? 0);
    },
  };
}

describe('a burst on a busy Redis', () => {
  it('answers every reserve with a hold or SOLD_OUT, never UNAVAILABLE, however long the queue', async () => {
    const sockets: Socket[] = [];
    for (let i = 0; i < SHOPPERS; i += 1) sockets.push((await shopper(server)).socket);

    const warnings: string[] = [];
    vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => void warnings.push(args.join(' ')));
    const hog = hogRedis(HOGS);
    const started = Date.now();
    let slowestMs = 0;
    const acks = await Promise.all(
      sockets.flatMap((socket) =>
        Array.from({ length: RESERVES_EACH }, async () => {
          const ack = (await socket
            .timeout(60_000)
            .emitWithAck('reserve', { eventId: 'busy', sku: 'TEE', qty: 1, idempotencyKey: idem() })) as Reply;
          slowestMs = Math.max(slowestMs, Date.now() - started);
          return ack;
        }),
      ),
    );
    const hogScripts = await hog.stop();
    vi.restoreAllMocks();

    const codes: Record<string, number> = {};
    const messages = new Set<string>();
    for (const ack of acks) {
      const code = ack.ok ? 'ok' : (ack.error?.code ?? 'none');
      codes[code] = (codes[code] ?? 0) + 1;
      if (code !== 'ok' && code !== 'SOLD_OUT') messages.add(ack.error?.message ?? '');
    }
    const summary = `${JSON.stringify(codes)} ${[...messages].join('; ')}; ${warnings.join('; ')}; slowest ack ${slowestMs} ms; ${hogScripts} busy scripts`;
    // The scenario held: Redis was kept busy, and the tail of the queue waited longer than a Redis
    // with no reply at all is given (2 s).
    expect(hogScripts * HOG_MS, summary).toBeGreaterThan(2_000);
    expect(slowestMs, summary).toBeGreaterThan(2_000);
    expect(codes, summary).toEqual({ ok: UNITS, SOLD_OUT: SHOPPERS * RESERVES_EACH - UNITS });
    expect(warnings.filter((line) => /redis/i.test(line))).toEqual([]);
    const tee = (await server.inventory.snapshot('busy')).find((s) => s.sku === 'TEE');
    expect(tee).toMatchObject({ allocated: UNITS, available: 0, held: UNITS, sold: 0 });
  }, 120_000);
});
