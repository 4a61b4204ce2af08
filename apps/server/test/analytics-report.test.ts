import { readFileSync } from 'node:fs';
import { TEST_CARDS } from '@liveshop/payments';
import { signGenericWebhook, signShopifyWebhook, signSquareWebhook } from '@liveshop/pos';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCheckoutServer, SHIP, type CheckoutHarness } from './checkout-harness.js';
import {
  admin,
  client,
  closeClients,
  createEvent,
  eventually,
  idem,
  request,
  shopper,
  TEST_DATABASE_URL,
} from './harness.js';

const SECRETS = {
  shopifyWebhookSecret: 'report-shopify-secret',
  squareSignatureKey: 'report-square-key',
  squareWebhookUrl: 'https://shop.example/webhooks/square',
  posWebhookSecret: 'report-pos-secret',
};
const fixture = (path: string) =>
  JSON.parse(readFileSync(new URL(`../../../packages/pos/test/fixtures/${path}`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * A scripted show, every figure computed by hand below. Event `show` sells TEE (2500, 10 allocated)
 * and MUG (1500, 5 allocated).
 *
 * Viewers: A, B, C join, and D joins opted out: 4 sessions, 3 shopper ids; 4 connected at once.
 * Beacons: TEE seen by A, B, C; MUG by B, C. Clicks: A on TEE twice, B on TEE once, C on MUG once.
 * Holds: A TEE×2; B TEE×1 and MUG×1; C MUG×1 (released): TEE 2 holds, MUG 2 holds.
 * Orders (test card): A buys TEE×2 = 5000; B buys TEE + MUG = 4000, then MUG is refunded (1500).
 *   orders 2, direct 5000 + 4000 − 1500 = 7500, refund rate 1/2, AOV 7500/2 = 3750.
 *   TEE: 2 orders, 3 units, 7500, sell-through 3/10; MUG: 1 order, 0 units net, 0, 0/5.
 * Counter sales after the show ends (influenced when by a watcher, within 48 h of the end):
 *   generic, A's e-mail in capitals, 3000 → counted
 *   Shopify POS order, B's phone written another way, "20.00" → counted
 *   Square payment.created, A's e-mail, 1234, 47 h after the end → counted
 *   Square, A, 49 h after the end → not (outside the window)
 *   generic, C's e-mail (C never bought online, so no profile is linked to C's shopper id) → not
 *   Shopify POS order with `test: true`, B → not
 *   generic, A, a day before the show → not (before A's first session)
 *   influenced 3000 + 2000 + 1234 = 6234
 * conversion 2/4 = 0.5; revenue per session (7500 + 6234) / 4 = 3433.5 → 3434.
 */
const EXPECTED = {
  sessions: 4,
  uniqueViewers: 3,
  peakViewers: 4,
  orders: 2,
  revenueCents: { direct: 7500, influenced: 6234 },
  conversionRate: 0.5,
  aovCents: 3750,
  revenuePerSessionCents: 3434,
  refundRate: 0.5,
  products: [
    { sku: 'TEE', impressions: 3, clicks: 3, holds: 2, orders: 2, revenueCents: 7500, sellThrough: 0.3 },
    { sku: 'MUG', impressions: 2, clicks: 1, holds: 2, orders: 1, revenueCents: 0, sellThrough: 0 },
  ],
};

describe.runIf(TEST_DATABASE_URL)('analytics of a scripted show', () => {
  let harness: CheckoutHarness;
  const url = () => harness.server.url;

  beforeAll(async () => {
    harness = await startCheckoutServer(true, { testPayments: true, ...SECRETS });
  });
  afterEach(() => closeClients());
  afterAll(() => harness?.stop());

  const beacon = async (session: string, items: { type: 'impression' | 'click'; sku: string }[]) => {
    const response = await fetch(`${url()}/api/events/show/beacons`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({
        session,
        batch: idem().padEnd(12, 'x'),
        items: items.map((item) => ({ ...item, at: Date.now() })),
      }),
    });
    expect(response.status).toBe(202);
  };
  const post = async (path: string, signed: { body: string; headers: Record<string, string> }) => {
    const response = await fetch(`${url()}${path}`, { method: 'POST', headers: signed.headers, body: signed.body });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const genericSale = (orderRef: string, occurredAt: number, totalCents: number, customer: Record<string, string>) =>
    post(
      '/webhooks/pos',
      signGenericWebhook({
        secret: SECRETS.posWebhookSecret,
        body: {
          deliveryId: `d-${orderRef}`,
          occurredAt,
          sale: { orderRef, totalCents, currency: 'USD', customer, lines: [{ posItemId: 'pos-tee', qty: 1 }] },
        },
      }),
    );
  const shopifySale = (id: number, at: number, phone: string, price: string, test: boolean) => {
    const order = fixture('shopify/orders-create.json');
    Object.assign(order, {
      id,
      source_name: 'pos',
      email: null,
      contact_email: null,
      phone,
      customer: { email: null, phone },
      total_price: price,
      total_price_set: {
        shop_money: { amount: price, currency_code: 'USD' },
        presentment_money: { amount: price, currency_code: 'USD' },
      },
      currency: 'USD',
      created_at: iso(at),
      processed_at: iso(at),
      test,
    });
    return post(
      '/webhooks/shopify',
      signShopifyWebhook({ secret: SECRETS.shopifyWebhookSecret, topic: 'orders/create', body: JSON.stringify(order) }),
    );
  };
  const squareSale = (paymentId: string, at: number, email: string, amount: number) => {
    const event = fixture('square/payment-created.json') as {
      event_id: string;
      data: { object: { payment: Record<string, unknown> } };
    };
    event.event_id = `ev-${paymentId}`;
    Object.assign(event.data.object.payment, {
      id: paymentId,
      order_id: `order-${paymentId}`,
      created_at: iso(at),
      amount_money: { amount, currency: 'USD' },
      total_money: { amount, currency: 'USD' },
      buyer_email_address: email,
      customer_id: `CUST${paymentId}`,
    });
    return post(
      '/webhooks/square',
      signSquareWebhook({
        signatureKey: SECRETS.squareSignatureKey,
        notificationUrl: SECRETS.squareWebhookUrl,
        body: JSON.stringify(event),
      }),
    );
  };

  it('equals the hand-computed figures, in JSON and CSV, and over /host', async () => {
    const beforeShow = Date.now() - 24 * HOUR;
    await createEvent(harness.server, { id: 'show' }, { TEE: 10, MUG: 5 });
    const [a, b, c, d] = await Promise.all([1, 2, 3, 4].map(() => shopper(harness.server)));
    for (const viewer of [a, b, c]) expect((await request(viewer.socket, 'join', { eventId: 'show' })).ok).toBe(true);
    expect((await request(d.socket, 'join', { eventId: 'show', optOut: true })).ok).toBe(true);
    // The minute's sample while all four watch: the peak.
    await harness.server.analytics.sample(Math.floor(Date.now() / 60_000) * 60_000);

    await beacon(a.session, [
      { type: 'impression', sku: 'TEE' },
      { type: 'click', sku: 'TEE' },
      { type: 'click', sku: 'TEE' },
    ]);
    await beacon(b.session, [
      { type: 'impression', sku: 'TEE' },
      { type: 'impression', sku: 'MUG' },
      { type: 'click', sku: 'TEE' },
    ]);
    await beacon(c.session, [
      { type: 'impression', sku: 'TEE' },
      { type: 'impression', sku: 'MUG' },
      { type: 'click', sku: 'MUG' },
    ]);

    const reserve = async (who: typeof a, sku: string, qty: number) => {
      const reply = await request(who.socket, 'reserve', { eventId: 'show', sku, qty, idempotencyKey: idem() });
      expect(reply.ok, JSON.stringify(reply.error)).toBe(true);
      return reply.hold.id as string;
    };
    const aTee = await reserve(a, 'TEE', 2);
    const bTee = await reserve(b, 'TEE', 1);
    const bMug = await reserve(b, 'MUG', 1);
    const cMug = await reserve(c, 'MUG', 1);
    expect((await request(c.socket, 'release', { eventId: 'show', holdId: cMug })).ok).toBe(true);

    const checkout = (who: typeof a, holdIds: string[], customer: Record<string, string>) =>
      who.socket.timeout(20_000).emitWithAck('checkout', {
        eventId: 'show',
        holdIds,
        idempotencyKey: idem(),
        customer,
        fulfilment: SHIP,
        payment: { provider: 'test', card: TEST_CARDS.approve },
      }) as Promise<{ ok: boolean; order: { id: string; status: string }; error?: unknown }>;
    const aOrder = await checkout(a, [aTee], { email: 'ana@example.com', name: 'Ana' });
    const bOrder = await checkout(b, [bTee, bMug], { email: 'ben@example.com', phone: '+1 (212) 555-0142' });
    expect([aOrder.ok, bOrder.ok], JSON.stringify([aOrder.error, bOrder.error])).toEqual([true, true]);
    // Each buyer's browser is linked to their profile.
    expect(
      (await harness.sql<{ shopper_id: string }>('select shopper_id from shopper_customers order by shopper_id')).map(
        (row) => row.shopper_id,
      ),
    ).toEqual([a.shopperId, b.shopperId].sort());
    const refund = await admin(harness.server, 'POST', `/api/admin/orders/${bOrder.order.id}/refund`, {
      lines: [{ sku: 'MUG', qty: 1 }],
    });
    expect(refund.status).toBe(200);

    // Every hold counted from the ledger, every fact written.
    await eventually(async () => {
      const rows = await harness.sql<{ holds: number }>(
        'select sum(holds)::int as holds from hold_counts where event_id = $1',
        ['show'],
      );
      return rows[0]?.holds === 4;
    }, 10_000);
    await harness.server.analytics.flush();
    closeClients();
    await eventually(async () => {
      await harness.server.analytics.flush();
      const rows = await harness.sql('select 1 from viewer_sessions where event_id = $1 and ended_at is null', [
        'show',
      ]);
      return rows.length === 0;
    });
    expect((await admin(harness.server, 'POST', '/api/admin/events/show/status', { status: 'ended' })).status).toBe(
      200,
    );
    const [{ ended_at: endedAt }] = await harness.sql<{ ended_at: Date }>('select ended_at from events where id = $1', [
      'show',
    ]);
    const end = endedAt.getTime();

    const sales = [
      await genericSale('counter-a', end + HOUR, 3000, { email: 'ANA@Example.COM' }),
      await shopifySale(450789469001, end + 2 * HOUR, '212.555.0142', '20.00', false),
      await squareSale('sq-in', end + 47 * HOUR, 'ana@example.com', 1234),
      await squareSale('sq-late', end + 49 * HOUR, 'ana@example.com', 999),
      await genericSale('counter-c', end + HOUR, 4000, { email: 'cy@example.com' }),
      await shopifySale(450789469002, end + HOUR, '2125550142', '77.00', true),
      await genericSale('counter-early', beforeShow, 5000, { email: 'ana@example.com' }),
    ];
    expect(sales.map((sale) => sale.status)).toEqual([200, 200, 200, 200, 200, 200, 200]);
    expect(sales.map((sale) => sale.body.ok)).toEqual(Array(7).fill(true));
    // A redelivery adds nothing.
    expect((await genericSale('counter-a', end + HOUR, 3000, { email: 'ana@example.com' })).body.duplicate).toBe(true);

    const json = await admin(harness.server, 'GET', '/api/admin/events/show/analytics');
    expect(json.status).toBe(200);
    expect(json.body).toEqual(EXPECTED);

    const csv = await fetch(`${url()}/api/admin/events/show/analytics?format=csv`, {
      headers: { authorization: 'Bearer test-admin-key' },
    });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(await csv.text()).toBe(
      [
        'row,sku,sessions,uniqueViewers,peakViewers,orders,directRevenueCents,influencedRevenueCents,conversionRate,aovCents,revenuePerSessionCents,refundRate,impressions,clicks,holds,revenueCents,sellThrough',
        'event,,4,3,4,2,7500,6234,0.5,3750,3434,0.5,,,,,',
        'product,TEE,,,,2,,,,,,,3,3,2,7500,0.3',
        'product,MUG,,,,1,,,,,,,2,1,2,0,0',
        '',
      ].join('\r\n'),
    );

    const token = await admin(harness.server, 'POST', '/api/admin/tokens', { role: 'host', eventId: 'show' });
    const host = await client(harness.server, '/host', { token: token.body.token });
    const reply = await request(host, 'analytics', { eventId: 'show' });
    expect(reply.ok).toBe(true);
    expect(reply.analytics).toEqual(EXPECTED);
    expect(reply.series.funnel).toEqual({ impressions: 5, clicks: 4, holds: 4, orders: 2 });
    const sold = reply.series.salesPerMinute.reduce(
      (
        sum: { orders: number; units: number; revenueCents: number },
        m: { orders: number; units: number; revenueCents: number },
      ) => ({
        orders: sum.orders + m.orders,
        units: sum.units + m.units,
        revenueCents: sum.revenueCents + m.revenueCents,
      }),
      { orders: 0, units: 0, revenueCents: 0 },
    );
    expect(sold).toEqual({ orders: 2, units: 3, revenueCents: 7500 });
    expect(reply.series.stock.map((s: { sku: string }) => s.sku)).toEqual(['TEE', 'MUG']);
  });

  it("answers NOT_FOUND for an unknown event, INVALID_INPUT for a bad format, and FORBIDDEN to another event's host", async () => {
    expect((await admin(harness.server, 'GET', '/api/admin/events/nope/analytics')).body.error?.code).toBe('NOT_FOUND');
    const bad = await admin(harness.server, 'GET', '/api/admin/events/show/analytics?format=xml');
    expect([bad.status, bad.body.error?.code]).toEqual([400, 'INVALID_INPUT']);
    const token = await admin(harness.server, 'POST', '/api/admin/tokens', { role: 'host', eventId: 'show' });
    const host = await client(harness.server, '/host', { token: token.body.token });
    expect((await request(host, 'analytics', { eventId: 'other' })).error?.code).toBe('FORBIDDEN');
  });
});
