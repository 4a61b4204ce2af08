import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { invariantProblems, replayLedger } from './invariants.js';
import { codeOf, createFixture, must, readLedger, type Fixture } from './redis.js';

const TTL_SECONDS = 0.1;
const pastTtl = () => new Promise((resolve) => setTimeout(resolve, TTL_SECONDS * 1000 + 30));

/** Expiry with a 100 ms hold TTL (the store accepts fractions of a second; HTTP bodies do not). */
describe('hold expiry', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = createFixture();
    await f.liveEvent('e', { tee: 4, hat: 4 }, { holdTtlSeconds: TTL_SECONDS, limits: { tee: 4 } });
  });
  afterEach(() => f.close());

  const reserve = (shopperId: string, qty: number, key: string, sku = 'tee') =>
    f.store.reserve({ eventId: 'e', sku, qty, shopperId, idempotencyKey: key });

  it('returns units on the next reserve of the SKU without any sweeper', async () => {
    const hold = must(await reserve('s1', 4, 'k1')).hold;
    expect(codeOf(await reserve('s2', 1, 'k1'))).toBe('SOLD_OUT');
    await pastTtl();
    const next = must(await reserve('s2', 4, 'k2'));
    expect(next.available).toBe(0);
    expect(await f.store.getHold('e', hold.id)).toBeNull();
    expect(await f.store.listShopperHolds('e', 's1')).toEqual([]);
    // The expired hold gave its allowance back too.
    await pastTtl();
    expect(codeOf(await reserve('s1', 4, 'k3'))).toBe('ok');
    const ledger = await readLedger(f.redis, f.store.keys, 'e');
    expect(ledger.filter((e) => e.sku === 'tee').map((e) => [e.type, e.source, e.available])).toEqual([
      ['allocate', 'admin', 4],
      ['reserve', 'shop', 0],
      ['expire', 'system', 4],
      ['reserve', 'shop', 0],
      ['expire', 'system', 4],
      ['reserve', 'shop', 0],
    ]);
  });

  it('remembers when the next hold falls due, so a reserve reads the expiry zset only from then on', async () => {
    const stockKey = f.store.keys.stock('e', 'tee');
    const due = async () => Number(await f.redis.hget(stockKey, 'due'));
    const first = must(await reserve('s1', 1, 'k1')).hold;
    expect(await due()).toBe(first.expiresAt);
    must(await reserve('s2', 1, 'k2'));
    // The earliest expiry stays the bound while it is ahead.
    expect(await due()).toBe(first.expiresAt);
    await pastTtl();
    // Both are due: the next reserve takes them back, and its own hold is then the earliest.
    const third = must(await reserve('s3', 1, 'k3'));
    expect(third.available).toBe(3);
    expect(await due()).toBe(third.hold.expiresAt);
    // The sweeper takes a hold past the bound without touching it; the bound stays a lower one and
    // a later reserve still finds every due hold.
    await pastTtl();
    await f.store.expireDue('e');
    expect((await f.store.snapshot('e')).find((s) => s.sku === 'tee')).toMatchObject({ held: 0, available: 4 });
    expect(await due()).toBe(third.hold.expiresAt);
    const fourth = must(await reserve('s4', 4, 'k4'));
    expect(fourth.available).toBe(0);
    expect(await due()).toBe(fourth.hold.expiresAt);
    // A refusal that found a due hold keeps what it learnt.
    await pastTtl();
    expect(codeOf(await reserve('s5', 5, 'k5'))).toBe('SOLD_OUT');
    expect((await f.store.snapshot('e')).find((s) => s.sku === 'tee')).toMatchObject({ held: 0, available: 4 });
    expect(await f.redis.hexists(stockKey, 'due')).toBe(0);
    expect(await invariantProblems(f.redis, f.store, 'e')).toEqual([]);
  });

  it('reclaims at most a batch per reserve', async () => {
    const small = createFixture({ reclaimBatch: 2 });
    try {
      await small.liveEvent('e', { tee: 5 }, { holdTtlSeconds: TTL_SECONDS });
      for (let i = 0; i < 5; i++) {
        must(await small.store.reserve({ eventId: 'e', sku: 'tee', qty: 1, shopperId: `s${i}`, idempotencyKey: 'k' }));
      }
      await pastTtl();
      const next = must(
        await small.store.reserve({ eventId: 'e', sku: 'tee', qty: 1, shopperId: 'x', idempotencyKey: 'k' }),
      );
      expect(next.available).toBe(1);
      expect((await small.store.snapshot('e'))[0]).toMatchObject({ available: 1, held: 4 });
    } finally {
      await small.close();
    }
  });

  it('keeps the holds a refused reserve reclaimed, with counts that replay from the ledger', async () => {
    must(await reserve('s1', 3, 'k1'));
    await pastTtl();
    expect(codeOf(await reserve('s2', 5, 'k1'))).toBe('SOLD_OUT');
    const sold = must(await reserve('s1', 2, 'k2')).hold;
    must(await f.store.commit({ eventId: 'e', holdIds: [sold.id], orderId: 'o1', idempotencyKey: 'c1' }));
    must(await reserve('s2', 2, 'k2'));
    await f.store.configureEvent('e', { limits: { tee: 3 } });
    await pastTtl();
    expect(codeOf(await reserve('s1', 2, 'k3'))).toBe('LIMIT_EXCEEDED');

    const [, tee] = await f.store.snapshot('e');
    expect(tee).toEqual({ sku: 'tee', allocated: 4, available: 2, held: 0, sold: 2, version: 7, generation: 0 });
    const ledger = (await readLedger(f.redis, f.store.keys, 'e')).filter((e) => e.sku === 'tee');
    expect(ledger.map((e) => e.type)).toEqual([
      'allocate',
      'reserve',
      'expire',
      'reserve',
      'commit',
      'reserve',
      'expire',
    ]);
    const replayed = replayLedger(ledger);
    expect(replayed.problems).toEqual([]);
    expect(replayed.stock.get('tee')).toEqual({ allocated: 4, available: 2, held: 0, sold: 2, version: 7 });
    expect(await invariantProblems(f.redis, f.store, 'e')).toEqual([]);
  });

  it('is swept by expireDue in batches across SKUs', async () => {
    for (let i = 0; i < 3; i++) must(await reserve(`s${i}`, 1, 'k-tee', 'tee'));
    for (let i = 0; i < 2; i++) must(await reserve(`s${i}`, 1, 'k-hat', 'hat'));
    expect(await f.store.expireDue('e')).toEqual({ expired: 0, more: false });
    await pastTtl();
    expect(await f.store.expireDue('e', 2)).toEqual({ expired: 4, more: true });
    expect(await f.store.expireDue('e', 2)).toEqual({ expired: 1, more: false });
    expect(await f.store.expireDue('e', 2)).toEqual({ expired: 0, more: false });
    const stock = await f.store.snapshot('e');
    expect(stock.map((s) => [s.sku, s.available, s.held])).toEqual([
      ['hat', 4, 0],
      ['tee', 4, 0],
    ]);
    const expired = (await readLedger(f.redis, f.store.keys, 'e')).filter((e) => e.type === 'expire');
    expect(expired).toHaveLength(5);
    expect(new Set(expired.map((e) => e.source))).toEqual(new Set(['sweeper']));
    expect(await f.store.expireDue('nothing-here')).toEqual({ expired: 0, more: false });
  });

  it('fails a commit with an expired hold and changes nothing', async () => {
    const fresh = createFixture();
    try {
      await fresh.liveEvent('e', { tee: 4 }, { holdTtlSeconds: 60 });
      await fresh.store.configureEvent('e', { holdTtlSeconds: TTL_SECONDS });
      const short = must(
        await fresh.store.reserve({ eventId: 'e', sku: 'tee', qty: 1, shopperId: 's', idempotencyKey: 'a' }),
      );
      await fresh.store.configureEvent('e', { holdTtlSeconds: 60 });
      const long = must(
        await fresh.store.reserve({ eventId: 'e', sku: 'tee', qty: 2, shopperId: 's', idempotencyKey: 'b' }),
      );
      await pastTtl();
      const before = await fresh.store.snapshot('e');
      const ledgerBefore = await readLedger(fresh.redis, fresh.store.keys, 'e');

      const holdIds = [long.hold.id, short.hold.id];
      const result = await fresh.store.commit({ eventId: 'e', holdIds, orderId: 'o', idempotencyKey: 'c' });
      expect(result).toEqual({
        ok: false,
        error: { code: 'HOLD_EXPIRED', message: `hold ${short.hold.id} has expired` },
      });
      expect(await fresh.store.snapshot('e')).toEqual(before);
      expect(await readLedger(fresh.redis, fresh.store.keys, 'e')).toEqual(ledgerBefore);
      expect(await fresh.store.getHold('e', long.hold.id)).toEqual(long.hold);

      // After the sweeper took it, the hold still reads as expired, not unknown.
      expect((await fresh.store.expireDue('e')).expired).toBe(1);
      const again = await fresh.store.commit({ eventId: 'e', holdIds, orderId: 'o', idempotencyKey: 'c' });
      expect(codeOf(again)).toBe('HOLD_EXPIRED');
      expect(
        codeOf(await fresh.store.commit({ eventId: 'e', holdIds: [long.hold.id], orderId: 'o', idempotencyKey: 'c2' })),
      ).toBe('ok');
    } finally {
      await fresh.close();
    }
  });
});
