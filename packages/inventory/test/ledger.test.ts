import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LedgerReader, parseLedgerFields, readLedger, tailLedger } from '@liveshop/inventory';
import { createFixture, must, type Fixture } from './redis.js';

describe('ledger', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = createFixture();
    await f.liveEvent('e', { tee: 10 });
  });
  afterEach(() => f.close());

  const reserve = (key: string) =>
    f.store.reserve({ eventId: 'e', sku: 'tee', qty: 1, shopperId: 's', idempotencyKey: key });

  it('parses the packed entry the scripts write', () => {
    const packed = 'commit|tee|2|10|5|3|2|5|7|h1~tee|o1|s1|checkout|1700000000000|3';
    expect(parseLedgerFields('1-0', ['d', packed])).toEqual({
      id: '1-0',
      type: 'commit',
      sku: 'tee',
      qty: 2,
      allocated: 10,
      available: 5,
      held: 3,
      sold: 2,
      availableBefore: 5,
      version: 7,
      generation: 3,
      holdId: 'h1~tee',
      orderId: 'o1',
      shopperId: 's1',
      source: 'checkout',
      at: 1_700_000_000_000,
    });
    const allocate = parseLedgerFields('2-0', ['d', 'allocate|tee|10|10|10|0|0|0|1||||admin|1700000000000|0']);
    expect(allocate).not.toHaveProperty('holdId');
    expect(allocate).not.toHaveProperty('shopperId');
    expect(allocate).toMatchObject({ type: 'allocate', qty: 10, availableBefore: 0, source: 'admin' });
  });

  it('reads ranges with XRANGE', async () => {
    for (let i = 0; i < 3; i++) must(await reserve(`k${i}`));
    const all = await readLedger(f.redis, f.store.keys, 'e');
    expect(all.map((e) => e.version)).toEqual([1, 2, 3, 4]);
    expect(await readLedger(f.redis, f.store.keys, 'e', `(${all[1]!.id}`, 1)).toEqual([all[2]]);
    const [seconds] = await f.redis.time();
    expect(Math.abs(all[0]!.at - Number(seconds) * 1000)).toBeLessThan(5_000);
  });

  it('tails new entries', async () => {
    const tail = f.redis.duplicate();
    try {
      const waiting = tailLedger(tail, f.store.keys, 'e', '$', 10, 2_000);
      await new Promise((resolve) => setTimeout(resolve, 50));
      must(await reserve('k1'));
      expect((await waiting).map((e) => e.type)).toEqual(['reserve']);
      expect(await tailLedger(tail, f.store.keys, 'e', '$', 10, 10)).toEqual([]);
    } finally {
      tail.disconnect();
    }
  });

  it('delivers through a consumer group, and re-delivers unacknowledged entries after a restart', async () => {
    const options = { eventId: 'e', group: 'archive', consumer: 'w1' };
    const reader = new LedgerReader(f.redis, f.store.keys, options);
    await reader.ensureGroup();
    await reader.ensureGroup();
    for (let i = 0; i < 3; i++) must(await reserve(`k${i}`));
    const first = await reader.read(2, 10);
    expect(first.map((e) => e.version)).toEqual([1, 2]);
    expect(await reader.ack([first[0]!.id])).toBe(1);

    // A new reader with the same consumer name: the unacknowledged entry first, then the rest.
    const restarted = new LedgerReader(f.redis, f.store.keys, options);
    expect((await restarted.read(10, 10)).map((e) => e.version)).toEqual([2]);
    expect((await restarted.read(10, 10)).map((e) => e.version)).toEqual([3, 4]);
    expect(await restarted.read(10, 10)).toEqual([]);
    expect(await restarted.ack([])).toBe(0);

    const other = new LedgerReader(f.redis, f.store.keys, { ...options, group: 'pos-sync' });
    await other.ensureGroup('$');
    must(await reserve('k9'));
    expect((await other.read(10, 10)).map((e) => e.version)).toEqual([5]);
  });
});
