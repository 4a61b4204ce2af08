import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { InventoryStore } from '@liveshop/inventory';
import { io as connect } from 'socket.io-client';
import { startServer } from '@liveshop/server';
import {
  admin,
  closeClients,
  dropIsolation,
  eventually,
  isolation,
  REDIS_URL,
  request,
  testOptions,
  TEST_DATABASE_URL,
  type Reply,
} from './harness.js';
import {
  checkout,
  checkoutOf,
  DATABASES,
  getOrder,
  holding,
  newEvent,
  startCheckoutServer,
  type CheckoutHarness,
} from './checkout-harness.js';
import { PrivateRedis } from './private-redis.js';
import { spawnServer } from './spawn-server.js';

/** The steps a checkout records, in order; a crash may fall after any of them. */
const STEPS = ['checked', 'extended', 'pending', 'authorized', 'committed', 'confirmed', 'captured'] as const;
type Step = (typeof STEPS)[number];

/**
 * What every order must end as once the reconciler has run: confirmed with its units sold and its
 * payment captured, or cancelled with its units back and nothing charged. Never a sold unit
 * without a confirmed order, never a charge without one.
 */
async function expectSettled(server: { url: string; inventory: InventoryStore }, eventId: string, orderIds: string[]) {
  let soldInOrders = 0;
  for (const orderId of orderIds) {
    const { order } = await getOrder(server, orderId);
    expect(['confirmed', 'cancelled']).toContain(order.status);
    if (order.status === 'confirmed') {
      soldInOrders += order.lines.reduce((sum: number, line: { qty: number }) => sum + line.qty, 0);
      expect(order.payment.state).toBe('captured');
    } else {
      expect(['voided', 'failed', 'declined']).toContain(order.payment.state);
    }
  }
  await server.inventory.expireDue(eventId);
  const tee = (await server.inventory.snapshot(eventId)).find((s) => s.sku === 'TEE')!;
  expect(tee.sold).toBe(soldInOrders);
  expect(tee).toMatchObject({ held: 0, available: tee.allocated - soldInOrders });
}

describe.each(DATABASES)('a checkout stopped between two steps, on $name', ({ postgres }) => {
  let h: CheckoutHarness;
  let crashAt: Step | undefined;
  beforeAll(async () => {
    h = await startCheckoutServer(postgres, {
      checkoutPaymentWindowMs: 300,
      checkoutHoldCapMs: 0,
      orderReconcileIntervalMs: 3_600_000,
      checkoutFaults: (step) => {
        if (step !== crashAt) return;
        crashAt = undefined;
        throw new Error(`stopped after ${step} (test)`);
      },
    });
  });
  afterEach(() => closeClients());
  afterAll(() => h?.stop());

  it('ends, after the reconciler, confirmed with units sold or cancelled with units back and nothing charged', async () => {
    const cases: { step: Step; eventId: string; holdId: string; shopperId: string }[] = [];
    for (const step of STEPS) {
      const eventId = await newEvent(h.server, { TEE: 2 });
      await h.server.inventory.configureEvent(eventId, { holdTtlSeconds: 1 });
      const a = await holding(h.server, eventId);
      crashAt = step;
      const ack = await checkout(a.socket, checkoutOf(eventId, [a.hold.id]));
      expect(crashAt).toBeUndefined();
      // However far it got, the shopper hears an internal error; the order is settled later.
      expect(ack.ok).toBe(false);
      expect(ack.error?.code).toBe('INTERNAL');
      cases.push({ step, eventId, holdId: a.hold.id, shopperId: a.shopperId });
    }
    // Past every hold's deadline (1 s TTL, no extension past it; the reconciler's margin is 2 s).
    await sleep(3_500);
    const report = await h.server.settleOrders();
    expect(report.deferred).toEqual([]);
    for (const { step, eventId } of cases) {
      const orders = (await fetchOrders(h.server, eventId)) as {
        id: string;
        status: string;
        payment?: { state: string };
      }[];
      if (step === 'checked' || step === 'extended') {
        expect(orders, step).toEqual([]);
      } else {
        expect(orders, step).toHaveLength(1);
        const expected = ['committed', 'confirmed', 'captured'].includes(step) ? 'confirmed' : 'cancelled';
        expect(orders[0]!.status, step).toBe(expected);
        if (step === 'authorized') expect(orders[0]!.payment?.state).toBe('voided');
        if (step === 'pending') expect(orders[0]!.payment?.state).toBe('failed');
      }
      await eventually(async () => {
        await h.server.inventory.expireDue(eventId);
        return (await h.server.inventory.snapshot(eventId)).every((s) => s.held === 0);
      });
      await expectSettled(
        h.server,
        eventId,
        orders.map((o) => o.id),
      );
    }
    if (postgres) {
      // The processor's own records: every live authorization or capture belongs to a confirmed order.
      const charged = await h.sql<{ key: string; state: string }>(
        `select key, state from payment_test_payments where state in ('authorized', 'captured')`,
      );
      for (const { key } of charged) {
        const orderId = key.replace(/-\d+$/, '');
        expect((await getOrder(h.server, orderId)).order.status).toBe('confirmed');
      }
    }
  }, 120_000);
});

