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
  idem,
  isolation,
  REDIS_URL,
  request,
  shopper,
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
 * Restarts the private Redis with nothing in it, and waits (up to 15 s) until the server has
 * restored the event's two SKUs: Redis answers nothing until it is back, then the restore runs.
 */
async function restartEmptyUntilRestored(
  redis: PrivateRedis,
  server: { inventory: InventoryStore },
  eventId: string,
): Promise<void> {
  await redis.restartEmpty();
  await eventually(
    () =>
      server.inventory.snapshot(eventId).then(
        (stock) => stock.length === 2,
        () => false,
      ),
    15_000,
  );
}

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

describe.each(DATABASES)('a refund stopped between the provider and its record, on $name', ({ postgres }) => {
  it('is finished by the reconciler: succeeded once, refunded once, restocked once', async () => {
    let crash = false;
    const h = await startCheckoutServer(postgres, {
      orderReconcileIntervalMs: 3_600_000,
      refundRetryAfterMs: 0,
      checkoutFaults: (step) => {
        if (step !== 'refunded' || !crash) return;
        crash = false;
        throw new Error('stopped after the provider refunded (test)');
      },
    });
    try {
      const eventId = await newEvent(h.server, { TEE: 2 });
      const a = await holding(h.server, eventId);
      const sold = await checkout(a.socket, checkoutOf(eventId, [a.hold.id]));
      expect(sold.ok).toBe(true);
      const orderId = sold.order.id;
      const tee = async () => (await h.server.inventory.snapshot(eventId)).find((s) => s.sku === 'TEE')!;

      crash = true;
      const stopped = await admin(h.server, 'POST', `/api/admin/orders/${orderId}/refund`, {});
      expect(stopped.status).toBe(500);
      expect(crash).toBe(false);
      // The provider refunded; the units are not back and the refund is not recorded as done.
      expect(await tee()).toMatchObject({ available: 1, sold: 1 });
      const before = await getOrder(h.server, orderId);
      expect(before.order).toMatchObject({ status: 'refunded', payment: { state: 'captured', refundedCents: 0 } });
      expect(before.order.refunds).toHaveLength(1);

      const report = await h.server.settleOrders();
      expect(report.refunded).toEqual([before.order.refunds[0].id]);
      expect(report.deferred).toEqual([]);
      expect((await h.server.settleOrders()).refunded).toEqual([]);
      // A second request with the same content answers the same refund and changes nothing.
      const replay = await admin(h.server, 'POST', `/api/admin/orders/${orderId}/refund`, {});
      expect(replay.status).toBe(200);
      expect(replay.body.refund.id).toBe(before.order.refunds[0].id);

      expect(await tee()).toMatchObject({ available: 2, held: 0, sold: 0 });
      const after = await getOrder(h.server, orderId);
      expect(after.order).toMatchObject({
        status: 'refunded',
        refundedCents: 2500,
        payment: { state: 'refunded', capturedCents: 2500, refundedCents: 2500 },
      });
      expect(after.order.refunds).toHaveLength(1);
      expect(after.order.refunds[0]).toMatchObject({ amountCents: 2500, restocked: true });
      expect(after.order.refunds[0].reference).toMatch(/^tr_/);
      if (postgres) {
        const [refund] = await h.sql<{ state: string }>('select state from refunds where order_id = $1', [orderId]);
        expect(refund!.state).toBe('succeeded');
        const processor = await h.sql<{ refund_key: string }>(
          'select refund_key from payment_test_refunds where payment_key = $1',
          [after.order.payment.key],
        );
        expect(processor).toHaveLength(1);
      }
    } finally {
      closeClients();
      await h.stop();
    }
  }, 60_000);
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
      await restartEmptyUntilRestored(redis, h.server, eventId);
      const tee = (await h.server.inventory.snapshot(eventId)).find((s) => s.sku === 'TEE');
      expect(tee).toMatchObject({ allocated: 5, sold: 2, held: 0, available: 3 });
    } finally {
      closeClients();
      await h.stop();
      await redis.stop();
    }
  }, 60_000);

  it('gives each buyer back the units bought, so the per-shopper limit still counts them', async () => {
    const redis = await PrivateRedis.start();
    const h = await startCheckoutServer(Boolean(TEST_DATABASE_URL), { redisUrl: redis.url });
    try {
      // MUG: at most 2 per shopper.
      const eventId = await newEvent(h.server, { MUG: 10 });
      const a = await holding(h.server, eventId, 'MUG', 2);
      expect((await checkout(a.socket, checkoutOf(eventId, [a.hold.id]))).order.status).toBe('confirmed');
      closeClients();
      await restartEmptyUntilRestored(redis, h.server, eventId);
      const reserve = async (socket: Awaited<ReturnType<typeof shopper>>['socket'], qty: number) => {
        expect((await request(socket, 'join', { eventId })).ok).toBe(true);
        return request(socket, 'reserve', { eventId, sku: 'MUG', qty, idempotencyKey: idem() });
      };
      const again = await shopper(h.server, a.session);
      expect(again.shopperId).toBe(a.shopperId);
      expect((await reserve(again.socket, 1)).error?.code).toBe('LIMIT_EXCEEDED');
      expect((await reserve((await shopper(h.server)).socket, 2)).ok).toBe(true);
      const mug = (await h.server.inventory.snapshot(eventId)).find((s) => s.sku === 'MUG');
      expect(mug).toMatchObject({ allocated: 10, sold: 2, held: 2, available: 6 });
    } finally {
      closeClients();
      await h.stop();
      await redis.stop();
    }
  }, 60_000);

  it("restores each location's units and units sold from it, so pickup keeps its split", async () => {
    const redis = await PrivateRedis.start();
    const h = await startCheckoutServer(Boolean(TEST_DATABASE_URL), { redisUrl: redis.url });
    try {
      const eventId = await newEvent(h.server, { TEE: 1 });
      const locations = await admin(h.server, 'PUT', '/api/admin/locations', {
        locations: [
          { id: 'soho', name: 'Soho', address: '1 Soho Sq', pickup: true },
          { id: 'depot', name: 'Depot', address: 'Unit 4', pickup: true },
        ],
      });
      expect(locations.status).toBe(200);
      const stocked = await admin(h.server, 'PUT', `/api/admin/events/${eventId}/stock`, {
        items: [
          { sku: 'TEE', quantity: 3, locationId: 'soho' },
          { sku: 'TEE', quantity: 2, locationId: 'depot' },
        ],
      });
      expect(stocked.status).toBe(200);
      // Two from Soho, picked up; one of them refunded (back to Soho); one shipped (from the pool).
      const a = await holding(h.server, eventId, 'TEE', 2);
      const soho = { fulfilment: { type: 'pickup', locationId: 'soho' } };
      const picked = await checkout(a.socket, checkoutOf(eventId, [a.hold.id], soho));
      expect(picked.order.status).toBe('confirmed');
      const refunded = await admin(h.server, 'POST', `/api/admin/orders/${picked.order.id}/refund`, {
        lines: [{ sku: 'TEE', qty: 1 }],
      });
      expect(refunded.status).toBe(200);
      const b = await holding(h.server, eventId);
      expect((await checkout(b.socket, checkoutOf(eventId, [b.hold.id]))).order.status).toBe('confirmed');
      const split = async () => Object.fromEntries(await h.server.inventory.locationStock(eventId, 'TEE'));
      const before = await split();
      expect(before).toEqual({ soho: { allocated: 3, sold: 1 }, depot: { allocated: 2, sold: 0 } });

      closeClients();
      await restartEmptyUntilRestored(redis, h.server, eventId);
      expect(await split()).toEqual(before);
      const tee = (await h.server.inventory.snapshot(eventId)).find((s) => s.sku === 'TEE');
      expect(tee).toMatchObject({ allocated: 6, sold: 2, held: 0, available: 4 });
      const listed = await fetch(`${h.server.url}/api/events/${eventId}/locations?sku=TEE`).then(
        (r) => r.json() as Promise<{ locations: { id: string; available: number }[] }>,
      );
      expect(listed.locations.map(({ id, available }) => ({ id, available }))).toEqual([
        { id: 'soho', available: 2 },
        { id: 'depot', available: 2 },
      ]);
      // Soho's two left sell for pickup; a third is refused there, as before the loss.
      const c = await holding(h.server, eventId, 'TEE', 2);
      expect((await checkout(c.socket, checkoutOf(eventId, [c.hold.id], soho))).order.status).toBe('confirmed');
      const d = await holding(h.server, eventId);
      const refused = await checkout(d.socket, checkoutOf(eventId, [d.hold.id], soho));
      expect(refused.error?.code).toBe('NOT_AVAILABLE_AT_LOCATION');
    } finally {
      closeClients();
      await h.stop();
      await redis.stop();
    }
  }, 60_000);
});
