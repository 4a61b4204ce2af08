import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InventoryStore } from '@liveshop/inventory';
import { Redis } from 'ioredis';
import { invariantProblems, replayLedger } from './invariants.js';
import { seededRandom } from './prng.js';
import { codeOf, createFixture, readLedger, REDIS_URL, type Fixture } from './redis.js';

const SEED = Number(process.env.INVENTORY_SEED ?? Math.floor(Math.random() * 2 ** 31));

/** Counts the script calls a connection sends. */
function countScriptCalls(redis: Redis): { readonly calls: number } {
  const counter = { calls: 0 };
  const original = redis.sendCommand.bind(redis);
  redis.sendCommand = ((command, ...rest) => {
    if (/^eval/i.test(command.name)) counter.calls += 1;
    return original(command, ...rest);
  }) as Redis['sendCommand'];
  return counter;
}

type Reserve = Parameters<InventoryStore['reserve']>[0];

describe('reserves batched per event-loop turn and SKU', () => {
  let f: Fixture;
  let plain: Redis;
  beforeEach(async () => {
    f = createFixture();
    plain = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    await plain.ping();
  });
  afterEach(async () => {
    await plain.quit().catch(() => undefined);
    await f.close();
  });

  it('sends one turn of reserves of a SKU in one script call per 128, and answers each of them', async () => {
    await f.liveEvent('e', { tee: 150 });
    const store = new InventoryStore(plain, { prefix: f.prefix });
    const sent = countScriptCalls(plain);
    const pending = Array.from({ length: 200 }, (_, i) =>
      store.reserve({ eventId: 'e', sku: 'tee', qty: 1, shopperId: `s${i}`, idempotencyKey: 'k' }),
    );
    const results = await Promise.all(pending);
    expect(sent.calls).toBe(2);
    const codes = results.map(codeOf);
    // Arrival order is kept: the first 150 get the units.
    expect(codes.slice(0, 150).every((code) => code === 'ok')).toBe(true);
    expect(codes.slice(150).every((code) => code === 'SOLD_OUT')).toBe(true);
    const versions = results.flatMap((result) => (result.ok ? [result.version] : []));
    expect(new Set(versions).size).toBe(150);
    expect(await invariantProblems(f.redis, f.store, 'e')).toEqual([]);
    const ledger = await readLedger(f.redis, f.store.keys, 'e');
    expect(ledger.filter((entry) => entry.type === 'reserve')).toHaveLength(150);
  });

  it('sends each SKU and event of a turn in its own call', async () => {
    await f.liveEvent('e', { tee: 2, mug: 3 });
    await f.liveEvent('f', { tee: 1 });
    const store = new InventoryStore(plain, { prefix: f.prefix });
    const sent = countScriptCalls(plain);
    const results = await Promise.all([
      store.reserve({ eventId: 'e', sku: 'tee', qty: 2, shopperId: 'a', idempotencyKey: 'k1' }),
      store.reserve({ eventId: 'e', sku: 'mug', qty: 3, shopperId: 'a', idempotencyKey: 'k2' }),
      store.reserve({ eventId: 'f', sku: 'tee', qty: 1, shopperId: 'a', idempotencyKey: 'k3' }),
      store.reserve({ eventId: 'e', sku: 'tee', qty: 1, shopperId: 'b', idempotencyKey: 'k4' }),
      store.reserve({ eventId: 'e', sku: 'nope', qty: 1, shopperId: 'b', idempotencyKey: 'k5' }),
    ]);
    expect(sent.calls).toBe(4);
    expect(results.map(codeOf)).toEqual(['ok', 'ok', 'ok', 'SOLD_OUT', 'NOT_FOUND']);
    expect(await invariantProblems(f.redis, f.store, 'e')).toEqual([]);
    expect(await invariantProblems(f.redis, f.store, 'f')).toEqual([]);
  });

  it('sends each reserve at once when turned off', async () => {
    await f.liveEvent('e', { tee: 5 });
    const store = new InventoryStore(plain, { prefix: f.prefix, batchReserves: false });
    const sent = countScriptCalls(plain);
    const results = await Promise.all(
      Array.from({ length: 3 }, (_, i) =>
        store.reserve({ eventId: 'e', sku: 'tee', qty: 1, shopperId: `s${i}`, idempotencyKey: 'k' }),
      ),
    );
    expect(sent.calls).toBe(3);
    expect(results.map(codeOf)).toEqual(['ok', 'ok', 'ok']);
  });

  it('rejects every reserve of a batch whose call fails, and none of them happened', async () => {
    await f.liveEvent('e', { tee: 5 });
    const broken = new Redis(REDIS_URL, { maxRetriesPerRequest: 0, enableOfflineQueue: false, lazyConnect: true });
    broken.on('error', () => undefined);
    const store = new InventoryStore(broken, { prefix: f.prefix });
    const settled = await Promise.allSettled(
      Array.from({ length: 3 }, (_, i) =>
        store.reserve({ eventId: 'e', sku: 'tee', qty: 1, shopperId: `s${i}`, idempotencyKey: 'k' }),
      ),
    );
    expect(settled.map((result) => result.status)).toEqual(['rejected', 'rejected', 'rejected']);
    broken.disconnect();
    const [tee] = await f.store.snapshot('e');
    expect(tee).toMatchObject({ available: 5, held: 0 });
  });

  it(`answers a randomized turn exactly as the same reserves one at a time (seed ${SEED})`, async () => {
    const random = seededRandom(SEED);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const config = { holdTtlSeconds: 300, maxQtyPerReserve: 3, limits: { tee: 4 } };
    await f.liveEvent('batched', { tee: 25 }, config);
    await f.liveEvent('alone', { tee: 25 }, config);
    for (const eventId of ['batched', 'alone']) await f.store.setBanned(eventId, ['banned'], true);
    const shoppers = ['a', 'b', 'c', 'd', 'e', 'f', 'banned'];
    // Every answer appears at least once: a hold, a shopper over the limit, a banned shopper, then
    // random reserves (some repeating an earlier key, with the same or another qty), a replay and
    // a conflict of the first key, and new shoppers wanting more than is left.
    const reserves: Omit<Reserve, 'eventId'>[] = [
      { sku: 'tee', qty: 1, shopperId: 'a', idempotencyKey: 'first' },
      { sku: 'tee', qty: 3, shopperId: 'lim', idempotencyKey: 'l1' },
      { sku: 'tee', qty: 3, shopperId: 'lim', idempotencyKey: 'l2' },
      { sku: 'tee', qty: 1, shopperId: 'banned', idempotencyKey: 'b1' },
    ];
    for (let i = 0; i < 100; i += 1) {
      const earlier = random() < 0.2 ? pick(reserves) : undefined;
      if (earlier) {
        reserves.push(random() < 0.5 ? { ...earlier } : { ...earlier, qty: (earlier.qty % 4) + 1 });
      } else {
        reserves.push({
          sku: 'tee',
          qty: 1 + Math.floor(random() * 4),
          shopperId: pick(shoppers),
          idempotencyKey: `k${i}`,
        });
      }
    }
    reserves.push({ ...reserves[0]! }, { ...reserves[0]!, qty: 2 });
    for (let i = 0; i < 9; i += 1) reserves.push({ sku: 'tee', qty: 3, shopperId: `late${i}`, idempotencyKey: 'late' });
    const batchedStore = new InventoryStore(plain, { prefix: f.prefix });
    const sent = countScriptCalls(plain);
    const batched = await Promise.all(reserves.map((input) => batchedStore.reserve({ ...input, eventId: 'batched' })));
    expect(sent.calls).toBe(1);
    const alone: typeof batched = [];
    const aloneStore = new InventoryStore(f.redis, { prefix: f.prefix, batchReserves: false });
    for (const input of reserves) alone.push(await aloneStore.reserve({ ...input, eventId: 'alone' }));

    const comparable = (result: (typeof batched)[number]) =>
      result.ok
        ? {
            ok: true,
            qty: result.hold.qty,
            shopper: result.hold.shopperId,
            available: result.available,
            version: result.version,
          }
        : { ok: false, error: result.error };
    expect(batched.map(comparable)).toEqual(alone.map(comparable));
    const codes = new Set(batched.map(codeOf));
    for (const code of ['ok', 'SOLD_OUT', 'LIMIT_EXCEEDED', 'IDEMPOTENCY_CONFLICT', 'BANNED'])
      expect(codes).toContain(code);
    // A replay within the batch answers the first hold itself.
    reserves.forEach((input, i) => {
      const first = reserves.findIndex(
        (other) => other.idempotencyKey === input.idempotencyKey && other.shopperId === input.shopperId,
      );
      const [mine, theirs] = [batched[i]!, batched[first]!];
      if (first < i && mine.ok && theirs.ok) expect(mine.hold.id).toBe(theirs.hold.id);
    });
    const [batchedStock] = await f.store.snapshot('batched');
    const [aloneStock] = await f.store.snapshot('alone');
    expect(batchedStock).toEqual(aloneStock);
    for (const eventId of ['batched', 'alone']) {
      expect(await invariantProblems(f.redis, f.store, eventId)).toEqual([]);
      const ledger = await readLedger(f.redis, f.store.keys, eventId);
      const replayed = replayLedger(ledger);
      expect(replayed.problems).toEqual([]);
      expect(replayed.stock.get('tee')).toMatchObject({ available: batchedStock!.available, held: batchedStock!.held });
    }
    for (const shopperId of new Set(reserves.map((input) => input.shopperId))) {
      const held = async (eventId: string) =>
        (await f.store.listShopperHolds(eventId, shopperId)).reduce((sum, hold) => sum + hold.qty, 0);
      expect(await held('batched')).toBe(await held('alone'));
    }
  });
});
