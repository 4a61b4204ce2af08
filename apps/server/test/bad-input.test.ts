import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { ErrorCode, httpStatusOf, isErrorCode } from '@liveshop/protocol';
import {
  ADMIN_KEY,
  admin,
  type Reply,
  client,
  closeClients,
  createEvent,
  request,
  shopper,
  startTestServer,
} from './harness.js';

/**
 * Generated malformed input, over socket.io and HTTP: every request gets a typed error, nothing
 * crashes, no stock moves, and no prototype is polluted.
 */
let harness: Awaited<ReturnType<typeof startTestServer>>;
let server: { url: string };

beforeAll(async () => {
  harness = await startTestServer({ shopperReservesPerSecond: 100_000, shopperJoinsPer10Seconds: 100_000 });
  server = harness.server;
  await createEvent(server, { id: 'bad' }, { TEE: 10, MUG: 10 });
});
afterAll(async () => {
  closeClients();
  await harness?.stop();
});

const HUGE = 'x'.repeat(10_000);
const BAD_IDS: unknown[] = [
  null,
  42,
  1.5,
  true,
  {},
  [],
  '',
  ' ',
  HUGE,
  'a{b}',
  '../x',
  '<script>',
  'ü',
  '\u0000',
  '__proto__',
  'a b',
];
const BAD_COUNTS: unknown[] = [null, '1', 1.5, -1, 0, 1e9, {}, [], true, '', 2 ** 53, -0.5];
const BAD_TEXT: unknown[] = [null, 42, {}, [], '', '   ', 'x'.repeat(501), HUGE];
const BAD_STATUS: unknown[] = [null, 'LIVE', 'paused', 42, '', {}, []];

