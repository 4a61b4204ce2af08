/// <reference lib="dom" />
// page.evaluate callbacks run in the browser.
import { mkdir, readFile } from 'node:fs/promises';
import { TEST_CARDS } from '@liveshop/payments';
import { signGenericWebhook } from '@liveshop/pos';
import type { Browser } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/browser.js';
import { startDemoServer, type DemoServer } from './support/demo-server.js';
import { screenshotDir } from './support/screenshots.js';

let server: DemoServer;
let browser: Browser;
const sockets: Socket[] = [];

beforeAll(async () => {
  [server, browser] = await Promise.all([startDemoServer(), launchChromium()]);
});
afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  await browser?.close();
  await server?.close();
});

const ask = <T = Record<string, unknown>>(socket: Socket, event: string, payload: object) =>
  socket.timeout(20_000).emitWithAck(event, payload) as Promise<{ ok: boolean; error?: { message: string } } & T>;

/** A `/shop` viewer of the demo show, joined. */
async function viewer() {
  const socket = io(`${server.url}/shop`, { transports: ['websocket'], forceNew: true, reconnection: false });
  sockets.push(socket);
  const { session } = await new Promise<{ session: string }>((resolve) => socket.once('session', resolve));
  expect((await ask(socket, 'join', { eventId: 'demo' })).ok).toBe(true);
  const seen = async (items: { type: 'impression' | 'click'; sku: string }[]) => {
    const response = await fetch(`${server.url}/api/events/demo/beacons`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({
        session,
        batch: `b${Math.random().toString(36).slice(2, 12)}`,
        items: items.map((item) => ({ ...item, at: Date.now() })),
      }),
    });
    expect(response.status).toBe(202);
  };
  const buy = async (sku: string, qty: number, email: string) => {
    const reserved = await ask<{ hold: { id: string } }>(socket, 'reserve', {
      eventId: 'demo',
      sku,
      qty,
      idempotencyKey: `r${Math.random().toString(36).slice(2)}`,
    });
    expect(reserved.ok, reserved.error?.message).toBe(true);
    const order = await ask<{ order: { id: string } }>(socket, 'checkout', {
      eventId: 'demo',
      holdIds: [reserved.hold.id],
      idempotencyKey: `c${Math.random().toString(36).slice(2)}`,
      customer: { email },
      fulfilment: {
        type: 'ship',
        address: { name: 'A Viewer', line1: '1 Main St', city: 'Leeds', postalCode: 'LS1 1AA', country: 'GB' },
      },
      payment: { provider: 'test', card: TEST_CARDS.approve },
    });
    expect(order.ok, order.error?.message).toBe(true);
    return order.order.id;
  };
  return { socket, seen, buy };
}

const adminGet = async (path: string) =>
  fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${server.adminKey}` } });

describe('host reports', () => {
  it('show the analytics of a scripted show, the same as the admin API, with charts and a CSV download', async () => {
    const { token } = await server.issueStaffToken('host', 'demo');
    const hostSocket = io(`${server.url}/host`, { transports: ['websocket'], forceNew: true, auth: { token } });
    sockets.push(hostSocket);
    await new Promise<void>((resolve) => hostSocket.once('connect', () => resolve()));
    expect((await ask(hostSocket, 'join', { eventId: 'demo' })).ok).toBe(true);
    const pin = async (skus: string[]) =>
      expect((await ask(hostSocket, 'pin', { eventId: 'demo', skus })).ok).toBe(true);

    // Minute one: the tee is pinned; four viewers, three of whom look around; two buy.
    await pin(['TEE-ORIGIN']);
    const viewers = await Promise.all([viewer(), viewer(), viewer(), viewer()]);
    await viewers[0]!.seen([
      { type: 'impression', sku: 'TEE-ORIGIN' },
      { type: 'impression', sku: 'MUG-EMBER' },
      { type: 'click', sku: 'TEE-ORIGIN' },
    ]);
    await viewers[1]!.seen([
      { type: 'impression', sku: 'TEE-ORIGIN' },
      { type: 'impression', sku: 'TOTE-MARKET' },
      { type: 'click', sku: 'MUG-EMBER' },
    ]);
    await viewers[2]!.seen([
      { type: 'impression', sku: 'MUG-EMBER' },
      { type: 'impression', sku: 'CAP-TRAIL' },
      { type: 'click', sku: 'MUG-EMBER' },
    ]);
    await viewers[0]!.buy('TEE-ORIGIN', 2, 'ria@example.com');
    await viewers[1]!.buy('MUG-EMBER', 1, 'sam@example.com');

    // Minute two: the mug is pinned instead; two more orders, one refunded.
    await new Promise((resolve) => setTimeout(resolve, 60_500 - (Date.now() % 60_000)));
    await pin(['MUG-EMBER']);
    await viewers[2]!.buy('MUG-EMBER', 3, 'tom@example.com');
    const refunded = await viewers[3]!.buy('TOTE-MARKET', 1, 'uma@example.com');
    const refund = await fetch(`${server.url}/api/admin/orders/${refunded}/refund`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(refund.status).toBe(200);
    await server.analytics.sample(Math.floor(Date.now() / 60_000) * 60_000);

    // After the show, Ria buys at the counter.
    const sale = signGenericWebhook({
      secret: 'demo-pos-webhook-secret',
      body: {
        deliveryId: 'e2e-counter-1',
        occurredAt: Date.now() + 1_000,
        sale: {
          orderRef: 'counter-1',
          totalCents: 4500,
          currency: 'USD',
          customer: { email: 'Ria@Example.com' },
          lines: [{ posItemId: 'TEE-ORIGIN', qty: 1 }],
        },
      },
    });
    expect(
      (await fetch(`${server.url}/webhooks/pos`, { method: 'POST', headers: sale.headers, body: sale.body })).status,
    ).toBe(200);

    const page = await (
      await browser.newContext({ viewport: { width: 1280, height: 1400 }, acceptDownloads: true })
    ).newPage();
    await page.goto(`${server.url}/console/host#token=${token}`);
    const report = page.locator('liveshop-analytics-report');
    await report.locator('[data-analytics=orders]').waitFor();
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    await fetch(`${server.url}/api/admin/events/demo/status`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'ended' }),
    });
    await page.locator('liveshop-host-console h2#reports-title', { hasText: 'the show' }).waitFor();

    const analytics = (await (await adminGet('/api/admin/events/demo/analytics')).json()) as {
      orders: number;
      sessions: number;
      revenueCents: { direct: number; influenced: number };
    };
    expect(analytics).toMatchObject({ orders: 4, sessions: 4, revenueCents: { influenced: 4500 } });
    const money = (cents: number) =>
      new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(cents / 100);
    await expect.poll(() => report.locator('[data-analytics=orders]').textContent()).toBe('4');
    expect(await report.locator('[data-analytics=sessions]').textContent()).toBe('4');
    expect(await report.locator('[data-analytics=direct]').textContent()).toBe(money(analytics.revenueCents.direct));
    expect(await report.locator('[data-analytics=influenced]').textContent()).toBe(money(4500));

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      report.locator('button', { hasText: 'Download CSV' }).click(),
    ]);
    const saved = await download.path();
    expect(await readFile(saved, 'utf8')).toBe(
      await (await adminGet('/api/admin/events/demo/analytics?format=csv')).text(),
    );

    await mkdir(screenshotDir, { recursive: true });
    await page
      .locator('liveshop-host-console section.reports')
      .screenshot({ path: `${screenshotDir}console-host-reports.png` });
  }, 180_000);
});
