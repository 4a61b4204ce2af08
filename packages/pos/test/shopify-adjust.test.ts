import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adjustmentKey, createShopifyInventoryClient, type PosAdjustment } from '@liveshop/pos';
import { ShopifyAdminServer, THROTTLED_BODY } from '@liveshop/pos/testing';

const TOKEN = 'shpat_0123456789abcdef0123456789abcdef';
const ITEM = '271878346596884015';
const LOCATION = '24826418';

let shop: ShopifyAdminServer;
beforeEach(async () => {
  shop = await new ShopifyAdminServer(TOKEN).start();
  shop.stock(ITEM, LOCATION, 10);
  shop.stock('808950810', LOCATION, 3);
});
afterEach(() => shop.stop());

const client = (timeoutMs = 5000) =>
  createShopifyInventoryClient({
    shopDomain: 'liveshop-demo.myshopify.com',
    accessToken: TOKEN,
    apiUrl: shop.url,
    timeoutMs,
  });

function sale(orderId: string, qty = 2, itemId = ITEM): PosAdjustment {
  return {
    idempotencyKey: adjustmentKey('sale', orderId, 'shopify'),
    kind: 'sale',
    referenceId: orderId,
    occurredAt: Date.parse('2026-11-30T10:00:00Z'),
    lines: [{ posItemId: itemId, posLocationId: LOCATION, qty }],
  };
}

