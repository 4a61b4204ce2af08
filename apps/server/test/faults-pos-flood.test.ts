import { shopifyInventoryLevelBody, signShopifyWebhook } from '@liveshop/pos';
import type { Anomaly } from '@liveshop/protocol';
import { startServer, type RunningServer } from '@liveshop/server';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { checkSku, closeSturdyClients, reserveUntilAnswered, sturdyShopper, tally } from './burst-clients.js';
import {
  admin,
  client,
  closeClients,
  createEvent,
  dropIsolation,
  eventually,
  isolation,
  randomId,
  REDIS_URL,
  request,
  testOptions,
  type Isolation,
} from './harness.js';

/**
 * A fault during a burst: the POS webhook endpoint flooded with duplicates (and a stale count the
 * POS retried under new delivery ids) while shoppers reserve. The counter's count is applied once,
 * the flood changes nothing (oversell 0: the event never sells past the POS's on-hand), the stock
 * invariant holds, and every delivery is answered with its typed outcome (how fast is printed).
 */
const SECRET = 'flood-shopify-secret';
const ITEM = '271878346596884015';
const STORE = '24826418';
const products = [{ sku: 'DROP', title: 'Drop', priceCents: 9900, currency: 'USD', limitPerShopper: 0 }];

let server: RunningServer | undefined;
let scope: Isolation | undefined;
afterAll(async () => {
  closeSturdyClients();
  closeClients();
  await server?.close();
  if (scope) await dropIsolation(scope);
});

const count = (available: number, at: number, eventId = randomId('evt')) =>
  signShopifyWebhook({
    secret: SECRET,
    topic: 'inventory_levels/update',
    body: shopifyInventoryLevelBody({ inventoryItemId: ITEM, locationId: STORE, available, updatedAt: new Date(at) }),
    eventId,
  });

async function deliver(signed: { body: string; headers: Record<string, string> }) {
  const started = performance.now();
  const response = await fetch(`${server!.url}/webhooks/shopify`, { method: 'POST', ...signed });
  const body = (await response.json()) as Record<string, unknown>;
  return { status: response.status, body, ms: performance.now() - started };
}

describe('faults during a burst', () => {
  it('the POS webhook endpoint flooded with duplicates during the burst', async () => {
    scope = isolation();
    server = await startServer(
      testOptions(scope, { redisUrl: REDIS_URL, shopperReservesPerSecond: 1_000, shopifyWebhookSecret: SECRET }),
    );
    const mapped = await admin(server, 'PUT', '/api/admin/pos/mappings', {
      items: [{ provider: 'shopify', posItemId: ITEM, sku: 'DROP' }],
      locations: [{ provider: 'shopify', posLocationId: STORE, locationId: 'store-1' }],
    });
    expect(mapped.status).toBe(200);
    const eventId = randomId('flood');
    await createEvent(server, {
      id: eventId,
      products,
      inventory: { mode: 'shared', safetyBuffer: 0, locations: ['store-1'] },
    });
    const issued = await admin(server, 'POST', '/api/admin/tokens', { role: 'moderator', eventId });
    const moderator = await client(server, '/moderator', { token: issued.body.token });
    const anomalies: Anomaly[] = [];
    moderator.on('anomaly', (anomaly: Anomaly) => anomalies.push(anomaly));
    expect((await request(moderator, 'join', { eventId })).ok).toBe(true);

    // The POS had 300; then the counter sold 100 and said so: 200 are the show's to sell.
    const t0 = Date.now() - 60_000;
    const first = count(300, t0);
    const counter = count(200, t0 + 30_000);
    expect((await deliver(first)).body).toMatchObject({ ok: true, applied: 1 });
    expect((await deliver(counter)).body).toMatchObject({ ok: true, applied: 1 });

    const shoppers = await Promise.all(Array.from({ length: 150 }, () => sturdyShopper(server!.url)));
    // The flood: both deliveries replayed over and over, and the first count retried by the POS
    // under fresh delivery ids (out of date by its own time), all while the burst runs.
    const flood = [
      ...Array.from({ length: 120 }, () => ({ kind: 'duplicate', signed: counter })),
      ...Array.from({ length: 60 }, () => ({ kind: 'duplicate', signed: first })),
      ...Array.from({ length: 60 }, () => ({ kind: 'stale', signed: count(300, t0) })),
    ];
    const [acks, answers] = await Promise.all([
      Promise.all(
        shoppers.map(async (shopper) => {
          const mine = [];
          for (let i = 0; i < 3; i += 1) {
            mine.push(await reserveUntilAnswered(shopper, { eventId, sku: 'DROP', qty: 1 }, 45_000));
          }
          return mine;
        }),
      ).then((all) => all.flat()),
      Promise.all(flood.map(async ({ kind, signed }) => ({ kind, ...(await deliver(signed)) }))),
    ]);

    // Oversell 0: exactly the 200 units the POS left the show were held, the rest sold out.
    const { uniqueHolds, soldOut, unexpected, holdIds } = tally(acks);
    expect(unexpected).toEqual([]);
    expect(uniqueHolds).toBe(200);
    expect(soldOut).toBe(250);
    const redis = new Redis(REDIS_URL);
    try {
      const drop = await checkSku(redis, scope.keyPrefix, eventId, 'DROP');
      expect(drop.problems).toEqual([]);
      expect(drop.stock).toMatchObject({ allocated: 200, available: 0, held: 200, sold: 0 });
      expect(new Set(drop.holdIds)).toEqual(new Set(holdIds));
    } finally {
      redis.disconnect();
    }

    // Every delivery answered 200 with its typed outcome; none applied anything.
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      if (answer.kind === 'duplicate') expect(answer.body).toEqual({ duplicate: true });
      else expect(answer.body).toMatchObject({ stale: true, applied: 0, skipped: { stale: 1 } });
    }
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/liveshop_pos_webhooks_total\{provider="shopify",outcome="applied"\} 2\b/);
    expect(metrics).toMatch(/liveshop_pos_webhooks_total\{provider="shopify",outcome="duplicate"\} 180\b/);
    expect(metrics).toMatch(/liveshop_pos_webhooks_total\{provider="shopify",outcome="stale"\} 60\b/);
    // And the moderators were told of the flood, once.
    await eventually(() => anomalies.some((anomaly) => anomaly.rule === 'webhook_flood'), 10_000);
    expect(anomalies.filter((anomaly) => anomaly.rule === 'webhook_flood')).toHaveLength(1);
    // How fast they were answered is a figure, not an assertion (a shared machine): bench:pos measures it.
    for (const kind of ['duplicate', 'stale']) {
      const times = answers
        .filter((answer) => answer.kind === kind)
        .map((answer) => answer.ms)
        .sort((a, b) => a - b);
      console.log(
        `${kind} deliveries under the burst: ${times.length}, median ${times[times.length >> 1]!.toFixed(0)} ms, slowest ${times.at(-1)!.toFixed(0)} ms`,
      );
    }
  }, 120_000);
});
