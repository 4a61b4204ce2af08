/**
 * `pnpm bench:checkout`: N shoppers (500 by default), each holding one unit, check out at once
 * over real sockets against the real server in its own process, with the `test` payment provider
 * (every order authorized, committed, confirmed and captured). Reported: every order confirmed,
 * p50/p99 latency, orders/s from the first request to the last answer; then, in the same run on
 * the same database, a bare loop writing the same rows (customer, order, line, payment, seven
 * steps, the processor's payment record) one transaction per order, one order after another, and
 * the ratio of the two (target >= 0.5x). Runs on PostgreSQL (when LIVESHOP_BENCH_DATABASE_URL or
 * the local test database answers) and on PGlite (a file database, opened by the bare loop once
 * the server has closed it). Exits non-zero only when something breaks, not on a missed target.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { io as connect, type Socket } from 'socket.io-client';
import { Redis } from 'ioredis';
import { benchPostgresUrl, postgresReachable } from './lib/bench-postgres.js';
import { http } from './lib/http.js';
import { startServerProcess } from './lib/process.js';
import { profileArgs } from './lib/profile.js';
import { deleteKeys, randomPrefix, redisUrl } from './lib/redis-keys.js';
import { loadTestServerOptions } from './lib/targets.js';
import { fmt, fmtInt, printTable, progress, writeBenchJson, type Row } from './lib/report.js';
import { percentile } from './lib/stats.js';

const { values: flags } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    shoppers: { type: 'string', default: '500' },
    only: { type: 'string', default: 'both' },
    'cpu-prof': { type: 'boolean', default: false },
    json: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (flags.help) {
  console.log(`pnpm bench:checkout [flags]
  --shoppers=500                 shoppers, each holding one unit, checking out at once
  --only=both|postgres|pglite    which databases to run on
  --cpu-prof                     write a V8 CPU profile of the server to $TMPDIR/liveshop-bench-profiles/
  --json=PATH                    also write every row (target rows with their Targets id) as JSON
  env LIVESHOP_BENCH_DATABASE_URL  PostgreSQL to use (default postgres://postgres@127.0.0.1:5432/test)`);
  process.exit(0);
}
const shoppers = Number(flags.shoppers);

interface Sql {
  query(text: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  transaction(work: (tx: Sql) => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

interface RunResult {
  database: string;
  confirmed: number;
  sold: number;
  p50: number;
  p99: number;
  ordersPerSecond: number;
  bareOrdersPerSecond: number;
}

/** An ack as the bench reads it: `ok`, the error, and the fields of the request's answer. */
interface Ack {
  ok: boolean;
  error?: { code: string; message: string };
  hold: { id: string };
  order: { status: string };
}

function emit(socket: Socket, event: string, payload: unknown): Promise<Ack> {
  return socket.timeout(60_000).emitWithAck(event, payload) as Promise<Ack>;
}

