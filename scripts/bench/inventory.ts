/**
 * `pnpm bench:inventory`: reserve ops/s through `InventoryStore` against `redis-benchmark`
 * EVALSHA of the same reserve script on the same Redis, and their ratio (target: >= 60%).
 *
 * Fairness: both sides run the same script text with the same keys and argument shapes, every
 * call a new shopper and idempotency key on a fresh SKU whose stock never runs out. Both
 * pipeline: the API through ioredis auto-pipelining, redis-benchmark with `-P 16` (the ceiling the
 * ratio is taken against). Both use the same number of connections (50), because Redis serves
 * connections in turn: against other clients' load one connection gets a smaller share of Redis
 * than fifty. On a shared machine that share drifts, so the two alternate in rounds and the ratio
 * is taken from the medians; `-P 1` (no pipelining) runs once for reference. Everything lives
 * under a random prefix, removed at the end.
 *
 * Env: REDIS_URL, BENCH_CALLERS (200), BENCH_CONNECTIONS (50), BENCH_ROUNDS (5),
 * BENCH_SECONDS per API run (2). Exits 0 either way: it reports, it does not gate.
 */
import { InventoryStore, scripts } from '@liveshop/inventory';
import { Redis } from 'ioredis';
import { deleteKeys, randomPrefix, redisUrl } from './lib/redis-keys.js';
import { runApiReserves } from './inventory/api.js';
import { reserveInvocation } from './inventory/raw.js';
import { redisBenchmarkEvalsha } from './lib/redis-benchmark.js';
import { fmtInt } from './lib/report.js';
import { median } from './lib/stats.js';

const CALLERS = Number(process.env.BENCH_CALLERS ?? 200);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const TARGET = 0.6;
const EVENT = 'bench';
const UNITS = 1_000_000;

const fmt = (n: number) => fmtInt(n).padStart(7);

async function main() {
  const prefix = randomPrefix('inventory');
  const redis = new Redis(redisUrl, { enableAutoPipelining: true });
  const store = new InventoryStore(redis, { prefix });
  const pool = Array.from({ length: CONNECTIONS }, () => new Redis(redisUrl, { enableAutoPipelining: true }));
  const stores = pool.map((connection) => new InventoryStore(connection, { prefix }));
  const allocate = async (sku: string) => {
    const allocated = await store.allocate({ eventId: EVENT, sku, units: UNITS });
    if (!allocated.ok) throw new Error(allocated.error.message);
  };
  const rawRun = async (sku: string, requests: number, pipeline: number) => {
    await allocate(sku);
    const invocation = await reserveInvocation(redis, store, EVENT, sku);
    const options = { requests, clients: CONNECTIONS, pipeline };
    return (await redisBenchmarkEvalsha(redis, redisUrl, scripts.reserve.lua, invocation, options)).rps;
  };

  try {
    await store.configureEvent(EVENT, { status: 'live', holdTtlSeconds: 1800 });
    const version = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? '?';
    console.log(`inventory reserve benchmark: Redis ${version} at ${redisUrl}, prefix ${prefix}`);
    console.log(
      `API: InventoryStore.reserve, ${CALLERS} concurrent callers over ${CONNECTIONS} auto-pipelined ioredis connections, ${SECONDS} s per round`,
    );
    console.log(
      `raw: redis-benchmark -c ${CONNECTIONS} -P 16 EVALSHA <reserve-n.lua> (one reserve per call) with the same keys/args, __rand_int__ shopper + key`,
    );

    const api: number[] = [];
    const raw: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      await allocate(`api-${round}`);
      const a = await runApiReserves(stores, {
        eventId: EVENT,
        sku: `api-${round}`,
        callers: CALLERS,
        warmupMs: 500,
        durationMs: SECONDS * 1000,
      });
      if (a.failures > 0) throw new Error(`${a.failures} API reserves failed`);
      const requests = Math.min(300_000, Math.max(20_000, Math.round((raw.at(-1) ?? a.opsPerSecond) * SECONDS)));
      const r = await rawRun(`raw-${round}`, requests, 16);
      api.push(a.opsPerSecond);
      raw.push(r);
      console.log(
        `round ${round}: API ${fmt(a.opsPerSecond)} ops/s (p50 ${a.p50Ms.toFixed(1)} ms, p99 ${a.p99Ms.toFixed(1)} ms)` +
          `   raw ${fmt(r)} ops/s (-n ${requests})   ratio ${((a.opsPerSecond / r) * 100).toFixed(1)}%`,
      );
    }
    const unpipelined = await rawRun('raw-p1', Math.round(median(raw) * 2), 1);

    const ratio = median(api) / median(raw);
    console.log(`median API ${fmt(median(api))} ops/s   best ${fmt(Math.max(...api))}`);
    console.log(
      `median raw ${fmt(median(raw))} ops/s   best ${fmt(Math.max(...raw))}   (-P 1: ${fmt(unpipelined)} ops/s)`,
    );
    console.log(
      `ratio API / raw: ${(ratio * 100).toFixed(1)}% of medians, ${((Math.max(...api) / Math.max(...raw)) * 100).toFixed(1)}% of bests` +
        ` — ${ratio >= TARGET ? 'meets' : 'BELOW'} the ${TARGET * 100}% target`,
    );
  } finally {
    await deleteKeys(redis, `${prefix}:`);
    redis.disconnect();
    for (const connection of pool) connection.disconnect();
  }
}

await main();
