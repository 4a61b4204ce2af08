import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LedgerTail } from '@liveshop/inventory';
import { createFixture, must, readLedger, type Fixture } from './redis.js';

describe('ledger', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = createFixture();
    await f.liveEvent('e', { tee: 10 });
  });
  afterEach(() => f.close());

  const reserve = (key: string, eventId = 'e') =>
    f.store.reserve({ eventId, sku: 'tee', qty: 1, shopperId: 's', idempotencyKey: key });

  it('decodes the packed entry the scripts write', async () => {
    const packed = 'commit|tee|2|10|5|3|2|5|7|h1~tee|o1|s1|checkout|1700000000000|3';
    await f.redis.xadd(f.store.keys.ledger('packed'), '1-0', 'd', packed);
    await f.redis.xadd(
      f.store.keys.ledger('packed'),
      '2-0',
      'd',
      'allocate|tee|10|10|10|0|0|0|1||||admin|1700000000000|0',
    );
    const [commit, allocate] = await readLedger(f.redis, f.store.keys, 'packed');
    expect(commit).toEqual({
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
    expect(allocate).not.toHaveProperty('holdId');
    expect(allocate).not.toHaveProperty('shopperId');
    expect(allocate).toMatchObject({ type: 'allocate', qty: 10, availableBefore: 0, source: 'admin' });
  });

  it('reads after a position, at most a count, stamped with the Redis clock', async () => {
    for (let i = 0; i < 3; i++) must(await reserve(`k${i}`));
    const all = await readLedger(f.redis, f.store.keys, 'e');
    expect(all.map((e) => e.version)).toEqual([1, 2, 3, 4]);
    expect(await readLedger(f.redis, f.store.keys, 'e', all[1]!.id, 1)).toEqual([all[2]]);
    expect(await new LedgerTail(f.redis, f.store.keys).lastId('e')).toBe(all[3]!.id);
    expect(await new LedgerTail(f.redis, f.store.keys).lastId('nothing-yet')).toBe('0-0');
    expect(Math.abs(all[0]!.at - (await f.store.now()))).toBeLessThan(5_000);
  });

  it('waits for what comes after the end, of several events in one read', async () => {
    await f.liveEvent('other', { tee: 10 });
    const connection = f.redis.duplicate();
    try {
      const tail = new LedgerTail(connection, f.store.keys);
      const after = new Map([
        ['e', await tail.lastId('e')],
        ['other', await tail.lastId('other')],
      ]);
      const waiting = tail.readAfter(after, { count: 10, blockMs: 2_000 });
      await new Promise((resolve) => setTimeout(resolve, 50));
      must(await reserve('k1', 'other'));
      const read = await waiting;
      expect([...read.keys()]).toEqual(['other']);
      expect(read.get('other')!.map((e) => e.type)).toEqual(['reserve']);
      expect(await tail.readAfter(new Map([['e', await tail.lastId('e')]]), { blockMs: 10 })).toEqual(new Map());
    } finally {
      connection.disconnect();
    }
  });
});
