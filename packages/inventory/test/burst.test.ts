import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InventoryStore } from '@liveshop/inventory';
import type { Redis } from 'ioredis';
import { invariantProblems } from './invariants.js';
import { connect, createFixture, readLedger, type Fixture } from './redis.js';

const CONNECTIONS = 50;
const CALLS = 10_000;
const UNITS = 500;

describe('burst', () => {
  let f: Fixture;
  let connections: Redis[];
  beforeAll(() => {
    f = createFixture();
    connections = Array.from({ length: CONNECTIONS }, connect);
  });
  afterAll(async () => {
    await Promise.all(connections.map((redis) => redis.quit()));
    await f.close();
  });

  it(`${CALLS} concurrent reserves over ${CONNECTIONS} connections sell exactly ${UNITS} units`, async () => {
    await f.liveEvent('drop', { sneaker: UNITS });
    const stores = connections.map((redis) => new InventoryStore(redis, { prefix: f.prefix }));
    await Promise.all(connections.map((redis) => redis.ping()));

    const results = await Promise.all(
      Array.from({ length: CALLS }, (_, i) =>
        stores[i % CONNECTIONS]!.reserve({
          eventId: 'drop',
          sku: 'sneaker',
          qty: 1,
          shopperId: `shopper-${i}`,
          idempotencyKey: `burst-${i}`,
        }),
      ),
    );

    const codes = new Map<string, number>();
    for (const r of results) codes.set(r.ok ? 'ok' : r.error.code, (codes.get(r.ok ? 'ok' : r.error.code) ?? 0) + 1);
    expect(Object.fromEntries(codes)).toEqual({ ok: UNITS, SOLD_OUT: CALLS - UNITS });
    const holdIds = results.flatMap((r) => (r.ok ? [r.hold.id] : []));
    expect(new Set(holdIds).size).toBe(UNITS);

    expect(await f.store.snapshot('drop')).toEqual([
      { sku: 'sneaker', allocated: UNITS, available: 0, held: UNITS, sold: 0, version: UNITS + 1, generation: 0 },
    ]);
    expect(await invariantProblems(f.redis, f.store, 'drop')).toEqual([]);
    const reserves = (await readLedger(f.redis, f.store.keys, 'drop')).filter((e) => e.type === 'reserve');
    expect(reserves).toHaveLength(UNITS);
    expect(new Set(reserves.map((e) => e.available))).toEqual(new Set(Array.from({ length: UNITS }, (_, i) => i)));
  });
});
