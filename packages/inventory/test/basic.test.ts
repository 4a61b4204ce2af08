import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFixture, readLedger, type Fixture } from './redis.js';

describe('InventoryStore basics', () => {
  let f: Fixture;
  beforeEach(() => {
    f = createFixture();
  });
  afterEach(() => f.close());

  it('allocates, reserves, releases and commits with a ledger entry for each change', async () => {
    await f.liveEvent('e1', { tee: 5 });
    const a = await f.store.reserve({ eventId: 'e1', sku: 'tee', qty: 2, shopperId: 's1', idempotencyKey: 'k1' });
    expect(a.ok).toBe(true);
    if (!a.ok) return;
    expect(a.hold).toMatchObject({ eventId: 'e1', sku: 'tee', qty: 2, shopperId: 's1' });
    expect(a.hold.id).toMatch(/^h[0-9a-z]+~tee$/);
    expect(a.available).toBe(3);

    const b = await f.store.reserve({ eventId: 'e1', sku: 'tee', qty: 1, shopperId: 's2', idempotencyKey: 'k1' });
    if (!b.ok) throw new Error(b.error.message);
    const released = await f.store.release({ eventId: 'e1', holdId: b.hold.id, idempotencyKey: 'r1' });
    expect(released).toMatchObject({ ok: true, holdId: b.hold.id, sku: 'tee', qty: 1, available: 3 });

    const committed = await f.store.commit({
      eventId: 'e1',
      holdIds: [a.hold.id],
      orderId: 'o1',
      idempotencyKey: 'c1',
    });
    expect(committed).toMatchObject({ ok: true, orderId: 'o1', items: [{ holdId: a.hold.id, sku: 'tee', qty: 2 }] });

    expect(await f.store.snapshot('e1')).toEqual([
      { sku: 'tee', allocated: 5, available: 3, held: 0, sold: 2, version: 5, generation: 0 },
    ]);
    const ledger = await readLedger(f.redis, f.store.keys, 'e1');
    expect(ledger.map((e) => e.type)).toEqual(['allocate', 'reserve', 'reserve', 'release', 'commit']);
    expect(ledger.at(-1)).toMatchObject({
      sku: 'tee',
      qty: 2,
      sold: 2,
      held: 0,
      available: 3,
      orderId: 'o1',
      version: 5,
    });
  });
});
