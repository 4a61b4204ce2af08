import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { StockMessage } from '@liveshop/protocol';
import {
  admin,
  client,
  closeClients,
  createEvent,
  eventually,
  idem,
  request,
  shopper,
  type Reply,
  startTestServer,
} from './harness.js';

let harness: Awaited<ReturnType<typeof startTestServer>>;
let server: { url: string };

beforeAll(async () => {
  harness = await startTestServer({ shopperReservesPerSecond: 10 });
  server = harness.server;
  await createEvent(server, { id: 'show' }, { TEE: 5, MUG: 10 });
  await createEvent(server, { id: 'other' }, { TEE: 3 });
  await createEvent(server, { id: 'later', status: 'scheduled' }, { TEE: 3 });
});
afterEach(() => closeClients());
afterAll(() => harness?.stop());

const hostToken = async (eventId: string, role: 'host' | 'moderator' = 'host') => {
  const issued = await admin(server, 'POST', '/api/admin/tokens', { role, eventId });
  expect(issued.status).toBe(201);
  return issued.body.token as string;
};

describe('/shop session', () => {
  it('mints a signed session and keeps the shopper id when it is presented again', async () => {
    const first = await shopper(server);
    expect(first.shopperId).toMatch(/^s/);
    const again = await shopper(server, first.session);
    expect(again.shopperId).toBe(first.shopperId);
    const forged = await shopper(
      server,
      first.session.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
    );
    expect(forged.shopperId).not.toBe(first.shopperId);
  });
});

