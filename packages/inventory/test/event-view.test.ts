import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFixture, must, type Fixture } from './redis.js';

describe('eventView', () => {
  let f: Fixture;
  beforeEach(() => {
    f = createFixture();
  });
  afterEach(() => f.close());

  it('answers what getEventConfig, snapshot, listShopperHolds and now answer, in one call', async () => {
    await f.liveEvent('e', { tee: 5, cap: 3 }, { holdTtlSeconds: 120, maxQtyPerReserve: 4, limits: { tee: 2 } });
    const hold = must(await f.store.reserve({ eventId: 'e', sku: 'tee', qty: 2, shopperId: 's1', idempotencyKey: 'k1' })).hold;
    must(await f.store.reserve({ eventId: 'e', sku: 'cap', qty: 1, shopperId: 's10', idempotencyKey: 'k2' }));
    const before = await f.store.now();
    const view = await f.store.eventView('e', ['cap', 'tee', 'gone'], ['s1', 's2']);
    const after = await f.store.now();

    expect(view.now).toBeGreaterThanOrEqual(before);
    expect(view.now).toBeLessThanOrEqual(after);
    expect(view.config).toEqual(await f.store.getEventConfig('e'));
    const snapshot = await f.store.snapshot('e');
    expect(view.stock.slice(0, 2)).toEqual(['cap', 'tee'].map((sku) => snapshot.find((item) => item.sku === sku)));
    // A SKU Redis does not have counts nothing.
    expect(view.stock[2]).toMatchObject({ sku: 'gone', available: 0, version: 0 });
    expect(view.holds.get('s1')).toEqual([hold]);
    expect(view.holds.get('s1')).toEqual(await f.store.listShopperHolds('e', 's1'));
    expect(view.holds.get('s2')).toEqual([]);
  });

  it('answers a config of null for an event never configured, and refuses malformed input', async () => {
    const view = await f.store.eventView('never', ['tee'], []);
    expect(view.config).toBeNull();
    expect(view.stock).toEqual([{ sku: 'tee', allocated: 0, available: 0, held: 0, sold: 0, version: 0, generation: 0 }]);
    await expect(f.store.eventView('e', ['bad sku!'], [])).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(f.store.eventView('e', [], ['bad id'])).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
