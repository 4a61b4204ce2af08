import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { DEMO_ADMIN_KEY, optionsFromEnv, resolveOptions, startServer, type RunningServer } from '@liveshop/server';
import { checkout, checkoutOf, holding, newEvent } from './checkout-harness.js';
import { ADMIN_KEY, REDIS_URL, admin, dropIsolation, isolation, testOptions, type Isolation } from './harness.js';

/** What a deployment gets when it sets only where Redis and the database are. */
const scopes: Isolation[] = [];
const servers: RunningServer[] = [];

async function start(overrides: Parameters<typeof testOptions>[1] = {}): Promise<RunningServer> {
  const scope = isolation();
  scopes.push(scope);
  const server = await startServer(testOptions(scope, overrides));
  servers.push(server);
  return server;
}

afterEach(() => vi.restoreAllMocks());
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  await Promise.all(scopes.map(dropIsolation));
});

describe('production defaults', () => {
  it('runs without the demo and without an admin key unless asked, and says the admin API is off', async () => {
    const fromEnv = resolveOptions(optionsFromEnv({ REDIS_URL: REDIS_URL, DATABASE_URL: 'postgres://db/x' }));
    expect(fromEnv.demo).toBe(false);
    expect(fromEnv.adminKey).toBeUndefined();
    expect(optionsFromEnv({ LIVESHOP_DEMO: '1' }).demo).toBe(true);

    const warnings: string[] = [];
    vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => void warnings.push(args.join(' ')));
    const server = await start({ adminKey: fromEnv.adminKey, demo: fromEnv.demo });
    expect(server.adminKey).toBeUndefined();
    expect(warnings.join('\n')).toMatch(/admin API is off.*LIVESHOP_ADMIN_KEY/);

    const refused = await admin(server, 'POST', '/api/admin/tokens', { role: 'host', eventId: 'demo' }, DEMO_ADMIN_KEY);
    expect(refused).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHORIZED' } } });
    expect((await fetch(`${server.url}/api/events/demo`)).status).toBe(404);
    expect((await fetch(`${server.url}/`)).status).toBe(404);
  });

  it('authenticates admin requests before reading their body', async () => {
    const server = await start();
    const post = (headers: Record<string, string>, body: string) =>
      fetch(`${server.url}/api/admin/events`, { method: 'POST', headers, body });
    const json = { 'content-type': 'application/json' };

    const broken = await post(json, '{"id":');
    expect(broken.status).toBe(401);
    expect(await broken.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    const huge = await post({ ...json, authorization: 'Bearer wrong-key-123' }, `"${'x'.repeat(600_000)}"`);
    expect(huge.status).toBe(401);
    // With the key, the body is read and judged as before.
    expect((await post({ ...json, authorization: `Bearer ${ADMIN_KEY}` }, '{"id":')).status).toBe(400);
  });

  it('protects /metrics with a bearer key when one is configured', async () => {
    const server = await start({ metricsKey: 'metrics-key-123' });
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer nope-nope-nope' } });
    expect(wrong.status).toBe(401);
    const scraped = await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer metrics-key-123' } });
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain('liveshop_connected_sockets');
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('serves /metrics on its own port when asked, and not on the public one', async () => {
    const server = await start({ metricsPort: 0 });
    expect(server.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
    const scraped = await fetch(`${server.metricsUrl}/metrics`);
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain('liveshop_connected_sockets');
    expect((await fetch(`${server.metricsUrl}/healthz`)).status).toBe(200);
  });

  it('chooses the payment providers from the environment: test cards only in the demo unless asked, Stripe by its key', () => {
    expect(resolveOptions(optionsFromEnv({})).testPayments).toBeUndefined();
    expect(optionsFromEnv({ LIVESHOP_TEST_PAYMENTS: '1' }).testPayments).toBe(true);
    expect(optionsFromEnv({ LIVESHOP_TEST_PAYMENTS: 'off' }).testPayments).toBe(false);
    expect(() => optionsFromEnv({ LIVESHOP_TEST_PAYMENTS: 'maybe' })).toThrow(
      /LIVESHOP_TEST_PAYMENTS must be on or off/,
    );
    const stripe = resolveOptions(
      optionsFromEnv({ STRIPE_SECRET_KEY: 'sk_test_abcdef123', STRIPE_API_URL: 'http://127.0.0.1:12111' }),
    );
    expect(stripe.stripe).toEqual({ secretKey: 'sk_test_abcdef123', apiUrl: 'http://127.0.0.1:12111' });
    expect(() => resolveOptions(optionsFromEnv({ STRIPE_SECRET_KEY: 'short' }))).toThrow(/stripe\.secretKey/);
  });

  it('says at start that no payment provider is configured, and a checkout answers PAYMENT_UNAVAILABLE, holds kept', async () => {
    const warnings: string[] = [];
    vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => void warnings.push(args.join(' ')));
    const server = await start({ testPayments: false, demo: false });
    expect(warnings.join('\n')).toMatch(/no payment provider is configured.*PAYMENT_UNAVAILABLE.*STRIPE_SECRET_KEY/);
    const eventId = await newEvent(server, { TEE: 1 });
    const { socket, hold } = await holding(server, eventId);
    try {
      const refused = await checkout(socket, checkoutOf(eventId, [hold.id]));
      expect(refused).toMatchObject({ ok: false, error: { code: 'PAYMENT_UNAVAILABLE' } });
      const again = await socket.timeout(5_000).emitWithAck('join', { eventId });
      expect(again).toMatchObject({ ok: true, holds: [{ id: hold.id }] });
    } finally {
      socket.disconnect();
    }
  });
});
