import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import {
  InventoryStore,
  LedgerTail,
  type EventConfig,
  type InventoryStoreOptions,
  type KeyBuilder,
} from '@liveshop/inventory';
import type { LedgerEntry } from '@liveshop/protocol';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A new connection; `maxRetriesPerRequest: 1` makes a missing Redis fail fast instead of hanging. */
export function connect(): Redis {
  return new Redis(REDIS_URL, { maxRetriesPerRequest: 1, enableAutoPipelining: true });
}

/** A key prefix no other test (or engineer) uses. */
export function randomPrefix(): string {
  return `lst-${randomBytes(6).toString('hex')}`;
}

/** Deletes every key under the prefix (SCAN + UNLINK; never FLUSHDB on a shared Redis). */
export async function removeKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
}

export interface Fixture {
  redis: Redis;
  prefix: string;
  store: InventoryStore;
  /** Configures a live event and allocates each SKU. */
  liveEvent(eventId: string, stock: Record<string, number>, config?: Partial<EventConfig>): Promise<void>;
  close(): Promise<void>;
}

/** A store on its own connection and random prefix; `close` removes its keys. */
export function createFixture(options: Omit<InventoryStoreOptions, 'prefix'> = {}): Fixture {
  const redis = connect();
  const prefix = randomPrefix();
  const store = new InventoryStore(redis, { ...options, prefix });
  return {
    redis,
    prefix,
    store,
    async liveEvent(eventId, stock, config = {}) {
      await store.configureEvent(eventId, { status: 'live', holdTtlSeconds: 300, ...config });
      for (const [sku, units] of Object.entries(stock)) {
        const result = await store.allocate({ eventId, sku, units });
        if (!result.ok) throw new Error(result.error.message);
      }
    },
    async close() {
      await removeKeys(redis, prefix);
      await redis.quit();
    },
  };
}

/** The event's ledger after `afterId` (default: all of it), oldest first, at most `count` entries. */
export async function readLedger(
  redis: Redis,
  keys: KeyBuilder,
  eventId: string,
  afterId = '0-0',
  count?: number,
): Promise<LedgerEntry[]> {
  const read = await new LedgerTail(redis, keys).readAfter(new Map([[eventId, afterId]]), { count });
  return read.get(eventId) ?? [];
}

/** The result's error code, or 'ok'. */
export function codeOf(result: { ok: true } | { ok: false; error: { code: string } }): string {
  return result.ok ? 'ok' : result.error.code;
}

/** Unwraps a successful result, failing the test with the error message otherwise. */
export function must<R extends { ok: true } | { ok: false; error: { code: string; message: string } }>(
  result: R,
): Extract<R, { ok: true }> {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result as Extract<R, { ok: true }>;
}