const fetchOrders = async (server: { url: string }, eventId: string) => {
  return (await admin(server, 'GET', `/api/admin/orders?eventId=${eventId}`)).body.orders as unknown[];
};

// Two processes need one database: PostgreSQL.
describe.skipIf(!TEST_DATABASE_URL)('a server process killed in the middle of a checkout', () => {
  const scope = isolation();
  afterAll(() => dropIsolation(scope));

  it('leaves a pending order the next process settles: cancelled, payment voided, units back', async () => {
    const options = testOptions(scope, {
      testPayments: true,
      checkoutPaymentWindowMs: 300,
      checkoutHoldCapMs: 0,
      demoStream: false,
    });
    const child = await spawnServer(options, { LIVESHOP_TEST_PAUSE_AT: 'authorized' });
    const redis = new Redis(REDIS_URL);
    const inventory = new InventoryStore(redis, { prefix: scope.keyPrefix });
    try {
      const eventId = await newEvent(child, { TEE: 1 });
      await inventory.configureEvent(eventId, { holdTtlSeconds: 1 });
      const socket = connect(`${child.url}/shop`, { transports: ['websocket'], forceNew: true, reconnection: false });
      await new Promise((resolve) => socket.once('session', resolve));
      await request(socket, 'join', { eventId });
      const reserved = await request(socket, 'reserve', { eventId, sku: 'TEE', qty: 1, idempotencyKey: 'k1' });
      void (
        socket.timeout(20_000).emitWithAck('checkout', checkoutOf(eventId, [reserved.hold.id])) as Promise<Reply>
      ).catch(() => undefined);
      await eventually(() => /"paused":"o_/.test(child.stdout()), 15_000);
      const orderId = /"paused":"(o_[^"]+)"/.exec(child.stdout())![1]!;
      child.process.kill('SIGKILL');
      await child.stop();
      socket.disconnect();
      // Sold: nothing; held: the one unit; charged: the authorization.
      expect((await inventory.snapshot(eventId)).find((s) => s.sku === 'TEE')).toMatchObject({ held: 1, sold: 0 });

      // Without workers, so that its start does not settle the order before it is looked at.
      const next = await startServer({ ...options, workers: false });
      try {
        const before = await getOrder(next, orderId);
        expect(before.order).toMatchObject({ status: 'pending', payment: { state: 'authorized' } });
        await sleep(3_000);
        const report = await next.settleOrders();
        expect(report.cancelled).toContain(orderId);
        const after = await getOrder(next, orderId);
        expect(after.order).toMatchObject({
          status: 'cancelled',
          cancelReason: 'abandoned',
          payment: { state: 'voided' },
        });
        expect((await next.inventory.snapshot(eventId)).find((s) => s.sku === 'TEE')).toMatchObject({
          available: 1,
          held: 0,
          sold: 0,
        });
      } finally {
        await next.close();
      }
    } finally {
      if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
      redis.disconnect();
    }
  }, 90_000);
});

describe('Redis back empty after orders were taken', () => {
  it('restores each SKU with the units of its confirmed orders sold, less refunds', async () => {
    const redis = await PrivateRedis.start();
    const h = await startCheckoutServer(Boolean(TEST_DATABASE_URL), { redisUrl: redis.url });
    try {
      const eventId = await newEvent(h.server, { TEE: 5 });
      const a = await holding(h.server, eventId, 'TEE', 3);
      const sold = await checkout(a.socket, checkoutOf(eventId, [a.hold.id]));
      expect(sold.order.status).toBe('confirmed');
      const refunded = await admin(h.server, 'POST', `/api/admin/orders/${sold.order.id}/refund`, {
        lines: [{ sku: 'TEE', qty: 1 }],
      });
      expect(refunded.status).toBe(200);
      closeClients();
      await redis.restartEmpty();
      await eventually(async () => (await h.server.inventory.snapshot(eventId)).length === 2, 15_000);
      const tee = (await h.server.inventory.snapshot(eventId)).find((s) => s.sku === 'TEE');
      expect(tee).toMatchObject({ allocated: 5, sold: 2, held: 0, available: 3 });
    } finally {
      closeClients();
      await h.stop();
      await redis.stop();
    }
  }, 60_000);
});
