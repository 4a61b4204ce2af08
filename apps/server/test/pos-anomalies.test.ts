import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Anomaly } from '@liveshop/protocol';
import { shopifyInventoryLevelBody, signGenericWebhook, signShopifyWebhook } from '@liveshop/pos';
import { ShopifyAdminServer, SquareApiServer } from '@liveshop/pos/testing';
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
 * The POS rules fed by POS sync itself: webhook_flood from the webhook routes, oversell_risk (and
 * pos_negative_on_hand) from applied counts, pos_sync_lag from the outbox. Real signed webhooks
 * over HTTP, real Redis and database, a moderator's socket; each rule raised past its threshold
 * and not below it (thresholds in src/anomalies/thresholds.ts, docs/anomalies.md).
 */
type Server = Awaited<ReturnType<typeof startServer>>;

const SHOPIFY_SECRET = 'pos-anomalies-shopify-secret';
const GENERIC_SECRET = 'pos-anomalies-generic-secret';
const TEE_ITEM = '271878346596884015';
const MUG_ITEM = '271878346596884016';
const STORE = '24826418';

let clock = Date.now();
function count(item: string, available: number, at?: number) {
  clock += 1000;
  return signShopifyWebhook({
    secret: SHOPIFY_SECRET,
    topic: 'inventory_levels/update',
    body: shopifyInventoryLevelBody({
      inventoryItemId: item,
      locationId: STORE,
      available,
      updatedAt: new Date(at ?? clock),
    }),
    eventId: randomId('evt'),
  });
}

