/**
 * What Redis alone does with a reserve script: `redis-benchmark` EVALSHA of the real reserve
 * script (as @liveshop/inventory loads it, with the keys and arguments it sends) and of the bare
 * reference's script, on fresh events with stock that never runs out.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { InventoryStore, scripts } from '@liveshop/inventory';
import { Redis } from 'ioredis';
import {
  captureEvalsha,
  redisBenchmarkEvalsha,
  type RedisBenchmarkOptions,
  type RedisBenchmarkResult,
} from '../lib/redis-benchmark.js';
import { deleteKeys, randomPrefix, redisUrl } from '../lib/redis-keys.js';

const UNITS = 1_000_000;
const RAND = '__rand_int__';

export type CeilingOptions = Pick<RedisBenchmarkOptions, 'requests' | 'clients' | 'around'> & {
  /** Reserves per script call (default 1): what one turn of a busy server sends (decision 0164). */
  batch?: number;
};

/**
 * EVALSHA of @liveshop/inventory's reserve script text (`scripts.reserve.lua`) with the keys and
 * arguments `InventoryStore.reserve` sends for `batch` reserves of one turn; every reserve of every
 * call a new shopper and idempotency key.
 */
export async function realReserveCeiling(options: CeilingOptions): Promise<RedisBenchmarkResult> {
  const prefix = randomPrefix('ceil');
  const redis = new Redis(redisUrl);
  try {
    const store = new InventoryStore(redis, { prefix });
    const eventId = 'ceiling';
    const sku = 'CEIL-1';
    await store.configureEvent(eventId, { status: 'live', holdTtlSeconds: 300, limits: { [sku]: UNITS } });
    const allocated = await store.allocate({ eventId, sku, units: UNITS });
    if (!allocated.ok) throw new Error(`allocate failed: ${allocated.error.code}`);
    const batch = options.batch ?? 1;
    const shopper = (i: number) => `shopperPLACEHOLDER${String(i).padStart(3, '0')}x`;
    const key = (i: number) => `idemPLACEHOLDER${String(i).padStart(3, '0')}x`;
    const args = await captureEvalsha(redis, async () => {
      const reserves = Array.from({ length: batch }, (_, i) =>
        store.reserve({ eventId, sku, qty: 1, shopperId: shopper(i), idempotencyKey: key(i) }),
      );
      for (const reserved of await Promise.all(reserves)) {
        if (!reserved.ok) throw new Error(`reserve failed: ${reserved.error.code}`);
      }
    });
    const lua = scripts.reserve.lua;
    if (args[0] !== createHash('sha1').update(lua).digest('hex')) {
      throw new Error('the reserve EVALSHA does not run scripts.reserve.lua of @liveshop/inventory');
    }
    let randomized = args.slice(1);
    for (let i = 0; i < batch; i += 1) {
      randomized = randomized.map((arg) => arg.replaceAll(shopper(i), `s${RAND}`).replaceAll(key(i), `k${RAND}`));
    }
    return await redisBenchmarkEvalsha(redis, redisUrl, lua, randomized, options);
  } finally {
    await deleteKeys(redis, prefix);
    redis.disconnect();
  }
}

/** EVALSHA of the bare reference's reserve.lua. */
export async function bareReserveCeiling(options: CeilingOptions): Promise<RedisBenchmarkResult> {
  const prefix = randomPrefix('ceilbare');
  const redis = new Redis(redisUrl);
  try {
    const lua = readFileSync(new URL('../bare/reserve.lua', import.meta.url), 'utf8');
    await redis.hset(`${prefix}:stock`, 'CEIL-1', UNITS);
    return await redisBenchmarkEvalsha(
      redis,
      redisUrl,
      lua,
      ['3', `${prefix}:stock`, `${prefix}:holds`, `${prefix}:seq`, 'CEIL-1', '1', '300'],
      options,
    );
  } finally {
    await deleteKeys(redis, prefix);
    redis.disconnect();
  }
}