describe('Shopify inventoryAdjustQuantities', () => {
  it('sends the documented mutation with the idempotency key, token and changeFromQuantity, and applies it', async () => {
    const adjustment = sale('LS-1001');
    const result = await client().adjust(adjustment);
    expect(result).toEqual({
      ok: true,
      provider: 'shopify',
      idempotencyKey: adjustment.idempotencyKey,
      after: [{ provider: 'shopify', posItemId: ITEM, posLocationId: LOCATION, onHand: 8 }],
    });
    expect(shop.available(ITEM, LOCATION)).toBe(8);
    expect(shop.requests).toHaveLength(1);
    const [request] = shop.requests;
    expect(request!.method).toBe('POST');
    expect(request!.path).toBe('/admin/api/2026-10/graphql.json');
    expect(request!.headers['x-shopify-access-token']).toBe(TOKEN);
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['user-agent']).toMatch(/^Liveshop \| Admin API Client v/);
    const body = request!.body as { query: string; variables: unknown };
    expect(body.query).toContain('inventoryAdjustQuantities(input: $input) @idempotent(key: $idempotencyKey)');
    expect(body.variables).toEqual({
      idempotencyKey: adjustment.idempotencyKey,
      input: {
        reason: 'correction',
        name: 'available',
        referenceDocumentUri: 'gid://liveshop/Order/LS-1001',
        changes: [
          {
            inventoryItemId: `gid://shopify/InventoryItem/${ITEM}`,
            locationId: `gid://shopify/Location/${LOCATION}`,
            delta: -2,
            changeFromQuantity: null,
          },
        ],
      },
    });
  });

  it('restocks with a positive delta and the restock reason', async () => {
    const result = await client().adjust({
      ...sale('LS-1002', 1),
      kind: 'restock',
      idempotencyKey: adjustmentKey('refund', 'LS-1002'),
    });
    expect(result).toMatchObject({ ok: true, after: [{ onHand: 11 }] });
    expect(shop.requests[0]!.body).toMatchObject({
      variables: { input: { reason: 'restock', changes: [{ delta: 1 }] } },
    });
  });

  it('applies a sale once however often it is sent with its key', async () => {
    const adjustment = sale('LS-1003', 3);
    const results = await Promise.all([
      client().adjust(adjustment),
      client().adjust(adjustment),
      client().adjust(adjustment),
    ]);
    expect(results.every((result) => result.ok)).toBe(true);
    expect(await client().adjust(adjustment)).toMatchObject({ ok: true });
    expect(shop.requests).toHaveLength(4);
    expect(shop.available(ITEM, LOCATION)).toBe(7);
  });

  it('reports a key reused for other changes as a permanent idempotency conflict', async () => {
    await client().adjust(sale('LS-1004', 1));
    const reused = { ...sale('LS-1004', 2) };
    expect(await client().adjust(reused)).toMatchObject({
      ok: false,
      code: 'idempotency_conflict',
      retryable: false,
      posErrorCodes: ['IDEMPOTENCY_KEY_PARAMETER_MISMATCH'],
    });
    expect(shop.available(ITEM, LOCATION)).toBe(9);
  });

  it('reports userErrors as permanent failures with the POS codes', async () => {
    expect(await client().adjust(sale('LS-1005', 1, '999'))).toMatchObject({
      ok: false,
      code: 'rejected',
      retryable: false,
      posErrorCodes: ['INVALID_INVENTORY_ITEM'],
    });
    const stale = sale('LS-1006');
    stale.lines[0]!.changeFromQuantity = 4;
    expect(await client().adjust(stale)).toMatchObject({
      ok: false,
      code: 'stale_quantity',
      retryable: false,
      posErrorCodes: ['CHANGE_FROM_QUANTITY_STALE'],
    });
    expect(shop.available(ITEM, LOCATION)).toBe(10);
  });

  it('reports "try again" userErrors as retryable', async () => {
    shop.faults.push({
      kind: 'status',
      status: 200,
      body: {
        data: {
          inventoryAdjustQuantities: {
            inventoryAdjustmentGroup: null,
            userErrors: [
              {
                code: 'IDEMPOTENCY_CONCURRENT_REQUEST',
                field: null,
                message: 'This request is currently in progress, please try again.',
              },
            ],
          },
        },
      },
    });
    expect(await client().adjust(sale('LS-1007'))).toMatchObject({ ok: false, code: 'server_error', retryable: true });
  });

  it('reports throttling as retryable, with the wait the cost bucket needs', async () => {
    shop.faults.push({ kind: 'status', status: 200, body: THROTTLED_BODY });
    // (752 requested − 666 available) / 50 restored per second = 1.72 s
    expect(await client().adjust(sale('LS-1008'))).toMatchObject({
      ok: false,
      code: 'rate_limited',
      retryable: true,
      retryAfterMs: 1720,
      posErrorCodes: ['THROTTLED'],
    });
    shop.faults.push({
      kind: 'status',
      status: 429,
      body: {
        errors: 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.',
      },
      headers: { 'retry-after': '2.0' },
    });
    expect(await client().adjust(sale('LS-1008'))).toMatchObject({
      ok: false,
      code: 'rate_limited',
      retryable: true,
      httpStatus: 429,
      retryAfterMs: 2000,
    });
    shop.faults.push({
      kind: 'status',
      status: 429,
      body: {},
      headers: { 'retry-after': new Date(Date.now() + 30_000).toUTCString() },
    });
    const dated = await client().adjust(sale('LS-1008'));
    expect(dated.ok === false && dated.retryAfterMs! > 25_000 && dated.retryAfterMs! <= 30_000).toBe(true);
    expect(shop.available(ITEM, LOCATION)).toBe(10);
  });

  it('reports an answer cut short as retryable and an answer without the mutation as permanent', async () => {
    shop.faults.push({ kind: 'status', status: 200, body: '{"data":{"inventoryAdjustQuantities":{"inventoryAdj' });
    expect(await client().adjust(sale('LS-1013'))).toMatchObject({
      ok: false,
      code: 'network',
      retryable: true,
      httpStatus: 200,
    });
    shop.faults.push({ kind: 'status', status: 200, body: { data: { somethingElse: true } } });
    expect(await client().adjust(sale('LS-1013'))).toMatchObject({
      ok: false,
      code: 'unexpected_response',
      retryable: false,
    });
    expect(await client().adjust(sale('LS-1013'))).toMatchObject({ ok: true, after: [{ onHand: 8 }] });
  });

  it('reports 5xx as retryable and a bad token as permanent', async () => {
    for (const status of [500, 502, 503]) {
      shop.faults.push({ kind: 'status', status, body: { errors: 'Internal Server Error' } });
      expect(await client().adjust(sale('LS-1009'))).toMatchObject({
        ok: false,
        code: 'server_error',
        retryable: true,
        httpStatus: status,
      });
    }
    const wrongToken = createShopifyInventoryClient({
      shopDomain: 'x.myshopify.com',
      accessToken: 'shpat_wrong',
      apiUrl: shop.url,
    });
    expect(await wrongToken.adjust(sale('LS-1009'))).toMatchObject({
      ok: false,
      code: 'unauthorized',
      retryable: false,
      httpStatus: 401,
    });
    expect(shop.available(ITEM, LOCATION)).toBe(10);
  });

  it('times out as retryable; the retry with the same key finds the lost answer and nothing applies twice', async () => {
    shop.faults.push({ kind: 'slow', delayMs: 1500 });
    const adjustment = sale('LS-1010', 4);
    expect(await client(300).adjust(adjustment)).toMatchObject({ ok: false, code: 'timeout', retryable: true });
    expect(shop.available(ITEM, LOCATION)).toBe(6);
    expect(await client(300).adjust(adjustment)).toMatchObject({ ok: true, after: [{ onHand: 6 }] });
    expect(shop.available(ITEM, LOCATION)).toBe(6);
  });

  it('fails retryably while the API is down and applies once when it is back', async () => {
    const adjustment = sale('LS-1011', 1);
    await shop.stop();
    for (let attempt = 0; attempt < 3; attempt++) {
      expect(await client().adjust(adjustment)).toMatchObject({ ok: false, code: 'network', retryable: true });
    }
    await shop.start();
    expect(await client().adjust(adjustment)).toMatchObject({ ok: true });
    expect(await client().adjust(adjustment)).toMatchObject({ ok: true });
    expect(shop.available(ITEM, LOCATION)).toBe(9);
  });

  it('refuses an invalid adjustment without calling Shopify', async () => {
    const invalid = [
      { ...sale('LS-1012'), idempotencyKey: '' },
      { ...sale('LS-1012'), idempotencyKey: 'has spaces' },
      { ...sale('LS-1012'), lines: [] },
      { ...sale('LS-1012'), lines: [{ posItemId: ITEM, posLocationId: LOCATION, qty: 0 }] },
      { ...sale('LS-1012'), lines: [{ posItemId: ITEM, posLocationId: LOCATION, qty: 1.5 }] },
      { ...sale('LS-1012'), kind: 'gift' },
      {
        ...sale('LS-1012'),
        lines: Array.from({ length: 251 }, () => ({ posItemId: ITEM, posLocationId: LOCATION, qty: 1 })),
      },
      null,
    ];
    for (const adjustment of invalid) {
      expect(await client().adjust(adjustment as PosAdjustment)).toMatchObject({
        ok: false,
        code: 'invalid_request',
        retryable: false,
      });
    }
    expect(shop.requests).toHaveLength(0);
  });
});

