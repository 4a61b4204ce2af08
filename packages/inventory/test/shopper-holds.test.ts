import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFixture, must, type Fixture } from './redis.js';

describe('listShopperHolds', () => {
  let f: Fixture;
  beforeEach(() => {
    f = createFixture();
  });
  afterEach(() => f.close());

  const reserve = async (shopperId: string, sku: string, idempotencyKey: string) =>
    must(await f.store.reserve({ eventId: 'e', sku, qty: 1, shopperId, idempotencyKey })).hold;

  it("answers only the shopper's own holds, when the shopper's id prefixes another's too", async () => {
    await f.liveEvent('e', { tee: 5, cap: 5 });
    const first = await reserve('s1', 'tee', 'k1');
    const second = await reserve('s1', 'cap', 'k2');
    const other = await reserve('s10', 'tee', 'k3');
    const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
    expect([...(await f.store.listShopperHolds('e', 's1'))].sort(byId)).toEqual([first, second].sort(byId));
    expect(await f.store.listShopperHolds('e', 's10')).toEqual([other]);
    expect(await f.store.listShopperHolds('e', 's2')).toEqual([]);
  });

  it('refuses a malformed shopper id before reading', async () => {
    await expect(f.store.listShopperHolds('e', 'bad id')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