/** A payload with its own `__proto__` key, as JSON.parse makes it. */
const polluting = (base: object) => JSON.parse(JSON.stringify(base).replace(/^\{/, '{"__proto__":{"polluted":true},'));

/**
 * The base payload with one field replaced by each bad value, each required field (those in
 * `base` and not in `optional`) missing, plus whole-payload junk.
 */
function variants(base: Record<string, unknown>, bad: Record<string, unknown[]>, optional: string[] = []): unknown[] {
  const out: unknown[] = [];
  for (const [field, values] of Object.entries(bad)) {
    for (const value of values) out.push({ ...base, [field]: value });
    if (!(field in base) || optional.includes(field)) continue;
    const { [field]: _missing, ...rest } = base;
    out.push(rest);
  }
  out.push(
    undefined,
    null,
    42,
    'string',
    [],
    [base],
    true,
    {},
    polluting(base),
    { ...base, constructor: { prototype: { polluted: true } } },
    { ...base, extra: 1 },
  );
  return out;
}

const shopCases: [string, unknown][] = [
  ...variants(
    { eventId: 'bad', sku: 'TEE', qty: 1, idempotencyKey: 'k1' },
    {
      eventId: BAD_IDS,
      sku: BAD_IDS,
      qty: BAD_COUNTS,
      idempotencyKey: BAD_IDS,
    },
  ).map((payload): [string, unknown] => ['reserve', payload]),
  ...variants({ eventId: 'bad' }, { eventId: BAD_IDS }).map((payload): [string, unknown] => ['join', payload]),
  ...variants({ holdId: 'h1~TEE', eventId: 'bad' }, { holdId: BAD_IDS, eventId: BAD_IDS.slice(1) }, ['eventId']).map(
    (payload): [string, unknown] => ['release', payload],
  ),
  ...variants({ eventId: 'bad', text: 'hello' }, { eventId: BAD_IDS, text: BAD_TEXT }).map(
    (payload): [string, unknown] => ['chat:send', payload],
  ),
  ...[
    { eventId: 'nope', sku: 'TEE', qty: 1, idempotencyKey: 'k2' },
    { eventId: 'bad', sku: 'NOPE', qty: 1, idempotencyKey: 'k3' },
  ].map((payload): [string, unknown] => ['reserve', payload]),
];

const hostCases: [string, unknown][] = [
  ...variants(
    { eventId: 'bad', skus: ['TEE'] },
    { skus: [null, 'TEE', [1], ['a{b}'], ['A', 'B', 'C', 'D'], ['NOPE'], {}] },
  ).map((payload): [string, unknown] => ['pin', payload]),
  ...variants({ eventId: 'bad', status: 'live' }, { status: BAD_STATUS }).map((payload): [string, unknown] => [
    'status',
    payload,
  ]),
];

async function expectTypedRefusals(socket: Socket, cases: [string, unknown][]): Promise<number> {
  for (const [event, payload] of cases) {
    const ack = payload === undefined ? await request(socket, event) : await request(socket, event, payload);
    const context = `${event} ${JSON.stringify(payload)?.slice(0, 120)}`;
    expect(ack.ok, context).toBe(false);
    expect(isErrorCode(ack.error?.code), context).toBe(true);
    expect(
      [ErrorCode.INVALID_INPUT, ErrorCode.NOT_FOUND, ErrorCode.HOLD_NOT_FOUND, ErrorCode.FORBIDDEN],
      context,
    ).toContain(ack.error?.code);
    expect(typeof ack.error?.message, context).toBe('string');
  }
  return cases.length;
}

const product = { sku: 'A', title: 'A', priceCents: 100, currency: 'USD' };
const httpCases: [method: string, path: string, body: unknown][] = [
  ...variants(
    { id: 'fresh', title: 'T', products: [product] },
    {
      id: BAD_IDS,
      title: [null, 42, '', ' ', 'x'.repeat(201)],
      products: [
        null,
        'x',
        {},
        [null],
        [{}],
        [{ sku: 'A' }],
        Array.from({ length: 201 }, (_, i) => ({ ...product, sku: `S${i}` })),
        [product, product],
      ],
      holdTtlSeconds: [0, 29, 3601, 1.5, '300', null],
      streamUrl: ['javascript:alert(1)', 'ftp://x', 42, `https://${'x'.repeat(3000)}`],
      status: ['paused', 1],
    },
    ['products'],
  ).map((body): [string, string, unknown] => ['POST', '/api/admin/events', body]),
  ...[
    { sku: 'A', title: 'A', priceCents: -1, currency: 'USD' },
    { sku: 'A', title: 'A', priceCents: 1.5, currency: 'USD' },
    { sku: 'A', title: 'A', priceCents: '100', currency: 'USD' },
    { sku: 'A', title: 'A', priceCents: 100, currency: 'usd' },
    { sku: 'A', title: 'A', priceCents: 100, currency: 'EURO' },
    { sku: 'A', title: 'A', priceCents: 100, currency: 'USD', limitPerShopper: -1 },
    { sku: 'A', title: 'A', priceCents: 100, currency: 'USD', imageUrl: 'data:image/png;base64,xx' },
  ].map((bad): [string, string, unknown] => [
    'POST',
    '/api/admin/events',
    { id: 'fresh', title: 'T', products: [bad] },
  ]),
  ...variants(
    { items: [{ sku: 'TEE', quantity: 3 }] },
    {
      items: [
        null,
        [],
        {},
        'x',
        [{ sku: 'TEE' }],
        [{ sku: 'NOPE', quantity: 1 }],
        ...BAD_COUNTS.filter((c) => c !== 0).map((quantity) => [{ sku: 'TEE', quantity }]),
        ...BAD_IDS.map((sku) => [{ sku, quantity: 1 }]),
      ],
    },
  ).map((body): [string, string, unknown] => ['PUT', '/api/admin/events/bad/stock', body]),
  ['PUT', '/api/admin/events/nope/stock', { items: [{ sku: 'TEE', quantity: 1 }] }],
  ['PUT', '/api/admin/events/a%7Bb%7D/stock', { items: [{ sku: 'TEE', quantity: 1 }] }],
  ...variants({ status: 'live' }, { status: [...BAD_STATUS, 'scheduled'] }).map((body): [string, string, unknown] => [
    'POST',
    '/api/admin/events/bad/status',
    body,
  ]),
  ...variants(
    { role: 'host', eventId: 'bad' },
    { role: ['admin', 'HOST', null, 1, 'shopper'], eventId: BAD_IDS, ttlSeconds: [1, 1e9, '60', 1.5] },
  ).map((body): [string, string, unknown] => ['POST', '/api/admin/tokens', body]),
  ['POST', '/api/admin/tokens', { role: 'host', eventId: 'nope' }],
];

/** Raw bodies that are not JSON objects at all, and one over the size limit. */
const rawCases: [path: string, body: string, contentType: string][] = [
  ['/api/admin/events', '{"id":', 'application/json'],
  ['/api/admin/events', 'null', 'application/json'],
  ['/api/admin/events', '"str"', 'application/json'],
  ['/api/admin/events', '42', 'application/json'],
  ['/api/admin/events', 'id=x&title=y', 'application/x-www-form-urlencoded'],
  ['/api/admin/events', '{"id":"x","title":"y"}', 'text/plain'],
  ['/api/admin/events', JSON.stringify({ id: 'x', title: 'x'.repeat(600_000) }), 'application/json'],
  ['/api/admin/tokens', '\u0000\u0001', 'application/json'],
];

describe('malformed input', () => {
  it('answers at least 200 malformed socket and HTTP requests with typed errors and moves no stock', async () => {
    const before = await harness.server.inventory.snapshot('bad');
    const { socket } = await shopper(server);
    await request(socket, 'join', { eventId: 'bad' });
    let count = await expectTypedRefusals(socket, shopCases);

    const token = (await admin(server, 'POST', '/api/admin/tokens', { role: 'host', eventId: 'bad' })).body.token;
    const host = await client(server, '/host', { token });
    count += await expectTypedRefusals(host, hostCases);

    for (const [method, path, body] of httpCases) {
      const response = await admin(server, method, path, body === undefined ? undefined : JSON.stringify(body));
      const context = `${method} ${path} ${JSON.stringify(body)?.slice(0, 120)}`;
      expect(response.status, context).toBeGreaterThanOrEqual(400);
      const code = response.body?.error?.code;
      expect(isErrorCode(code), context).toBe(true);
      expect(response.status, context).toBe(httpStatusOf[code as ErrorCode]);
      count += 1;
    }
    for (const [path, body, contentType] of rawCases) {
      const response = await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': contentType },
        body,
      });
      const code = ((await response.json()) as Reply).error?.code;
      expect(isErrorCode(code), path + body.slice(0, 40)).toBe(true);
      expect(response.status).toBe(httpStatusOf[code as ErrorCode]);
      count += 1;
    }

    expect(count).toBeGreaterThanOrEqual(200);
    expect(await harness.server.inventory.snapshot('bad')).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await fetch(`${server.url}/api/events/fresh`)).status).toBe(404);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await request(socket, 'join', { eventId: 'bad' })).ok).toBe(true);
  });

  it('drops a connection that sends a frame over the size limit and keeps serving others', async () => {
    const { socket } = await shopper(server);
    const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    socket.emit('chat:send', { eventId: 'bad', text: 'x'.repeat(100_000) });
    expect(await closed).toBeTruthy();
    const other = await shopper(server);
    expect((await request(other.socket, 'join', { eventId: 'bad' })).ok).toBe(true);
  });
});
