import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PosDriftReport } from '@liveshop/protocol';
import { shopifyInventoryLevelBody, signShopifyWebhook } from '@liveshop/pos';
import { ShopifyAdminServer } from '@liveshop/pos/testing';
import { startServer, type ServerOptions } from '@liveshop/server';
import {
  admin,
  client,
  closeClients,
  createEvent,
  dropIsolation,
  eventually,
  isolation,
  randomId,
  request,
  testOptions,
  type Isolation,
} from './harness.js';

/**
 * Reconciliation with the POS: `POST /api/admin/pos/reconcile` pulls the counts through the
 * Shopify client (against a local server speaking the Admin GraphQL API), reports the drift per
 * SKU and location and pushes it to the event's moderators; the scheduled one does the same on
 * its own every `LIVESHOP_POS_RECONCILE_INTERVAL_MS`, and 0 turns it off.
 */
type Server = Awaited<ReturnType<typeof startServer>>;

const SECRET = 'reconcile-shopify-secret';
const TEE = '271878346596884015';
const MUG = '271878346596884016';
const STORE_1 = '24826418';
const STORE_2 = '24826419';

// Counts from the past minute: a reconciliation applies its pulls as true now, after them.
let clock = Date.now() - 60_000;
function webhook(item: string, location: string, available: number) {
  clock += 1000;
  return signShopifyWebhook({
    secret: SECRET,
    topic: 'inventory_levels/update',
    body: shopifyInventoryLevelBody({
      inventoryItemId: item,
      locationId: location,
      available,
      updatedAt: new Date(clock),
    }),
  });
}
async function deliver(target: Server, signed: { body: string; headers: Record<string, string> }) {
  const response = await fetch(`${target.url}/webhooks/shopify`, { method: 'POST', ...signed });
  expect(response.status).toBe(200);
}
const availableOf = async (target: Server, eventId: string) => {
  const body = (await (await fetch(`${target.url}/api/events/${eventId}`)).json()) as {
    products: { sku: string; available: number }[];
  };
  return Object.fromEntries(body.products.map((p) => [p.sku, p.available]));
};
async function moderator(target: Server, eventId: string) {
  const issued = await admin(target, 'POST', '/api/admin/tokens', { role: 'moderator', eventId });
  const socket = await client(target, '/moderator', { token: issued.body.token });
  const pushed: PosDriftReport[] = [];
  socket.on('pos:drift', (report: PosDriftReport) => pushed.push(report));
  expect((await request(socket, 'join', { eventId })).ok).toBe(true);
  return { socket, pushed };
}

