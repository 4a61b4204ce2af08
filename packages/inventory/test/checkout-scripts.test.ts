import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { codeOf, createFixture, must, readLedger, type Fixture } from './redis.js';
import { invariantProblems, replayLedger } from './invariants.js';

const checkInvariants = async (f: Fixture, eventId: string) => {
  expect(await invariantProblems(f.redis, f.store, eventId)).toEqual([]);
  expect(replayLedger(await readLedger(f.redis, f.store.keys, eventId)).problems).toEqual([]);
};

const reserve = (f: Fixture, sku: string, shopperId: string, key: string, qty = 1) =>
  f.store.reserve({ eventId: 'e', sku, qty, shopperId, idempotencyKey: key }).then(must);

describe('commit ownership and the order index', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = createFixture();
    await f.liveEvent('e', { tee: 5 });
  });
  afterEach(() => f.close());

  it("refuses another shopper's hold as not found, and changes nothing", async () => {
    const { hold } = await reserve(f, 'tee', 's1', 'k1');
    const before = await f.store.snapshot('e');
    const stolen = await f.store.commit({
      eventId: 'e',
      holdIds: [hold.id],
      orderId: 'o1',
      idempotencyKey: 'o1',
      shopperId: 's2',
    });
    expect(codeOf(stolen)).toBe('HOLD_NOT_FOUND');
    expect(await f.store.snapshot('e')).toEqual(before);
    expect(await f.store.findCommit('e', 'o1')).toBeNull();
    must(
      await f.store.commit({ eventId: 'e', holdIds: [hold.id], orderId: 'o1', idempotencyKey: 'o1', shopperId: 's1' }),
    );
    expect(await f.store.findCommit('e', 'o1')).toMatchObject({ orderId: 'o1', items: [{ holdId: hold.id, qty: 1 }] });
    expect(await f.store.findCommit('e', 'o2')).toBeNull();
  });
});

describe('extendHolds', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = createFixture();
    await f.liveEvent('e', { tee: 5 }, { holdTtlSeconds: 60 });
  });
  afterEach(() => f.close());

  it('moves the expiry to the payment window, capped past the first expiry, in every index', async () => {
    const { hold } = await reserve(f, 'tee', 's1', 'k1');
    const first = await f.store.extendHolds({
      eventId: 'e',
      shopperId: 's1',
      holdIds: [hold.id],
      windowMs: 200_000,
      capMs: 45_000,
    });
    const extended = must(first);
    // Capped: never more than 45 s past the expiry before the first extension.
    expect(extended.deadline).toBe(hold.expiresAt + 45_000);
    expect((await f.store.getHold('e', hold.id))?.expiresAt).toBe(extended.deadline);
    expect((await f.store.listShopperHolds('e', 's1')).map((h) => h.expiresAt)).toEqual([extended.deadline]);
    expect(Number(await f.redis.zscore(f.store.keys.holdExpiry('e', 'tee'), hold.id))).toBe(extended.deadline);
    // A second extension cannot pass the cap.
    const again = must(
      await f.store.extendHolds({
        eventId: 'e',
        shopperId: 's1',
        holdIds: [hold.id],
        windowMs: 500_000,
        capMs: 45_000,
      }),
    );
    expect(again.deadline).toBe(extended.deadline);
    // No stock moved, no ledger entry.
    expect((await readLedger(f.redis, f.store.keys, 'e')).map((e) => e.type)).toEqual(['allocate', 'reserve']);
    // Committed, the hold's extension record goes with it.
    must(await f.store.commit({ eventId: 'e', holdIds: [hold.id], orderId: 'o', idempotencyKey: 'o' }));
    expect(await f.redis.hkeys(f.store.keys.holdData('e', 'tee'))).toEqual(['b:s1']);
  });

  it("refuses another shopper's hold and a released one, all or nothing", async () => {
    const mine = (await reserve(f, 'tee', 's1', 'k1')).hold;
    const theirs = (await reserve(f, 'tee', 's2', 'k2')).hold;
    const refused = await f.store.extendHolds({
      eventId: 'e',
      shopperId: 's1',
      holdIds: [mine.id, theirs.id],
      windowMs: 90_000,
      capMs: 90_000,
    });
    expect(codeOf(refused)).toBe('HOLD_NOT_FOUND');
    expect((await f.store.getHold('e', mine.id))?.expiresAt).toBe(mine.expiresAt);
    must(await f.store.release({ eventId: 'e', holdId: mine.id, idempotencyKey: 'r' }));
    expect(
      codeOf(await f.store.extendHolds({ eventId: 'e', shopperId: 's1', holdIds: [mine.id], windowMs: 1, capMs: 1 })),
    ).toBe('HOLD_NOT_FOUND');
  });
});

