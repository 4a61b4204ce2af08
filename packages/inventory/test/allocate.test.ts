import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { codeOf, createFixture, must, readLedger, type Fixture } from './redis.js';

describe('allocate', () => {
  let f: Fixture;
  beforeEach(() => {
    f = createFixture();
  });
  afterEach(() => f.close());

  it('creates a SKU, then raises and lowers its allocation', async () => {
    const created = must(await f.store.allocate({ eventId: 'e', sku: 'mug', units: 10 }));
    expect(created.stock).toEqual({
      sku: 'mug',
      allocated: 10,
      available: 10,
      held: 0,
      sold: 0,
      version: 1,
      generation: 0,
    });
    await f.store.configureEvent('e', { status: 'live' });
    must(await f.store.reserve({ eventId: 'e', sku: 'mug', qty: 4, shopperId: 's', idempotencyKey: 'k' }));

    const raised = must(await f.store.allocate({ eventId: 'e', sku: 'mug', units: 15, source: 'host' }));
    expect(raised.stock).toEqual({
      sku: 'mug',
      allocated: 15,
      available: 11,
      held: 4,
      sold: 0,
      version: 3,
      generation: 0,
    });
    const lowered = must(await f.store.allocate({ eventId: 'e', sku: 'mug', units: 4 }));
    expect(lowered.stock).toEqual({
      sku: 'mug',
      allocated: 4,
      available: 0,
      held: 4,
      sold: 0,
      version: 4,
      generation: 0,
    });

    const ledger = await readLedger(f.redis, f.store.keys, 'e');
    expect(ledger.map((e) => [e.type, e.qty, e.availableBefore, e.available, e.source])).toEqual([
      ['allocate', 10, 0, 10, 'admin'],
      ['reserve', 4, 10, 6, 'shop'],
      ['allocate', 15, 6, 11, 'host'],
      ['allocate', 4, 11, 0, 'admin'],
    ]);
  });

  it('refuses to go below held + sold and changes nothing', async () => {
    await f.liveEvent('e', { mug: 10 });
    const hold = must(await f.store.reserve({ eventId: 'e', sku: 'mug', qty: 3, shopperId: 's', idempotencyKey: 'k' }));
    must(await f.store.commit({ eventId: 'e', holdIds: [hold.hold.id], orderId: 'o', idempotencyKey: 'c' }));
    must(await f.store.reserve({ eventId: 'e', sku: 'mug', qty: 2, shopperId: 's', idempotencyKey: 'k2' }));
    const before = await f.store.snapshot('e');
    const ledgerBefore = await readLedger(f.redis, f.store.keys, 'e');

    const refused = await f.store.allocate({ eventId: 'e', sku: 'mug', units: 4 });
    expect(refused).toEqual({
      ok: false,
      error: {
        code: 'ALLOCATION_BELOW_COMMITTED',
        message: 'allocation cannot go below held + sold (2 held, 3 sold)',
      },
    });
    expect(await f.store.snapshot('e')).toEqual(before);
    expect(await readLedger(f.redis, f.store.keys, 'e')).toEqual(ledgerBefore);
    expect(codeOf(await f.store.allocate({ eventId: 'e', sku: 'mug', units: 5 }))).toBe('ok');
  });

  it('leaves version and ledger alone when the allocation does not change', async () => {
    await f.liveEvent('e', { mug: 10 });
    const same = must(await f.store.allocate({ eventId: 'e', sku: 'mug', units: 10 }));
    expect(same.stock.version).toBe(1);
    expect(await readLedger(f.redis, f.store.keys, 'e')).toHaveLength(1);
  });

  it('replays by idempotency key and refuses the key with other parameters', async () => {
    const first = must(await f.store.allocate({ eventId: 'e', sku: 'mug', units: 10, idempotencyKey: 'a1' }));
    must(await f.store.allocate({ eventId: 'e', sku: 'mug', units: 12 }));
    const replay = await f.store.allocate({ eventId: 'e', sku: 'mug', units: 10, idempotencyKey: 'a1' });
    expect(replay).toEqual(first);
    expect((await f.store.snapshot('e'))[0]?.allocated).toBe(12);
    const conflict = await f.store.allocate({ eventId: 'e', sku: 'mug', units: 11, idempotencyKey: 'a1' });
    expect(codeOf(conflict)).toBe('IDEMPOTENCY_CONFLICT');
    expect(await readLedger(f.redis, f.store.keys, 'e')).toHaveLength(2);
  });

  it('rejects bad input without calling Redis', async () => {
    const sent = vi.spyOn(f.redis, 'sendCommand');
    const bad: unknown[] = [
      { eventId: 'e', sku: 'mug', units: -1 },
      { eventId: 'e', sku: 'mug', units: 1.5 },
      { eventId: 'e', sku: 'mug', units: 1_000_001 },
      { eventId: 'e', sku: 'bad sku', units: 1 },
      { eventId: 'e{x}', sku: 'mug', units: 1 },
      { eventId: 'e', sku: 'mug', units: 1, extra: true },
      { eventId: 'e', sku: 'mug', units: 1, source: 'nobody' },
      null,
    ];
    for (const input of bad) {
      // Deliberately untyped: callers on the wire send anything.
      const result = await f.store.allocate(input as never);
      expect(codeOf(result)).toBe('INVALID_INPUT');
    }
    expect(sent).not.toHaveBeenCalled();
  });
});
