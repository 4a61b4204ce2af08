import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startServer } from '@liveshop/server';
import { checkout, checkoutOf, holding } from './checkout-harness.js';
import {
  REDIS_URL,
  TEST_DATABASE_URL,
  admin,
  closeClients,
  createEvent,
  dropIsolation,
  eventually,
  idem,
  isolation,
  request,
  shopper,
  testOptions,
} from './harness.js';
import { spawnServer } from './spawn-server.js';

const scope = isolation();
afterAll(async () => {
  closeClients();
  await dropIsolation(scope);
});

// Needs a database that outlives the process: PostgreSQL (an on-disk PGlite takes too long to create here).
describe.skipIf(!TEST_DATABASE_URL)('restart', () => {
  it('keeps events and the generated signing secret, and restores event configuration Redis lost', async () => {
    // No sessionSecret: the server generates one and keeps it in the database.
    const options = { ...testOptions(scope), sessionSecret: undefined };
    const first = await startServer(options);
    await createEvent(first, { id: 'kept' }, { TEE: 4 });
    const { session, shopperId } = await shopper(first);
    await first.close();

    const redis = new Redis(REDIS_URL);
    await redis.del(first.inventory.keys.config('kept'));
    redis.disconnect();

    const second = await startServer(options);
    try {
      const again = await shopper(second, session);
      expect(again.shopperId).toBe(shopperId);
      const joined = await request(again.socket, 'join', { eventId: 'kept' });
      expect(joined).toMatchObject({ ok: true, event: { id: 'kept', status: 'live' } });
      const held = await request(again.socket, 'reserve', {
        eventId: 'kept',
        sku: 'TEE',
        qty: 1,
        idempotencyKey: idem(),
      });
      expect(held).toMatchObject({ ok: true, available: 3 });
    } finally {
      await second.close();
    }
  });

  it('restores an event Redis lost every key of with its allocation as last set, less the units its orders sold', async () => {
    const options = testOptions(scope, { testPayments: true, demoStream: false });
    const first = await startServer(options);
    await createEvent(first, { id: 'lost' }, { TEE: 6, MUG: 2 });
    const set = await admin(first, 'PUT', '/api/admin/events/lost/stock', { items: [{ sku: 'TEE', quantity: 4 }] });
    expect(set.status).toBe(200);
    const buyer = await holding(first, 'lost', 'TEE', 1);
    const sold = await checkout(buyer.socket, checkoutOf('lost', [buyer.hold.id]));
    expect(sold).toMatchObject({ ok: true, order: { status: 'confirmed' } });
    // A hold is not durable: its unit comes back as available.
    await holding(first, 'lost', 'TEE', 1);
    expect(await first.inventory.snapshot('lost')).toMatchObject([
      { sku: 'MUG', allocated: 2, available: 2, held: 0, sold: 0 },
      { sku: 'TEE', allocated: 4, available: 2, held: 1, sold: 1 },
    ]);
    const keys = first.inventory.keys;
    closeClients();
    await first.close();

    const redis = new Redis(REDIS_URL);
    try {
      const eventKeys = async () => {
        const found: string[] = [];
        let cursor = '0';
        do {
          const [next, batch] = await redis.scan(cursor, 'MATCH', `${keys.event('lost')}*`, 'COUNT', 1000);
          cursor = next;
          found.push(...batch);
        } while (cursor !== '0');
        return found;
      };
      const lost = await eventKeys();
      expect(lost).toEqual(
        expect.arrayContaining([
          keys.config('lost'),
          keys.skus('lost'),
          keys.stock('lost', 'TEE'),
          keys.ledger('lost'),
        ]),
      );
      await redis.del(...lost);
      expect(await eventKeys()).toEqual([]);
    } finally {
      redis.disconnect();
    }

    // The restart is a new process: nothing of the first one's memory comes along.
    const second = await spawnServer(options);
    const reader = new Redis(REDIS_URL);
    try {
      await eventually(() => /event lost was missing from Redis and has been restored/.test(second.stderr()));
      const stock = async (sku: string) => {
        const { allocated, available, held, sold } = await reader.hgetall(keys.stock('lost', sku));
        return { allocated, available, held, sold };
      };
      expect(await stock('TEE')).toEqual({ allocated: '4', available: '3', held: '0', sold: '1' });
      expect(await stock('MUG')).toEqual({ allocated: '2', available: '2', held: '0', sold: '0' });
      const { socket } = await shopper(second);
      const joined = await request(socket, 'join', { eventId: 'lost' });
      expect(joined).toMatchObject({ ok: true, event: { id: 'lost', status: 'live' } });
      expect(joined.products).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ sku: 'TEE', available: 3 }),
          expect.objectContaining({ sku: 'MUG', available: 2, limitPerShopper: 2 }),
        ]),
      );
      const held = await request(socket, 'reserve', { eventId: 'lost', sku: 'TEE', qty: 3, idempotencyKey: idem() });
      expect(held).toMatchObject({ ok: true, available: 0 });
      const more = await request(socket, 'reserve', { eventId: 'lost', sku: 'TEE', qty: 1, idempotencyKey: idem() });
      expect(more.error?.code).toBe('SOLD_OUT');
    } finally {
      reader.disconnect();
      closeClients();
      await second.stop();
    }
  }, 60_000);
});
