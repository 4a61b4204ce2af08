import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InventoryStore } from '@liveshop/inventory';
import { codeOf, createFixture, type Fixture } from './redis.js';

const reserve = (store: InventoryStore, idempotencyKey: string, qty = 1) =>
  store.reserve({ eventId: 'e', sku: 'tee', qty, shopperId: 's1', idempotencyKey });

describe('reserve idempotency records', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = createFixture();
    await f.liveEvent('e', { tee: 10 });
  });
  afterEach(() => f.close());

  it('replays a reserve for at least the TTL and at most twice it, from one hash per period', async () => {
    const store = new InventoryStore(f.redis, { prefix: f.prefix, idempotencyTtlSeconds: 1 });
    // Starts right after a period begins, so the waits below land in known periods.
    await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 20));
    const first = await reserve(store, 'k');
    if (!first.ok) throw new Error(first.error.message);
    const period = Math.floor(Date.now() / 1000);
    expect(await f.redis.hget(store.keys.reserveIdempotency('e', period), 's1|k')).toContain(first.hold.id);
    expect(await f.redis.ttl(store.keys.reserveIdempotency('e', period))).toBeGreaterThan(3600);
    // The next period still finds it in the one before.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const again = await reserve(store, 'k');
    expect(again.ok && again.hold.id).toBe(first.hold.id);
    expect(codeOf(await reserve(store, 'k', 2))).toBe('IDEMPOTENCY_CONFLICT');
    // Two periods later it is gone: the same key reserves anew.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const later = await reserve(store, 'k');
    expect(later.ok && later.hold.id).not.toBe(first.hold.id);
    expect((await f.store.snapshot('e'))[0]).toMatchObject({ held: 2, available: 8 });
  });

  it("finds a record a process whose clock is ahead wrote in the next period's hash", async () => {
    const period = Math.floor(Date.now() / 86_400_000);
    const record = 'tee|1|s1\nhold-from-ahead~tee|1900000000000|9|1|0';
    await f.redis.hset(f.store.keys.reserveIdempotency('e', period + 1), 's1|ahead', record);
    const replayed = await reserve(f.store, 'ahead');
    expect(replayed).toMatchObject({ ok: true, hold: { id: 'hold-from-ahead~tee' }, available: 9, version: 1 });
    expect((await f.store.snapshot('e'))[0]).toMatchObject({ held: 0 });
  });

  it("maps a legacy key to its event's hash of the period and to its field there", () => {
    const keys = f.store.keys;
    const legacy = keys.legacyReserveIdempotency('drop_2-b', 's1', 'k:1.x');
    expect(keys.reserveIdempotencyOfLegacy(legacy, 7)).toEqual({
      hash: keys.reserveIdempotency('drop_2-b', 7),
      field: 's1|k:1.x',
    });
    expect(keys.reserveIdempotencyOfLegacy(`other${legacy}`, 7)).toBeUndefined();
    expect(keys.reserveIdempotencyOfLegacy(keys.releaseIdempotency('e', 's1', 'k'), 7)).toBeUndefined();
  });

  it('moves the results an earlier version kept one key each, so their retries still replay', async () => {
    const legacy = f.store.keys.legacyReserveIdempotency('e', 's1', 'old');
    const record = 'tee|1|s1\nhold-from-before~tee|1900000000000|7|3|0';
    await f.redis.set(legacy, record, 'EX', 3600);
    await f.redis.set(`${f.prefix}:unrelated:idem:reserve:x`, 'kept');
    expect(await f.store.migrateReserveIdempotency()).toBe(1);
    expect(await f.redis.exists(legacy)).toBe(0);
    expect(await f.redis.get(`${f.prefix}:unrelated:idem:reserve:x`)).toBe('kept');
    const replayed = await reserve(f.store, 'old');
    expect(replayed).toMatchObject({
      ok: true,
      hold: { id: 'hold-from-before~tee', expiresAt: 1900000000000 },
      available: 7,
    });
    expect(codeOf(await reserve(f.store, 'old', 2))).toBe('IDEMPOTENCY_CONFLICT');
    // Nothing was reserved by the replay, and a second run moves nothing.
    expect((await f.store.snapshot('e'))[0]).toMatchObject({ held: 0, available: 10 });
    expect(await f.store.migrateReserveIdempotency()).toBe(0);
    // Marked as done: a key of the earlier layout written now (nothing does) is left alone.
    await f.redis.set(legacy, record, 'EX', 3600);
    expect(await f.store.migrateReserveIdempotency()).toBe(0);
    expect(await f.redis.exists(legacy)).toBe(1);
  });
});
