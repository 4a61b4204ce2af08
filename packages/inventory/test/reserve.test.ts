import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { codeOf, createFixture, must, readLedger, type Fixture } from './redis.js';

const reserveOf = (shopperId: string, qty: number, idempotencyKey: string, sku = 'tee') => ({
  eventId: 'e',
  sku,
  qty,
  shopperId,
  idempotencyKey,
});

describe('reserve', () => {
  let f: Fixture;
  beforeEach(() => {
    f = createFixture();
  });
  afterEach(() => f.close());

  it('creates a hold that expires after the event TTL (Redis clock)', async () => {
    await f.liveEvent('e', { tee: 5 }, { holdTtlSeconds: 60 });
    const before = await f.store.now();
    const result = must(await f.store.reserve(reserveOf('s1', 2, 'k1')));
    const after = await f.store.now();
    expect(result.available).toBe(3);
    expect(result.version).toBe(2);
    expect(result.hold.expiresAt).toBeGreaterThanOrEqual(before + 60_000);
    expect(result.hold.expiresAt).toBeLessThanOrEqual(after + 60_000);
    expect(await f.store.getHold('e', result.hold.id)).toEqual(result.hold);
    expect(await f.store.listShopperHolds('e', 's1')).toEqual([result.hold]);
    const [entry] = (await readLedger(f.redis, f.store.keys, 'e')).slice(-1);
    expect(entry).toMatchObject({
      type: 'reserve',
      sku: 'tee',
      qty: 2,
      allocated: 5,
      available: 3,
      held: 2,
      sold: 0,
      availableBefore: 5,
      version: 2,
      holdId: result.hold.id,
      shopperId: 's1',
      source: 'shop',
    });
  });

  it('gives distinct, unguessable hold ids', async () => {
    await f.liveEvent('e', { tee: 5 });
    const a = must(await f.store.reserve(reserveOf('s1', 1, 'k1')));
    const b = must(await f.store.reserve(reserveOf('s1', 1, 'k2')));
    expect(a.hold.id).not.toBe(b.hold.id);
    expect(a.hold.id.length).toBeGreaterThanOrEqual(10);
  });

  it('is NOT_FOUND for an unconfigured event or an unallocated SKU', async () => {
    expect(codeOf(await f.store.reserve(reserveOf('s1', 1, 'k1')))).toBe('NOT_FOUND');
    await f.liveEvent('e', { tee: 5 });
    expect(codeOf(await f.store.reserve(reserveOf('s1', 1, 'k2', 'hat')))).toBe('NOT_FOUND');
  });

  it('is EVENT_NOT_LIVE before and after the event', async () => {
    await f.liveEvent('e', { tee: 5 }, { status: 'scheduled' });
    const early = await f.store.reserve(reserveOf('s1', 1, 'k1'));
    expect(early).toEqual({ ok: false, error: { code: 'EVENT_NOT_LIVE', message: 'event is scheduled, not live' } });
    await f.store.configureEvent('e', { status: 'ended' });
    expect(codeOf(await f.store.reserve(reserveOf('s1', 1, 'k1')))).toBe('EVENT_NOT_LIVE');
    await f.store.configureEvent('e', { status: 'live' });
    expect(codeOf(await f.store.reserve(reserveOf('s1', 1, 'k1')))).toBe('ok');
  });

  it('is SOLD_OUT when fewer units are available than asked, changing nothing', async () => {
    await f.liveEvent('e', { tee: 3 });
    must(await f.store.reserve(reserveOf('s1', 2, 'k1')));
    const short = await f.store.reserve(reserveOf('s2', 2, 'k2'));
    expect(short).toEqual({ ok: false, error: { code: 'SOLD_OUT', message: 'only 1 left' } });
    must(await f.store.reserve(reserveOf('s2', 1, 'k3')));
    const none = await f.store.reserve(reserveOf('s3', 1, 'k4'));
    expect(none).toEqual({ ok: false, error: { code: 'SOLD_OUT', message: 'sold out' } });
    expect(await f.store.snapshot('e')).toEqual([
      { sku: 'tee', allocated: 3, available: 0, held: 3, sold: 0, version: 3, generation: 0 },
    ]);
  });

  it('refuses more units than the event allows in one reserve, changing nothing', async () => {
    await f.liveEvent('e', { tee: 100 }, { maxQtyPerReserve: 10 });
    expect(await f.store.reserve(reserveOf('s1', 11, 'k1'))).toEqual({
      ok: false,
      error: { code: 'LIMIT_EXCEEDED', message: 'at most 10 units per reserve' },
    });
    expect(codeOf(await f.store.reserve(reserveOf('s1', 10, 'k2')))).toBe('ok');
    expect(await f.store.getEventConfig('e')).toMatchObject({ maxQtyPerReserve: 10 });
    await f.store.configureEvent('e', { maxQtyPerReserve: 50 });
    expect(codeOf(await f.store.reserve(reserveOf('s1', 50, 'k3')))).toBe('ok');
    expect((await f.store.snapshot('e'))[0]).toMatchObject({ held: 60, available: 40, version: 3 });
  });

  it('enforces the per-shopper limit over units held and bought', async () => {
    await f.liveEvent('e', { tee: 20, hat: 20 }, { limits: { tee: 3 } });
    const first = must(await f.store.reserve(reserveOf('s1', 2, 'k1')));
    const over = await f.store.reserve(reserveOf('s1', 2, 'k2'));
    expect(over).toEqual({
      ok: false,
      error: { code: 'LIMIT_EXCEEDED', message: 'limit is 3 per shopper; you already hold or bought 2' },
    });
    // The refused reserve leaves the shopper's count as it was.
    expect(await f.redis.hget(f.store.keys.holdData('e', 'tee'), f.store.keys.buyerField('s1'))).toBe('2');
    expect(codeOf(await f.store.reserve(reserveOf('s2', 3, 'k1')))).toBe('ok');
    expect(codeOf(await f.store.reserve(reserveOf('s1', 5, 'k3', 'hat')))).toBe('ok');

    must(await f.store.commit({ eventId: 'e', holdIds: [first.hold.id], orderId: 'o1', idempotencyKey: 'c1' }));
    expect(codeOf(await f.store.reserve(reserveOf('s1', 2, 'k4')))).toBe('LIMIT_EXCEEDED');
    const last = must(await f.store.reserve(reserveOf('s1', 1, 'k5')));
    must(await f.store.release({ eventId: 'e', holdId: last.hold.id, idempotencyKey: 'r1' }));
    expect(codeOf(await f.store.reserve(reserveOf('s1', 1, 'k6')))).toBe('ok');

    await f.store.configureEvent('e', { limits: {} });
    expect(codeOf(await f.store.reserve(reserveOf('s1', 5, 'k7')))).toBe('ok');
  });

  it('replays the first result for the same key, even after the hold is gone', async () => {
    await f.liveEvent('e', { tee: 5 });
    const first = must(await f.store.reserve(reserveOf('s1', 2, 'k1')));
    must(await f.store.release({ eventId: 'e', holdId: first.hold.id, idempotencyKey: 'r1' }));
    const replay = await f.store.reserve(reserveOf('s1', 2, 'k1'));
    expect(replay).toEqual(first);
    expect((await f.store.snapshot('e'))[0]).toMatchObject({ available: 5, held: 0, version: 3 });
    expect(await readLedger(f.redis, f.store.keys, 'e')).toHaveLength(3);
  });

  it('is IDEMPOTENCY_CONFLICT for the same key with other parameters', async () => {
    await f.liveEvent('e', { tee: 5, hat: 5 });
    must(await f.store.reserve(reserveOf('s1', 2, 'k1')));
    expect(codeOf(await f.store.reserve(reserveOf('s1', 1, 'k1')))).toBe('IDEMPOTENCY_CONFLICT');
    expect(codeOf(await f.store.reserve(reserveOf('s1', 2, 'k1', 'hat')))).toBe('IDEMPOTENCY_CONFLICT');
    expect((await f.store.snapshot('e')).map((s) => s.held)).toEqual([0, 2]);
  });

  it('scopes keys to the shopper: reusing another shopper’s key never returns their hold', async () => {
    await f.liveEvent('e', { tee: 6 });
    const mine = must(await f.store.reserve(reserveOf('s1', 2, 'shared')));
    const theirs = must(await f.store.reserve(reserveOf('s2', 2, 'shared')));
    expect(theirs.hold.id).not.toBe(mine.hold.id);
    expect(theirs.hold.shopperId).toBe('s2');
    // Shopper ids may contain ':'; the separator between shopper and key cannot appear in either.
    const a = must(await f.store.reserve(reserveOf('x:y', 1, 'z')));
    const b = must(await f.store.reserve(reserveOf('x', 1, 'y:z')));
    expect(a.hold.id).not.toBe(b.hold.id);
  });

  it('rejects bad input without calling Redis', async () => {
    const sent = vi.spyOn(f.redis, 'sendCommand');
    const bad: unknown[] = [
      reserveOf('s1', 0, 'k'),
      reserveOf('s1', -2, 'k'),
      reserveOf('s1', 1.5, 'k'),
      reserveOf('s1', 1_000_001, 'k'),
      { ...reserveOf('s1', 1, 'k'), qty: '1' },
      reserveOf('', 1, 'k'),
      reserveOf('s|1', 1, 'k'),
      reserveOf('s1', 1, 'k|1'),
      reserveOf('s1', 1, 'k', 'a~b'),
      reserveOf('s1', 1, 'k', 'x'.repeat(65)),
      { ...reserveOf('s1', 1, 'k'), eventId: '' },
      { ...reserveOf('s1', 1, 'k'), admin: true },
      'reserve',
    ];
    for (const input of bad) {
      const result = await f.store.reserve(input as never);
      expect(codeOf(result)).toBe('INVALID_INPUT');
    }
    expect(sent).not.toHaveBeenCalled();
  });
});
