import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL, closeClients, createEvent, request, shopper, startTestServer } from './harness.js';

const ORIGIN = 'https://shop.example';

interface Counts {
  impressions: number;
  clicks: number;
  orders: number;
}

describe.runIf(TEST_DATABASE_URL)('analytics beacons', () => {
  let harness: Awaited<ReturnType<typeof startTestServer>>;
  let url: string;
  let db: pg.Client;

  beforeAll(async () => {
    harness = await startTestServer({ allowedOrigins: [ORIGIN] });
    url = harness.server.url;
    db = new pg.Client({ connectionString: TEST_DATABASE_URL, options: `-c search_path=${harness.scope.dbSchema}` });
    await db.connect();
    await createEvent(harness.server, { id: 'bc' }, { TEE: 5, MUG: 3 });
  });
  afterEach(() => closeClients());
  afterAll(async () => {
    await db?.end();
    await harness?.stop();
  });

  /** A shopper who joined `bc`, its visit opened. */
  const viewer = async (join: Record<string, unknown> = {}) => {
    const shop = await shopper(harness.server);
    expect((await request(shop.socket, 'join', { eventId: 'bc', ...join })).ok).toBe(true);
    await harness.server.analytics.flush();
    return shop;
  };

  const batch = () => randomBytes(8).toString('hex');

  const post = (body: unknown, init: { type?: string; origin?: string; eventId?: string } = {}) =>
    fetch(`${url}/api/events/${init.eventId ?? 'bc'}/beacons`, {
      method: 'POST',
      headers: { 'content-type': init.type ?? 'text/plain;charset=UTF-8', origin: init.origin ?? ORIGIN },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  const counts = async (shopperId?: string): Promise<Counts> => {
    await harness.server.analytics.flush();
    const scope = shopperId
      ? `where session_id in (select id from viewer_sessions where shopper_id = '${shopperId}')`
      : '';
    const { rows } = await db.query<Counts>(
      `select (select count(*)::int from product_impressions ${scope}) as impressions,
              (select coalesce(sum(clicks), 0)::int from product_clicks ${scope}) as clicks,
              (select count(*)::int from orders) as orders`,
    );
    return rows[0]!;
  };

  it('stores impressions once per session and SKU and clicks from a text/plain body', async () => {
    const shop = await viewer();
    const now = Date.now();
    const response = await post({
      session: shop.session,
      batch: batch(),
      sentAt: now,
      items: [
        { type: 'impression', sku: 'TEE', at: now - 2_000 },
        { type: 'impression', sku: 'TEE', at: now - 1_000 },
        { type: 'impression', sku: 'MUG', at: now - 1_000 },
        { type: 'click', sku: 'TEE', at: now - 500 },
        { type: 'click', sku: 'TEE', at: now - 400 },
      ],
    });
    expect(response.status).toBe(202);
    expect(response.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(await response.json()).toEqual({ accepted: 5 });
    expect(await counts(shop.shopperId)).toMatchObject({ impressions: 2, clicks: 2 });
    // Another batch seeing the same cards adds no impressions.
    const again = await post({
      session: shop.session,
      batch: batch(),
      items: [{ type: 'impression', sku: 'TEE', at: Date.now() }],
    });
    expect(again.status).toBe(202);
    expect(await counts(shop.shopperId)).toMatchObject({ impressions: 2, clicks: 2 });
    const { rows } = await db.query(
      `select i.first_seen_at from product_impressions i join viewer_sessions s on s.id = i.session_id
       where s.shopper_id = $1 and i.sku = 'TEE'`,
      [shop.shopperId],
    );
    // Placed on the server's clock, two seconds before the first beacon arrived.
    expect(Math.abs(rows[0].first_seen_at.getTime() - (now - 2_000))).toBeLessThan(1_000);
  });

  it('takes application/json bodies too', async () => {
    const shop = await viewer();
    const response = await post(
      { session: shop.session, batch: batch(), items: [{ type: 'click', sku: 'MUG', at: Date.now() }] },
      { type: 'application/json' },
    );
    expect(response.status).toBe(202);
    expect(await counts(shop.shopperId)).toMatchObject({ clicks: 1 });
  });

  it('refuses a replayed batch and stores nothing more', async () => {
    const shop = await viewer();
    const body = { session: shop.session, batch: batch(), items: [{ type: 'click', sku: 'TEE', at: Date.now() }] };
    expect((await post(body)).status).toBe(202);
    const replay = await post(body);
    expect(replay.status).toBe(409);
    expect(await replay.json()).toMatchObject({ error: { code: 'CONFLICT' } });
    expect(await counts(shop.shopperId)).toMatchObject({ clicks: 1 });
  });

  it('caps the clicks a session can add per SKU', async () => {
    const shop = await viewer();
    for (let i = 0; i < 3; i += 1) {
      const items = Array.from({ length: 50 }, () => ({ type: 'click', sku: 'TEE', at: Date.now() }));
      expect((await post({ session: shop.session, batch: batch(), items })).status).toBe(202);
    }
    expect(await counts(shop.shopperId)).toMatchObject({ clicks: 10 });
  });

  it('refuses a forged or malformed token with UNAUTHORIZED, storing nothing', async () => {
    const shop = await viewer();
    const before = await counts();
    const forged = `${shop.session.slice(0, -4)}AAAA`;
    for (const session of [forged, 's1.sAAAAAAAAAAAAAAAAAAAA.x', 'nonsense']) {
      const response = await post({ session, batch: batch(), items: [{ type: 'click', sku: 'TEE', at: 1 }] });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    }
    expect(await counts()).toEqual(before);
  });

  it('refuses unknown SKUs and events with NOT_FOUND, and stores none of the batch', async () => {
    const shop = await viewer();
    const items = [
      { type: 'impression', sku: 'TEE', at: Date.now() },
      { type: 'click', sku: 'NOPE', at: Date.now() },
    ];
    const unknownSku = await post({ session: shop.session, batch: batch(), items });
    expect(unknownSku.status).toBe(404);
    expect(await unknownSku.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    const unknownEvent = await post(
      { session: shop.session, batch: batch(), items: items.slice(0, 1) },
      { eventId: 'nope' },
    );
    expect(unknownEvent.status).toBe(404);
    expect(await counts(shop.shopperId)).toMatchObject({ impressions: 0, clicks: 0 });
  });

  it('refuses malformed bodies with INVALID_INPUT, and oversize ones with PAYLOAD_TOO_LARGE', async () => {
    const shop = await viewer();
    const before = await counts();
    const cases: [unknown, string?][] = [
      ['{not json'],
      [{ session: shop.session, batch: batch(), items: [] }],
      [{ session: shop.session, batch: batch(), items: [{ type: 'order', sku: 'TEE', at: 1, totalCents: 100000 }] }],
      [{ session: shop.session, batch: batch(), items: [{ type: 'click', sku: 'TEE', at: 1 }], revenueCents: 5 }],
      [{ session: shop.session, batch: 'x', items: [{ type: 'click', sku: 'TEE', at: 1 }] }],
      [
        { session: shop.session, batch: batch(), items: [{ type: 'click', sku: 'TEE', at: 1 }] },
        'application/x-www-form-urlencoded',
      ],
    ];
    for (const [body, type] of cases) {
      const response = await post(body, type ? { type } : {});
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: 'INVALID_INPUT' } });
    }
    const big = await post({ session: shop.session, batch: batch(), items: [], pad: 'x'.repeat(9_000) });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(await counts()).toEqual(before);
  });

  it('never creates orders or revenue', async () => {
    const shop = await viewer();
    const before = await counts();
    for (const type of ['order', 'purchase', 'checkout'])
      await post({ session: shop.session, batch: batch(), items: [{ type, sku: 'TEE', at: Date.now() }] });
    await post({ session: shop.session, batch: batch(), items: [{ type: 'click', sku: 'TEE', at: Date.now() }] });
    expect((await counts()).orders).toBe(before.orders);
    const figures = await db.query('select count(*)::int as n from orders');
    expect(figures.rows[0].n).toBe(before.orders);
  });

  it('refuses beacons of a viewer who opted out, and of one who never joined', async () => {
    const optedOut = await viewer({ optOut: true });
    const refused = await post({
      session: optedOut.session,
      batch: batch(),
      items: [{ type: 'click', sku: 'TEE', at: 1 }],
    });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
    const stranger = await shopper(harness.server);
    const unjoined = await post({
      session: stranger.session,
      batch: batch(),
      items: [{ type: 'click', sku: 'TEE', at: 1 }],
    });
    expect(unjoined.status).toBe(409);
    const { rows } = await db.query(
      'select count(*)::int as n from product_clicks where session_id in (select id from viewer_sessions where shopper_id is null)',
    );
    expect(rows[0].n).toBe(0);
  });

  it('answers the CORS preflight for POST from an allowed origin, and refuses other origins', async () => {
    const preflight = await fetch(`${url}/api/events/bc/beacons`, {
      method: 'OPTIONS',
      headers: {
        origin: ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('content-type');
    const elsewhere = await fetch(`${url}/api/events/bc/beacons`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(elsewhere.headers.get('access-control-allow-origin')).toBeNull();
    // The read API's preflight still allows reads only.
    const read = await fetch(`${url}/api/events/bc`, { method: 'OPTIONS', headers: { origin: ORIGIN } });
    expect(read.headers.get('access-control-allow-methods')).not.toContain('POST');

    const shop = await viewer();
    const posted = await post(
      { session: shop.session, batch: batch(), items: [{ type: 'click', sku: 'TEE', at: Date.now() }] },
      { origin: 'https://evil.example' },
    );
    expect(posted.status).toBe(403);
    expect(await counts(shop.shopperId)).toMatchObject({ clicks: 0 });
  });

  it('limits the beacons of one session', async () => {
    const shop = await viewer();
    const statuses: number[] = [];
    for (let i = 0; i < 12; i += 1) {
      const response = await post({
        session: shop.session,
        batch: batch(),
        items: [{ type: 'impression', sku: 'MUG', at: Date.now() }],
      });
      statuses.push(response.status);
    }
    expect(statuses.slice(0, 10).every((status) => status === 202)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
  });
});