describe('Shopify count pull', () => {
  it('reads the available quantity per item and location, across pages, as the numeric ids webhooks carry', async () => {
    const paged = new ShopifyAdminServer(TOKEN, 2);
    await paged.start();
    try {
      for (const [location, available] of [
        ['1', 5],
        ['2', 0],
        ['3', -1],
        ['4', 7],
        ['5', 2],
      ] as const)
        paged.stock(ITEM, location, available);
      paged.stock('808950810', '1', 9);
      paged.stock('555', '1', 4, false);
      const pull = createShopifyInventoryClient({
        shopDomain: 'x.myshopify.com',
        accessToken: TOKEN,
        apiUrl: paged.url,
      });
      const result = await pull.fetchCounts({ posItemIds: [ITEM, '808950810', '555', '404'] });
      expect(result).toEqual({
        ok: true,
        provider: 'shopify',
        counts: [
          { provider: 'shopify', posItemId: ITEM, posLocationId: '1', onHand: 5 },
          { provider: 'shopify', posItemId: ITEM, posLocationId: '2', onHand: 0 },
          { provider: 'shopify', posItemId: ITEM, posLocationId: '3', onHand: -1 },
          { provider: 'shopify', posItemId: ITEM, posLocationId: '4', onHand: 7 },
          { provider: 'shopify', posItemId: ITEM, posLocationId: '5', onHand: 2 },
          { provider: 'shopify', posItemId: '808950810', posLocationId: '1', onHand: 9 },
        ],
      });
      expect((paged.requests[0]!.body as { variables: unknown }).variables).toEqual({
        ids: [
          `gid://shopify/InventoryItem/${ITEM}`,
          'gid://shopify/InventoryItem/808950810',
          'gid://shopify/InventoryItem/555',
          'gid://shopify/InventoryItem/404',
        ],
        after: null,
      });
      const filtered = await pull.fetchCounts({ posItemIds: [ITEM], posLocationIds: ['4'] });
      expect(filtered).toMatchObject({ ok: true, counts: [{ posLocationId: '4', onHand: 7 }] });
      paged.faults.push({ kind: 'status', status: 503, body: {} });
      expect(await pull.fetchCounts({ posItemIds: [ITEM] })).toMatchObject({
        ok: false,
        code: 'server_error',
        retryable: true,
      });
    } finally {
      await paged.stop();
    }
  });
});
