import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InventoryStore } from '@liveshop/inventory';
import type { Hold } from '@liveshop/protocol';
import type { Redis } from 'ioredis';
import { invariantProblems, replayLedger } from './invariants.js';
import { seededRandom } from './prng.js';
import { connect, createFixture, readLedger, type Fixture } from './redis.js';

const SEED = Number(process.env.INVENTORY_SEED ?? Math.floor(Math.random() * 2 ** 31));
const WORKERS = 16;
const BATCHES = 20;
const OPS_PER_WORKER_PER_BATCH = 65;
const SKUS = ['a', 'b', 'c', 'd'];
const EVENT = 'rnd';
const TTL_SECONDS = 0.3;

type Outcome = { ok: true } | { ok: false; error: { code: string } };
/** A successful keyed call, kept to be replayed (same result expected) or reused with other parameters (conflict expected). */
type Done =
  | { kind: 'reserve'; input: Parameters<InventoryStore['reserve']>[0]; result: unknown }
  | { kind: 'release'; input: Parameters<InventoryStore['release']>[0]; result: unknown }
  | { kind: 'commit'; input: Parameters<InventoryStore['commit']>[0]; result: unknown }
  | { kind: 'allocate'; input: Parameters<InventoryStore['allocate']>[0]; result: unknown };

/** Error codes each operation may legitimately return under contention. */
const allowed: Record<string, string[]> = {
  reserve: ['SOLD_OUT', 'LIMIT_EXCEEDED'],
  release: ['HOLD_NOT_FOUND', 'HOLD_EXPIRED', 'FORBIDDEN'],
  commit: ['HOLD_NOT_FOUND', 'HOLD_EXPIRED'],
  allocate: ['ALLOCATION_BELOW_COMMITTED'],
  replay: [],
  conflict: ['IDEMPOTENCY_CONFLICT'],
};

