import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import { admin, closeClients, createEvent, idem, request, shopper, startTestServer, type Reply } from './harness.js';

/**
 * What one anonymous client can take cheaply: events come with a per-reserve cap, a per-shopper
 * limit and a hold TTL of at most 30 minutes; minting sessions and every request are rate-limited
 * per IP (off with `ipRateLimitPerSecond: 0`, per-session limits staying on).
 */
const running: Awaited<ReturnType<typeof startTestServer>>[] = [];
async function start(overrides: Parameters<typeof startTestServer>[0] = {}) {
  const harness = await startTestServer(overrides);
  running.push(harness);
  return harness.server;
}
afterEach(() => closeClients());
afterAll(async () => {
  await Promise.all(running.map((harness) => harness.stop()));
});

const product = (sku: string, extra: Record<string, unknown> = {}) => ({
  sku,
  title: sku,
  priceCents: 100,
  currency: 'USD',
  ...extra,
});

describe('event defaults against hoarding', () => {
  it('caps one reserve at 10 units, applies a default per-shopper limit, and holds at most 30 minutes', async () => {
    const server = await start({ shopperReservesPerSecond: 1_000 });
    const created = await admin(server, 'POST', '/api/admin/events', {
      id: 'defaults',
      title: 'Defaults',
      status: 'live',
      products: [product('A'), product('B', { limitPerShopper: 0 })],
    });
    expect(created.status).toBe(201);
    expect(created.body.event).toMatchObject({ holdTtlSeconds: 300, maxQtyPerReserve: 10 });
    expect(created.body.products.map((p: { limitPerShopper: number }) => p.limitPerShopper)).toEqual([5, 0]);
    await admin(server, 'PUT', '/api/admin/events/defaults/stock', {
      items: [
        { sku: 'A', quantity: 1_000 },
        { sku: 'B', quantity: 1_000 },
      ],
    });

    const { socket } = await shopper(server);
    const reserve = (sku: string, qty: number) =>
      request(socket, 'reserve', { eventId: 'defaults', sku, qty, idempotencyKey: idem() });
    expect(await reserve('B', 1_000)).toMatchObject({
      ok: false,
      error: { code: 'LIMIT_EXCEEDED', message: 'at most 10 units per reserve' },
    });
    expect((await reserve('B', 10)).ok).toBe(true);
    expect((await reserve('A', 5)).ok).toBe(true);
    expect((await reserve('A', 1)).error?.code).toBe('LIMIT_EXCEEDED');

    const tooLong = await admin(server, 'POST', '/api/admin/events', {
      id: 'long',
      title: 'Long',
      holdTtlSeconds: 3_600,
    });
    expect(tooLong).toMatchObject({ status: 400, body: { error: { code: 'INVALID_INPUT' } } });
  });

  it('lets a merchant change every default', async () => {
    const server = await start({ shopperReservesPerSecond: 1_000 });
    const created = await admin(server, 'POST', '/api/admin/events', {
      id: 'custom',
      title: 'Custom',
      status: 'live',
      holdTtlSeconds: 1_800,
      maxQtyPerReserve: 50,
      defaultLimitPerShopper: 0,
      products: [product('A'), product('B', { limitPerShopper: 2 })],
    });
    expect(created.body.event).toMatchObject({ holdTtlSeconds: 1_800, maxQtyPerReserve: 50 });
    expect(created.body.products.map((p: { limitPerShopper: number }) => p.limitPerShopper)).toEqual([0, 2]);
    await admin(server, 'PUT', '/api/admin/events/custom/stock', { items: [{ sku: 'A', quantity: 100 }] });
    const { socket } = await shopper(server);
    const held = await request(socket, 'reserve', { eventId: 'custom', sku: 'A', qty: 50, idempotencyKey: idem() });
    expect(held.ok).toBe(true);
    expect(held.hold.expiresAt - Date.now()).toBeGreaterThan(1_790_000);
  });
});

/** Opens a `/shop` connection without a session; resolves with the shopper id or the refusal's data. */
function mint(url: string): Promise<{ shopperId?: string; refusal?: { code: string } }> {
  const socket = connect(`${url}/shop`, { transports: ['websocket'], forceNew: true, reconnection: false });
  return new Promise((resolve) => {
    socket.once('session', ({ shopperId }: { shopperId: string }) => {
      socket.disconnect();
      resolve({ shopperId });
    });
    socket.once('connect_error', (error: Error & { data?: { code: string } }) => {
      socket.disconnect();
      resolve({ refusal: error.data });
    });
  });
}