async function run(database: 'postgres' | 'pglite'): Promise<RunResult> {
  const keyPrefix = randomPrefix('checkout');
  const adminKey = randomBytes(16).toString('hex');
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const dataDir = database === 'pglite' ? await mkdtemp(path.join(tmpdir(), 'liveshop-bench-')) : undefined;
  const server = await startServerProcess({
    name: `server-${database}`,
    entry: 'scripts/bench/real/server.ts',
    nodeArgs: flags['cpu-prof'] ? profileArgs(`checkout-${database}`) : [],
    // PGlite's start (its migrations run in WebAssembly) can take a minute on a loaded machine.
    readyTimeoutMs: 180_000,
    env: {
      DEBUG: '',
      BENCH_SERVER_OPTIONS: JSON.stringify({
        ...loadTestServerOptions(keyPrefix, adminKey),
        testPayments: true,
        ...(database === 'postgres' ? { databaseUrl: benchPostgresUrl, dbSchema: schema } : { dataDir }),
      }),
    },
  });
  const sockets: Socket[] = [];
  try {
    const eventId = `bench-${randomBytes(3).toString('hex')}`;
    await http(
      'POST',
      `${server.url}/api/admin/events`,
      {
        id: eventId,
        title: 'Checkout bench',
        status: 'live',
        holdTtlSeconds: 600,
        products: [{ sku: 'TEE', title: 'Tee', priceCents: 2500, currency: 'USD', limitPerShopper: 1 }],
      },
      adminKey,
    );
    await http(
      'PUT',
      `${server.url}/api/admin/events/${eventId}/stock`,
      { items: [{ sku: 'TEE', quantity: shoppers }] },
      adminKey,
    );

    progress(`${database}: connecting ${shoppers} shoppers, each reserving one unit`);
    const holds: string[] = [];
    for (let start = 0; start < shoppers; start += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, shoppers - start) }, async () => {
          const socket = connect(`${server.url}/shop`, {
            transports: ['websocket'],
            forceNew: true,
            reconnection: false,
          });
          sockets.push(socket);
          await new Promise((resolve, reject) => {
            socket.once('session', resolve);
            socket.once('connect_error', reject);
          });
          const joined = await emit(socket, 'join', { eventId });
          if (!joined.ok) throw new Error(`join: ${JSON.stringify(joined.error)}`);
          const reserved = await emit(socket, 'reserve', {
            eventId,
            sku: 'TEE',
            qty: 1,
            idempotencyKey: randomBytes(6).toString('hex'),
          });
          if (!reserved.ok) throw new Error(`reserve: ${JSON.stringify(reserved.error)}`);
          holds[sockets.indexOf(socket)] = reserved.hold.id;
        }),
      );
    }

    progress(`${database}: ${shoppers} checkouts at once`);
    const latencies: number[] = [];
    const started = performance.now();
    const acks = await Promise.all(
      sockets.map(async (socket, i) => {
        const sent = performance.now();
        const ack = await emit(socket, 'checkout', {
          eventId,
          holdIds: [holds[i]],
          idempotencyKey: `co-${i}`,
          customer: { email: `shopper${i}@example.com`, name: `Shopper ${i}` },
          fulfilment: {
            type: 'ship',
            address: {
              name: `Shopper ${i}`,
              line1: '1 Main St',
              city: 'Springfield',
              postalCode: '12345',
              country: 'US',
            },
          },
          payment: { provider: 'test', card: '4242 4242 4242 4242' },
        });
        latencies.push(performance.now() - sent);
        return ack;
      }),
    );
    const elapsed = performance.now() - started;
    const refused = acks.filter((ack) => !ack.ok);
    if (refused.length > 0)
      progress(`${database}: refused ${refused.length}, first ${JSON.stringify(refused[0]?.error)}`);
    const confirmed = acks.filter((ack) => ack.ok && ack.order.status === 'confirmed').length;
    const snapshot = await eventSnapshot(server.url, eventId);
    const orders = (
      await http(
        'GET',
        `${server.url}/api/admin/orders?eventId=${eventId}&status=confirmed&limit=1000`,
        undefined,
        adminKey,
      )
    ).orders as unknown[];
    const sold = shoppers - snapshot.products[0]!.available;
    if (orders.length !== confirmed)
      progress(`${database}: ${orders.length} confirmed orders listed, ${confirmed} acked`);
    for (const socket of sockets) socket.disconnect();
    await server.stop();

    progress(`${database}: bare loop of ${shoppers} orders, one transaction each`);
    const sql = database === 'postgres' ? await openPostgres(schema) : await openPglite(dataDir!);
    let bareOrdersPerSecond: number;
    try {
      bareOrdersPerSecond = await bareLoop(sql, eventId, shoppers);
    } finally {
      if (database === 'postgres') await sql.query(`drop schema if exists "${schema}" cascade`);
      await sql.close();
    }
    latencies.sort((a, b) => a - b);
    const ordersPerSecond = (confirmed / elapsed) * 1000;
    // Said at once, so a later database's failure does not lose this one's figures.
    progress(
      `${database}: ${confirmed} confirmed, ${sold} sold; checkout ${fmt(ordersPerSecond)} orders/s, bare ${fmt(bareOrdersPerSecond)} orders/s, ratio ${fmt(ordersPerSecond / bareOrdersPerSecond, 2)}x`,
    );
    return {
      database: database === 'postgres' ? 'PostgreSQL' : 'PGlite',
      confirmed,
      sold,
      p50: percentile(latencies, 0.5),
      p99: percentile(latencies, 0.99),
      ordersPerSecond,
      bareOrdersPerSecond,
    };
  } finally {
    for (const socket of sockets) socket.disconnect();
    await server.stop();
    const redis = new Redis(redisUrl);
    await deleteKeys(redis, keyPrefix).finally(() => redis.disconnect());
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }
}

/**
 * The reference: the rows one checkout leaves, written by a plain loop, one transaction per order,
 * one order after another: the customer, the order, its line, its payment, its seven steps, and
 * the test processor's own payment record.
 */
