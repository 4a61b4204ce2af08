import { describe, expect, it } from 'vitest';
import { createShopifyWebhookAdapter, signShopifyWebhook, type RawWebhookRequest } from '@liveshop/pos';
import { delivery, fixture } from './fixtures.js';

const SECRET = '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';
const adapter = createShopifyWebhookAdapter({ secret: SECRET });

/** A delivery of `body` signed with `secret`, as Shopify sends it. */
function signed(body: Buffer | string, topic = 'inventory_levels/update', secret = SECRET): RawWebhookRequest {
  const text = Buffer.isBuffer(body) ? body.toString('utf8') : body;
  const webhook = signShopifyWebhook({
    secret,
    topic,
    body: text,
    eventId: 'b54557e4-8a5f-4f7d-9b1c-d043a1c2e3f4',
    shopDomain: 'shop.myshopify.com',
  });
  return delivery(body, webhook.headers);
}

const levelBody = fixture('shopify/inventory-levels-update.json');

describe('Shopify inventory_levels/update', () => {
  it("normalises Shopify's documented example, keeping its 18-digit inventory item id exact", () => {
    const result = adapter.receive(signed(levelBody));
    expect(result).toEqual({
      ok: true,
      kind: 'inventory',
      provider: 'shopify',
      topic: 'inventory_levels/update',
      deliveryId: 'b54557e4-8a5f-4f7d-9b1c-d043a1c2e3f4',
      account: 'shop.myshopify.com',
      updates: [
        {
          provider: 'shopify',
          posItemId: '271878346596884015',
          posLocationId: '24826418',
          onHand: 1,
          occurredAt: Date.parse('2022-01-01T00:00:00Z'),
          deliveryId: 'b54557e4-8a5f-4f7d-9b1c-d043a1c2e3f4',
        },
      ],
      skipped: [],
    });
  });

  it('reads header names in any case', () => {
    const { headers } = signed(levelBody);
    const shouted = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toUpperCase(), value]));
    const mixed = {
      'X-Shopify-Topic': headers['x-shopify-topic'],
      'X-Shopify-Hmac-SHA256': headers['x-shopify-hmac-sha256'],
      'X-Shopify-Event-Id': 'e1',
    };
    expect(adapter.receive(delivery(levelBody, shouted)).ok).toBe(true);
    expect(adapter.receive(delivery(levelBody, mixed)).ok).toBe(true);
  });

  it('refuses a tampered body with 401 and reads nothing from it', () => {
    const request = signed(levelBody);
    const tampered = Buffer.from(levelBody.toString('utf8').replace('"available": 1', '"available": 9'));
    const result = adapter.receive(delivery(tampered, request.headers));
    expect(result).toMatchObject({ ok: false, code: 'bad_signature', httpStatus: 401 });
    expect(result).not.toHaveProperty('deliveryId');
  });

  it('refuses a body signed with another secret, and accepts either secret during a rotation', () => {
    const other = signed(levelBody, 'inventory_levels/update', 'an-old-secret');
    expect(adapter.receive(other)).toMatchObject({ ok: false, code: 'bad_signature' });
    const rotating = createShopifyWebhookAdapter({ secret: [SECRET, 'an-old-secret'] });
    expect(rotating.receive(other).ok).toBe(true);
    expect(rotating.receive(signed(levelBody)).ok).toBe(true);
  });

  it('refuses a missing, empty, duplicated or misshapen signature header', () => {
    const { headers } = signed(levelBody);
    const hmac = headers['x-shopify-hmac-sha256'] as string;
    const without = { ...headers, 'x-shopify-hmac-sha256': undefined };
    for (const variant of [
      without,
      { ...headers, 'x-shopify-hmac-sha256': '' },
      { ...headers, 'x-shopify-hmac-sha256': [hmac, hmac] },
      { ...headers, 'x-shopify-hmac-sha256': `${hmac}, ${hmac}` },
      { ...without, 'X-SHOPIFY-HMAC-SHA256': hmac, 'x-shopify-hmac-sha256': hmac },
      { ...headers, 'x-shopify-hmac-sha256': Buffer.from(hmac, 'base64').toString('hex') },
      { ...headers, 'x-shopify-hmac-sha256': `${hmac.slice(0, -2)}A=` },
    ]) {
      expect(adapter.receive(delivery(levelBody, variant))).toMatchObject({
        ok: false,
        code: 'bad_signature',
        httpStatus: 401,
      });
    }
  });

  it('needs the topic once, and a dedupe id: the event id, else the webhook id', () => {
    const { headers } = signed(levelBody);
    expect(adapter.receive(delivery(levelBody, { ...headers, 'x-shopify-topic': undefined }))).toMatchObject({
      code: 'malformed',
      httpStatus: 400,
    });
    expect(
      adapter.receive(
        delivery(levelBody, { ...headers, 'x-shopify-topic': ['inventory_levels/update', 'inventory_levels/update'] }),
      ),
    ).toMatchObject({
      code: 'malformed',
    });
    const byWebhookId = adapter.receive(
      delivery(levelBody, { ...headers, 'x-shopify-event-id': undefined, 'x-shopify-webhook-id': 'wh-77' }),
    );
    expect(byWebhookId).toMatchObject({ ok: true, deliveryId: 'wh-77' });
    const noId = adapter.receive(
      delivery(levelBody, { ...headers, 'x-shopify-event-id': undefined, 'x-shopify-webhook-id': undefined }),
    );
    expect(noId).toMatchObject({ ok: false, code: 'malformed', httpStatus: 400 });
    expect(
      adapter.receive(delivery(levelBody, { ...headers, 'x-shopify-event-id': 'has spaces in it' })),
    ).toMatchObject({ code: 'malformed' });
  });

  it('answers a topic it does not handle with 200 and applies nothing', () => {
    const result = adapter.receive(signed('{"id":632910392,"title":"IPod Nano - 8GB"}', 'products/update'));
    expect(result).toMatchObject({
      ok: false,
      code: 'ignored_topic',
      httpStatus: 200,
      topic: 'products/update',
      deliveryId: expect.any(String),
    });
  });

  it('reports an untracked item (available: null) as skipped, applying no count', () => {
    const body = levelBody.toString('utf8').replace('"available": 1', '"available": null');
    const result = adapter.receive(signed(body));
    expect(result).toMatchObject({
      ok: true,
      kind: 'inventory',
      updates: [],
      skipped: [{ posItemId: '271878346596884015', posLocationId: '24826418', reason: 'untracked' }],
    });
  });

  it('passes a negative count through (the counter oversold) and refuses non-integer counts', () => {
    const negative = adapter.receive(signed(levelBody.toString('utf8').replace('"available": 1', '"available": -3')));
    expect(negative).toMatchObject({ ok: true, updates: [{ onHand: -3 }] });
    for (const available of ['1.5', '"3"', 'true', '1e12', '99999999999999999999']) {
      const result = adapter.receive(
        signed(levelBody.toString('utf8').replace('"available": 1', `"available": ${available}`)),
      );
      expect(result, available).toMatchObject({ ok: false, code: 'malformed', httpStatus: 400 });
    }
  });

  it('refuses a body without its ids or with an impossible timestamp', () => {
    expect(
      adapter.receive(signed('{"location_id":1,"available":1,"updated_at":"2021-12-31T19:00:00-05:00"}')),
    ).toMatchObject({ code: 'malformed' });
    const bad = levelBody.toString('utf8').replace('2021-12-31T19:00:00-05:00', '2021-02-30T19:00:00-05:00');
    expect(adapter.receive(signed(bad))).toMatchObject({ code: 'malformed' });
  });
});