describe('rate limits', () => {
  it('limits minting new sessions per IP', async () => {
    const server = await start({ ipRateLimitPerSecond: 50, sessionsPerIpPerMinute: 5 });
    const minted = [];
    for (let i = 0; i < 8; i += 1) minted.push(await mint(server.url));
    expect(minted.filter((m) => m.shopperId)).toHaveLength(5);
    expect(minted.slice(5).map((m) => m.refusal?.code)).toEqual(['RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED']);
    // A shopper who kept the session still connects.
    const known = await start({ ipRateLimitPerSecond: 50, sessionsPerIpPerMinute: 1 });
    const first = await shopper(known);
    expect((await shopper(known, first.session)).shopperId).toBe(first.shopperId);
  });

  it('limits join, leave and release per shopper, and per IP with GET /api/events/:id', async () => {
    const server = await start({ ipRateLimitPerSecond: 0 });
    await createEvent(server, { id: 'limits' }, { TEE: 10 });
    const { socket } = await shopper(server);
    const codes = async (event: string, payload: unknown, times: number) =>
      (await Promise.all(Array.from({ length: times }, () => request(socket, event, payload)))).map(
        (ack: Reply) => ack.error?.code ?? 'ok',
      );
    expect(await codes('join', { eventId: 'limits' }, 30)).toContain('RATE_LIMITED');
    expect(await codes('leave', { eventId: 'limits' }, 30)).toContain('RATE_LIMITED');
    expect(await codes('release', { eventId: 'limits', holdId: 'h1~TEE' }, 30)).toContain('RATE_LIMITED');

    const perIp = await start({ ipRateLimitPerSecond: 5, shopperJoinsPer10Seconds: 1_000 });
    await createEvent(perIp, { id: 'limits' }, { TEE: 10 });
    const reads = await Promise.all(Array.from({ length: 20 }, () => fetch(`${perIp.url}/api/events/limits`)));
    expect(reads.map((r) => r.status)).toContain(429);
    const limited = reads.find((r) => r.status === 429)!;
    expect(await limited.json()).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    // Join, release and leave have per-IP counts of their own. Each of 12 shoppers sends one of
    // each, far under its own limit; 12 sent together cannot fall in two one-second windows
    // without over 5 in one.
    const crowd = await Promise.all(Array.from({ length: 12 }, () => shopper(perIp)));
    const once = (event: string, payload: unknown) =>
      Promise.all(crowd.map(({ socket: one }) => request(one, event, payload)));
    const joins = await once('join', { eventId: 'limits' });
    expect(joins.map((ack) => ack.error?.code ?? 'ok')).toContain('RATE_LIMITED');
    for (const [event, payload, answer] of [
      ['release', { eventId: 'limits', holdId: 'h1~TEE' }, 'HOLD_NOT_FOUND'],
      ['leave', { eventId: 'limits' }, 'ok'],
    ] as const) {
      const acks = await once(event, payload);
      const limited = acks.filter((ack) => ack.error?.code === 'RATE_LIMITED');
      expect(limited.length, event).toBeGreaterThan(0);
      expect(limited[0]!.error!.message).toMatch(new RegExp(`^too many ${event} requests`));
      const answered = acks.filter((ack) => ack.error?.code !== 'RATE_LIMITED');
      expect(answered.length, event).toBeGreaterThan(0);
      expect(answered.map((ack) => ack.error?.code ?? 'ok')).toEqual(answered.map(() => answer));
    }
  });

  it('turns every per-IP limit off with ipRateLimitPerSecond: 0, keeping the per-session ones', async () => {
    const server = await start({ ipRateLimitPerSecond: 0, sessionsPerIpPerMinute: 1, shopperReservesPerSecond: 3 });
    await createEvent(server, { id: 'load' }, { TEE: 100 });
    const minted = await Promise.all(Array.from({ length: 20 }, () => mint(server.url)));
    expect(minted.every((m) => m.shopperId)).toBe(true);
    const reads = await Promise.all(Array.from({ length: 100 }, () => fetch(`${server.url}/api/events/load`)));
    expect(reads.every((r) => r.status === 200)).toBe(true);
    // Many shoppers from this one address, each once: join, release and leave per IP are off too
    // (the same burst is refused with a per-IP limit on, above).
    const crowd = await Promise.all(Array.from({ length: 30 }, () => shopper(server)));
    const answers = await Promise.all(
      crowd.map(async ({ socket: one }) => [
        await request(one, 'join', { eventId: 'load' }),
        await request(one, 'release', { eventId: 'load', holdId: 'h1~TEE' }),
        await request(one, 'leave', { eventId: 'load' }),
      ]),
    );
    const codes = answers.flat().map((ack: Reply) => ack.error?.code ?? 'ok');
    expect(codes).not.toContain('RATE_LIMITED');
    expect(codes.filter((code) => code === 'ok')).toHaveLength(60);
    const { socket } = await shopper(server);
    const acks = await Promise.all(
      Array.from({ length: 10 }, () =>
        request(socket, 'reserve', { eventId: 'load', sku: 'TEE', qty: 1, idempotencyKey: idem() }),
      ),
    );
    expect(acks.map((ack) => ack.error?.code)).toContain('RATE_LIMITED');
  });
});
