import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  shopifyInventoryLevelBody,
  signGenericWebhook,
  signShopifyWebhook,
  signSquareWebhook,
  squareInventoryCountBody,
} from '@liveshop/pos';
import { startServer, type ServerOptions } from '@liveshop/server';
import {
  admin,
  closeClients,
  createEvent,
  dropIsolation,
  eventually,
  isolation,
  randomId,
  request,
  shopper,
  testOptions,
  type Isolation,
} from './harness.js';

const SHOPIFY_SECRET = 'shpss_test_secret_0123';
const SQUARE_KEY = 'square-signature-key-test';
const GENERIC_SECRET = 'generic-pos-secret-test';
const posOptions = (squareWebhookUrl: string): ServerOptions => ({
  shopifyWebhookSecret: SHOPIFY_SECRET,
  squareSignatureKey: SQUARE_KEY,
  squareWebhookUrl,
  posWebhookSecret: GENERIC_SECRET,
});
const SQUARE_URL = 'https://liveshop.example/webhooks/square';

type Server = Awaited<ReturnType<typeof startServer>>;
let scope: Isolation;
let server: Server;
let second: Server;
const sharedDatabase = () => scope.databaseUrl !== 'memory://';

async function post(target: Server, path: string, signed: { body: string; headers: Record<string, string> }) {
  const response = await fetch(`${target.url}${path}`, { method: 'POST', headers: signed.headers, body: signed.body });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

let clock = Date.parse('2026-11-30T10:00:00Z');
/** A signed Shopify inventory_levels/update, each later than the one before unless `at` says. */
function shopify(item: string, location: string, available: number | null, at?: number, eventId?: string) {
  clock += 1000;
  return signShopifyWebhook({
    secret: SHOPIFY_SECRET,
    topic: 'inventory_levels/update',
    body: shopifyInventoryLevelBody({
      inventoryItemId: item,
      locationId: location,
      available,
      updatedAt: new Date(at ?? clock),
    }),
    ...(eventId ? { eventId } : {}),
  });
}
const stockOf = async (eventId: string) => {
  const response = await fetch(`${server.url}/api/events/${eventId}`);
  const body = (await response.json()) as { products: { sku: string; available: number }[] };
  return Object.fromEntries(body.products.map((p) => [p.sku, p.available]));
};

beforeAll(async () => {
  scope = isolation();
  server = await startServer(testOptions(scope, posOptions(SQUARE_URL)));
  // A second process on the same stores (PostgreSQL); with PGlite each server has its own database.
  second = sharedDatabase() ? await startServer(testOptions(scope, posOptions(SQUARE_URL))) : server;
  const mapped = await admin(server, 'PUT', '/api/admin/pos/mappings', {
    items: [
      { provider: 'shopify', posItemId: '271878346596884015', sku: 'TEE' },
      { provider: 'shopify', posItemId: '271878346596884016', sku: 'MUG' },
      { provider: 'square', posItemId: 'W62UWFY35CWMYGVWK6TWJDNI', sku: 'TEE' },
      { provider: 'generic', posItemId: 'till-TEE', sku: 'TEE' },
    ],
    locations: [
      { provider: 'shopify', posLocationId: '24826418', locationId: 'store-1' },
      { provider: 'shopify', posLocationId: '24826419', locationId: 'store-2' },
      { provider: 'square', posLocationId: 'L8QZ1', locationId: 'store-2' },
      { provider: 'generic', posLocationId: 'till-1', locationId: 'store-1' },
    ],
  });
  expect(mapped).toEqual({ status: 200, body: { items: 4, locations: 4 } });
});
afterAll(async () => {
  closeClients();
  await Promise.all([server?.close(), second !== server ? second?.close() : undefined]);
  await dropIsolation(scope);
});

describe('POS webhooks into a shared event', () => {
  const ev = randomId('pos');
  beforeAll(() => createEvent(server, { id: ev, inventory: { mode: 'shared', safetyBuffer: 1 } }));

  it('applies a signed Shopify count, summed over locations less the buffer, and viewers get it as stock', async () => {
    const viewer = await shopper(server);
    const joined = await request(viewer.socket, 'join', { eventId: ev });
    expect(joined.products.find((p: { sku: string }) => p.sku === 'TEE').available).toBe(0);
    const stock: number[] = [];
    viewer.socket.on('stock', (message: { items: { sku: string; available: number }[] }) => {
      for (const item of message.items) if (item.sku === 'TEE') stock.push(item.available);
    });
    expect(await post(server, '/webhooks/shopify', shopify('271878346596884015', '24826418', 6))).toMatchObject({
      status: 200,
      body: { ok: true, applied: 1 },
    });
    await eventually(() => stock.at(-1) === 5);
    expect(await post(second, '/webhooks/shopify', shopify('271878346596884015', '24826419', 3))).toMatchObject({
      status: 200,
    });
    await eventually(() => stock.at(-1) === 8);
    expect((await stockOf(ev)).TEE).toBe(8);
  });

  it('answers a redelivery as a duplicate and an older count as stale, changing nothing', async () => {
    const first = shopify('271878346596884015', '24826418', 10, undefined, randomId('evt'));
    expect((await post(server, '/webhooks/shopify', first)).body).toMatchObject({ ok: true, applied: 1 });
    expect(await post(second, '/webhooks/shopify', first)).toEqual({ status: 200, body: { duplicate: true } });
    // Out of order: a count from before the last one applied at that location.
    const older = shopify('271878346596884015', '24826418', 50, clock - 5000);
    expect(await post(server, '/webhooks/shopify', older)).toMatchObject({
      status: 200,
      body: { stale: true, applied: 0 },
    });
    expect((await stockOf(ev)).TEE).toBe(12);
  });

  it('refuses bad signatures (recorded for moderators), malformed bodies and unmapped items honestly', async () => {
    const good = shopify('271878346596884015', '24826418', 0);
    const tampered = { ...good, body: good.body.replace('"available":0', '"available":99') };
    expect(await post(server, '/webhooks/shopify', tampered)).toMatchObject({
      status: 401,
      body: { error: { code: 'UNAUTHORIZED' } },
    });
    const wrongSecret = signShopifyWebhook({ secret: 'nope-nope', topic: 'inventory_levels/update', body: good.body });
    expect((await post(server, '/webhooks/shopify', wrongSecret)).status).toBe(401);
    const { 'x-shopify-hmac-sha256': _gone, ...unsignedHeaders } = good.headers;
    expect((await post(server, '/webhooks/shopify', { body: good.body, headers: unsignedHeaders })).status).toBe(401);
    const malformed = signShopifyWebhook({
      secret: SHOPIFY_SECRET,
      topic: 'inventory_levels/update',
      body: '{"inventory_item_id":',
    });
    expect(await post(server, '/webhooks/shopify', malformed)).toMatchObject({
      status: 400,
      body: { error: { code: 'INVALID_INPUT' } },
    });
    const unmapped = shopify('999', '24826418', 1);
    expect(await post(server, '/webhooks/shopify', unmapped)).toMatchObject({
      status: 200,
      body: { ignored: true, applied: 0, skipped: { unmapped: 1 } },
    });
    const untracked = shopify('271878346596884015', '24826418', null);
    expect((await post(server, '/webhooks/shopify', untracked)).body).toMatchObject({
      ignored: true,
      skipped: { untracked: 1 },
    });
    expect((await stockOf(ev)).TEE).toBe(12);
    const incidents = await admin(server, 'GET', '/api/admin/pos/incidents');
    const bad = incidents.body.incidents.filter((i: { rule: string }) => i.rule === 'webhook_bad_signature');
    expect(bad.length).toBeGreaterThanOrEqual(3);
    expect(bad[0]).toMatchObject({ provider: 'shopify', severity: 'warning' });
    // And the moderators of the open events see it as an anomaly.
    await eventually(async () =>
      (await server.anomalies.recent(ev)).some((anomaly) => anomaly.rule === 'webhook_bad_signature'),
    );
  });

  it('applies Square batches (each count by its own time) and the generic webhook', async () => {
    const counts = [
      {
        catalogObjectId: 'W62UWFY35CWMYGVWK6TWJDNI',
        locationId: 'L8QZ1',
        quantity: '4.0',
        calculatedAt: new Date(clock + 10_000),
      },
      { catalogObjectId: 'UNMAPPED', locationId: 'L8QZ1', quantity: '1', calculatedAt: new Date(clock + 10_000) },
    ];
    const body = squareInventoryCountBody({ counts });
    const signed = signSquareWebhook({ signatureKey: SQUARE_KEY, notificationUrl: SQUARE_URL, body });
    expect(await post(server, '/webhooks/square', signed)).toMatchObject({
      status: 200,
      body: { applied: 1, skipped: { unmapped: 1 } },
    });
    const otherUrl = signSquareWebhook({
      signatureKey: SQUARE_KEY,
      notificationUrl: 'https://elsewhere.example/hook',
      body,
    });
    expect((await post(server, '/webhooks/square', otherUrl)).status).toBe(401);
    // store-1 10 + store-2 4 - buffer 1
    expect((await stockOf(ev)).TEE).toBe(13);
    const generic = signGenericWebhook({
      secret: GENERIC_SECRET,
      body: {
        deliveryId: randomId('d'),
        occurredAt: clock + 20_000,
        updates: [{ posItemId: 'till-TEE', posLocationId: 'till-1', onHand: 2 }],
      },
    });
    expect(await post(server, '/webhooks/pos', generic)).toMatchObject({ status: 200, body: { ok: true, applied: 1 } });
    expect((await stockOf(ev)).TEE).toBe(5);
    const report = await admin(server, 'GET', `/api/admin/pos/drift?eventId=${ev}`);
    expect(report.body).toMatchObject({ eventId: ev, mode: 'shared' });
    expect(report.body.lines).toEqual(
      expect.arrayContaining([
        { sku: 'TEE', locationId: 'store-1', pos: 2, live: 2, drift: 0 },
        { sku: 'TEE', locationId: 'store-2', pos: 4, live: 4, drift: 0 },
      ]),
    );
  });

  it('refuses setting stock by hand on an event that shares the POS stock', async () => {
    const set = await admin(server, 'PUT', `/api/admin/events/${ev}/stock`, { items: [{ sku: 'TEE', quantity: 100 }] });
    expect(set).toMatchObject({ status: 409, body: { error: { code: 'CONFLICT' } } });
  });

  it('applies the same delivery sent to two processes at once exactly once', async () => {
    const results = [];
    for (let i = 0; i < 10; i++) {
      const delivery = shopify('271878346596884016', '24826418', 20 + i);
      results.push(
        ...(await Promise.all([
          post(server, '/webhooks/shopify', delivery),
          post(second, '/webhooks/shopify', delivery),
        ])),
      );
    }
    expect(results.filter((r) => r.body.ok === true)).toHaveLength(10);
    expect(results.filter((r) => r.body.duplicate === true)).toHaveLength(10);
    expect((await stockOf(ev)).MUG).toBe(28);
  });
});

describe('an exclusive allocation', () => {
  it('is untouched by counter sales until the on-hand falls below it, then clamped with an incident', async () => {
    const ev = randomId('exc');
    clock += 60_000; // after every count sent above
    await createEvent(server, { id: ev, inventory: { mode: 'exclusive', locations: ['store-1'] } }, { TEE: 5 });
    expect((await stockOf(ev)).TEE).toBe(5);
    await post(server, '/webhooks/shopify', shopify('271878346596884015', '24826418', 40));
    await post(server, '/webhooks/shopify', shopify('271878346596884015', '24826419', 0));
    expect((await stockOf(ev)).TEE).toBe(5);
    await post(server, '/webhooks/shopify', shopify('271878346596884015', '24826418', 3));
    expect((await stockOf(ev)).TEE).toBe(3);
    const incidents = await admin(server, 'GET', '/api/admin/pos/incidents');
    expect(
      incidents.body.incidents.find(
        (i: { rule: string; eventId?: string }) => i.rule === 'allocation_clamped' && i.eventId === ev,
      ),
    ).toBeDefined();
    await eventually(async () =>
      (await server.anomalies.recent(ev)).some(
        (anomaly) => anomaly.rule === 'allocation_clamped' && anomaly.sku === 'TEE',
      ),
    );
  });
});

describe('mappings', () => {
  it('imports a CSV and lists it; refuses bad lines with their numbers', async () => {
    const csv = 'type,provider,posId,target\nitem,square,SQ-CAP,CAP\nlocation,square,L-WH,warehouse\n';
    const put = await fetch(`${server.url}/api/admin/pos/mappings`, {
      method: 'PUT',
      headers: { authorization: 'Bearer test-admin-key', 'content-type': 'text/csv' },
      body: csv,
    });
    expect(await put.json()).toEqual({ items: 1, locations: 1 });
    const listed = await admin(server, 'GET', '/api/admin/pos/mappings');
    expect(listed.body.items).toContainEqual({ provider: 'square', posItemId: 'SQ-CAP', sku: 'CAP' });
    expect(listed.body.locations).toContainEqual({
      provider: 'square',
      posLocationId: 'L-WH',
      locationId: 'warehouse',
    });
    const bad = await fetch(`${server.url}/api/admin/pos/mappings`, {
      method: 'PUT',
      headers: { authorization: 'Bearer test-admin-key', 'content-type': 'text/csv' },
      body: 'item,square,X\nthing,square,Y,Z\n',
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { issues: { path: string }[] } }).error.issues.map((i) => i.path)).toEqual([
      'line 1',
      'line 2',
    ]);
    const invalid = await admin(server, 'PUT', '/api/admin/pos/mappings', {
      items: [{ provider: 'lightspeed', posItemId: '1', sku: 'TEE' }],
    });
    expect(invalid.status).toBe(400);
  });
});