describe('locations', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = createFixture();
    await f.liveEvent('e', { tee: 0 });
  });
  afterEach(() => f.close());

  it('pools location units into the allocation viewers see', async () => {
    must(await f.store.allocateAt({ eventId: 'e', sku: 'tee', locationId: 'paris', units: 2 }));
    const last = must(await f.store.allocateAt({ eventId: 'e', sku: 'tee', locationId: 'lyon', units: 3 }));
    expect(last.stock).toMatchObject({ allocated: 5, available: 5 });
    must(await f.store.allocateAt({ eventId: 'e', sku: 'tee', locationId: 'lyon', units: 1 }));
    expect((await f.store.snapshot('e'))[0]).toMatchObject({ allocated: 3, available: 3 });
    expect(Object.fromEntries(await f.store.locationStock('e', 'tee'))).toEqual({
      paris: { allocated: 2, sold: 0 },
      lyon: { allocated: 1, sold: 0 },
    });
  });

  it('commits a pickup against that location only, and refuses one that lacks the units', async () => {
    must(await f.store.allocateAt({ eventId: 'e', sku: 'tee', locationId: 'paris', units: 1 }));
    must(await f.store.allocateAt({ eventId: 'e', sku: 'tee', locationId: 'lyon', units: 1 }));
    const a = (await reserve(f, 'tee', 's1', 'k1')).hold;
    const b = (await reserve(f, 'tee', 's2', 'k2')).hold;
    const [first, second] = await Promise.all([
      f.store.commit({ eventId: 'e', holdIds: [a.id], orderId: 'oa', idempotencyKey: 'oa', pickupLocationId: 'paris' }),
      f.store.commit({ eventId: 'e', holdIds: [b.id], orderId: 'ob', idempotencyKey: 'ob', pickupLocationId: 'paris' }),
    ]);
    expect([codeOf(first), codeOf(second)].sort()).toEqual(['NOT_AVAILABLE_AT_LOCATION', 'ok']);
    const won = first.ok ? first : second.ok ? second : undefined;
    expect(won?.items[0]?.draws).toEqual([{ locationId: 'paris', qty: 1 }]);
    // The refused hold is kept; shipping draws it from Lyon.
    const loser = first.ok ? b : a;
    const shipped = must(
      await f.store.commit({
        eventId: 'e',
        holdIds: [loser.id],
        orderId: 'oc',
        idempotencyKey: 'oc',
        shipFrom: ['lyon'],
      }),
    );
    expect(shipped.items[0]?.draws).toEqual([{ locationId: 'lyon', qty: 1 }]);
    expect(Object.fromEntries(await f.store.locationStock('e', 'tee'))).toEqual({
      paris: { allocated: 1, sold: 1 },
      lyon: { allocated: 1, sold: 1 },
    });
    await checkInvariants(f, 'e');
  });

  it('ships from the unlocated pool first, then the locations in the order given', async () => {
    must(await f.store.allocate({ eventId: 'e', sku: 'tee', units: 1 }));
    must(await f.store.allocateAt({ eventId: 'e', sku: 'tee', locationId: 'a', units: 1 }));
    must(await f.store.allocateAt({ eventId: 'e', sku: 'tee', locationId: 'b', units: 2 }));
    const hold = (await reserve(f, 'tee', 's1', 'k1', 3)).hold;
    const done = must(
      await f.store.commit({
        eventId: 'e',
        holdIds: [hold.id],
        orderId: 'o',
        idempotencyKey: 'o',
        shipFrom: ['b', 'a'],
      }),
    );
    expect(done.items[0]?.draws).toEqual([
      { locationId: '', qty: 1 },
      { locationId: 'b', qty: 2 },
    ]);
  });

  it('restocks a refund to where the units came from, with a refund ledger entry, once per refund id', async () => {
    must(await f.store.allocateAt({ eventId: 'e', sku: 'tee', locationId: 'paris', units: 2 }));
    const hold = (await reserve(f, 'tee', 's1', 'k1', 2)).hold;
    const done = must(
      await f.store.commit({
        eventId: 'e',
        holdIds: [hold.id],
        orderId: 'o1',
        idempotencyKey: 'o1',
        pickupLocationId: 'paris',
      }),
    );
    const lines = [{ sku: 'tee', qty: 1, draws: [{ locationId: 'paris', qty: 1 }], shopperId: 's1' }];
    const first = must(await f.store.restock({ eventId: 'e', orderId: 'o1', refundId: 'r1', lines }));
    expect(first.items[0]).toMatchObject({ sku: 'tee', available: 1 });
    expect(await f.store.restock({ eventId: 'e', orderId: 'o1', refundId: 'r1', lines })).toEqual(first);
    expect((await f.store.snapshot('e'))[0]).toMatchObject({ allocated: 2, available: 1, held: 0, sold: 1 });
    expect((await f.store.locationStock('e', 'tee')).get('paris')).toEqual({ allocated: 2, sold: 1 });
    const refunds = (await readLedger(f.redis, f.store.keys, 'e')).filter((e) => e.type === 'refund');
    expect(refunds.map((e) => [e.sku, e.qty, e.orderId, e.available])).toEqual([['tee', 1, 'o1', 1]]);
    expect(done.items[0]?.qty).toBe(2);
    // More than was sold changes nothing.
    const tooMany = await f.store.restock({
      eventId: 'e',
      orderId: 'o1',
      refundId: 'r2',
      lines: [{ sku: 'tee', qty: 5, draws: [] }],
    });
    expect(codeOf(tooMany)).toBe('CONFLICT');
    await checkInvariants(f, 'e');
  });

  it('refuses a location below what it sold', async () => {
    must(await f.store.allocateAt({ eventId: 'e', sku: 'tee', locationId: 'paris', units: 1 }));
    const hold = (await reserve(f, 'tee', 's1', 'k1')).hold;
    must(
      await f.store.commit({
        eventId: 'e',
        holdIds: [hold.id],
        orderId: 'o',
        idempotencyKey: 'o',
        pickupLocationId: 'paris',
      }),
    );
    expect(codeOf(await f.store.allocateAt({ eventId: 'e', sku: 'tee', locationId: 'paris', units: 0 }))).toBe(
      'ALLOCATION_BELOW_COMMITTED',
    );
  });
});
