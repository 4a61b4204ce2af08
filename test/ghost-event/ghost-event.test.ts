import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFileLimit, startGhostTestServer, type GhostTestServer } from './ghost-server.js';
import { jsonOf, runGhostEventCli } from './run-cli.js';

/** The CLI's arguments for a throw-away event on `server`, then `flags` (space-separated). */
const throwAwayEvent = (server: GhostTestServer, flags: string, adminKey = server.adminKey) => [
  '--url',
  server.url,
  '--admin-key',
  adminKey,
  ...flags.split(' '),
];

interface SnapshotBody {
  event: { status: string };
  products: { sku: string; available: number; limitPerShopper: number }[];
}

describe('pnpm ghost-event against a running server', () => {
  let target: GhostTestServer;

  beforeAll(async () => {
    // The server runs in this process and keeps one file per connection of the CLI's workers.
    expect(openFileLimit(), 'raise the open-file limit: ulimit -n 4096').toBeGreaterThan(2500);
    target = await startGhostTestServer();
  });
  afterAll(async () => {
    await target?.stop();
  });

  it('1,000 shoppers and 200 viewers on 50 units: exactly 50 holds, 950 SOLD_OUT, no oversell, exit 0', async () => {
    const run = await runGhostEventCli(throwAwayEvent(target, '--units 50 --shoppers 1000 --viewers 200 --json'));
    const report = jsonOf(run);
    expect(run.code, run.stderr).toBe(0);
    expect(report).toMatchObject({
      ok: true,
      shoppers: 1000,
      viewers: 200,
      units: 50,
      holds: 50,
      unitsHeld: 50,
      soldOut: 950,
      errors: {},
      oversell: 0,
      failures: [],
      event: { created: true, ended: true },
      connect: {
        shoppers: { connected: 1000, failed: 0, joinFailed: 0 },
        viewers: { connected: 200, failed: 0, joinFailed: 0 },
      },
      stock: { watchers: 1200, lastStockMatchesFinal: true, stale: 0 },
      skus: [{ sku: 'GHOST-1', units: 50, granted: 50, finalAvailable: 0, expectedAvailable: 0, oversell: 0 }],
    });
    for (const value of Object.values(report.ackMs)) expect(value).toBeGreaterThan(0);
    expect(report.ackMs.p50!).toBeLessThanOrEqual(report.ackMs.p90!);
    expect(report.ackMs.p90!).toBeLessThanOrEqual(report.ackMs.p99!);
    expect(report.ackMs.p99!).toBeLessThanOrEqual(report.ackMs.max!);
    expect(report.throughputPerSec).toBeGreaterThan(0);
    expect(report.stock.maxMessagesPerViewerPerSecond).toBeGreaterThan(0);
    expect(report.stock.deliveryMs.max).not.toBeNull();
    // stderr is not a terminal here: plain progress lines, each phase ending on its full count.
    expect(run.stderr).toContain('[ghost-event] connect: 1,200/1,200');
    expect(run.stderr).toContain('[ghost-event] buy now: 1,000/1,000');

    // The throw-away event as the server keeps it: the limit set explicitly, sold out, ended.
    const snapshot = await target.api('GET', `/api/events/${report.event.id}`);
    const body = snapshot.body as SnapshotBody;
    expect(report.event.id).toMatch(/^ghost-[0-9a-f]{8}$/);
    expect(body.event.status).toBe('ended');
    expect(body.products).toMatchObject([{ sku: 'GHOST-1', available: 0, limitPerShopper: 1 }]);
  });

  it('uses an existing event with --event and several SKUs, taps --qty units, and leaves the event live', async () => {
    const eventId = `shop-${Date.now().toString(36)}`;
    const created = await target.api('POST', '/api/admin/events', {
      id: eventId,
      title: 'Spring drop',
      status: 'live',
      products: [
        { sku: 'TEE', title: 'Tee', priceCents: 2500, currency: 'USD', limitPerShopper: 0 },
        { sku: 'CAP', title: 'Cap', priceCents: 1500, currency: 'USD', limitPerShopper: 0 },
      ],
    });
    expect(created.status).toBe(201);
    expect(
      (
        await target.api('PUT', `/api/admin/events/${eventId}/stock`, {
          items: [
            { sku: 'TEE', quantity: 30 },
            { sku: 'CAP', quantity: 21 },
          ],
        })
      ).status,
    ).toBe(200);

    const run = await runGhostEventCli([
      '--url',
      target.url,
      '--event',
      eventId,
      '--sku',
      'TEE,CAP',
      '--qty',
      '2',
      '--shoppers',
      '100',
      '--json',
      '--no-progress',
    ]);
    const report = jsonOf(run);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    // 50 shoppers per SKU, 2 units a tap: TEE sells out in 15 holds, CAP in 10 with 1 unit left.
    expect(report).toMatchObject({
      ok: true,
      event: { id: eventId, created: false, ended: false },
      units: 51,
      holds: 25,
      unitsHeld: 50,
      soldOut: 75,
      oversell: 0,
      skus: [
        { sku: 'TEE', units: 30, holds: 15, granted: 30, finalAvailable: 0, unaccounted: 0 },
        { sku: 'CAP', units: 21, holds: 10, granted: 20, finalAvailable: 1, unaccounted: 0 },
      ],
    });
    const snapshot = (await target.api('GET', `/api/events/${eventId}`)).body as SnapshotBody;
    expect(snapshot.event.status).toBe('live');
    expect(snapshot.products.map((product) => [product.sku, product.available])).toEqual([
      ['TEE', 0],
      ['CAP', 1],
    ]);
  });

  it('a wrong admin key is a clear error and exit 1', async () => {
    const run = await runGhostEventCli(throwAwayEvent(target, '--units 5 --shoppers 10 --json', 'not-the-admin-key'));
    expect(run.code).toBe(1);
    expect(jsonOf(run)).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(run.stderr).toMatch(/refused the admin key.*--admin-key/);
  });

  it('a usage error names what is missing', async () => {
    const run = await runGhostEventCli(['--url', target.url, '--shoppers', '10']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('give --units N');
    expect(run.stdout).toBe('');
  });

  it('--checkout reports the answers as the server gives them', async () => {
    const run = await runGhostEventCli(
      throwAwayEvent(target, '--units 10 --shoppers 40 --checkout --json --no-progress'),
    );
    const report = jsonOf(run);
    expect(report.holds).toBe(10);
    const checkout = report.checkout!;
    expect(checkout.attempted).toBe(10);
    expect(Object.values(checkout.answers).reduce((sum, n) => sum + n, 0)).toBe(10);
    if (checkout.confirmed === checkout.attempted) {
      expect(run.code, run.stderr).toBe(0);
    } else {
      // A server without checkout refuses the unknown event: counted as errors, named in a hint.
      expect(run.code).toBe(1);
      expect(report.failures.join('\n')).toContain('not confirmed');
      if (checkout.answers.INVALID_INPUT === 10) {
        expect(report.hints.join('\n')).toContain('does not handle checkout');
      }
    }
  });
});

describe('pnpm ghost-event against a server with its per-IP limit on', () => {
  let limited: GhostTestServer;

  beforeAll(async () => {
    limited = await startGhostTestServer(20);
  });
  afterAll(async () => {
    await limited?.stop();
  });

  it('reports RATE_LIMITED, says to set LIVESHOP_IP_RATE_LIMIT=0, and exits 1', async () => {
    const run = await runGhostEventCli(throwAwayEvent(limited, '--units 100 --shoppers 300'));
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/RATE_LIMITED=\d+/);
    expect(run.stdout).toMatch(/^FAIL/m);
    expect(run.stdout).toContain('LIVESHOP_IP_RATE_LIMIT=0');
    expect(run.stdout).toMatch(/oversell \(units\)\s+\| 0 /);
  });
});
