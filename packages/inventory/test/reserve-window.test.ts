import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InventoryStore, ReserveWindow } from '@liveshop/inventory';
import { invariantProblems } from './invariants.js';
import { connect, createFixture, type Fixture } from './redis.js';

describe('ReserveWindow', () => {
  it('lets in `size` at once and the rest in arrival order as places come back', async () => {
    const window = new ReserveWindow(2);
    const order: number[] = [];
    const run = async (n: number, hold: Promise<void>) => {
      const place = window.enter();
      if (place) await place;
      order.push(n);
      expect(window.inFlight).toBeLessThanOrEqual(2);
      await hold;
      window.leave();
    };
    const gates = Array.from({ length: 6 }, () => {
      let resolve!: () => void;
      const promise = new Promise<void>((done) => (resolve = done));
      return { promise, resolve };
    });
    const runs = gates.map((gate, n) => run(n, gate.promise));
    await Promise.resolve();
    expect(order).toEqual([0, 1]);
    expect(window.waiting).toBe(4);
    // Places come back out of order; the waiting ones still go in arrival order.
    for (const n of [1, 0, 3, 2, 5, 4]) {
      gates[n]!.resolve();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(runs);
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
    expect(window.inFlight).toBe(0);
    expect(window.waiting).toBe(0);
  });

  it('never holds anything back with size 0', () => {
    const window = new ReserveWindow(0);
    for (let i = 0; i < 1_000; i += 1) expect(window.enter()).toBeUndefined();
    expect(window.inFlight).toBe(1_000);
  });
});

describe('reserves through a small window', () => {
  let f: Fixture;
  beforeAll(() => {
    f = createFixture();
  });
  afterAll(async () => {
    await f.close();
  });

  it('sell exactly the stock in a random concurrent burst, never more than the window on Redis at once', async () => {
    const UNITS = 300;
    const CALLS = 2_000;
    const SIZE = 7;
    await f.liveEvent('windowed', { cap: UNITS, mug: UNITS });
    const redis = connect();
    try {
      const store = new InventoryStore(redis, { prefix: f.prefix, maxReservesInFlight: SIZE });
      let most = 0;
      const results = await Promise.all(
        Array.from({ length: CALLS }, async (_, i) => {
          // Random arrival: some at once, some a little later, some twice with the same key.
          if (i % 3 === 0) await new Promise((resolve) => setTimeout(resolve, Math.random() * 20));
          const key = i % 10 === 9 ? `w-${i - 1}` : `w-${i}`;
          const shopper = i % 10 === 9 ? `s-${i - 1}` : `s-${i}`;
          const result = await store.reserve({
            eventId: 'windowed',
            sku: (i % 10 === 9 ? i - 1 : i) % 2 ? 'mug' : 'cap',
            qty: 1,
            shopperId: shopper,
            idempotencyKey: key,
          });
          most = Math.max(most, store.reserveWindow.inFlight);
          return result;
        }),
      );
      expect(most).toBeLessThanOrEqual(SIZE);
      expect(store.reserveWindow.inFlight).toBe(0);
      expect(store.reserveWindow.waiting).toBe(0);
      const held = new Set(results.flatMap((r) => (r.ok ? [r.hold.id] : [])));
      expect(held.size).toBe(2 * UNITS);
      expect(results.every((r) => r.ok || r.error.code === 'SOLD_OUT')).toBe(true);
      const stock = await f.store.snapshot('windowed');
      expect(stock.map((s) => [s.sku, s.available, s.held]).sort()).toEqual([
        ['cap', 0, UNITS],
        ['mug', 0, UNITS],
      ]);
      expect(await invariantProblems(f.redis, f.store, 'windowed')).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });
});
