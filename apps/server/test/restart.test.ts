import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startServer } from '@liveshop/server';
import {
  REDIS_URL,
  TEST_DATABASE_URL,
  closeClients,
  createEvent,
  dropIsolation,
  idem,
  isolation,
  request,
  shopper,
  testOptions,
} from './harness.js';

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
});