describe('reconciliation with the POS', () => {
  let shopify: ShopifyAdminServer;
  const scopes: Isolation[] = [];
  const servers: Server[] = [];

  async function start(intervalMs: number): Promise<Server> {
    const scope = isolation();
    scopes.push(scope);
    const options: ServerOptions = {
      shopifyWebhookSecret: SECRET,
      shopifyShopDomain: 'liveshop-reconcile.myshopify.com',
      shopifyAdminToken: 'shpat_reconcile',
      shopifyApiUrl: shopify.url,
      posReconcileIntervalMs: intervalMs,
    };
    const server = await startServer(testOptions(scope, options));
    servers.push(server);
    const mapped = await admin(server, 'PUT', '/api/admin/pos/mappings', {
      items: [
        { provider: 'shopify', posItemId: TEE, sku: 'TEE' },
        { provider: 'shopify', posItemId: MUG, sku: 'MUG' },
      ],
      locations: [
        { provider: 'shopify', posLocationId: STORE_1, locationId: 'store-1' },
        { provider: 'shopify', posLocationId: STORE_2, locationId: 'store-2' },
      ],
    });
    expect(mapped.status).toBe(200);
    return server;
  }

  beforeAll(async () => {
    shopify = await new ShopifyAdminServer('shpat_reconcile').start();
  });
  afterAll(async () => {
    closeClients();
    await Promise.all(servers.map((server) => server.close()));
    await shopify?.stop();
    await Promise.all(scopes.map((scope) => dropIsolation(scope)));
  });

  it('POST /api/admin/pos/reconcile reports drift per SKU and location, applies the counts, and the moderators see it', async () => {
    const server = await start(0);
    const eventId = randomId('rec');
    await createEvent(server, { id: eventId, inventory: { mode: 'shared', safetyBuffer: 0 } });
    await deliver(server, webhook(TEE, STORE_1, 10));
    await deliver(server, webhook(TEE, STORE_2, 4));
    expect(await availableOf(server, eventId)).toEqual({ TEE: 14, MUG: 0 });
    const mod = await moderator(server, eventId);

    // The counter sold 3 tees at store 1 and received 5 mugs; no webhook told the show.
    shopify.stock(TEE, STORE_1, 7);
    shopify.stock(TEE, STORE_2, 4);
    shopify.stock(MUG, STORE_1, 5);
    const reconciled = await admin(server, 'POST', `/api/admin/pos/reconcile?eventId=${eventId}&provider=shopify`);
    expect(reconciled.status).toBe(200);
    expect(reconciled.body).toMatchObject({ pulled: 3, applied: 3, failures: [] });
    const found = [
      { sku: 'MUG', locationId: 'store-1', pos: 5, live: null, drift: 5 },
      { sku: 'TEE', locationId: 'store-1', pos: 7, live: 10, drift: -3 },
      { sku: 'TEE', locationId: 'store-2', pos: 4, live: 4, drift: 0 },
    ];
    expect(reconciled.body.drift.lines).toEqual(found);
    expect(await availableOf(server, eventId)).toEqual({ TEE: 11, MUG: 5 });
    // Pushed to the event's moderators, and theirs to ask for again (counts agree now).
    await eventually(() => mod.pushed.length === 1);
    expect(mod.pushed[0]).toMatchObject({ eventId, mode: 'shared', lines: found });
    const asked = await request(mod.socket, 'pos:drift', { eventId });
    expect(asked.ok).toBe(true);
    expect(asked.drift.lines).toEqual([
      { sku: 'TEE', locationId: 'store-1', pos: 7, live: 7, drift: 0 },
      { sku: 'TEE', locationId: 'store-2', pos: 4, live: 4, drift: 0 },
      { sku: 'MUG', locationId: 'store-1', pos: 5, live: 5, drift: 0 },
    ]);
    expect(asked.drift.skus).toEqual([
      { sku: 'TEE', available: 11, held: 0, sold: 0, unsynced: 0 },
      { sku: 'MUG', available: 5, held: 0, sold: 0, unsynced: 0 },
    ]);
    // Another event's moderator may not ask; the admin API wants its key and a known event.
    expect((await request(mod.socket, 'pos:drift', { eventId: 'other-event' })).error?.code).toBe('FORBIDDEN');
    expect((await request(mod.socket, 'pos:drift', { eventId, extra: 1 })).error?.code).toBe('INVALID_INPUT');
    expect(
      (await admin(server, 'POST', `/api/admin/pos/reconcile?eventId=${eventId}`, undefined, 'wrong')).status,
    ).toBe(401);
    expect((await admin(server, 'POST', '/api/admin/pos/reconcile?eventId=nope-nope')).body.error?.code).toBe(
      'NOT_FOUND',
    );
    expect(
      (await admin(server, 'POST', `/api/admin/pos/reconcile?eventId=${eventId}&provider=clover`)).body.error?.code,
    ).toBe('INVALID_INPUT');

    // This server's schedule is off (interval 0): a later change at the POS stays unseen.
    shopify.stock(TEE, STORE_1, 2);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await availableOf(server, eventId)).toEqual({ TEE: 11, MUG: 5 });
    expect(mod.pushed).toHaveLength(1);
  });

  it('runs on its own every interval: a count the POS never sent a webhook for is applied, the drift pushed', async () => {
    shopify.stock(TEE, STORE_1, 9);
    shopify.stock(TEE, STORE_2, 0);
    shopify.stock(MUG, STORE_1, 0);
    const server = await start(400);
    const eventId = randomId('sch');
    await createEvent(server, { id: eventId, inventory: { mode: 'shared', safetyBuffer: 1, locations: ['store-1'] } });
    const mod = await moderator(server, eventId);
    await eventually(
      () => mod.pushed.some((report) => report.lines.some((line) => line.sku === 'TEE' && line.pos === 9)),
      5_000,
    );
    expect(await availableOf(server, eventId)).toEqual({ TEE: 8, MUG: 0 });
    // Only the event's location is reported.
    expect(mod.pushed.at(-1)!.lines.every((line) => line.locationId === 'store-1')).toBe(true);

    shopify.stock(TEE, STORE_1, 4);
    await eventually(async () => (await availableOf(server, eventId)).TEE === 3, 5_000);
    await eventually(() =>
      mod.pushed.some((report) =>
        report.lines.some((line) => line.sku === 'TEE' && line.pos === 4 && line.live === 9 && line.drift === -5),
      ),
    );
  });
});