async function bareLoop(sql: Sql, eventId: string, count: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const orderId = `bare_${i}_${randomBytes(4).toString('hex')}`;
    await sql.transaction(async (tx) => {
      const customer = await tx.query(
        `insert into customers (email, name) values ($1, $2)
         on conflict (email) do update set name = excluded.name, updated_at = now() returning id`,
        [`bare${i}@example.com`, `Bare ${i}`],
      );
      await tx.query(
        `insert into orders (id, event_id, source, status, idempotency_scope, idempotency_key, request_hash, shopper_id,
           customer_id, currency, total_cents, fulfilment, hold_ids, hold_deadline_ms)
         values ($1, $2, 'shop', 'confirmed', $3, $4, 'h', $5, $6, 'USD', 2500, $7, $8, 0)`,
        [
          orderId,
          eventId,
          `bare:${i}`,
          orderId,
          `s${i}`,
          customer.rows[0]!.id,
          JSON.stringify({ type: 'ship' }),
          [`h${i}~TEE`],
        ],
      );
      await tx.query(
        `insert into order_lines (order_id, sku, title, qty, unit_price_cents, draws) values ($1, 'TEE', 'Tee', 1, 2500, '[]')`,
        [orderId],
      );
      await tx.query(
        `insert into payments (key, order_id, provider, reference, state, currency, amount_cents, captured_cents, card_brand, card_last4)
         values ($1, $2, 'test', $3, 'captured', 'USD', 2500, 2500, 'visa', '4242')`,
        [`${orderId}-1`, orderId, `tp_${orderId}`],
      );
      await tx.query(
        `insert into payment_test_payments (key, reference, state, currency, amount_cents, captured_cents, card_brand, card_last4, settles_at)
         values ($1, $2, 'captured', 'USD', 2500, 2500, 'visa', '4242', now())`,
        [`${orderId}-1`, `tp_${orderId}`],
      );
      await tx.query(
        `insert into order_steps (order_id, step) values ($1, 'checked'), ($1, 'extended'), ($1, 'pending'),
           ($1, 'authorized'), ($1, 'committed'), ($1, 'confirmed'), ($1, 'captured')`,
        [orderId],
      );
    });
  }
  return (count / (performance.now() - started)) * 1000;
}

async function openPostgres(schema: string): Promise<Sql> {
  const pool = new pg.Pool({ connectionString: benchPostgresUrl, max: 2, options: `-c search_path=${schema}` });
  const sql: Sql = {
    query: (text, params) => pool.query(text, params),
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        await work({ ...sql, query: (text, params) => client.query(text, params) });
        await client.query('commit');
      } catch (error) {
        await client.query('rollback');
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
  return sql;
}

async function openPglite(dataDir: string): Promise<Sql> {
  const db = new PGlite(path.join(dataDir, 'pglite'));
  await db.waitReady;
  const sql: Sql = {
    query: async (text, params) => ({ rows: (await db.query(text, params)).rows as Record<string, unknown>[] }),
    transaction: (work) =>
      db.transaction((tx) =>
        work({
          ...sql,
          query: async (text, params) => ({ rows: (await tx.query(text, params)).rows as Record<string, unknown>[] }),
        }),
      ),
    close: () => db.close(),
  };
  return sql;
}

/** The public event snapshot, asked again for up to 10 s while the server answers an error. */
async function eventSnapshot(
  url: string,
  eventId: string,
): Promise<{ products: { sku: string; available: number }[] }> {
  const until = Date.now() + 10_000;
  for (;;) {
    const response = await fetch(`${url}/api/events/${eventId}`);
    if (response.ok) return (await response.json()) as { products: { sku: string; available: number }[] };
    if (Date.now() > until) throw new Error(`GET /api/events/${eventId} → ${response.status}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function main(): Promise<void> {
  const results: RunResult[] = [];
  if (flags.only !== 'pglite') {
    if (await postgresReachable()) results.push(await run('postgres'));
    else progress(`PostgreSQL at ${benchPostgresUrl} does not answer: skipped`);
  }
  if (flags.only !== 'postgres') results.push(await run('pglite'));
  const rows: Row[] = results.flatMap((r) => [
    {
      what: `${r.database}: orders confirmed`,
      measured: `${r.confirmed} / ${shoppers}`,
      target: `${shoppers}`,
      pass: r.confirmed === shoppers,
      id: 'checkout',
    },
    { what: `${r.database}: units sold`, measured: fmtInt(r.sold), target: `${shoppers}`, pass: r.sold === shoppers },
    {
      what: `${r.database}: checkout latency p50 / p99`,
      measured: `${fmtInt(r.p50)} / ${fmtInt(r.p99)} ms`,
      target: '',
    },
    { what: `${r.database}: checkout orders/s`, measured: fmt(r.ordersPerSecond), target: '' },
    { what: `${r.database}: bare loop orders/s`, measured: fmt(r.bareOrdersPerSecond), target: '' },
    {
      what: `${r.database}: checkout / bare`,
      measured: `${fmt(r.ordersPerSecond / r.bareOrdersPerSecond, 2)}x`,
      target: '>= 0.5x',
      pass: r.ordersPerSecond / r.bareOrdersPerSecond >= 0.5,
      id: 'checkout',
    },
  ]);
  printTable(`Checkout: ${shoppers} shoppers holding one unit each check out at once`, rows);
  if (flags.json) writeBenchJson(flags.json, 'checkout', rows);
}

await main();
process.exit(0);