async function post(target: Server, path: string, signed: { body: string; headers: Record<string, string> }) {
  const response = await fetch(`${target.url}${path}`, { method: 'POST', headers: signed.headers, body: signed.body });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A moderator of the event, collecting every anomaly pushed to it. */
async function moderator(target: Server, eventId: string) {
  const issued = await admin(target, 'POST', '/api/admin/tokens', { role: 'moderator', eventId });
  const socket = await client(target, '/moderator', { token: issued.body.token });
  const seen: Anomaly[] = [];
  socket.on('anomaly', (anomaly: Anomaly) => seen.push(anomaly));
  expect((await request(socket, 'join', { eventId })).ok).toBe(true);
  return seen;
}

async function sell(target: Server, eventId: string, sku: string, qty: number): Promise<void> {
  const tag = randomId('s');
  const reserved = await target.inventory.reserve({ eventId, sku, qty, shopperId: tag, idempotencyKey: `r-${tag}` });
  if (!reserved.ok) throw new Error(reserved.error.message);
  const committed = await target.inventory.commit({
    eventId,
    holdIds: [reserved.hold.id],
    orderId: `o-${tag}`,
    idempotencyKey: `c-${tag}`,
  });
  if (!committed.ok) throw new Error(committed.error.message);
}

async function hold(target: Server, eventId: string, sku: string, qty: number): Promise<void> {
  const tag = randomId('h');
  const reserved = await target.inventory.reserve({ eventId, sku, qty, shopperId: tag, idempotencyKey: `r-${tag}` });
  if (!reserved.ok) throw new Error(reserved.error.message);
}

const rules = (seen: Anomaly[], rule: string) => seen.filter((anomaly) => anomaly.rule === rule);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('webhook_flood and oversell_risk, from the webhook routes', () => {
  let scope: Isolation;
  let server: Server;
  const eventId = randomId('pa');
  let seen: Anomaly[];

  beforeAll(async () => {
    scope = isolation();
    // No outbound client: every live sale stays "sold, not yet synced".
    server = await startServer(testOptions(scope, { shopifyWebhookSecret: SHOPIFY_SECRET }));
    const mapped = await admin(server, 'PUT', '/api/admin/pos/mappings', {
      items: [
        { provider: 'shopify', posItemId: TEE_ITEM, sku: 'TEE' },
        { provider: 'shopify', posItemId: MUG_ITEM, sku: 'MUG' },
      ],
      locations: [{ provider: 'shopify', posLocationId: STORE, locationId: 'store-1' }],
    });
    expect(mapped.status).toBe(200);
    await createEvent(server, { id: eventId, inventory: { mode: 'shared', safetyBuffer: 0, locations: ['store-1'] } });
    seen = await moderator(server, eventId);
  });
  afterAll(async () => {
    closeClients();
    await server?.close();
    await dropIsolation(scope);
  });

  it('webhook_flood: 49 duplicate or stale deliveries in a minute raise nothing, the 50th raises it once', async () => {
    const first = count(TEE_ITEM, 10);
    expect((await post(server, '/webhooks/shopify', first)).body).toMatchObject({ ok: true, applied: 1 });
    // The same signed delivery replayed 48 times at once, and one count older than the last applied.
    const replays = await Promise.all(Array.from({ length: 48 }, () => post(server, '/webhooks/shopify', first)));
    expect(replays.every((answer) => answer.status === 200 && answer.body.duplicate === true)).toBe(true);
    const stale = await post(server, '/webhooks/shopify', count(TEE_ITEM, 99, clock - 60_000));
    expect(stale).toEqual({
      status: 200,
      body: { stale: true, applied: 0, skipped: { stale: 1, unmapped: 0, untracked: 0 } },
    });
    // 49 rejected: below the threshold, no signal was raised (the rule decides as each answer is sent).
    await pause(500);
    expect(rules(seen, 'webhook_flood')).toEqual([]);

    expect((await post(server, '/webhooks/shopify', first)).body).toEqual({ duplicate: true });
    await eventually(() => rules(seen, 'webhook_flood').length > 0, 10_000);
    expect(rules(seen, 'webhook_flood')[0]).toMatchObject({ eventId, severity: 'warning' });
    expect(rules(seen, 'webhook_flood')[0]!.message).toContain('50 duplicate or stale shopify deliveries in 60 s');
    // More of them within the cooldown add nothing.
    await Promise.all(Array.from({ length: 10 }, () => post(server, '/webhooks/shopify', first)));
    await pause(500);
    expect(rules(seen, 'webhook_flood')).toHaveLength(1);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/liveshop_anomalies_total\{rule="webhook_flood",severity="warning"\} 1\b/);
  });

  it('oversell_risk: a count below held + sold-not-synced raises it; a count equal to them does not', async () => {
    for (const item of [TEE_ITEM, MUG_ITEM]) {
      expect((await post(server, '/webhooks/shopify', count(item, 6))).body).toMatchObject({ applied: 1 });
    }
    // MUG: 1 sold (not synced) + 2 held = 3; the POS then says 3 on hand: exactly covered.
    await sell(server, eventId, 'MUG', 1);
    await hold(server, eventId, 'MUG', 2);
    expect((await post(server, '/webhooks/shopify', count(MUG_ITEM, 3))).body).toMatchObject({ applied: 1 });
    // TEE: 2 sold (not synced) + 2 held = 4; the POS then says 3: the counter sold a unit the show owes.
    await sell(server, eventId, 'TEE', 2);
    await hold(server, eventId, 'TEE', 2);
    expect((await post(server, '/webhooks/shopify', count(TEE_ITEM, 3))).body).toMatchObject({ applied: 1 });
    await eventually(() => rules(seen, 'oversell_risk').length > 0, 10_000);
    const risk = rules(seen, 'oversell_risk');
    expect(risk).toHaveLength(1);
    expect(risk[0]).toMatchObject({ eventId, sku: 'TEE', severity: 'critical' });
    expect(risk[0]!.message).toBe('TEE: the POS has 3 on hand but the show holds 2 and sold 2 not yet synced');
    // The event sells none meanwhile (3 on hand, 4 owed).
    const stock = (await (await fetch(`${server.url}/api/events/${eventId}`)).json()) as {
      products: { sku: string; available: number }[];
    };
    expect(stock.products.find((p) => p.sku === 'TEE')?.available).toBe(0);
  });

  it('pos_negative_on_hand: a count below zero is raised once for the event selling the SKU', async () => {
    expect((await post(server, '/webhooks/shopify', count(MUG_ITEM, -2))).body).toMatchObject({ applied: 1 });
    await eventually(() => rules(seen, 'pos_negative_on_hand').length > 0, 10_000);
    await pause(500);
    const negative = rules(seen, 'pos_negative_on_hand');
    expect(negative).toHaveLength(1);
    expect(negative[0]).toMatchObject({ sku: 'MUG', severity: 'warning' });
    expect(negative[0]!.message).toContain('-2 on hand for MUG at store-1');
    // And a count of 0 (no units, none below zero) raises nothing more.
    expect((await post(server, '/webhooks/shopify', count(TEE_ITEM, 0))).status).toBe(200);
    await pause(500);
    expect(rules(seen, 'pos_negative_on_hand')).toHaveLength(1);
  });
});