describe('Shopify orders/create', () => {
  const orderBody = fixture('shopify/orders-create.json');
  const posOrder = orderBody
    .toString('utf8')
    .replace('"source_name": "web"', '"source_name": "pos"')
    .replace('"phone": null,\n  "presentment_currency"', '"phone": "+1 (613) 555-0199",\n  "presentment_currency"');

  it("answers Shopify's documented (online) example as not applicable: only POS orders are counter sales", () => {
    expect(adapter.receive(signed(orderBody, 'orders/create'))).toMatchObject({
      ok: false,
      code: 'not_applicable',
      httpStatus: 200,
    });
  });

  it('normalises a POS order into a sale with an exact order id, total in cents and the customer', () => {
    const result = adapter.receive(signed(posOrder, 'orders/create'));
    expect(result).toEqual({
      ok: true,
      kind: 'sale',
      provider: 'shopify',
      topic: 'orders/create',
      deliveryId: 'b54557e4-8a5f-4f7d-9b1c-d043a1c2e3f4',
      account: 'shop.myshopify.com',
      sale: {
        provider: 'shopify',
        deliveryId: 'b54557e4-8a5f-4f7d-9b1c-d043a1c2e3f4',
        occurredAt: Date.parse('2022-01-01T00:00:00Z'),
        orderRef: '820982911946154508',
        totalCents: 40300,
        currency: 'USD',
        customer: { email: 'jon@example.com', phone: '+16135550199' },
        lines: [
          { posItemId: '808950810', qty: 1, sku: 'IPOD2008PINK' },
          { posItemId: '808950810', qty: 1, sku: 'IPOD2008PINK' },
        ],
        test: true,
      },
    });
  });

  it('names a line by its product when it has no variant, and leaves out a line with neither', () => {
    const order = JSON.parse(posOrder.replace(/: (\d{16,})/g, ': "$1"')) as Record<string, unknown> & {
      line_items: Record<string, unknown>[];
    };
    order.line_items[0]!.variant_id = null;
    order.line_items[1]!.variant_id = null;
    order.line_items[1]!.product_id = null;
    const result = adapter.receive(signed(JSON.stringify(order), 'orders/create'));
    expect(result).toMatchObject({
      ok: true,
      sale: { lines: [{ posItemId: String(order.line_items[0]!.product_id), qty: 1 }] },
    });
    expect(result.ok && result.kind === 'sale' && result.sale.lines).toHaveLength(1);
  });

  it('refuses an order whose total is not an amount', () => {
    // Big ids quoted first, so the order survives a round trip through JSON.parse.
    const order = () =>
      JSON.parse(posOrder.replace(/: (\d{16,})/g, ': "$1"')) as Record<string, unknown> & {
        total_price_set: { shop_money: { amount: string } };
      };
    const badShopTotal = order();
    badShopTotal.total_price_set.shop_money.amount = '4.03.00';
    const badTotal = { ...order(), total_price_set: null, total_price: '403,00' };
    const goodTotal = { ...order(), total_price_set: null, total_price: '12.5' };
    expect(adapter.receive(signed(JSON.stringify(badShopTotal), 'orders/create'))).toMatchObject({
      ok: false,
      code: 'malformed',
    });
    expect(adapter.receive(signed(JSON.stringify(badTotal), 'orders/create'))).toMatchObject({
      ok: false,
      code: 'malformed',
    });
    expect(adapter.receive(signed(JSON.stringify(goodTotal), 'orders/create'))).toMatchObject({
      ok: true,
      sale: { totalCents: 1250, orderRef: '820982911946154508' },
    });
  });
});

describe('Shopify adapter configuration', () => {
  it('refuses to be built without a secret, so nothing ever verifies against an empty key', () => {
    expect(() => createShopifyWebhookAdapter({ secret: '' })).toThrow(TypeError);
    expect(() => createShopifyWebhookAdapter({ secret: [] })).toThrow(TypeError);
  });
});
