import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InventoryStore } from '@liveshop/inventory';
import { Redis } from 'ioredis';
import { invariantProblems } from './invariants.js';
import { codeOf, createFixture, REDIS_URL, type Fixture } from './redis.js';

describe('reserve writes batched per event-loop turn', () => {
  let f: Fixture;
  let plain: Redis;
  beforeEach(async () => {
    f = createFixture();
    await f.liveEvent('e', { tee: 150 });
    plain = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    await plain.ping();
  });
  afterEach(async () => {
    await plain.quit();
    await f.close();
  });

  it('holds one turn of reserves in the socket and answers each of them', async () => {
    const store = new InventoryStore(plain, { prefix: f.prefix });
    const pending = Array.from({ length: 200 }, (_, i) =>
      store.reserve({ eventId: 'e', sku: 'tee', qty: 1, shopperId: `s${i}`, idempotencyKey: 'k' }),
    );
    expect(plain.stream.writableCorked).toBe(1);
    const codes = (await Promise.all(pending)).map(codeOf);
    expect(plain.stream.writableCorked).toBe(0);
    expect(codes.filter((c) => c === 'ok')).toHaveLength(150);
    expect(codes.filter((c) => c === 'SOLD_OUT')).toHaveLength(50);
    expect(await invariantProblems(f.redis, f.store, 'e')).toEqual([]);
  });

  it('writes at once when turned off', async () => {
    const store = new InventoryStore(plain, { prefix: f.prefix, batchReserveWrites: false });
    const pending = store.reserve({ eventId: 'e', sku: 'tee', qty: 1, shopperId: 's', idempotencyKey: 'k' });
    expect(plain.stream.writableCorked).toBe(0);
    expect(codeOf(await pending)).toBe('ok');
  });
});
