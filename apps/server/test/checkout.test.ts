import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TEST_CARDS } from '@liveshop/payments';
import type { StockMessage } from '@liveshop/protocol';
import { admin, closeClients, eventually, idem, request, shopper } from './harness.js';
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

describe.each(DATABASES)('checkout on $name', ({ postgres }) => {
  let h: CheckoutHarness;
  let server: { url: string };
  beforeAll(async () => {
    h = await startCheckoutServer(postgres);
    server = h.server;
  });
  afterEach(() => closeClients());
  afterAll(() => h?.stop());

  const stockOf = async (eventId: string, sku = 'TEE') =>
    (await h.server.inventory.snapshot(eventId)).find((s) => s.sku === sku)!;

  it('sells the holds: confirmed order with captured price, steps in order, units sold, card never kept', async () => {
    const eventId = await newEvent(server, { TEE: 3, MUG: 3 });
    const a = await holding(server, eventId, 'TEE', 2);
    const b = await request(a.socket, 'reserve', { eventId, sku: 'MUG', qty: 1, idempotencyKey: idem() });
    const ack = await checkout(a.socket, checkoutOf(eventId, [a.hold.id, b.hold.id]));
    expect(ack.ok).toBe(true);
    expect(ack.order).toMatchObject({
      status: 'confirmed',
      currency: 'USD',
      totalCents: 2 * 2500 + 1500,
      lines: [
        { sku: 'MUG', qty: 1, unitPriceCents: 1500 },
        { sku: 'TEE', qty: 2, unitPriceCents: 2500 },
      ],
      fulfilment: { type: 'ship' },
    });
    expect(ack.order.number).toBeGreaterThanOrEqual(1001);
    expect(await stockOf(eventId)).toMatchObject({ allocated: 3, available: 1, held: 0, sold: 2 });
    const got = await getOrder(server, ack.order.id);
    expect(got.steps.map((s: { step: string }) => s.step)).toEqual([
      'checked',
      'extended',
      'pending',
      'authorized',
      'committed',
      'confirmed',
      'captured',
    ]);
    expect(got.order).toMatchObject({
      source: 'shop',
      shopperId: a.shopperId,
      customer: { email: 'ada@example.com', name: 'Ada Lovelace' },
      payment: { provider: 'test', state: 'captured', amountCents: 6500, capturedCents: 6500, card: { last4: '4242' } },
    });
    expect(JSON.stringify(got)).not.toMatch(/4242 ?4242 ?4242 ?4242/);
    // The hold is gone from the shopper's view: a reload shows no holds.
    const again = await request(a.socket, 'join', { eventId });
    expect(again.holds).toEqual([]);
  });

  it('declines: PAYMENT_DECLINED with the reason, nothing sold, the hold kept; a new key and card then sells', async () => {
    const eventId = await newEvent(server, { TEE: 1 });
    const a = await holding(server, eventId);
    const declined = await checkout(
      a.socket,
      checkoutOf(eventId, [a.hold.id], { payment: { provider: 'test', card: TEST_CARDS.decline } }),
    );
    expect(declined.error).toMatchObject({ code: 'PAYMENT_DECLINED', reason: 'card_declined' });
    expect(await stockOf(eventId)).toMatchObject({ available: 0, held: 1, sold: 0 });
    expect(await h.server.inventory.getHold(eventId, a.hold.id)).not.toBeNull();
    const failed = await checkout(
      a.socket,
      checkoutOf(eventId, [a.hold.id], { payment: { provider: 'test', card: TEST_CARDS.processorError } }),
    );
    expect(failed.error?.code).toBe('PAYMENT_FAILED');
    expect(await stockOf(eventId)).toMatchObject({ held: 1, sold: 0 });
    const sold = await checkout(a.socket, checkoutOf(eventId, [a.hold.id]));
    expect(sold.order.status).toBe('confirmed');
    expect(await stockOf(eventId)).toMatchObject({ held: 0, sold: 1 });
  });

  it("refuses another shopper's hold, a released one and malformed input, charging nothing", async () => {
    const eventId = await newEvent(server, { TEE: 2 });
    const a = await holding(server, eventId);
    const thief = await shopper(server);
    const stolen = await checkout(thief.socket, checkoutOf(eventId, [a.hold.id]));
    expect(stolen.error?.code).toBe('HOLD_NOT_FOUND');
    const bad = await checkout(thief.socket, {
      ...checkoutOf(eventId, [a.hold.id]),
      payment: { provider: 'test', card: 'x' },
    });
    expect(bad.error?.code).toBe('INVALID_INPUT');
    const luhn = await checkout(
      a.socket,
      checkoutOf(eventId, [a.hold.id], { payment: { provider: 'test', card: '4242 4242 4242 4241' } }),
    );
    expect(luhn.error?.code).toBe('INVALID_INPUT');
    const b = await holding(server, eventId);
    await request(b.socket, 'release', { eventId, holdId: b.hold.id });
    const released = await checkout(b.socket, checkoutOf(eventId, [b.hold.id]));
    expect(released.error?.code).toBe('HOLD_NOT_FOUND');
    expect(await stockOf(eventId)).toMatchObject({ available: 1, held: 1, sold: 0 });
    const list = await admin(server, 'GET', `/api/admin/orders?eventId=${eventId}&status=confirmed`);
    expect(list.body.orders).toEqual([]);
  });

  it('a double-submitted checkout makes one order and one charge; the key with other content is IDEMPOTENCY_CONFLICT', async () => {
    const eventId = await newEvent(server, { TEE: 2 });
    const a = await holding(server, eventId);
    const payload = checkoutOf(eventId, [a.hold.id]);
    const [first, second] = await Promise.all([checkout(a.socket, payload), checkout(a.socket, payload)]);
    expect(first.ok && second.ok).toBe(true);
    expect(second.order.id).toBe(first.order.id);
    const replay = await checkout(a.socket, payload);
    expect(replay.order).toEqual(first.order);
    const other = await checkout(a.socket, { ...payload, customer: { email: 'someone@example.com' } });
    expect(other.error?.code).toBe('IDEMPOTENCY_CONFLICT');
    const all = await admin(server, 'GET', `/api/admin/orders?eventId=${eventId}`);
    expect(all.body.orders).toHaveLength(1);
    expect(await stockOf(eventId)).toMatchObject({ sold: 1, held: 0 });
    if (postgres) {
      const charges = await h.sql<{ n: string }>(`select count(*) as n from payment_test_payments where key like $1`, [
        `${first.order.id}-%`,
      ]);
      expect(Number(charges[0]!.n)).toBe(1);
    }
  });

  it('a hold that expires during a slow payment: HOLD_EXPIRED, the order cancelled, the payment voided, units back', async () => {
    const slow = await startCheckoutServer(postgres, { checkoutPaymentWindowMs: 300, checkoutHoldCapMs: 0 });
    try {
      const eventId = await newEvent(slow.server, { TEE: 1 });
      await slow.server.inventory.configureEvent(eventId, { holdTtlSeconds: 1 });
      const a = await holding(slow.server, eventId);
      const ack = await checkout(
        a.socket,
        checkoutOf(eventId, [a.hold.id], { payment: { provider: 'test', card: TEST_CARDS.slowApprove } }),
      );
      expect(ack.error?.code).toBe('HOLD_EXPIRED');
      const [order] = (await admin(slow.server, 'GET', `/api/admin/orders?eventId=${eventId}`)).body.orders;
      expect(order).toMatchObject({ status: 'cancelled', cancelReason: 'hold_expired', payment: { state: 'voided' } });
      await eventually(
        async () =>
          (await slow.server.inventory.snapshot(eventId))[1]?.available === 1 ||
          (await slow.server.inventory.snapshot(eventId)).find((s) => s.sku === 'TEE')?.available === 1,
        8_000,
      );
      expect((await slow.server.inventory.snapshot(eventId)).find((s) => s.sku === 'TEE')).toMatchObject({
        held: 0,
        sold: 0,
      });
    } finally {
      closeClients();
      await slow.stop();
    }
  }, 60_000);

  it('refunds: units back for viewers through a refund ledger entry, the money back, a second identical refund a no-op', async () => {
    const eventId = await newEvent(server, { TEE: 2, MUG: 2 });
    const a = await holding(server, eventId, 'TEE', 2);
    const sold = await checkout(a.socket, checkoutOf(eventId, [a.hold.id]));
    const viewer = await shopper(server);
    await request(viewer.socket, 'join', { eventId });
    const pushes: StockMessage[] = [];
    viewer.socket.on('stock', (message: StockMessage) => pushes.push(message));
    const partial = await admin(server, 'POST', `/api/admin/orders/${sold.order.id}/refund`, {
      lines: [{ sku: 'TEE', qty: 1 }],
    });
    expect(partial.status).toBe(200);
    expect(partial.body.refund).toMatchObject({ amountCents: 2500, lines: [{ sku: 'TEE', qty: 1 }], restocked: true });
    expect(partial.body.order).toMatchObject({
      status: 'confirmed',
      refundedCents: 2500,
      payment: { refundedCents: 2500 },
    });
    await eventually(() => pushes.some((m) => m.items.some((i) => i.sku === 'TEE' && i.available === 1)));
    const again = await admin(server, 'POST', `/api/admin/orders/${sold.order.id}/refund`, {
      lines: [{ sku: 'TEE', qty: 1 }],
    });
    expect(again.body.refund.id).toBe(partial.body.refund.id);
    expect(again.body.order.refundedCents).toBe(2500);
    expect(await stockOf(eventId)).toMatchObject({ available: 1, sold: 1 });
    const rest = await admin(server, 'POST', `/api/admin/orders/${sold.order.id}/refund`, {});
    expect(rest.body.order).toMatchObject({ status: 'refunded', refundedCents: 5000, payment: { state: 'refunded' } });
    const restAgain = await admin(server, 'POST', `/api/admin/orders/${sold.order.id}/refund`, {});
    expect(restAgain.body.refund.id).toBe(rest.body.refund.id);
    expect(await stockOf(eventId)).toMatchObject({ available: 2, sold: 0 });
    const tooMuch = await admin(server, 'POST', `/api/admin/orders/${sold.order.id}/refund`, {
      lines: [{ sku: 'TEE', qty: 5 }],
    });
    expect(tooMuch.body.error?.code).toBe('CONFLICT');
  });

  it("the merchant's own cart: an external order, the same key the same order, other content a conflict", async () => {
    const eventId = await newEvent(server, { TEE: 2 });
    const a = await holding(server, eventId);
    const body = { holdIds: [a.hold.id], orderRef: 'SHOPIFY-1001', idempotencyKey: idem() };
    const first = await admin(server, 'POST', `/api/admin/events/${eventId}/commit`, body);
    expect(first.status).toBe(201);
    expect(first.body.order).toMatchObject({ status: 'confirmed', totalCents: 2500, fulfilment: { type: 'external' } });
    const again = await admin(server, 'POST', `/api/admin/events/${eventId}/commit`, body);
    expect(again.body.order.id).toBe(first.body.order.id);
    const other = await admin(server, 'POST', `/api/admin/events/${eventId}/commit`, { ...body, orderRef: 'X-2' });
    expect(other.body.error?.code).toBe('IDEMPOTENCY_CONFLICT');
    const got = await getOrder(server, first.body.order.id);
    expect(got.order).toMatchObject({ source: 'external', orderRef: 'SHOPIFY-1001' });
    expect(got.order.payment).toBeUndefined();
    expect(await stockOf(eventId)).toMatchObject({ held: 0, sold: 1 });
    const unknown = await admin(server, 'POST', `/api/admin/events/${eventId}/commit`, {
      ...body,
      idempotencyKey: idem(),
    });
    expect(unknown.body.error?.code).toBe('HOLD_NOT_FOUND');
  });

  it('pickup: two shoppers race for the last unit at one store: one order, one clean refusal', async () => {
    const eventId = await newEvent(server, { TEE: 0 });
    const put = await admin(server, 'PUT', '/api/admin/locations', {
      locations: [
        { id: 'soho', name: 'Soho', address: '1 Soho Sq', pickup: true },
        { id: 'depot', name: 'Depot', address: 'Unit 4', pickup: false },
      ],
    });
    expect(put.status).toBe(200);
    const stock = await admin(server, 'PUT', `/api/admin/events/${eventId}/stock`, {
      items: [
        { sku: 'TEE', quantity: 1, locationId: 'soho' },
        { sku: 'TEE', quantity: 1, locationId: 'depot' },
      ],
    });
    expect(stock.status).toBe(200);
    expect(await stockOf(eventId)).toMatchObject({ allocated: 2, available: 2 });
    const listed = await fetch(`${server.url}/api/events/${eventId}/locations?sku=TEE`).then(
      (r) => r.json() as Promise<{ locations: unknown[] }>,
    );
    expect(listed.locations).toEqual([{ id: 'soho', name: 'Soho', address: '1 Soho Sq', available: 1 }]);
    const a = await holding(server, eventId);
    const b = await holding(server, eventId);
    const pickup = { type: 'pickup', locationId: 'soho' };
    const [ra, rb] = await Promise.all([
      checkout(a.socket, checkoutOf(eventId, [a.hold.id], { fulfilment: pickup })),
      checkout(b.socket, checkoutOf(eventId, [b.hold.id], { fulfilment: pickup })),
    ]);
    expect([ra.ok, rb.ok].sort()).toEqual([false, true]);
    const refused = ra.ok ? rb : ra;
    expect(refused.error?.code).toBe('NOT_AVAILABLE_AT_LOCATION');
    expect(await stockOf(eventId)).toMatchObject({ sold: 1, held: 1 });
    const after = await fetch(`${server.url}/api/events/${eventId}/locations?sku=TEE`).then(
      (r) => r.json() as Promise<{ locations: unknown[] }>,
    );
    expect(after.locations).toEqual([]);
    // The refused shopper keeps the hold and can have it shipped (from the depot).
    const loser = ra.ok ? b : a;
    const shipped = await checkout(loser.socket, checkoutOf(eventId, [loser.hold.id]));
    expect(shipped.order.status).toBe('confirmed');
    const depot = await admin(server, 'PUT', '/api/admin/locations', { locations: [] });
    expect(depot.body.error?.code).toBe('CONFLICT');
    const orders = (await admin(server, 'GET', `/api/admin/orders?eventId=${eventId}`)).body.orders as {
      status: string;
      payment?: { state: string };
    }[];
    const charged = orders.filter((o) => o.payment && ['authorized', 'captured'].includes(o.payment.state));
    expect(charged).toHaveLength(orders.filter((o) => o.status === 'confirmed').length);
  });
});
