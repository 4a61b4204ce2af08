/**
 * `pnpm bench:processes`: two real server processes on one Redis and one PostgreSQL (a private
 * schema of LIVESHOP_BENCH_DATABASE_URL, default the local `test` database, dropped after). An
 * event with U units (500 by default) on one SKU; N shoppers (2,000 by default) connect, half to
 * each process, and all join the event's room (they watch); then all reserve one unit at once.
 * Checked: holds = U exactly, the rest a clean SOLD_OUT, no other error; both processes report the
 * same final stock; every shopper, on either process, got a stock message and its last one is
 * that final stock. Then one admin stock change (the allocation raised by 100, sent to the first
 * process) must reach every viewer on both processes; its delivery time to the last viewer is
 * printed. Everything on loopback; the shared Redis (`REDIS_URL`), with a random key prefix
 * deleted after. Exits non-zero only when something breaks (PostgreSQL unreachable included),
 * not on a missed target.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { Redis } from 'ioredis';
import { io as connect, type Socket } from 'socket.io-client';
import { assertOpenFiles } from './lib/limits.js';
import { benchPostgresUrl, postgresReachable } from './lib/bench-postgres.js';
import { http } from './lib/http.js';
import { onInterrupt, startServerProcess, type ServerProcess } from './lib/process.js';
import { deleteKeys, randomPrefix, redisUrl } from './lib/redis-keys.js';
import { loadTestServerOptions } from './lib/targets.js';
import { fmtCounts, fmtInt, printTable, progress, writeBenchJson, type Row } from './lib/report.js';
import { percentile } from './lib/stats.js';

const { values: flags } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    shoppers: { type: 'string', default: '2000' },
    units: { type: 'string', default: '500' },
    json: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (flags.help) {
  console.log(`pnpm bench:processes [flags]
  --shoppers=2000                shoppers, half on each process, all watching, each reserving one unit
  --units=500                    units of the one SKU
  --json=PATH                    also write every row (target rows with their Targets id) as JSON
  env LIVESHOP_BENCH_DATABASE_URL  PostgreSQL to use (default postgres://postgres@127.0.0.1:5432/test)
  env REDIS_URL                    the Redis both processes share (default redis://127.0.0.1:6379)`);
  process.exit(0);
}
const SHOPPERS = Number(flags.shoppers);
const UNITS = Number(flags.units);
const RAISE = 100;
const SKU = 'DROP';

/** An ack as the bench reads it. */
interface Ack {
  ok: boolean;
  error?: { code: string; message: string };
}

/** One connected shopper: which process, and every `available` of the SKU its stock messages said. */
interface Shopper {
  socket: Socket;
  process: number;
  seen: { available: number; at: number }[];
}

async function available(url: string, eventId: string): Promise<number> {
  const body = (await http('GET', `${url}/api/events/${eventId}`, undefined, '')) as {
    products?: { sku: string; available: number }[];
  };
  return body.products?.find((p) => p.sku === SKU)?.available ?? Number.NaN;
}

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: benchPostgresUrl });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}

