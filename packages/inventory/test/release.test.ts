import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { codeOf, createFixture, must, readLedger, type Fixture } from './redis.js';

describe('release', () => {
  let f: Fixture;
  beforeEach(() => {
    f = createFixture();
  });
  afterEach(() => f.close());

  async function holdOf(shopperId: string, qty: number, key: string, ttl = 300) {
    await f.liveEvent('e', { tee: 10 }, { holdTtlSeconds: ttl, limits: { tee: 5 } });
    return must(await f.store.reserve({ eventId: 'e', sku: 'tee', qty, shopperId, idempotencyKey: key })).hold;
  }

  it('returns the units and the shopper’s allowance, with a ledger entry', async () => {
    const hold = await holdOf('s1', 5, 'k1');
    const released = await f.store.release({ eventId: 'e', holdId: hold.id, shopperId: 's1', idempotencyKey: 'r1' });
    expect(released).toEqual({
      ok: true,
      holdId: hold.id,
      sku: 'tee',
      qty: 5,
      available: 10,
      version: 3,
      generation: 0,
    });
    expect(await f.store.getHold('e', hold.id)).toBeNull();
    expect(await f.store.listShopperHolds('e', 's1')).toEqual([]);
    expect(
      codeOf(await f.store.reserve({ eventId: 'e', sku: 'tee', qty: 5, shopperId: 's1', idempotencyKey: 'k2' })),
    ).toBe('ok');
    const ledger = await readLedger(f.redis, f.store.keys, 'e');
    expect(ledger[2]).toMatchObject({
      type: 'release',
      qty: 5,
      availableBefore: 5,
      available: 10,
      held: 0,
      holdId: hold.id,
      shopperId: 's1',
      source: 'shop',
      version: 3,
    });
  });

  it('is HOLD_NOT_FOUND for an unknown or already released hold', async () => {
    const hold = await holdOf('s1', 1, 'k1');
    expect(codeOf(await f.store.release({ eventId: 'e', holdId: 'hzzzz~tee', idempotencyKey: 'r1' }))).toBe(
      'HOLD_NOT_FOUND',
    );
    expect(codeOf(await f.store.release({ eventId: 'e', holdId: `${hold.id}x`, idempotencyKey: 'r1' }))).toBe(
      'HOLD_NOT_FOUND',
    );
    must(await f.store.release({ eventId: 'e', holdId: hold.id, idempotencyKey: 'r2' }));
    expect(codeOf(await f.store.release({ eventId: 'e', holdId: hold.id, idempotencyKey: 'r3' }))).toBe(
      'HOLD_NOT_FOUND',
    );
    expect(codeOf(await f.store.release({ eventId: 'other', holdId: hold.id, idempotencyKey: 'r4' }))).toBe(
      'HOLD_NOT_FOUND',
    );
  });

  it('is FORBIDDEN for another shopper’s hold, changing nothing', async () => {
    const hold = await holdOf('s1', 2, 'k1');
    const before = await f.store.snapshot('e');
    const result = await f.store.release({ eventId: 'e', holdId: hold.id, shopperId: 's2', idempotencyKey: 'r1' });
    expect(codeOf(result)).toBe('FORBIDDEN');
    expect(await f.store.snapshot('e')).toEqual(before);
    expect(await f.store.getHold('e', hold.id)).toEqual(hold);
  });

  it('is HOLD_EXPIRED for a lapsed hold, whose units are back', async () => {
    const hold = await holdOf('s1', 2, 'k1', 0.05);
    await new Promise((resolve) => setTimeout(resolve, 80));
    const result = await f.store.release({ eventId: 'e', holdId: hold.id, shopperId: 's1', idempotencyKey: 'r1' });
    expect(codeOf(result)).toBe('HOLD_EXPIRED');
    expect((await f.store.snapshot('e'))[0]).toMatchObject({ available: 10, held: 0, version: 3 });
    expect((await readLedger(f.redis, f.store.keys, 'e')).at(-1)).toMatchObject({ type: 'expire', holdId: hold.id });
    // Once reclaimed the hold is gone, and still reported as expired rather than unknown.
    expect(codeOf(await f.store.release({ eventId: 'e', holdId: hold.id, idempotencyKey: 'r2' }))).toBe('HOLD_EXPIRED');
  });

  it('replays by key and refuses the key for another hold', async () => {
    const a = await holdOf('s1', 1, 'k1');
    const b = must(await f.store.reserve({ eventId: 'e', sku: 'tee', qty: 1, shopperId: 's1', idempotencyKey: 'k2' }));
    const first = await f.store.release({ eventId: 'e', holdId: a.id, shopperId: 's1', idempotencyKey: 'r1' });
    const replay = await f.store.release({ eventId: 'e', holdId: a.id, shopperId: 's1', idempotencyKey: 'r1' });
    expect(replay).toEqual(first);
    const conflict = await f.store.release({ eventId: 'e', holdId: b.hold.id, shopperId: 's1', idempotencyKey: 'r1' });
    expect(codeOf(conflict)).toBe('IDEMPOTENCY_CONFLICT');
    expect((await f.store.snapshot('e'))[0]).toMatchObject({ available: 9, held: 1 });
    expect(await readLedger(f.redis, f.store.keys, 'e')).toHaveLength(4);
  });

  it('rejects bad input without calling Redis', async () => {
    const sent = vi.spyOn(f.redis, 'sendCommand');
    const bad: unknown[] = [
      { eventId: 'e', holdId: 'x1~tee', idempotencyKey: 'r' },
      { eventId: 'e', holdId: 'h1', idempotencyKey: 'r' },
      { eventId: 'e', holdId: 'hA1~tee', idempotencyKey: 'r' },
      { eventId: 'e', holdId: 'h1~tee', idempotencyKey: '' },
      { eventId: 'e', holdId: 'h1~tee', idempotencyKey: 'r', shopperId: 'a b' },
      { eventId: 'e', holdId: 'h1~tee' },
    ];
    for (const input of bad) expect(codeOf(await f.store.release(input as never))).toBe('INVALID_INPUT');
    expect(sent).not.toHaveBeenCalled();
  });
});
