import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Hold } from '@liveshop/protocol';
import { codeOf, createFixture, must, readLedger, type Fixture } from './redis.js';

describe('commit', () => {
  let f: Fixture;
  let holds: Hold[];
  beforeEach(async () => {
    f = createFixture();
    await f.liveEvent('e', { tee: 10, hat: 10 });
    holds = [];
    for (const [i, sku] of ['tee', 'hat', 'tee'].entries()) {
      const input = { eventId: 'e', sku, qty: i + 1, shopperId: 's1', idempotencyKey: `k${i}` };
      holds.push(must(await f.store.reserve(input)).hold);
    }
  });
  afterEach(() => f.close());

  it('moves every hold from held to sold, one ledger entry each with the order id', async () => {
    const ids = holds.map((h) => h.id);
    const result = await f.store.commit({ eventId: 'e', holdIds: ids, orderId: 'o1', idempotencyKey: 'c1' });
    expect(result).toEqual({
      ok: true,
      orderId: 'o1',
      items: [
        { holdId: ids[0], sku: 'tee', qty: 1, available: 6, version: 4, generation: 0, draws: [] },
        { holdId: ids[1], sku: 'hat', qty: 2, available: 8, version: 3, generation: 0, draws: [] },
        { holdId: ids[2], sku: 'tee', qty: 3, available: 6, version: 5, generation: 0, draws: [] },
      ],
    });
    expect(await f.store.snapshot('e')).toEqual([
      { sku: 'hat', allocated: 10, available: 8, held: 0, sold: 2, version: 3, generation: 0 },
      { sku: 'tee', allocated: 10, available: 6, held: 0, sold: 4, version: 5, generation: 0 },
    ]);
    expect(await f.store.listShopperHolds('e', 's1')).toEqual([]);
    const commits = (await readLedger(f.redis, f.store.keys, 'e')).filter((e) => e.type === 'commit');
    expect(commits.map((e) => [e.sku, e.qty, e.holdId, e.orderId, e.source, e.shopperId])).toEqual([
      ['tee', 1, ids[0], 'o1', 'checkout', 's1'],
      ['hat', 2, ids[1], 'o1', 'checkout', 's1'],
      ['tee', 3, ids[2], 'o1', 'checkout', 's1'],
    ]);
  });

  it('changes nothing when one hold is missing', async () => {
    must(await f.store.release({ eventId: 'e', holdId: holds[1]!.id, idempotencyKey: 'r1' }));
    const before = await f.store.snapshot('e');
    const ledgerBefore = await readLedger(f.redis, f.store.keys, 'e');
    const result = await f.store.commit({
      eventId: 'e',
      holdIds: holds.map((h) => h.id),
      orderId: 'o1',
      idempotencyKey: 'c1',
    });
    expect(result).toEqual({
      ok: false,
      error: { code: 'HOLD_NOT_FOUND', message: `hold ${holds[1]!.id} not found` },
    });
    expect(await f.store.snapshot('e')).toEqual(before);
    expect(await readLedger(f.redis, f.store.keys, 'e')).toEqual(ledgerBefore);
    expect(await f.store.getHold('e', holds[0]!.id)).toEqual(holds[0]);
    // The key was not used up by the failure.
    const retry = await f.store.commit({
      eventId: 'e',
      holdIds: [holds[0]!.id, holds[2]!.id],
      orderId: 'o1',
      idempotencyKey: 'c1',
    });
    expect(codeOf(retry)).toBe('ok');
  });

  it('replays by key (hold order aside) and refuses the key with another order or holds', async () => {
    const ids = holds.map((h) => h.id);
    const first = await f.store.commit({ eventId: 'e', holdIds: ids, orderId: 'o1', idempotencyKey: 'c1' });
    const replay = await f.store.commit({ eventId: 'e', holdIds: ids, orderId: 'o1', idempotencyKey: 'c1' });
    expect(replay).toEqual(first);
    const reordered = await f.store.commit({
      eventId: 'e',
      holdIds: [...ids].reverse(),
      orderId: 'o1',
      idempotencyKey: 'c1',
    });
    expect(reordered).toEqual(first);
    expect(codeOf(await f.store.commit({ eventId: 'e', holdIds: ids, orderId: 'o2', idempotencyKey: 'c1' }))).toBe(
      'IDEMPOTENCY_CONFLICT',
    );
    expect(
      codeOf(await f.store.commit({ eventId: 'e', holdIds: ids.slice(1), orderId: 'o1', idempotencyKey: 'c1' })),
    ).toBe('IDEMPOTENCY_CONFLICT');
    expect((await readLedger(f.redis, f.store.keys, 'e')).filter((e) => e.type === 'commit')).toHaveLength(3);
    // A committed hold cannot be committed again under a new key.
    expect(codeOf(await f.store.commit({ eventId: 'e', holdIds: ids, orderId: 'o1', idempotencyKey: 'c2' }))).toBe(
      'HOLD_NOT_FOUND',
    );
  });

  it('does not find holds of another event', async () => {
    await f.liveEvent('other', { tee: 10 });
    const result = await f.store.commit({
      eventId: 'other',
      holdIds: [holds[0]!.id],
      orderId: 'o',
      idempotencyKey: 'c',
    });
    expect(codeOf(result)).toBe('HOLD_NOT_FOUND');
  });

  it('rejects bad input, including a hold listed twice, without calling Redis', async () => {
    const sent = vi.spyOn(f.redis, 'sendCommand');
    const id = holds[0]!.id;
    const bad: unknown[] = [
      { eventId: 'e', holdIds: [], orderId: 'o', idempotencyKey: 'c' },
      { eventId: 'e', holdIds: [id, id], orderId: 'o', idempotencyKey: 'c' },
      { eventId: 'e', holdIds: Array.from({ length: 51 }, (_, i) => `h${i}~tee`), orderId: 'o', idempotencyKey: 'c' },
      { eventId: 'e', holdIds: [id], orderId: '', idempotencyKey: 'c' },
      { eventId: 'e', holdIds: [id], orderId: 'o' },
      { eventId: 'e', holdIds: id, orderId: 'o', idempotencyKey: 'c' },
    ];
    for (const input of bad) expect(codeOf(await f.store.commit(input as never))).toBe('INVALID_INPUT');
    expect(sent).not.toHaveBeenCalled();
  });
});
