import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { codeOf, createFixture, must, readLedger, type Fixture } from './redis.js';

const reserveOf = (shopperId: string, idempotencyKey: string, sku = 'tee') => ({
  eventId: 'e',
  sku,
  qty: 1,
  shopperId,
  idempotencyKey,
});

describe('drops and bans in reserve', () => {
  let f: Fixture;
  beforeEach(() => {
    f = createFixture();
  });
  afterEach(() => f.close());

  it('refuses a drop SKU before it goes on sale (Redis clock), without touching stock or the ledger', async () => {
    await f.liveEvent('e', { tee: 5, mug: 5 });
    const now = await f.store.now();
    await f.store.setOnSaleAt('e', 'tee', now + 60_000);
    const ledgerBefore = (await readLedger(f.redis, f.store.keys, 'e')).length;
    const refused = await f.store.reserve(reserveOf('s1', 'k1'));
    expect(codeOf(refused)).toBe('NOT_ON_SALE');
    expect(!refused.ok && refused.error.message).toContain(new Date(now + 60_000).toISOString());
    expect(codeOf(await f.store.reserve(reserveOf('s1', 'k2', 'mug')))).toBe('ok');
    expect((await f.store.snapshot('e')).find((s) => s.sku === 'tee')?.available).toBe(5);
    expect((await readLedger(f.redis, f.store.keys, 'e')).length).toBe(ledgerBefore + 1);
    expect((await f.store.getEventConfig('e'))?.onSaleAt).toEqual({ tee: now + 60_000 });

    await f.store.setOnSaleAt('e', 'tee', now - 1);
    must(await f.store.reserve(reserveOf('s1', 'k3')));
    await f.store.setOnSaleAt('e', 'tee', null);
    expect((await f.store.getEventConfig('e'))?.onSaleAt).toBeUndefined();
  });

  it('opens the drop at startsAt', async () => {
    await f.liveEvent('e', { tee: 5 });
    await f.store.setOnSaleAt('e', 'tee', (await f.store.now()) + 300);
    expect(codeOf(await f.store.reserve(reserveOf('s1', 'k1')))).toBe('NOT_ON_SALE');
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(codeOf(await f.store.reserve(reserveOf('s1', 'k2')))).toBe('ok');
  });

  it('refuses a banned shopper and no one else, until the ban is lifted', async () => {
    await f.liveEvent('e', { tee: 5 });
    await f.store.setBanned('e', ['bad'], true);
    expect(await f.store.isBanned('e', 'bad')).toBe(true);
    expect(codeOf(await f.store.reserve(reserveOf('bad', 'k1')))).toBe('BANNED');
    expect(codeOf(await f.store.reserve(reserveOf('good', 'k1')))).toBe('ok');
    expect((await f.store.snapshot('e'))[0]).toMatchObject({ available: 4, held: 1 });
    await f.store.setBanned('e', ['bad'], false);
    expect(codeOf(await f.store.reserve(reserveOf('bad', 'k2')))).toBe('ok');
  });
});