/** Resolves once `done()` holds, or after `timeoutMs`; returns whether it held. */
async function waitFor(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

async function joinShopper(server: ServerProcess, index: number, eventId: string): Promise<Shopper> {
  const socket = connect(`${server.url}/shop`, { transports: ['websocket'], forceNew: true, reconnection: false });
  const shopper: Shopper = { socket, process: index, seen: [] };
  socket.on('stock', (message: { items: { sku: string; available: number }[] }) => {
    const at = performance.now();
    for (const item of message.items) if (item.sku === SKU) shopper.seen.push({ available: item.available, at });
  });
  await new Promise((resolve, reject) => {
    socket.once('session', resolve);
    socket.once('connect_error', reject);
  });
  const joined = (await socket.timeout(30_000).emitWithAck('join', { eventId })) as Ack;
  if (!joined.ok) throw new Error(`join: ${JSON.stringify(joined.error)}`);
  return shopper;
}

async function main(): Promise<void> {
  if (!(await postgresReachable())) {
    throw new Error(
      `PostgreSQL at ${benchPostgresUrl} does not answer: two processes need one shared database ` +
        '(set LIVESHOP_BENCH_DATABASE_URL)',
    );
  }
  assertOpenFiles(SHOPPERS * 2);
  const keyPrefix = randomPrefix('processes');
  const adminKey = randomBytes(16).toString('hex');
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const options = { ...loadTestServerOptions(keyPrefix, adminKey), databaseUrl: benchPostgresUrl, dbSchema: schema };
  const servers: ServerProcess[] = [];
  const shoppers: Shopper[] = [];
  const cleanup = async () => {
    for (const shopper of shoppers) shopper.socket.disconnect();
    await Promise.all(servers.map((server) => server.stop()));
    const redis = new Redis(redisUrl);
    await deleteKeys(redis, keyPrefix).finally(() => redis.disconnect());
    await dropSchema(schema);
  };
  onInterrupt(cleanup);
  try {
    // One after the other: the first migrates the fresh schema, the second finds it done.
    for (const name of ['server-a', 'server-b']) {
      progress(`starting ${name} (PostgreSQL schema ${schema}, Redis prefix ${keyPrefix})`);
      servers.push(
        await startServerProcess({
          name,
          entry: 'scripts/bench/real/server.ts',
          env: { DEBUG: '', BENCH_SERVER_OPTIONS: JSON.stringify(options) },
        }),
      );
    }
    const [a, b] = servers as [ServerProcess, ServerProcess];
    const eventId = `bench-${randomBytes(3).toString('hex')}`;
    await http(
      'POST',
      `${a.url}/api/admin/events`,
      {
        id: eventId,
        title: 'Processes bench',
        holdTtlSeconds: 600,
        products: [{ sku: SKU, title: 'Drop', priceCents: 1000, currency: 'USD', limitPerShopper: 1 }],
      },
      adminKey,
    );
    await http(
      'PUT',
      `${a.url}/api/admin/events/${eventId}/stock`,
      { items: [{ sku: SKU, quantity: UNITS }] },
      adminKey,
    );
    await http('POST', `${a.url}/api/admin/events/${eventId}/status`, { status: 'live' }, adminKey);

    progress(`connecting ${SHOPPERS} shoppers, half to each process, all joining the event`);
    for (let start = 0; start < SHOPPERS; start += 100) {
      shoppers.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(100, SHOPPERS - start) }, (_, i) => {
            const index = (start + i) % 2;
            return joinShopper(servers[index]!, index, eventId);
          }),
        )),
      );
    }

    progress(`${SHOPPERS} reserves at once, split over both processes`);
    const started = performance.now();
    const acks = await Promise.all(
      shoppers.map(
        (shopper) =>
          shopper.socket
            .timeout(60_000)
            .emitWithAck('reserve', { eventId, sku: SKU, qty: 1, idempotencyKey: randomBytes(6).toString('hex') })
            .catch((error: Error) => ({
              ok: false,
              error: { code: 'NO_ACK', message: error.message },
            })) as Promise<Ack>,
      ),
    );
    const burstMs = performance.now() - started;
    const holds = acks.filter((ack) => ack.ok).length;
    const soldOut = acks.filter((ack) => !ack.ok && ack.error?.code === 'SOLD_OUT').length;
    const others: Record<string, number> = {};
    for (const ack of acks) {
      if (ack.ok || ack.error?.code === 'SOLD_OUT') continue;
      const code = ack.error?.code ?? 'unknown';
      others[code] = (others[code] ?? 0) + 1;
    }
    const otherCount = Object.values(others).reduce((sum, n) => sum + n, 0);
    const holdsOn = [0, 1].map((index) => acks.filter((ack, i) => ack.ok && shoppers[i]!.process === index).length);

    // Stock messages to a room are coalesced (at most one per 100 ms): give the last one time to come.
    const finalA = await available(a.url, eventId);
    const finalB = await available(b.url, eventId);
    const lastIs = (shopper: Shopper, value: number) => shopper.seen.at(-1)?.available === value;
    await waitFor(() => shoppers.every((shopper) => lastIs(shopper, finalA)), 10_000);
    const burstStock = [0, 1].map((index) => {
      const on = shoppers.filter((shopper) => shopper.process === index);
      return {
        viewers: on.length,
        gotOne: on.filter((shopper) => shopper.seen.length > 0).length,
        lastFinal: on.filter((shopper) => lastIs(shopper, finalA)).length,
      };
    });

    progress(`one admin stock change on server-a: allocation ${UNITS} → ${UNITS + RAISE}`);
    const changeSent = performance.now();
    await http(
      'PUT',
      `${a.url}/api/admin/events/${eventId}/stock`,
      { items: [{ sku: SKU, quantity: UNITS + RAISE }] },
      adminKey,
    );
    const afterChange = await available(a.url, eventId);
    await waitFor(() => shoppers.every((shopper) => lastIs(shopper, afterChange)), 10_000);
    const change = [0, 1].map((index) => {
      const on = shoppers.filter((shopper) => shopper.process === index);
      const reached = on.filter((shopper) => lastIs(shopper, afterChange));
      const delays = reached
        .map((shopper) => shopper.seen.find((m) => m.available === afterChange && m.at >= changeSent)!.at - changeSent)
        .sort((x, y) => x - y);
      return { viewers: on.length, reached: reached.length, p99: percentile(delays, 0.99), max: delays.at(-1) ?? NaN };
    });
    const afterChangeB = await available(b.url, eventId);

    const exact = holds === UNITS && soldOut === SHOPPERS - UNITS && otherCount === 0;
    const sameFinal = finalA === 0 && finalB === 0 && afterChange === RAISE && afterChangeB === RAISE;
    const burstDelivered = burstStock.every((p) => p.gotOne === p.viewers && p.lastFinal === p.viewers);
    const changeDelivered = change.every((p) => p.reached === p.viewers);
    const rows: Row[] = [
      {
        what: `burst of ${fmtInt(SHOPPERS)} split over 2 processes: holds / SOLD_OUT / other`,
        measured: `${fmtInt(holds)} / ${fmtInt(soldOut)} / ${fmtInt(otherCount)}${otherCount ? ` (${fmtCounts(others)})` : ''}`,
        target: `${fmtInt(UNITS)} / ${fmtInt(SHOPPERS - UNITS)} / 0`,
        pass: exact,
        id: 'several-processes',
      },
      {
        what: 'holds granted by process A / B; burst wall time',
        measured: `${fmtInt(holdsOn[0]!)} / ${fmtInt(holdsOn[1]!)}; ${fmtInt(burstMs)} ms`,
        target: '',
      },
      {
        what: 'available after the burst / after the change, as A / B report it',
        measured: `${finalA} / ${finalB}; ${afterChange} / ${afterChangeB}`,
        target: `0 / 0; ${RAISE} / ${RAISE}`,
        pass: sameFinal,
        id: 'several-processes',
      },
      ...burstStock.map((p, index) => ({
        what: `burst: viewers on process ${'AB'[index]} with a stock message / last one = final`,
        measured: `${fmtInt(p.gotOne)} / ${fmtInt(p.lastFinal)} of ${fmtInt(p.viewers)}`,
        target: `${fmtInt(p.viewers)} / ${fmtInt(p.viewers)}`,
        pass: p.gotOne === p.viewers && p.lastFinal === p.viewers,
        id: 'several-processes' as const,
      })),
      ...change.map((p, index) => ({
        what: `admin stock change on A reached viewers on process ${'AB'[index]}`,
        measured: `${fmtInt(p.reached)} of ${fmtInt(p.viewers)} (p99 ${fmtInt(p.p99)} ms, max ${fmtInt(p.max)} ms)`,
        target: `${fmtInt(p.viewers)}`,
        pass: p.reached === p.viewers,
        id: 'several-processes' as const,
      })),
    ];
    printTable(
      `Two processes on one Redis and one PostgreSQL: ${fmtInt(SHOPPERS)} shoppers watching, ${fmtInt(UNITS)} units`,
      rows,
    );
    progress(
      `exact ${exact}, same final stock ${sameFinal}, burst stock delivered ${burstDelivered}, change delivered ${changeDelivered}`,
    );
    if (flags.json) writeBenchJson(flags.json, 'processes', rows);
  } finally {
    await cleanup();
  }
}

await main();
process.exit(0);