describe('join', () => {
  it('answers with the event, products with stock and versions, pinned, chat and server time', async () => {
    const { socket } = await shopper(server);
    const ack = await request(socket, 'join', { eventId: 'show' });
    expect(ack.ok).toBe(true);
    expect(ack.event).toMatchObject({ id: 'show', status: 'live', holdTtlSeconds: 300 });
    expect(ack.products.map((p: { sku: string }) => p.sku)).toEqual(['TEE', 'MUG']);
    expect(ack.products[0]).toMatchObject({ sku: 'TEE', title: 'Tee', priceCents: 2500, currency: 'USD' });
    expect(ack.products[0].available).toBeGreaterThanOrEqual(0);
    expect(ack.products[0].version).toBeGreaterThan(0);
    expect(ack.pinned).toEqual([]);
    expect(Array.isArray(ack.chat)).toBe(true);
    expect(Math.abs(ack.serverTime - Date.now())).toBeLessThan(60_000);
  });

  it('refuses an unknown event with NOT_FOUND and a malformed one with INVALID_INPUT', async () => {
    const { socket } = await shopper(server);
    expect(await request(socket, 'join', { eventId: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(await request(socket, 'join', { eventId: '../x' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
  });

  it("returns the shopper's running holds, so a reloaded page shows them again", async () => {
    const first = await shopper(server);
    await request(first.socket, 'join', { eventId: 'show' });
    const held = await request(first.socket, 'reserve', {
      eventId: 'show',
      sku: 'TEE',
      qty: 1,
      idempotencyKey: idem(),
    });
    expect(held.ok).toBe(true);
    first.socket.disconnect();

    // The reload: a new connection presenting the same session.
    const reloaded = await shopper(server, first.session);
    const ack = await request(reloaded.socket, 'join', { eventId: 'show' });
    expect(ack.holds).toEqual([held.hold]);
    expect(ack.holds[0].expiresAt).toBeGreaterThan(ack.serverTime);

    const stranger = await shopper(server);
    expect((await request(stranger.socket, 'join', { eventId: 'show' })).holds).toEqual([]);
    expect((await request(reloaded.socket, 'join', { eventId: 'other' })).holds).toEqual([]);

    await request(reloaded.socket, 'release', { holdId: held.hold.id, eventId: 'show' });
    expect((await request(reloaded.socket, 'join', { eventId: 'show' })).holds).toEqual([]);
  });

  it('gives each of several shoppers joining in the same turn their own holds', async () => {
    const shoppers = await Promise.all(Array.from({ length: 6 }, () => shopper(server)));
    const held = await Promise.all(
      shoppers.map(async (one, i) => {
        if (i % 3 === 2) return [];
        const answers = await Promise.all(
          Array.from({ length: 1 + (i % 3) }, () =>
            request(one.socket, 'reserve', { eventId: 'show', sku: 'MUG', qty: 1, idempotencyKey: idem() }),
          ),
        );
        return answers.map((answer) => answer.hold);
      }),
    );
    for (const one of shoppers) one.socket.disconnect();
    const reloaded = await Promise.all(shoppers.map((one) => shopper(server, one.session)));
    // All the joins are sent before any answer comes back, so they share the turn's read.
    const acks = await Promise.all(reloaded.map((one) => request(one.socket, 'join', { eventId: 'show' })));
    const ids = (holds: { id: string }[]) => holds.map((hold) => hold.id).sort();
    acks.forEach((ack, i) => expect(ids(ack.holds)).toEqual(ids(held[i]!)));
    for (const [i, holds] of held.entries()) {
      for (const hold of holds) {
        expect((await request(reloaded[i]!.socket, 'release', { holdId: hold.id, eventId: 'show' })).ok).toBe(true);
      }
    }
  });

  it('leaves out holds that have expired before the sweeper returned them', async () => {
    // No sweeper in this process, so the expired hold is still in the inventory's list at the join.
    const quiet = await startTestServer({ workers: false });
    try {
      await createEvent(quiet.server, { id: 'brief' }, { TEE: 2 });
      await quiet.server.inventory.configureEvent('brief', { holdTtlSeconds: 0.2 });
      const { socket, session, shopperId } = await shopper(quiet.server);
      const held = await request(socket, 'reserve', { eventId: 'brief', sku: 'TEE', qty: 1, idempotencyKey: idem() });
      expect(held.ok).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await quiet.server.inventory.listShopperHolds('brief', shopperId)).toHaveLength(1);
      const again = await shopper(quiet.server, session);
      expect((await request(again.socket, 'join', { eventId: 'brief' })).holds).toEqual([]);
    } finally {
      closeClients();
      await quiet.stop();
    }
  });

  it('sends no holds to a host', async () => {
    const host = await client(server, '/host', { token: await hostToken('show') });
    const ack = await request(host, 'join', { eventId: 'show' });
    expect(ack.ok).toBe(true);
    expect(ack.holds).toBeUndefined();
  });

  it('matches GET /api/events/:id', async () => {
    const { socket } = await shopper(server);
    const ack = await request(socket, 'join', { eventId: 'other' });
    const response = await fetch(`${server.url}/api/events/other`);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toEqual({ event: ack.event, products: ack.products, pinned: ack.pinned });
  });
});

describe('reserve and release', () => {
  it('holds units, pushes stock with increasing versions, and releases', async () => {
    const viewer = await shopper(server);
    const joined = await request(viewer.socket, 'join', { eventId: 'show' });
    const startVersion = joined.products.find((p: { sku: string }) => p.sku === 'MUG').version;
    const pushes: StockMessage[] = [];
    viewer.socket.on('stock', (message: StockMessage) => pushes.push(message));

    const buyer = await shopper(server);
    await request(buyer.socket, 'join', { eventId: 'show' });
    const reserved = await request(buyer.socket, 'reserve', {
      eventId: 'show',
      sku: 'MUG',
      qty: 2,
      idempotencyKey: idem(),
    });
    expect(reserved).toMatchObject({ ok: true, hold: { sku: 'MUG', qty: 2 } });
    expect(reserved.hold.id).toMatch(/^h[0-9a-z]+~MUG$/);
    expect(reserved.hold.expiresAt).toBeGreaterThan(Date.now());
    expect(reserved.version).toBeGreaterThan(startVersion);
    const generation = joined.products.find((p: { sku: string }) => p.sku === 'MUG').generation;
    expect(generation).toBeGreaterThan(0);
    expect(reserved.generation).toBe(generation);

    const released = await request(buyer.socket, 'release', { holdId: reserved.hold.id });
    expect(released).toMatchObject({
      ok: true,
      holdId: reserved.hold.id,
      available: reserved.available + 2,
      generation,
    });

    await eventually(() => pushes.some((m) => m.items.some((i) => i.sku === 'MUG' && i.version === released.version)));
    const versions = pushes.flatMap((m) => m.items.filter((i) => i.sku === 'MUG').map((i) => i.version));
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
    expect(versions.at(-1)).toBe(released.version);
    expect(pushes.every((m) => m.eventId === 'show')).toBe(true);
  });

  it('replays the same idempotency key and refuses it with other parameters', async () => {
    const { socket } = await shopper(server);
    const key = idem();
    const first = await request(socket, 'reserve', { eventId: 'show', sku: 'TEE', qty: 1, idempotencyKey: key });
    const replay = await request(socket, 'reserve', { eventId: 'show', sku: 'TEE', qty: 1, idempotencyKey: key });
    expect(replay.hold.id).toBe(first.hold.id);
    const conflict = await request(socket, 'reserve', { eventId: 'show', sku: 'TEE', qty: 2, idempotencyKey: key });
    expect(conflict).toMatchObject({ ok: false, error: { code: 'IDEMPOTENCY_CONFLICT' } });
    await request(socket, 'release', { holdId: first.hold.id, eventId: 'show' });
  });

  it('answers every refusal with its code', async () => {
    const { socket } = await shopper(server);
    const reserve = (payload: Record<string, unknown>) =>
      request(socket, 'reserve', { eventId: 'show', sku: 'TEE', qty: 1, idempotencyKey: idem(), ...payload });
    const code = async (payload: Record<string, unknown>) => (await reserve(payload)).error?.code;

    expect(await code({ qty: 9 })).toBe('SOLD_OUT');
    expect(await code({ qty: 11 })).toBe('LIMIT_EXCEEDED');
    expect(await code({ sku: 'MUG', qty: 3 })).toBe('LIMIT_EXCEEDED');
    expect(await code({ qty: 0 })).toBe('INVALID_INPUT');
    expect(await code({ qty: 1.5 })).toBe('INVALID_INPUT');
    expect(await code({ eventId: 'missing' })).toBe('NOT_FOUND');
    expect(await code({ sku: 'NOPE' })).toBe('NOT_FOUND');
    expect(await code({ eventId: 'later' })).toBe('EVENT_NOT_LIVE');
    expect(await code({ extra: true })).toBe('INVALID_INPUT');

    const release = await request(socket, 'release', { holdId: 'h1abc~TEE', eventId: 'show' });
    expect(release).toMatchObject({ ok: false, error: { code: 'HOLD_NOT_FOUND' } });
    const noEvent = await request(socket, 'release', { holdId: 'h1abc~TEE' });
    expect(noEvent).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it("refuses releasing another shopper's hold", async () => {
    const owner = await shopper(server);
    const thief = await shopper(server);
    const held = await request(owner.socket, 'reserve', {
      eventId: 'other',
      sku: 'TEE',
      qty: 1,
      idempotencyKey: idem(),
    });
    expect(held.ok).toBe(true);
    const stolen = await request(thief.socket, 'release', { holdId: held.hold.id, eventId: 'other' });
    expect(stolen).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect((await request(owner.socket, 'release', { holdId: held.hold.id, eventId: 'other' })).ok).toBe(true);
  });

  it('refuses an expired hold with HOLD_EXPIRED and the sweeper returns its units', async () => {
    await createEvent(server, { id: 'quick' }, { TEE: 2 });
    await harness.server.inventory.configureEvent('quick', { holdTtlSeconds: 0.3 });
    const { socket } = await shopper(server);
    await request(socket, 'join', { eventId: 'quick' });
    const stock: StockMessage[] = [];
    socket.on('stock', (message: StockMessage) => stock.push(message));
    const held = await request(socket, 'reserve', { eventId: 'quick', sku: 'TEE', qty: 2, idempotencyKey: idem() });
    expect(held).toMatchObject({ ok: true, available: 0 });
    // The sweeper expires it; the room is told the units are back without anyone reserving.
    await eventually(() => stock.some((m) => m.items.some((i) => i.sku === 'TEE' && i.available === 2)), 8_000);
    const late = await request(socket, 'release', { holdId: held.hold.id });
    expect(late).toMatchObject({ ok: false, error: { code: 'HOLD_EXPIRED' } });
  });

  it('rate-limits one shopper with RATE_LIMITED', async () => {
    const { socket } = await shopper(server);
    const acks = await Promise.all(
      Array.from({ length: 40 }, () =>
        request(socket, 'reserve', { eventId: 'later', sku: 'TEE', qty: 1, idempotencyKey: idem() }),
      ),
    );
    const codes = acks.map((ack) => ack.error?.code);
    expect(codes).toContain('RATE_LIMITED');
    expect(codes.filter((c) => c === 'EVENT_NOT_LIVE').length).toBeGreaterThan(0);
  });
});

describe('chat', () => {
  it('broadcasts to the room, keeps the last messages for joiners, and requires joining', async () => {
    const a = await shopper(server);
    const b = await shopper(server);
    await request(a.socket, 'join', { eventId: 'other' });
    await request(b.socket, 'join', { eventId: 'other' });
    const seen: unknown[] = [];
    b.socket.on('chat', (message) => seen.push(message));
    const sent = await request(a.socket, 'chat:send', { eventId: 'other', text: '  hello\u0007 there  ' });
    expect(sent).toMatchObject({ ok: true, message: { text: 'hello there', role: 'shopper', eventId: 'other' } });
    await eventually(() => seen.length === 1);
    const c = await shopper(server);
    const joined = await request(c.socket, 'join', { eventId: 'other' });
    expect(joined.chat.at(-1)).toEqual(sent.message);
    expect(await request(c.socket, 'chat:send', { eventId: 'show', text: 'hi' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await request(c.socket, 'chat:send', { eventId: 'other', text: 'x'.repeat(501) })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
  });
});

describe('roles', () => {
  it('lets a host pin and unpin, seen by shoppers and by later joiners', async () => {
    const viewer = await shopper(server);
    await request(viewer.socket, 'join', { eventId: 'show' });
    const pins: { eventId: string; skus: string[] }[] = [];
    viewer.socket.on('pinned', (message) => pins.push(message));
    const host = await client(server, '/host', { token: await hostToken('show') });
    expect((await request(host, 'join', { eventId: 'show' })).ok).toBe(true);
    expect(await request(host, 'pin', { eventId: 'show', skus: ['MUG'] })).toEqual({ ok: true, skus: ['MUG'] });
    await eventually(() => pins.length === 1);
    expect(pins[0]).toEqual({ eventId: 'show', skus: ['MUG'] });
    const later = await shopper(server);
    expect((await request(later.socket, 'join', { eventId: 'show' })).pinned).toEqual(['MUG']);
    expect(await request(host, 'pin', { eventId: 'show', skus: ['GHOST'] })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(await request(host, 'pin', { eventId: 'show', skus: [] })).toEqual({ ok: true, skus: [] });
    await eventually(() => pins.length === 2);
    expect(pins[1].skus).toEqual([]);
  });

  it('lets a host change status, which viewers see and reserves obey', async () => {
    await createEvent(server, { id: 'toggle' }, { TEE: 5 });
    const viewer = await shopper(server);
    await request(viewer.socket, 'join', { eventId: 'toggle' });
    const statuses: unknown[] = [];
    viewer.socket.on('status', (message) => statuses.push(message));
    const host = await client(server, '/host', { token: await hostToken('toggle') });
    expect(await request(host, 'status', { eventId: 'toggle', status: 'ended' })).toEqual({
      ok: true,
      status: 'ended',
    });
    await eventually(() => statuses.length === 1);
    expect(statuses[0]).toEqual({ eventId: 'toggle', status: 'ended' });
    const refused = await request(viewer.socket, 'reserve', {
      eventId: 'toggle',
      sku: 'TEE',
      qty: 1,
      idempotencyKey: idem(),
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'EVENT_NOT_LIVE' } });
  });

  it('refuses a shopper pinning, a host of another event, a moderator pinning', async () => {
    const { socket } = await shopper(server);
    expect(await request(socket, 'pin', { eventId: 'show', skus: ['TEE'] })).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHORIZED' },
    });
    const host = await client(server, '/host', { token: await hostToken('other') });
    expect(await request(host, 'pin', { eventId: 'show', skus: ['TEE'] })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await request(host, 'status', { eventId: 'show', status: 'ended' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await request(host, 'join', { eventId: 'show' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(
      await request(host, 'reserve', { eventId: 'other', sku: 'TEE', qty: 1, idempotencyKey: idem() }),
    ).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    const moderator = await client(server, '/moderator', { token: await hostToken('show', 'moderator') });
    expect((await request(moderator, 'join', { eventId: 'show' })).ok).toBe(true);
    expect(await request(moderator, 'pin', { eventId: 'show', skus: ['TEE'] })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    const said = await request(moderator, 'chat:send', { eventId: 'show', text: 'welcome' });
    expect(said).toMatchObject({ ok: true, message: { role: 'moderator', author: 'Moderator' } });
  });

  it("refuses each namespace's requests on the others by name, and an event no namespace has as INVALID_INPUT", async () => {
    const codeOf = async (socket: Socket, event: string) =>
      ((await request(socket, event, { eventId: 'show' })) as { error?: { code: string } }).error?.code;
    const { socket: shop } = await shopper(server);
    const host = await client(server, '/host', { token: await hostToken('show') });
    const moderator = await client(server, '/moderator', { token: await hostToken('show', 'moderator') });
    expect(await Promise.all(['pin', 'status', 'frobnicate'].map((event) => codeOf(shop, event)))).toEqual([
      'UNAUTHORIZED',
      'UNAUTHORIZED',
      'INVALID_INPUT',
    ]);
    for (const staff of [host, moderator]) {
      expect(await Promise.all(['reserve', 'release', 'leave', 'frobnicate'].map((e) => codeOf(staff, e)))).toEqual([
        'FORBIDDEN',
        'FORBIDDEN',
        'FORBIDDEN',
        'INVALID_INPUT',
      ]);
    }
    expect(await Promise.all(['pin', 'status'].map((event) => codeOf(moderator, event)))).toEqual([
      'FORBIDDEN',
      'FORBIDDEN',
    ]);
  });

  it('refuses forged, expired, missing and wrong-role tokens at connection', async () => {
    const valid = await hostToken('show');
    const [head, body, signature] = valid.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString());
    const widened = Buffer.from(JSON.stringify({ ...claims, e: 'other' })).toString('base64url');
    const expired = Buffer.from(JSON.stringify({ ...claims, x: Date.now() - 1000 })).toString('base64url');
    const refusal = async (namespace: '/host' | '/moderator', auth: Record<string, unknown>) => {
      const error = await client(server, namespace, auth).then(
        () => null,
        (failure: Error & { data?: { code: string } }) => failure,
      );
      return error?.data?.code;
    };
    expect(await refusal('/host', {})).toBe('UNAUTHORIZED');
    expect(await refusal('/host', { token: 'nonsense' })).toBe('UNAUTHORIZED');
    expect(await refusal('/host', { token: `${head}.${widened}.${signature}` })).toBe('UNAUTHORIZED');
    expect(await refusal('/host', { token: `${head}.${expired}.${signature}` })).toBe('UNAUTHORIZED');
    expect(await refusal('/host', { token: await hostToken('show', 'moderator') })).toBe('FORBIDDEN');
    expect(await refusal('/moderator', { token: valid })).toBe('FORBIDDEN');
  });

  it('expires a token issued with a short lifetime', async () => {
    const issued = await admin(server, 'POST', '/api/admin/tokens', { role: 'host', eventId: 'show', ttlSeconds: 60 });
    expect(issued.body.expiresAt - Date.now()).toBeLessThanOrEqual(60_000);
    expect(issued.body).toMatchObject({ role: 'host', eventId: 'show' });
  });
});

describe('HTTP', () => {
  it('reports health and metrics', async () => {
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true, redis: 'up', database: 'up' });
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    for (const name of [
      'liveshop_connected_sockets',
      'liveshop_reserve_total',
      'liveshop_reserve_duration_seconds_bucket',
      'liveshop_fanout_lag_seconds',
      'liveshop_ledger_lag_seconds',
    ]) {
      expect(metrics).toContain(name);
    }
    expect(metrics).toMatch(/liveshop_reserve_total\{code="ok"\} \d+/);
  });

  it('requires the admin key', async () => {
    const body = { role: 'host', eventId: 'show' };
    expect((await admin(server, 'POST', '/api/admin/tokens', body, 'wrong-key')).status).toBe(401);
    const none = await fetch(`${server.url}/api/admin/tokens`, { method: 'POST' });
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
  });

  it('creates, conflicts, sets stock and status with typed errors', async () => {
    const event = { id: 'http', title: 'HTTP', products: [{ sku: 'A', title: 'A', priceCents: 100, currency: 'EUR' }] };
    const created = await admin(server, 'POST', '/api/admin/events', event);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      event: { id: 'http', status: 'scheduled' },
      products: [{ sku: 'A', available: 0 }],
    });
    expect((await admin(server, 'POST', '/api/admin/events', event)).body).toMatchObject({
      error: { code: 'CONFLICT' },
    });
    const stock = await admin(server, 'PUT', '/api/admin/events/http/stock', { items: [{ sku: 'A', quantity: 7 }] });
    expect(stock).toMatchObject({ status: 200, body: { items: [{ sku: 'A', allocated: 7, available: 7 }] } });
    const unknownSku = await admin(server, 'PUT', '/api/admin/events/http/stock', {
      items: [{ sku: 'B', quantity: 1 }],
    });
    expect(unknownSku).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    const unknownEvent = await admin(server, 'POST', '/api/admin/events/none/status', { status: 'live' });
    expect(unknownEvent.status).toBe(404);
    expect(await admin(server, 'POST', '/api/admin/events/http/status', { status: 'live' })).toMatchObject({
      status: 200,
      body: { status: 'live' },
    });
    expect(((await (await fetch(`${server.url}/api/events/http`)).json()) as Reply).event.status).toBe('live');
    expect((await fetch(`${server.url}/api/events/none`)).status).toBe(404);
    const unknownRoute = await fetch(`${server.url}/api/whatever`);
    expect(unknownRoute.status).toBe(404);
    expect(await unknownRoute.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('sends security headers that still allow blob: media for HLS', async () => {
    const response = await fetch(`${server.url}/healthz`);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("media-src 'self' blob:");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('robustness', () => {
  it('survives requests without ack, without payload, and with an ack in the wrong place', async () => {
    const { socket }: { socket: Socket } = await shopper(server);
    socket.emit('reserve', { eventId: 'show', sku: 'TEE', qty: 1, idempotencyKey: idem() });
    socket.emit('join');
    socket.emit('release', 42, 'not-an-ack');
    expect(await request(socket, 'join')).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await request(socket, 'does-not-exist', {})).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect((await request(socket, 'join', { eventId: 'show' })).ok).toBe(true);
  });
});
