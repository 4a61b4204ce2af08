/**
 * The bare reference of docs/benchmarks.md's Targets: what a competent developer writes in an afternoon.
 * express + socket.io 4, one reserve Lua script, and live stock pushed to the event's room with a
 * plain throttle (the first change at once, then at most one message per 100 ms, the last one
 * always sent). No auth, validation, limits, idempotency or ledger. Benchmarks run it in its own process, driven by
 * the same load generator as the real server, and report the real server as a ratio of it.
 *
 * Env: PORT (0 = random), REDIS_URL, BARE_PREFIX (Redis key prefix). Prints one JSON line
 * `{"ready":true,"port":N}` on stdout once listening.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import express from 'express';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';
import { listenForControl } from '../lib/control.js';

interface ReserveRequest {
  eventId: string;
  sku: string;
  qty: number;
}
type Ack = (response: unknown) => void;

const prefix = process.env.BARE_PREFIX ?? 'bare';
const holdTtlSeconds = 300;
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const reserveLua = readFileSync(new URL('./reserve.lua', import.meta.url), 'utf8');
const reserveSha = (await redis.script('LOAD', reserveLua)) as string;
const reserveScript = (keys: string[], args: (string | number)[]) =>
  redis.evalsha(reserveSha, keys.length, ...keys, ...args) as Promise<[number, ...unknown[]]>;

const stockKey = (eventId: string) => `${prefix}:${eventId}:stock`;
const holdsKey = (eventId: string) => `${prefix}:${eventId}:holds`;
const seqKey = (eventId: string) => `${prefix}:${eventId}:seq`;

const app = express();
app.use(express.json());
app.put('/stock/:eventId', async (req, res) => {
  const items = (req.body as { items: { sku: string; quantity: number }[] }).items;
  for (const item of items) await redis.hset(stockKey(req.params.eventId), item.sku, item.quantity);
  res.json({ ok: true });
});
app.get('/stock/:eventId', async (req, res) => {
  res.json(await redis.hgetall(stockKey(req.params.eventId)));
});

const STOCK_INTERVAL_MS = 100;
/** Per event: the latest stock of each SKU not yet pushed, when the last push went out, its timer. */
const throttles = new Map<string, { pending: Map<string, number>; lastAt: number; timer?: NodeJS.Timeout }>();

function pushStock(eventId: string): void {
  const throttle = throttles.get(eventId)!;
  throttle.timer = undefined;
  const items = [...throttle.pending].map(([sku, available]) => ({ sku, available, version: 0 }));
  throttle.pending.clear();
  throttle.lastAt = Date.now();
  shop.to(eventId).emit('stock', { eventId, items });
}

function stockChanged(eventId: string, sku: string, available: number): void {
  let throttle = throttles.get(eventId);
  if (!throttle) throttles.set(eventId, (throttle = { pending: new Map(), lastAt: -Infinity }));
  throttle.pending.set(sku, available);
  if (throttle.timer) return;
  const wait = throttle.lastAt + STOCK_INTERVAL_MS - Date.now();
  if (wait <= 0) pushStock(eventId);
  else throttle.timer = setTimeout(() => pushStock(eventId), wait);
}

const httpServer = createServer(app);
const io = new Server(httpServer, { transports: ['websocket'] });
const shop = io.of('/shop');

shop.on('connection', (socket) => {
  socket.on('join', async ({ eventId }: { eventId: string }, ack: Ack) => {
    await socket.join(eventId);
    const stock = await redis.hgetall(stockKey(eventId));
    ack({
      ok: true,
      products: Object.entries(stock).map(([sku, available]) => ({ sku, available: Number(available), version: 0 })),
    });
  });

  socket.on('reserve', async ({ eventId, sku, qty }: ReserveRequest, ack: Ack) => {
    const result = await reserveScript(
      [stockKey(eventId), holdsKey(eventId), seqKey(eventId)],
      [sku, qty, holdTtlSeconds],
    );
    if (result[0] === 1) {
      const [, id, available, expiresAt] = result as [number, string, number, number];
      ack({ ok: true, hold: { id, sku, qty, expiresAt }, available });
      stockChanged(eventId, sku, available);
    } else {
      ack({ ok: false, error: { code: 'SOLD_OUT', message: 'sold out' } });
    }
  });
});

httpServer.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = httpServer.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ ready: true, port })}\n`);
  listenForControl();
});

const shutdown = () => {
  io.close();
  httpServer.close();
  redis.disconnect();
  setTimeout(() => process.exit(0), 200).unref();
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
