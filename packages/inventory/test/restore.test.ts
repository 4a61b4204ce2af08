import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RestorePlan } from '@liveshop/inventory';
import { invariantProblems, replayLedger } from './invariants.js';
import { codeOf, connect, createFixture, must, readLedger, removeKeys, type Fixture } from './redis.js';

/** Deletes every key of the event: what Redis coming back empty looks like to it. */
async function loseEvent(f: Fixture, eventId: string): Promise<void> {
  const keys = await f.redis.keys(`${f.store.keys.event(eventId)}*`);
  if (keys.length > 0) await f.redis.del(...keys);
}

const plan = (generation: number, skus: RestorePlan['skus'] = []): RestorePlan => ({
  generation,
  status: 'live',
  holdTtlSeconds: 120,
  skus,
});

describe('restoreEvent', () => {
  let f: Fixture;
  beforeEach(() => {
    f = createFixture();
  });
  afterEach(() => f.close());

  const reserve = (key: string, sku = 'tee', qty = 1, shopperId = 's1') =>
    f.store.reserve({ eventId: 'e', sku, qty, shopperId, idempotencyKey: key });

  it('gives a lost event back its config and stock, under a new generation every watcher sees', async () => {
    await f.liveEvent('e', { tee: 10, hat: 5 }, { limits: { hat: 1 } });
    must(await reserve('k1', 'tee', 3));
    await loseEvent(f, 'e');
    expect(codeOf(await reserve('k2'))).toBe('NOT_FOUND');

    const restored = await f.store.restoreEvent(
      'e',
      plan(7, [
        { sku: 'tee', allocated: 10, sold: 0, limit: 0 },
        { sku: 'hat', allocated: 5, sold: 0, limit: 1 },
      ]),
    );
    expect(restored).toEqual({ restored: true, skus: 2 });
    expect(await f.store.getEventConfig('e')).toEqual({
      status: 'live',
      holdTtlSeconds: 120,
      maxQtyPerReserve: 1_000_000,
      limits: { hat: 1 },
      generation: 7,
    });
    expect(await f.store.snapshot('e')).toEqual([
      { sku: 'hat', allocated: 5, available: 5, held: 0, sold: 0, version: 1, generation: 7 },
      { sku: 'tee', allocated: 10, available: 10, held: 0, sold: 0, version: 1, generation: 7 },
    ]);
    const ledger = await readLedger(f.redis, f.store.keys, 'e');
    expect(ledger.map((e) => [e.type, e.sku, e.available, e.version, e.generation])).toEqual([
      ['restore', 'tee', 10, 1, 7],
      ['restore', 'hat', 5, 1, 7],
    ]);

    const held = must(await reserve('k3', 'tee', 2));
    expect(held).toMatchObject({ available: 8, version: 2, generation: 7 });
    expect(codeOf(await reserve('k4', 'hat', 2))).toBe('LIMIT_EXCEEDED');
    const released = must(
      await f.store.release({ eventId: 'e', holdId: held.hold.id, shopperId: 's1', idempotencyKey: 'r1' }),
    );
    expect(released).toMatchObject({ available: 10, version: 3, generation: 7 });
    const entries = await readLedger(f.redis, f.store.keys, 'e');
    expect(entries.every((e) => e.generation === 7)).toBe(true);
    expect(replayLedger(entries).problems).toEqual([]);
    expect(await invariantProblems(f.redis, f.store, 'e')).toEqual([]);
  });

  it('restores only what is missing, keeping the holds of SKUs that survived', async () => {
    await f.liveEvent('e', { tee: 10, hat: 5 });
    must(await reserve('k1', 'tee', 4));
    await f.redis.del(f.store.keys.stock('e', 'hat'));

    const restored = await f.store.restoreEvent(
      'e',
      plan(3, [
        { sku: 'tee', allocated: 10, sold: 0, limit: 0 },
        { sku: 'hat', allocated: 5, sold: 0, limit: 0 },
      ]),
    );
    expect(restored).toEqual({ restored: true, skus: 1 });
    const [hat, tee] = await f.store.snapshot('e');
    expect(tee).toEqual({ sku: 'tee', allocated: 10, available: 6, held: 4, sold: 0, version: 2, generation: 3 });
    expect(hat).toMatchObject({ allocated: 5, available: 5, version: 1, generation: 3 });
    // The config that survived keeps its status and TTL; only the generation moves.
    expect(await f.store.getEventConfig('e')).toMatchObject({ status: 'live', holdTtlSeconds: 300, generation: 3 });
    const restores = (await readLedger(f.redis, f.store.keys, 'e')).filter((e) => e.type === 'restore');
    expect(restores.map((e) => [e.sku, e.available, e.version, e.generation])).toEqual([
      ['tee', 6, 2, 3],
      ['hat', 5, 1, 3],
    ]);
    expect(await invariantProblems(f.redis, f.store, 'e')).toEqual([]);
  });

  it('changes nothing when nothing is missing, or when Redis has this generation or a newer one', async () => {
    await f.liveEvent('e', { tee: 10 });
    const skus = [{ sku: 'tee', allocated: 99, sold: 0, limit: 0 }];
    expect(await f.store.restoreEvent('e', plan(5, skus))).toEqual({ restored: false, skus: 0 });
    expect((await f.store.snapshot('e'))[0]).toMatchObject({ allocated: 10, generation: 0 });

    await loseEvent(f, 'e');
    expect((await f.store.restoreEvent('e', plan(5, skus))).restored).toBe(true);
    await f.redis.del(f.store.keys.stock('e', 'tee'));
    expect(await f.store.restoreEvent('e', plan(5, skus))).toEqual({ restored: false, skus: 0 });
    expect(await f.store.restoreEvent('e', plan(4, skus))).toEqual({ restored: false, skus: 0 });
    expect(await f.store.restoreEvent('e', plan(6, skus))).toEqual({ restored: true, skus: 1 });
  });

  it('restores units sold in durable orders as sold, raising an allocation below them', async () => {
    await f.store.restoreEvent('e', plan(1, [{ sku: 'tee', allocated: 10, sold: 4, limit: 0 }]));
    expect((await f.store.snapshot('e'))[0]).toMatchObject({ allocated: 10, available: 6, held: 0, sold: 4 });
    await loseEvent(f, 'e');
    expect(await f.store.restoreEvent('e', plan(1, [{ sku: 'tee', allocated: 2, sold: 3, limit: 0 }]))).toMatchObject({
      restored: true,
    });
    expect((await f.store.snapshot('e'))[0]).toMatchObject({ allocated: 3, available: 0, sold: 3 });
  });

  it('gives each buyer back the units bought, so the per-shopper limit still counts them', async () => {
    await f.liveEvent('e', { tee: 10 }, { limits: { tee: 3 } });
    await loseEvent(f, 'e');
    const buyers = [
      { shopperId: 's1', units: 2 },
      { shopperId: 's2', units: 3 },
      { shopperId: 's3', units: 0 },
    ];
    expect(
      (await f.store.restoreEvent('e', plan(2, [{ sku: 'tee', allocated: 10, sold: 5, limit: 3, buyers }]))).restored,
    ).toBe(true);
    expect(await f.redis.hget(f.store.keys.holdData('e', 'tee'), f.store.keys.buyerField('s3'))).toBeNull();
    expect(codeOf(await reserve('k1', 'tee', 2, 's1'))).toBe('LIMIT_EXCEEDED');
    must(await reserve('k2', 'tee', 1, 's1'));
    expect(codeOf(await reserve('k3', 'tee', 1, 's2'))).toBe('LIMIT_EXCEEDED');
    must(await reserve('k4', 'tee', 3, 's3'));
    expect((await f.store.snapshot('e'))[0]).toMatchObject({ allocated: 10, available: 1, held: 4, sold: 5 });
    expect(await invariantProblems(f.redis, f.store, 'e')).toEqual([]);
  });

  it('restores once when several processes restore concurrently with shoppers reserving', async () => {
    const clients = Array.from({ length: 4 }, () => connect());
    try {
      const { InventoryStore } = await import('@liveshop/inventory');
      const stores = clients.map((redis) => new InventoryStore(redis, { prefix: f.prefix }));
      const skus = [{ sku: 'tee', allocated: 50, sold: 0, limit: 0 }];
      for (let round = 1; round <= 10; round += 1) {
        await loseEvent(f, 'e');
        // Every "process" restores with a generation of its own drawn from one sequence, and
        // shoppers reserve as soon as the event is back; some restores arrive after reserves.
        const base = round * 100;
        const work = [
          ...stores.map((store, i) => store.restoreEvent('e', plan(base + i + 1, skus))),
          ...Array.from({ length: 40 }, (_, i) =>
            stores[i % stores.length]!.reserve({
              eventId: 'e',
              sku: 'tee',
              qty: 1,
              shopperId: `s${i}`,
              idempotencyKey: `r${round}-${i}`,
            }),
          ),
          ...stores.map((store, i) => store.restoreEvent('e', plan(base + 10 + i, skus))),
        ];
        const results = await Promise.all(work);
        const restores = results.slice(0, stores.length).concat(results.slice(-stores.length)) as {
          restored: boolean;
        }[];
        expect(restores.filter((r) => r.restored).length).toBeGreaterThanOrEqual(1);
        const granted = results.filter((r) => 'ok' in r && r.ok).length;
        const [tee] = await f.store.snapshot('e');
        expect(tee).toMatchObject({ allocated: 50, held: granted, available: 50 - granted, sold: 0 });
        expect(await invariantProblems(f.redis, f.store, 'e')).toEqual([]);
      }
    } finally {
      for (const redis of clients) {
        await removeKeys(redis, f.prefix);
        redis.disconnect();
      }
    }
  });
});
