import { randomBytes } from 'node:crypto';
import { startServer } from '@liveshop/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShopifyAdminServer } from '@liveshop/pos/testing';
import { admin, createEvent, dropIsolation, eventually, isolation, testOptions, type Isolation } from './harness.js';
import { hasRedisCli, PrivateCluster } from './private-cluster.js';

if (!hasRedisCli) console.warn('pos-outbox-cluster.test: skipped, redis-cli is not installed (it creates the cluster)');

const ITEM = '1000000000001';
const LOCATION = '24826418';
const START = 40;

/**
 * The POS outbox on a real three-master Redis Cluster: the ledgers of two POS events sit in slots
 * on different masters, which one XREADGROUP cannot name, so the outbox reads them through the
 * inventory's group reader, one event at a time.
 */
describe.skipIf(!hasRedisCli)('the POS outbox on a Redis Cluster', () => {
  let cluster: PrivateCluster;
  let scope: Isolation;
  let shopify: ShopifyAdminServer;
  let server: Awaited<ReturnType<typeof startServer>>;
  const events: string[] = [];

  beforeAll(async () => {
    cluster = await PrivateCluster.start(3);
    scope = isolation();
    shopify = await new ShopifyAdminServer('shpat_cluster').start();
    shopify.stock(ITEM, LOCATION, START);
    const masters = new Set<number>();
    while (events.length < 2) {
      const id = `px${randomBytes(3).toString('hex')}`;
      const port = await cluster.portOf(`${scope.keyPrefix}:{ev:${id}}:ledger`);
      if (masters.has(port)) continue;
      masters.add(port);
      events.push(id);
    }
    server = await startServer(
      testOptions(scope, {
        redisUrl: cluster.url,
        shopifyWebhookSecret: 'cluster-shopify-secret',
        shopifyShopDomain: 'liveshop-test.myshopify.com',
        shopifyAdminToken: 'shpat_cluster',
        shopifyApiUrl: shopify.url,
        posSyncBackoffMs: 50,
        posSyncTimeoutMs: 400,
      }),
    );
    const mapped = await admin(server, 'PUT', '/api/admin/pos/mappings', {
      items: [{ provider: 'shopify', posItemId: ITEM, sku: 'MUG' }],
      locations: [{ provider: 'shopify', posLocationId: LOCATION, locationId: 'store-1' }],
    });
    expect(mapped.status).toBe(200);
    for (const id of events)
      await createEvent(server, { id, inventory: { mode: 'exclusive', locations: ['store-1'] } }, { MUG: 5 });
  }, 90_000);

  afterAll(async () => {
    await server?.close();
    await shopify?.stop();
    await cluster?.destroy();
    if (scope) await dropIsolation(scope);
  });

  it('applies the sales of both events to the POS', async () => {
    for (const [index, eventId] of events.entries()) {
      const reserved = await server.inventory.reserve({
        eventId,
        sku: 'MUG',
        qty: 1 + index,
        shopperId: `s-${eventId}`,
        idempotencyKey: `r-${eventId}`,
      });
      if (!reserved.ok) throw new Error(reserved.error.message);
      const committed = await server.inventory.commit({
        eventId,
        holdIds: [reserved.hold.id],
        orderId: `o-${eventId}`,
        idempotencyKey: `c-${eventId}`,
      });
      if (!committed.ok) throw new Error(committed.error.message);
    }
    await eventually(() => shopify.available(ITEM, LOCATION) === START - 3, 15_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(shopify.available(ITEM, LOCATION)).toBe(START - 3);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).not.toMatch(/liveshop_worker_restarts_total\{worker="pos-capture"\} [1-9]/);
  }, 30_000);
});
