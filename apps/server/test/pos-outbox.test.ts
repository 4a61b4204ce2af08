import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shopifyInventoryLevelBody, signShopifyWebhook } from '@liveshop/pos';
import { ShopifyAdminServer, SquareApiServer } from '@liveshop/pos/testing';
import { startServer, type ServerOptions } from '@liveshop/server';
import pg from 'pg';
import { checkout, checkoutOf, holding } from './checkout-harness.js';
import {
  admin,
  closeClients,
  createEvent,
  dropIsolation,
  eventually,
  isolation,
  randomId,
  TEST_DATABASE_URL,
  testOptions,
  type Isolation,
} from './harness.js';

const SHOPIFY_SECRET = 'outbox-shopify-secret';
const SHOPIFY_ITEM = '271878346596884015';
const SHOPIFY_LOCATION = '24826418';
const SQUARE_ITEM = 'W62UWFY35CWMYGVWK6TWJDNI';
const SQUARE_LOCATION = 'L8QZ1';
const START = 60;

type Server = Awaited<ReturnType<typeof startServer>>;

/**
 * Live sales adjust Shopify and Square through the outbox, against local servers speaking their
 * documented request and answer shapes, which apply an idempotency key once.
 */
describe('the POS outbox', () => {
  let scope: Isolation;
  let shopify: ShopifyAdminServer;
  let square: SquareApiServer;
  const servers: Server[] = [];
  const shared = () => scope.databaseUrl !== 'memory://';

  const options = (): ServerOptions => ({
    shopifyWebhookSecret: SHOPIFY_SECRET,
    shopifyShopDomain: 'liveshop-test.myshopify.com',
    shopifyAdminToken: 'shpat_outbox',
    shopifyApiUrl: shopify.url,
    squareAccessToken: 'square-outbox-token',
    squareApiUrl: square.url,
    posSyncBackoffMs: 50,
    posSyncMaxAttempts: 6,
    posSyncTimeoutMs: 400,
    testPayments: true,
  });

  beforeAll(async () => {
    scope = isolation();
    shopify = await new ShopifyAdminServer('shpat_outbox').start();
    square = await new SquareApiServer('square-outbox-token').start();
    shopify.stock(SHOPIFY_ITEM, SHOPIFY_LOCATION, START);
    square.stock(SQUARE_ITEM, SQUARE_LOCATION, START);
    servers.push(await startServer(testOptions(scope, options())));
    // A second process sharing the work (same PostgreSQL and Redis); PGlite is one process's only.
    if (shared()) servers.push(await startServer(testOptions(scope, options())));
    const mapped = await admin(servers[0]!, 'PUT', '/api/admin/pos/mappings', {
      items: [
        { provider: 'shopify', posItemId: SHOPIFY_ITEM, sku: 'TEE' },
        { provider: 'square', posItemId: SQUARE_ITEM, sku: 'TEE' },
        { provider: 'shopify', posItemId: '1000000000001', sku: 'MUG' },
      ],
      locations: [
        { provider: 'shopify', posLocationId: SHOPIFY_LOCATION, locationId: 'store-1' },
        { provider: 'square', posLocationId: SQUARE_LOCATION, locationId: 'store-1' },
      ],
    });
    expect(mapped.status).toBe(200);
  });
  afterAll(async () => {
    closeClients();
    await Promise.all(servers.map((server) => server.close()));
    await Promise.all([shopify?.stop(), square?.stop()]);
    await dropIsolation(scope);
  });

  async function sell(server: Server, eventId: string, sku: string, qty: number, tag: string): Promise<void> {
    const reserved = await server.inventory.reserve({
      eventId,
      sku,
      qty,
      shopperId: `s-${tag}`,
      idempotencyKey: `r-${tag}`,
    });
    if (!reserved.ok) throw new Error(reserved.error.message);
    const committed = await server.inventory.commit({
      eventId,
      holdIds: [reserved.hold.id],
      orderId: `o-${tag}`,
      idempotencyKey: `c-${tag}`,
    });
    if (!committed.ok) throw new Error(committed.error.message);
  }

  async function outboxRows(): Promise<{ status: string; attempts: number; provider: string }[]> {
    if (!shared()) {
      // PGlite lives inside the server process: read the state through the metrics instead.
      return [];
    }
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    try {
      const { rows } = await client.query(`select status, attempts, provider from "${scope.dbSchema}".pos_outbox`);
      return rows;
    } finally {
      await client.end();
    }
  }

  async function squareRetries(): Promise<number> {
    let retries = 0;
    for (const server of servers) {
      const text = await (await fetch(`${server.url}/metrics`)).text();
      retries += Number(
        /liveshop_pos_adjustments_total\{provider="square",outcome="retry"\} (\d+)/.exec(text)?.[1] ?? 0,
      );
    }
    return retries;
  }

  it('applies each live sale once to Shopify and Square through errors, timeouts and an outage, shared by the processes', async () => {
    const eventId = randomId('obx');
    await createEvent(servers[0]!, {
      id: eventId,
      inventory: { mode: 'shared', safetyBuffer: 0, locations: ['store-1'] },
    });
    const count = signShopifyWebhook({
      secret: SHOPIFY_SECRET,
      topic: 'inventory_levels/update',
      body: shopifyInventoryLevelBody({
        inventoryItemId: SHOPIFY_ITEM,
        locationId: SHOPIFY_LOCATION,
        available: START,
      }),
    });
    const answer = await fetch(`${servers[0]!.url}/webhooks/shopify`, {
      method: 'POST',
      headers: count.headers,
      body: count.body,
    });
    expect(answer.status).toBe(200);
    // Shopify: two server errors, a throttle and an answer that comes too late; Square: down a while.
    shopify.faults.push(
      { kind: 'status', status: 503 },
      { kind: 'status', status: 502 },
      { kind: 'slow', delayMs: 1_000 },
      { kind: 'status', status: 429, headers: { 'retry-after': '0.2' } },
    );
    await square.stop();
    let sold = 0;
    const sales = Array.from({ length: 12 }, (_, i) => ({ qty: 1 + (i % 3), tag: `${eventId}-${i}` }));
    await Promise.all(
      sales.map(async (sale, i) => {
        await sell(servers[i % servers.length]!, eventId, 'TEE', sale.qty, sale.tag);
        sold += sale.qty;
      }),
    );
    // Square stays down until the outbox has failed to reach it.
    await eventually(async () => (await squareRetries()) > 0, 10_000);
    expect(square.quantity(SQUARE_ITEM, SQUARE_LOCATION)).toBe(START);
    await square.start();
    await eventually(
      () =>
        shopify.available(SHOPIFY_ITEM, SHOPIFY_LOCATION) === START - sold &&
        square.quantity(SQUARE_ITEM, SQUARE_LOCATION) === START - sold,
      20_000,
    );
    // Nothing more arrives later (no sale applied twice).
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(shopify.available(SHOPIFY_ITEM, SHOPIFY_LOCATION)).toBe(START - sold);
    expect(square.quantity(SQUARE_ITEM, SQUARE_LOCATION)).toBe(START - sold);
    const rows = await outboxRows();
    if (shared()) {
      expect(rows).toHaveLength(sales.length * 2);
      expect(rows.every((row) => row.status === 'applied')).toBe(true);
      expect(rows.some((row) => row.provider === 'square' && row.attempts > 1)).toBe(true);
    }
    // The event learnt the POS has the sales: its on-hand is the POS's, none of it owed.
    const drift = await admin(servers[0]!, 'GET', `/api/admin/pos/drift?eventId=${eventId}`);
    expect(drift.body.skus.find((s: { sku: string }) => s.sku === 'TEE')).toMatchObject({
      sold,
      unsynced: 0,
      available: START - sold,
    });
    const metrics = await (await fetch(`${servers[0]!.url}/metrics`)).text();
    expect(metrics).toMatch(/liveshop_pos_sync_lag_seconds 0\b/);
  });

  it('dead-letters an adjustment the POS refuses, with an incident for the moderators', async () => {
    const eventId = randomId('dead');
    await createEvent(
      servers[0]!,
      { id: eventId, inventory: { mode: 'exclusive', locations: ['store-1'] } },
      { MUG: 5 },
    );
    await sell(servers[0]!, eventId, 'MUG', 1, `${eventId}-1`);
    await eventually(async () => {
      const incidents = await admin(servers[0]!, 'GET', '/api/admin/pos/incidents');
      return incidents.body.incidents.some(
        (i: { rule: string; eventId?: string }) => i.rule === 'pos_sync_failed' && i.eventId === eventId,
      );
    }, 10_000);
    await eventually(async () =>
      /liveshop_pos_outbox_dead [1-9]/.test(await (await fetch(`${servers[0]!.url}/metrics`)).text()),
    );
  });

  it('tells the POS of a refund with restock: one positive adjustment per provider, keyed by the refund, applied once', async () => {
    const eventId = randomId('rfd');
    await createEvent(servers[0]!, {
      id: eventId,
      inventory: { mode: 'shared', safetyBuffer: 0, locations: ['store-1'] },
    });
    const before = {
      shopify: shopify.available(SHOPIFY_ITEM, SHOPIFY_LOCATION)!,
      square: square.quantity(SQUARE_ITEM, SQUARE_LOCATION)!,
    };
    // The POS's own count reaches the event (the earlier sales are in it).
    const count = signShopifyWebhook({
      secret: SHOPIFY_SECRET,
      topic: 'inventory_levels/update',
      body: shopifyInventoryLevelBody({
        inventoryItemId: SHOPIFY_ITEM,
        locationId: SHOPIFY_LOCATION,
        available: before.shopify,
        updatedAt: new Date(Date.now() + 60_000),
      }),
    });
    expect((await fetch(`${servers[0]!.url}/webhooks/shopify`, { method: 'POST', ...count })).status).toBe(200);
    const buyer = await holding(servers[0]!, eventId, 'TEE', 3);
    const sold = await checkout(buyer.socket, checkoutOf(eventId, [buyer.hold.id]));
    expect(sold.ok).toBe(true);
    const applied = (shopifyAt: number, squareAt: number) =>
      shopify.available(SHOPIFY_ITEM, SHOPIFY_LOCATION) === shopifyAt &&
      square.quantity(SQUARE_ITEM, SQUARE_LOCATION) === squareAt;
    await eventually(() => applied(before.shopify - 3, before.square - 3), 15_000);

    // Shopify fails the first try of the restock; the retry carries the same key.
    shopify.faults.push({ kind: 'slow', delayMs: 1_000 });
    const refund = { lines: [{ sku: 'TEE', qty: 2 }], restock: true };
    const refunded = await admin(servers[0]!, 'POST', `/api/admin/orders/${sold.order.id}/refund`, refund);
    expect(refunded.status).toBe(200);
    expect(refunded.body.refund).toMatchObject({ lines: [{ sku: 'TEE', qty: 2 }], restocked: true });
    await eventually(() => applied(before.shopify - 1, before.square - 1), 15_000);
    // The same refund again is a no-op, and a refund without restock tells the POS nothing.
    expect(
      (await admin(servers.at(-1)!, 'POST', `/api/admin/orders/${sold.order.id}/refund`, refund)).body.refund.id,
    ).toBe(refunded.body.refund.id);
    const kept = await admin(servers[0]!, 'POST', `/api/admin/orders/${sold.order.id}/refund`, { restock: false });
    expect(kept.body.refund).toMatchObject({ lines: [{ sku: 'TEE', qty: 1 }], restocked: false });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(applied(before.shopify - 1, before.square - 1)).toBe(true);
    if (shared()) {
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      try {
        const { rows } = await client.query(
          `select provider, qty, status, reference_id from "${scope.dbSchema}".pos_outbox where event_id = $1 and kind = 'restock'`,
          [eventId],
        );
        expect(rows.map((row) => row.provider).sort()).toEqual(['shopify', 'square']);
        expect(
          rows.every(
            (row) => row.qty === 2 && row.status === 'applied' && row.reference_id === refunded.body.refund.id,
          ),
        ).toBe(true);
      } finally {
        await client.end();
      }
    }
    // The event counts the two units back (the third stays sold): the POS has them again, none owed.
    const drift = await admin(servers[0]!, 'GET', `/api/admin/pos/drift?eventId=${eventId}`);
    expect(drift.body.skus.find((s: { sku: string }) => s.sku === 'TEE')).toMatchObject({
      sold: 1,
      unsynced: 0,
      held: 0,
      available: before.shopify - 1,
    });
  }, 60_000);
});
