import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LedgerGroupReader } from '@liveshop/inventory';
import { createFixture, must, type Fixture } from './redis.js';

describe('ledger group reader', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = createFixture();
    await f.liveEvent('a', { tee: 10 });
    await f.liveEvent('b', { cap: 5 });
  });
  afterEach(() => f.close());

  const reader = (consumer: string) => new LedgerGroupReader(f.redis, f.store.keys, 'g', consumer);
  const reserve = async (eventId: string, sku: string, key: string) =>
    must(await f.store.reserve({ eventId, sku, qty: 1, shopperId: 's', idempotencyKey: key }));
  const pendingCount = async (eventId: string) =>
    ((await f.redis.xpending(f.store.keys.ledger(eventId), 'g')) as [number])[0];

  it('reads each event from the start of its ledger, and gives what was read and not acknowledged back', async () => {
    const first = reader('one');
    await first.ensureGroup('a');
    await first.ensureGroup('b');
    await reserve('a', 'tee', 'k1');

    const read = await first.read(['a', 'b']);
    expect(read.get('a')?.map((entry) => entry.type)).toEqual(['allocate', 'reserve']);
    expect(read.get('b')?.map((entry) => entry.type)).toEqual(['allocate']);
    expect(await first.read(['a', 'b'])).toEqual(new Map());

    // Not acknowledged: delivered again to the same consumer as pending, never as new.
    expect((await first.read(['a'], { pending: true })).get('a')).toEqual(read.get('a'));
    await first.ack(
      'a',
      read.get('a')!.map((entry) => entry.id),
    );
    expect((await first.read(['a'], { pending: true })).get('a')).toEqual([]);
    expect(await pendingCount('a')).toBe(0);
  });

  it("takes over another consumer's entries once they have been idle long enough", async () => {
    const dead = reader('dead');
    const alive = reader('alive');
    await dead.ensureGroup('a');
    await reserve('a', 'tee', 'k1');
    const delivered = (await dead.read(['a'])).get('a')!;
    expect(delivered.map((entry) => entry.type)).toEqual(['allocate', 'reserve']);

    expect(await alive.claim('a', 60_000)).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const claimed = await alive.claim('a', 10);
    expect(claimed).toEqual(delivered);
    // Now the taker's: its pending read lists them, the first consumer's does not.
    expect((await alive.read(['a'], { pending: true })).get('a')).toEqual(delivered);
    expect((await dead.read(['a'], { pending: true })).get('a')).toEqual([]);
    await alive.ack(
      'a',
      claimed.map((entry) => entry.id),
    );
    expect(await pendingCount('a')).toBe(0);
  });

  it('drops entries trimmed from the ledger instead of decoding them', async () => {
    const dead = reader('dead');
    const alive = reader('alive');
    await dead.ensureGroup('a');
    await reserve('a', 'tee', 'k1');
    expect((await dead.read(['a'])).get('a')).toHaveLength(2);
    await f.redis.xtrim(f.store.keys.ledger('a'), 'MAXLEN', 0);
    await new Promise((resolve) => setTimeout(resolve, 20));

    expect(await alive.claim('a', 10)).toEqual([]);
    expect(await pendingCount('a')).toBe(0);
  });
});
