import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFixture, must, type Fixture } from './redis.js';

describe('listShoppersHolds', () => {
  let f: Fixture;
  beforeEach(() => {
    f = createFixture();
  });
  afterEach(() => f.close());

  const reserve = async (shopperId: string, sku: string, idempotencyKey: string) =>
    must(await f.store.reserve({ eventId: 'e', sku, qty: 1, shopperId, idempotencyKey })).hold;

  it("answers each shopper's holds in one call, a shopper id that prefixes another's included", async () => {
    await f.liveEvent('e', { tee: 5, cap: 5 });
    const first = await reserve('s1', 'tee', 'k1');
    const second = await reserve('s1', 'cap', 'k2');
    const other = await reserve('s10', 'tee', 'k3');
    const held = await f.store.listShoppersHolds('e', ['s1', 's10', 's2', 's1']);
    expect([...held.keys()].sort()).toEqual(['s1', 's10', 's2']);
    const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
    expect([...held.get('s1')!].sort(byId)).toEqual([first, second].sort(byId));
    expect(held.get('s10')).toEqual([other]);
    expect(held.get('s2')).toEqual([]);
    expect(await f.store.listShopperHolds('e', 's10')).toEqual([other]);
    expect((await f.store.listShoppersHolds('e', [])).size).toBe(0);
  });

  it('refuses a malformed shopper id before reading', async () => {
    await expect(f.store.listShoppersHolds('e', ['s1', 'bad id'])).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
