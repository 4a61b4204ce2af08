/**
 * What the raw script rate runs: `redis-benchmark` EVALSHA of the very reserve script `InventoryStore` runs
 * (`scripts.reserve.lua`), with the keys and arguments it sends, captured from a real call;
 * `__rand_int__` makes every call a new shopper and idempotency key, as in the API run.
 */
import { createHash } from 'node:crypto';
import { scripts, type InventoryStore } from '@liveshop/inventory';
import type { Redis } from 'ioredis';
import { captureEvalsha } from '../lib/redis-benchmark.js';

/** `[numKeys, ...keys, ...args]` of a reserve on `sku`, randomised per call by redis-benchmark. */
export async function reserveInvocation(redis: Redis, store: InventoryStore, eventId: string, sku: string) {
  // Placeholders the real call carries, swapped for __rand_int__ below (unique per SKU, so two captures never collide).
  const SHOPPER = `shopperXPLACE${sku}`;
  const KEY = `keyXPLACE${sku}`;
  const captured = await captureEvalsha(redis, async () => {
    const result = await store.reserve({ eventId, sku, qty: 1, shopperId: SHOPPER, idempotencyKey: KEY });
    if (!result.ok) throw new Error(`reserve failed: ${result.error.code}`);
  });
  if (captured[0] !== createHash('sha1').update(scripts.reserve.lua).digest('hex')) {
    throw new Error('captured EVALSHA is not the reserve script');
  }
  return captured.slice(1).map((arg) => arg.replaceAll(SHOPPER, 's__rand_int__').replaceAll(KEY, 'k__rand_int__'));
}