describe(`randomized operations (seed ${SEED}; INVENTORY_SEED=<n> repeats a run)`, () => {
  let f: Fixture;
  let connections: Redis[];
  beforeAll(() => {
    console.log(`inventory randomized test seed: ${SEED}`);
    f = createFixture();
    connections = Array.from({ length: WORKERS }, connect);
  });
  afterAll(async () => {
    await Promise.all(connections.map((redis) => redis.quit()));
    await f.close();
  });

  it(`keeps every invariant through ${WORKERS * BATCHES * OPS_PER_WORKER_PER_BATCH} concurrent operations, and the ledger replays to the final counts`, async () => {
    await f.liveEvent(EVENT, Object.fromEntries(SKUS.map((sku) => [sku, 30])), {
      holdTtlSeconds: TTL_SECONDS,
      limits: { a: 6 },
    });
    const holds: Hold[] = [];
    const done: Done[] = [];
    const tally = new Map<string, number>();
    const unexpected: string[] = [];
    let reserved = 0;
    let released = 0;
    let committedHolds = 0;

    const note = (op: string, outcome: Outcome) => {
      const label = `${op}:${outcome.ok ? 'ok' : outcome.error.code}`;
      tally.set(label, (tally.get(label) ?? 0) + 1);
      if (!outcome.ok && !allowed[op]?.includes(outcome.error.code)) unexpected.push(label);
    };

    async function worker(w: number, batch: number, store: InventoryStore, random: () => number) {
      const pick = <T>(list: T[]): T | undefined => list[Math.floor(random() * list.length)];
      const int = (n: number) => Math.floor(random() * n);
      // Mostly recent holds, so releases and commits often find them alive.
      const pickHold = () => holds[holds.length - 1 - int(Math.min(holds.length, 60))];
      for (let n = 0; n < OPS_PER_WORKER_PER_BATCH; n++) {
        const key = `w${w}-b${batch}-${n}`;
        const r = random();
        if (r < 0.38) {
          const input = {
            eventId: EVENT,
            sku: pick(SKUS)!,
            qty: 1 + int(3),
            shopperId: `s${int(20)}`,
            idempotencyKey: key,
          };
          const result = await store.reserve(input);
          note('reserve', result);
          if (result.ok) {
            reserved++;
            holds.push(result.hold);
            done.push({ kind: 'reserve', input, result });
          }
        } else if (r < 0.53) {
          const hold = pickHold();
          if (!hold) continue;
          const shopperId = random() < 0.2 ? `s${int(20)}` : hold.shopperId;
          const input = { eventId: EVENT, holdId: hold.id, shopperId, idempotencyKey: key };
          const result = await store.release(input);
          note('release', result);
          if (result.ok) {
            released++;
            done.push({ kind: 'release', input, result });
          }
        } else if (r < 0.65) {
          const holdIds = [...new Set(Array.from({ length: 1 + int(3) }, () => pickHold()?.id))].filter(
            (id): id is string => id !== undefined,
          );
          if (holdIds.length === 0) continue;
          const input = { eventId: EVENT, holdIds, orderId: `o-${key}`, idempotencyKey: key };
          const result = await store.commit(input);
          note('commit', result);
          if (result.ok) {
            committedHolds += result.items.length;
            done.push({ kind: 'commit', input, result });
          }
        } else if (r < 0.7) {
          await store.expireDue(EVENT, 1 + int(20));
        } else if (r < 0.8) {
          // Around what is held + sold, so both raises and refused cuts happen.
          const sku = pick(SKUS)!;
          const [held, sold] = (await f.redis.hmget(store.keys.stock(EVENT, sku), 'held', 'sold')).map(Number);
          const units = Math.max(0, held! + sold! - 5 + int(60));
          const input = { eventId: EVENT, sku, units, source: 'host' as const };
          const keyed = random() < 0.5 ? { ...input, idempotencyKey: key } : input;
          const result = await store.allocate(keyed);
          note('allocate', result);
          if (result.ok && keyed !== input) done.push({ kind: 'allocate', input: keyed, result });
        } else {
          const earlier = pick(done);
          if (!earlier) continue;
          if (r < 0.93) {
            const again =
              earlier.kind === 'reserve'
                ? await store.reserve(earlier.input)
                : earlier.kind === 'release'
                  ? await store.release(earlier.input)
                  : earlier.kind === 'commit'
                    ? await store.commit(earlier.input)
                    : await store.allocate(earlier.input);
            note('replay', again);
            if (JSON.stringify(again) !== JSON.stringify(earlier.result))
              unexpected.push(`replay of ${earlier.kind} differs`);
          } else {
            const other =
              earlier.kind === 'reserve'
                ? await store.reserve({ ...earlier.input, qty: earlier.input.qty + 1 })
                : earlier.kind === 'release'
                  ? await store.release({ ...earlier.input, holdId: `${earlier.input.holdId.split('~')[0]}0~x` })
                  : earlier.kind === 'commit'
                    ? await store.commit({ ...earlier.input, orderId: `${earlier.input.orderId}-other` })
                    : await store.allocate({ ...earlier.input, units: earlier.input.units + 1 });
            note('conflict', other);
            if (other.ok) unexpected.push(`${earlier.kind} key reused with other parameters succeeded`);
          }
        }
      }
    }

    const stores = connections.map((redis) => new InventoryStore(redis, { prefix: f.prefix }));
    const generators = stores.map((_, w) => seededRandom(SEED + w));
    for (let batch = 0; batch < BATCHES; batch++) {
      await Promise.all(stores.map((store, w) => worker(w, batch, store, generators[w]!)));
      expect(unexpected, `batch ${batch}`).toEqual([]);
      expect(await invariantProblems(f.redis, f.store, EVENT), `batch ${batch}`).toEqual([]);
    }

    // Let every hold lapse and sweep: everything not sold is available again.
    await new Promise((resolve) => setTimeout(resolve, TTL_SECONDS * 1000 + 50));
    while ((await f.store.expireDue(EVENT, 500)).more);
    const final = await f.store.snapshot(EVENT);
    expect(final.every((s) => s.held === 0 && s.available === s.allocated - s.sold)).toBe(true);
    expect(await invariantProblems(f.redis, f.store, EVENT)).toEqual([]);

    const ledger = await readLedger(f.redis, f.store.keys, EVENT);
    const replayed = replayLedger(ledger);
    expect(replayed.problems).toEqual([]);
    expect(final.map(({ sku, generation: _generation, ...counts }) => [sku, counts])).toEqual(
      final.map(({ sku }) => [sku, replayed.stock.get(sku)]),
    );
    const ofType = (type: string) => ledger.filter((e) => e.type === type).length;
    expect([ofType('reserve'), ofType('release'), ofType('commit')]).toEqual([reserved, released, committedHolds]);
    expect(ofType('expire')).toBeGreaterThan(0);

    console.log(`seed ${SEED}: ${ledger.length} ledger entries;`, Object.fromEntries([...tally].sort()));
    for (const op of [
      'reserve:ok',
      'reserve:SOLD_OUT',
      'release:ok',
      'commit:ok',
      'allocate:ALLOCATION_BELOW_COMMITTED',
    ]) {
      expect(tally.get(op) ?? 0, op).toBeGreaterThan(0);
    }
  });
});
