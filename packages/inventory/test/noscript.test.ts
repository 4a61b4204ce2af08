import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InventoryStore } from '@liveshop/inventory';
import { Redis } from 'ioredis';
import { invariantProblems } from './invariants.js';
import { codeOf, createFixture, must, REDIS_URL, type Fixture } from './redis.js';

/**
 * The only test allowed to SCRIPT FLUSH the shared Redis: harmless to other suites, whose
 * clients reload scripts on NOSCRIPT exactly as checked here.
 */
describe('after SCRIPT FLUSH (Redis restart, failover)', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = createFixture();
    await f.liveEvent('e', { tee: 10 }, { holdTtlSeconds: 1 });
  });
  afterEach(() => f.close());

  async function everyScriptWorks(store: InventoryStore, tag: string) {
    must(await store.allocate({ eventId: 'e', sku: 'tee', units: 12, idempotencyKey: `a-${tag}` }));
    const a = must(
      await store.reserve({ eventId: 'e', sku: 'tee', qty: 1, shopperId: 's', idempotencyKey: `r1-${tag}` }),
    );
    const b = must(
      await store.reserve({ eventId: 'e', sku: 'tee', qty: 1, shopperId: 's', idempotencyKey: `r2-${tag}` }),
    );
    must(await store.release({ eventId: 'e', holdId: a.hold.id, idempotencyKey: `x-${tag}` }));
    must(await store.commit({ eventId: 'e', holdIds: [b.hold.id], orderId: `o-${tag}`, idempotencyKey: `c-${tag}` }));
    must(await store.reserve({ eventId: 'e', sku: 'tee', qty: 1, shopperId: 's', idempotencyKey: `r3-${tag}` }));
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await store.expireDue('e')).toEqual({ expired: 1, more: false });
  }

  it('reloads every script on the same connections, with and without auto-pipelining', async () => {
    const plain = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    try {
      const stores = [f.store, new InventoryStore(plain, { prefix: f.prefix })];
      for (const [i, store] of stores.entries()) await everyScriptWorks(store, `warm${i}`);
      await f.redis.script('FLUSH');
      for (const [i, store] of stores.entries()) await everyScriptWorks(store, `flushed${i}`);
      expect(await invariantProblems(f.redis, f.store, 'e')).toEqual([]);
    } finally {
      await plain.quit();
    }
  });

  it('reloads when a burst of calls hits an empty script cache at once', async () => {
    await f.store.configureEvent('e', { holdTtlSeconds: 60 });
    await f.redis.script('FLUSH');
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        f.store.reserve({ eventId: 'e', sku: 'tee', qty: 1, shopperId: `s${i}`, idempotencyKey: 'k' }),
      ),
    );
    expect(results.filter((r) => codeOf(r) === 'ok')).toHaveLength(10);
    expect(await invariantProblems(f.redis, f.store, 'e')).toEqual([]);
  });
});