describe('pos_sync_lag, from the outbox', () => {
  let scope: Isolation;
  let server: Server;
  let shopify: ShopifyAdminServer;
  let square: SquareApiServer;

  beforeAll(async () => {
    scope = isolation();
    shopify = await new ShopifyAdminServer('shpat_lag').start();
    square = await new SquareApiServer('square-lag-token').start();
    shopify.stock(TEE_ITEM, STORE, 100);
    const options: ServerOptions = {
      shopifyWebhookSecret: SHOPIFY_SECRET,
      posWebhookSecret: GENERIC_SECRET,
      shopifyShopDomain: 'liveshop-lag.myshopify.com',
      shopifyAdminToken: 'shpat_lag',
      shopifyApiUrl: shopify.url,
      squareAccessToken: 'square-lag-token',
      squareApiUrl: square.url,
      // Retries keep the row pending through the wait (no dead letter before it).
      posSyncBackoffMs: 1_000,
      posSyncMaxAttempts: 50,
      posSyncTimeoutMs: 400,
    };
    server = await startServer(testOptions(scope, options));
    // SHTEE goes to Shopify only, SQTEE to Square only (counted through the generic webhook).
    const mapped = await admin(server, 'PUT', '/api/admin/pos/mappings', {
      items: [
        { provider: 'shopify', posItemId: TEE_ITEM, sku: 'SHTEE' },
        { provider: 'square', posItemId: 'W62UWFY35CWMYGVWK6TWJDNI', sku: 'SQTEE' },
        { provider: 'generic', posItemId: 'till-SQTEE', sku: 'SQTEE' },
      ],
      locations: [
        { provider: 'shopify', posLocationId: STORE, locationId: 'store-1' },
        { provider: 'square', posLocationId: 'L8QZ1', locationId: 'store-1' },
        { provider: 'generic', posLocationId: 'till-1', locationId: 'store-1' },
      ],
    });
    expect(mapped.status).toBe(200);
  });
  afterAll(async () => {
    closeClients();
    await server?.close();
    await Promise.all([shopify?.stop(), square?.stop()]);
    await dropIsolation(scope);
  });

  const product = (sku: string) => ({ sku, title: sku, priceCents: 1000, currency: 'USD', limitPerShopper: 0 });

  it('is raised for the event whose sales the POS has not had for over 30 s, not for one synced within seconds', async () => {
    const behind = randomId('lagA');
    const current = randomId('lagB');
    const inventory = { mode: 'shared' as const, safetyBuffer: 0, locations: ['store-1'] };
    await createEvent(server, { id: behind, inventory, products: [product('SQTEE')] });
    await createEvent(server, { id: current, inventory, products: [product('SHTEE')] });
    const seenBehind = await moderator(server, behind);
    const seenCurrent = await moderator(server, current);
    const generic = signGenericWebhook({
      secret: GENERIC_SECRET,
      body: {
        deliveryId: randomId('d'),
        occurredAt: Date.now(),
        updates: [{ posItemId: 'till-SQTEE', posLocationId: 'till-1', onHand: 20 }],
      },
    });
    expect((await post(server, '/webhooks/pos', generic)).body).toMatchObject({ applied: 1 });
    expect((await post(server, '/webhooks/shopify', count(TEE_ITEM, 100))).body).toMatchObject({ applied: 1 });

    // Square is down for the whole test; Shopify answers two errors, then applies.
    await square.stop();
    shopify.faults.push({ kind: 'status', status: 503 }, { kind: 'status', status: 502 });
    const started = Date.now();
    await sell(server, behind, 'SQTEE', 1);
    await sell(server, current, 'SHTEE', 2);
    await eventually(() => shopify.available(TEE_ITEM, STORE) === 98, 15_000);

    await eventually(() => rules(seenBehind, 'pos_sync_lag').length > 0, 45_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(30_000);
    const lag = rules(seenBehind, 'pos_sync_lag')[0]!;
    expect(lag).toMatchObject({ eventId: behind, severity: 'warning' });
    expect(lag.message).toMatch(/^POS sync is 3\d s behind \(threshold 30 s\)$/);
    expect(rules(seenCurrent, 'pos_sync_lag')).toEqual([]);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    const gauge = Number(/^liveshop_pos_sync_lag_seconds (\S+)$/m.exec(metrics)?.[1]);
    expect(gauge).toBeGreaterThan(30);
  }, 90_000);
});
