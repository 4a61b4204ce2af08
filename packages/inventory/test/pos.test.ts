import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerEntry } from '@liveshop/protocol';
import type { Redis } from 'ioredis';
import { invariantProblems, replayLedger } from './invariants.js';
import { seededRandom } from './prng.js';
import { codeOf, connect, createFixture, must, readLedger, type Fixture } from './redis.js';

const SEED = Number(process.env.INVENTORY_SEED ?? Math.floor(Math.random() * 2 ** 31));
let f: Fixture;
let n = 0;
const eventId = () => `pos${++n}`;

beforeAll(() => {
  f = createFixture();
});
afterAll(() => f.close());

const reserve = (event: string, sku: string, qty = 1, shopperId = `s${Math.random().toString(36).slice(2)}`) =>
  f.store.reserve({ eventId: event, sku, qty, shopperId, idempotencyKey: `k${Math.random().toString(36).slice(2)}` });
const stockOf = async (event: string, sku: string) => (await f.store.snapshot(event)).find((s) => s.sku === sku)!;

describe('POS counts in shared mode', () => {
  it('sells the on-hand summed over locations less the buffer, and ignores a count older than the last one applied', async () => {
    const ev = eventId();
    await f.liveEvent(ev, { TEE: 0 });
    await f.store.pos.configure(ev, { mode: 'shared', safetyBuffer: 2 });
    const a = must(
      await f.store.pos.applyCount({ eventId: ev, sku: 'TEE', locationId: 'L1', onHand: 10, occurredAt: 1000 }),
    );
    expect(a).toMatchObject({ applied: true, changed: true, onHand: 10, stock: { available: 8, allocated: 8 } });
    must(await f.store.pos.applyCount({ eventId: ev, sku: 'TEE', locationId: 'L2', onHand: 5, occurredAt: 900 }));
    expect(await stockOf(ev, 'TEE')).toMatchObject({ available: 13 });
    // Older than what L1 last had: ignored, nothing changes.
    const stale = must(
      await f.store.pos.applyCount({ eventId: ev, sku: 'TEE', locationId: 'L1', onHand: 50, occurredAt: 999 }),
    );
    expect(stale).toEqual({ ok: true, applied: false, stale: true, lastOccurredAt: 1000 });
    expect(await stockOf(ev, 'TEE')).toMatchObject({ available: 13 });
    // The same second applies (Shopify's updated_at has one-second resolution).
    must(await f.store.pos.applyCount({ eventId: ev, sku: 'TEE', locationId: 'L1', onHand: 9, occurredAt: 1000 }));
    expect(await stockOf(ev, 'TEE')).toMatchObject({ available: 12 });
    const ledger = await readLedger(f.redis, f.store.keys, ev);
    const pos = ledger.filter((e) => e.type === 'pos');
    expect(pos.map((e) => [e.qty, e.available, e.source])).toEqual([
      [10, 8, 'pos'],
      [15, 13, 'pos'],
      [14, 12, 'pos'],
    ]);
    expect(replayLedger(ledger).problems).toEqual([]);
  });

  it('keeps held and sold-not-yet-synced units out of what is left, and a synced sale moves on-hand instead', async () => {
    const ev = eventId();
    await f.liveEvent(ev, { TEE: 0 });
    await f.store.pos.configure(ev, { mode: 'shared', safetyBuffer: 0 });
    must(await f.store.pos.applyCount({ eventId: ev, sku: 'TEE', locationId: 'L1', onHand: 10, occurredAt: 1 }));
    const held = must(await reserve(ev, 'TEE', 3));
    must(await f.store.commit({ eventId: ev, holdIds: [held.hold.id], orderId: 'o1', idempotencyKey: 'c1' }));
    expect(await stockOf(ev, 'TEE')).toMatchObject({ available: 7, sold: 3 });
    // The counter sells 2; the POS does not know the live sale yet: 8 on hand, 3 of them sold live.
    must(await f.store.pos.applyCount({ eventId: ev, sku: 'TEE', locationId: 'L1', onHand: 8, occurredAt: 2 }));
    expect(await stockOf(ev, 'TEE')).toMatchObject({ available: 5 });
    // The outbox applies the live sale; the POS answers 5 on hand.
    must(await f.store.pos.applySynced({ eventId: ev, sku: 'TEE', locationId: 'L1', qty: 3, onHandAfter: 5, at: 3 }));
    expect(await stockOf(ev, 'TEE')).toMatchObject({ available: 5, sold: 3 });
    expect((await f.store.pos.read(ev, 'TEE')).synced).toBe(3);
    // Without a count in the answer, the on-hand drops by the units: still 5 left.
    const second = must(await reserve(ev, 'TEE', 1));
    must(await f.store.commit({ eventId: ev, holdIds: [second.hold.id], orderId: 'o2', idempotencyKey: 'c2' }));
    must(await f.store.pos.applySynced({ eventId: ev, sku: 'TEE', locationId: 'L1', qty: 1 }));
    expect(await stockOf(ev, 'TEE')).toMatchObject({ available: 4, sold: 4 });
    expect((await f.store.pos.read(ev, 'TEE')).onHand.get('L1')).toBe(4);
    expect(await invariantProblems(f.redis, f.store, ev)).toEqual([]);
  });

  it('a refund restocked live is kept from sale until the POS applies the restock (a negative synced), then sold again', async () => {
    const ev = eventId();
    await f.liveEvent(ev, { TEE: 0 });
    await f.store.pos.configure(ev, { mode: 'shared', safetyBuffer: 0 });
    must(await f.store.pos.applyCount({ eventId: ev, sku: 'TEE', locationId: 'L1', onHand: 10, occurredAt: 1 }));
    const held = must(await reserve(ev, 'TEE', 3, 'buyer1'));
    must(await f.store.commit({ eventId: ev, holdIds: [held.hold.id], orderId: 'o1', idempotencyKey: 'c1' }));
    must(await f.store.pos.applySynced({ eventId: ev, sku: 'TEE', locationId: 'L1', qty: 3 }));
    expect(await stockOf(ev, 'TEE')).toMatchObject({ available: 7, sold: 3 });
    // Two come back on a refund: live they are on sale again, until the next count says the POS
    // (7 on hand, told of 3 sold) does not have them yet.
    must(
      await f.store.restock({
        eventId: ev,
        orderId: 'o1',
        refundId: 'r1',
        lines: [{ sku: 'TEE', qty: 2, draws: [], shopperId: 'buyer1' }],
      }),
    );
    expect(await stockOf(ev, 'TEE')).toMatchObject({ available: 9, sold: 1 });
    must(await f.store.pos.recompute(ev, 'TEE'));
    expect(await stockOf(ev, 'TEE')).toMatchObject({ available: 7, sold: 1 });
    // The outbox applies the restock at the POS: 9 on hand, 1 sold told.
    must(await f.store.pos.applySynced({ eventId: ev, sku: 'TEE', locationId: 'L1', qty: -2 }));
    expect(await f.store.pos.read(ev, 'TEE')).toEqual({ onHand: new Map([['L1', 9]]), synced: 1 });
    expect(await stockOf(ev, 'TEE')).toMatchObject({ available: 9, sold: 1 });
    await expect(f.store.pos.applySynced({ eventId: ev, sku: 'TEE', locationId: 'L1', qty: 0 })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    expect(await invariantProblems(f.redis, f.store, ev)).toEqual([]);
  });

  it('never goes below zero when the POS reports a negative on-hand, and leaves a manual event alone', async () => {
    const ev = eventId();
    await f.liveEvent(ev, { TEE: 4 });
    must(await f.store.pos.applyCount({ eventId: ev, sku: 'TEE', locationId: 'L1', onHand: 0, occurredAt: 1 }));
    expect(await stockOf(ev, 'TEE')).toMatchObject({ available: 4, allocated: 4 });
    await f.store.pos.configure(ev, { mode: 'shared', safetyBuffer: 0 });
    must(await f.store.pos.applyCount({ eventId: ev, sku: 'TEE', locationId: 'L1', onHand: -3, occurredAt: 2 }));
    expect(await stockOf(ev, 'TEE')).toMatchObject({ available: 0, allocated: 0 });
    expect(codeOf(await reserve(ev, 'TEE'))).toBe('SOLD_OUT');
    expect(
      codeOf(await f.store.pos.applyCount({ eventId: ev, sku: 'NOPE', locationId: 'L1', onHand: 1, occurredAt: 3 })),
    ).toBe('NOT_FOUND');
  });
});

describe('POS counts in exclusive mode', () => {
  it('carves the allocation once and touches it only when the on-hand falls below what the event owes', async () => {
    const ev = eventId();
    await f.liveEvent(ev, { TEE: 0, MUG: 0 });
    await f.store.pos.configure(ev, { mode: 'exclusive', units: 20 });
    must(await f.store.pos.applyCount({ eventId: ev, sku: 'TEE', locationId: 'L1', onHand: 100, occurredAt: 1 }));
    expect(await stockOf(ev, 'TEE')).toMatchObject({ allocated: 20, available: 20 });
    const held = must(await reserve(ev, 'TEE', 4));
    for (const [i, onHand] of [80, 50, 24].entries()) {
      const r = must(
        await f.store.pos.applyCount({ eventId: ev, sku: 'TEE', locationId: 'L1', onHand, occurredAt: 2 + i }),
      );
      expect(r).toMatchObject({ changed: false, clamped: false });
    }
    expect(await stockOf(ev, 'TEE')).toMatchObject({ allocated: 20, available: 16, held: 4 });
    // 10 left in the shop, 4 of them held live: the event may sell 6 more.
    const clamp = must(
      await f.store.pos.applyCount({ eventId: ev, sku: 'TEE', locationId: 'L1', onHand: 10, occurredAt: 9 }),
    );
    expect(clamp).toMatchObject({ changed: true, clamped: true, stock: { available: 6, held: 4, allocated: 10 } });
    must(await f.store.commit({ eventId: ev, holdIds: [held.hold.id], orderId: 'o', idempotencyKey: 'c' }));
    // A count going back up does not grow the clamped allocation.
    must(await f.store.pos.applyCount({ eventId: ev, sku: 'TEE', locationId: 'L1', onHand: 60, occurredAt: 10 }));
    expect(await stockOf(ev, 'TEE')).toMatchObject({ allocated: 10, available: 6, sold: 4 });

    await f.store.pos.configure(ev, { mode: 'exclusive', percent: 25 });
    must(await f.store.pos.applyCount({ eventId: ev, sku: 'MUG', locationId: 'L1', onHand: 41, occurredAt: 1 }));
    expect(await stockOf(ev, 'MUG')).toMatchObject({ allocated: 10, available: 10 });
    expect(replayLedger(await readLedger(f.redis, f.store.keys, ev)).problems).toEqual([]);
  });
});

/**
 * Shoppers reserve, commit and release while the counter sells and its POS sends counts (some
 * delivered late, out of order). Checked on the ledger: every reserve leaves held + sold + buffer
 * within the on-hand the event last knew, i.e. the event never sells a unit the counter sold.
 */
describe(`counter sales during a live burst (seed ${SEED})`, () => {
  let workers: Redis[];
  beforeAll(() => {
    workers = Array.from({ length: 8 }, connect);
  });
  afterAll(() => Promise.all(workers.map((r) => r.quit())));

  it('shared: never lets the event sell units the counter already sold', async () => {
    const random = seededRandom(SEED);
    const ev = eventId();
    const BUFFER = 2;
    await f.liveEvent(ev, { TEE: 0 });
    await f.store.pos.configure(ev, { mode: 'shared', safetyBuffer: BUFFER });
    let truth = 120;
    let clock = 1_000;
    must(await f.store.pos.applyCount({ eventId: ev, sku: 'TEE', locationId: 'L1', onHand: 80, occurredAt: clock }));
    must(await f.store.pos.applyCount({ eventId: ev, sku: 'TEE', locationId: 'L2', onHand: 40, occurredAt: clock }));
    const onHand = new Map([
      ['L1', 80],
      ['L2', 40],
    ]);
    let done = false;
    const late: { location: string; value: number; at: number }[] = [];

    const counter = (async () => {
      while (truth > 0 && !done) {
        const location = random() < 0.5 ? 'L1' : 'L2';
        const sold = Math.min(onHand.get(location)!, 1 + Math.floor(random() * 3));
        if (sold === 0) continue;
        onHand.set(location, onHand.get(location)! - sold);
        truth -= sold;
        clock += 1 + Math.floor(random() * 3);
        const report = { location, value: onHand.get(location)!, at: clock };
        if (random() < 0.2) late.push(report);
        else
          must(
            await f.store.pos.applyCount({
              eventId: ev,
              sku: 'TEE',
              locationId: location,
              onHand: report.value,
              occurredAt: report.at,
            }),
          );
        // A late report arrives after newer ones: it must be ignored.
        if (late.length > 0 && random() < 0.3) {
          const old = late.shift()!;
          await f.store.pos.applyCount({
            eventId: ev,
            sku: 'TEE',
            locationId: old.location,
            onHand: old.value,
            occurredAt: old.at,
          });
        }
        await new Promise((r) => setTimeout(r, random() * 4));
      }
    })();

    const shoppers = workers.map(async (_, w) => {
      for (let i = 0; i < 40; i++) {
        const r = await reserve(ev, 'TEE', 1 + Math.floor(random() * 2), `w${w}-${i}`);
        if (r.ok) {
          if (random() < 0.7) {
            must(
              await f.store.commit({
                eventId: ev,
                holdIds: [r.hold.id],
                orderId: `o${w}-${i}`,
                idempotencyKey: `c${w}-${i}`,
              }),
            );
          } else {
            must(await f.store.release({ eventId: ev, holdId: r.hold.id, idempotencyKey: `r${w}-${i}` }));
          }
        } else expect(r.error.code).toBe('SOLD_OUT');
      }
    });
    await Promise.all(shoppers);
    done = true;
    await counter;

    const ledger = await readLedger(f.redis, f.store.keys, ev);
    expect(replayLedger(ledger).problems).toEqual([]);
    expect(await invariantProblems(f.redis, f.store, ev)).toEqual([]);
    let known: number | undefined;
    const violations: LedgerEntry[] = [];
    for (const e of ledger) {
      if (e.type === 'pos') known = e.qty;
      if (e.type === 'reserve' && (known === undefined || e.held + e.sold + BUFFER > known)) violations.push(e);
    }
    expect(violations).toEqual([]);
    const reserves = ledger.filter((e) => e.type === 'reserve').length;
    expect(reserves).toBeGreaterThan(0);
    // The final count: what is left to sell is exactly on-hand - buffer - live units, or 0.
    const final = await stockOf(ev, 'TEE');
    const lastKnown = ledger.filter((e) => e.type === 'pos').at(-1)!.qty;
    expect(final.available).toBe(Math.max(0, lastKnown - BUFFER - final.held - final.sold));
  });

  it('exclusive: counter sales never touch the allocation while the on-hand covers it', async () => {
    const random = seededRandom(SEED + 1);
    const ev = eventId();
    await f.liveEvent(ev, { TEE: 0 });
    await f.store.pos.configure(ev, { mode: 'exclusive', units: 30 });
    let onHand = 200;
    let clock = 1;
    must(await f.store.pos.applyCount({ eventId: ev, sku: 'TEE', locationId: 'L1', onHand, occurredAt: clock }));
    let liveSold = 0;
    const counter = (async () => {
      // The counter sells down to 30 + what the event sold live (the POS is told of live sales).
      for (let i = 0; i < 60; i++) {
        const floor = 30;
        const sold = Math.min(onHand - floor - liveSold, 1 + Math.floor(random() * 4));
        if (sold <= 0) break;
        onHand -= sold;
        clock += 1;
        must(
          await f.store.pos.applyCount({
            eventId: ev,
            sku: 'TEE',
            locationId: 'L1',
            onHand: onHand - liveSold,
            occurredAt: clock,
          }),
        );
        await new Promise((r) => setTimeout(r, random() * 3));
      }
    })();
    const shoppers = workers.map(async (_, w) => {
      for (let i = 0; i < 10; i++) {
        const r = await reserve(ev, 'TEE', 1, `x${w}-${i}`);
        if (!r.ok) continue;
        must(
          await f.store.commit({
            eventId: ev,
            holdIds: [r.hold.id],
            orderId: `p${w}-${i}`,
            idempotencyKey: `d${w}-${i}`,
          }),
        );
        liveSold += 1;
      }
    });
    await Promise.all([counter, ...shoppers]);
    const ledger = await readLedger(f.redis, f.store.keys, ev);
    const pos = ledger.filter((e) => e.type === 'pos');
    // Only the carve moved stock; the allocation stayed 30 throughout.
    expect(pos).toHaveLength(1);
    expect(ledger.slice(ledger.indexOf(pos[0]!)).every((e) => e.allocated === 30)).toBe(true);
    const final = await stockOf(ev, 'TEE');
    expect(final.allocated).toBe(30);
    expect(final.sold + final.available + final.held).toBe(30);
  });
});
