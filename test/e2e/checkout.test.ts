/// <reference lib="dom" />
// page.evaluate callbacks run in the browser.
import { mkdir } from 'node:fs/promises';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desktop, launchChromium, phone } from './support/browser.js';
import { startDemoServer, type DemoServer } from './support/demo-server.js';
import { screenshotDir } from './support/screenshots.js';
import { buyButton, holdRow, productCard as card, watchForProblems } from './support/widget-page.js';

let server: DemoServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startDemoServer(), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A new shopper (fresh context, so a fresh session) on the storefront, with the cards rendered. */
async function openStore(options: BrowserContextOptions = desktop): Promise<Page> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  await page.goto(server.url);
  await page.locator('.products live-shop-product-card').first().waitFor();
  return page;
}

const dialog = (page: Page) => page.locator('live-shop-checkout-dialog dialog');
const field = (page: Page, name: string) => page.locator(`live-shop-checkout-dialog [name=${name}]`);

/** Buy Now on a product, then Check out on its hold: the checkout dialog opens. */
async function buyAndCheckOut(page: Page, title: string): Promise<void> {
  await buyButton(page, title).click();
  await holdRow(page).waitFor();
  await page.locator('live-shop-hold-panel [part=checkout-button]').click();
  await dialog(page).waitFor();
}

async function fillShipping(page: Page, card: string): Promise<void> {
  await field(page, 'email').fill('ada@example.com');
  await field(page, 'name').fill('Ada Lovelace');
  await field(page, 'line1').fill('1 Main St');
  await field(page, 'postalCode').fill('10001');
  await field(page, 'city').fill('New York');
  await field(page, 'country').selectOption('US');
  await field(page, 'card').fill(card);
}

interface AdminOrderRow {
  id: string;
  number: number;
  status: string;
  totalCents: number;
  lines: { sku: string; qty: number }[];
  fulfilment: { type: string; locationId?: string };
}

async function orders(): Promise<AdminOrderRow[]> {
  const response = await fetch(`${server.url}/api/admin/orders?eventId=demo`, {
    headers: { authorization: `Bearer ${server.adminKey}` },
  });
  if (!response.ok) throw new Error(`orders: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { orders: AdminOrderRow[] } | AdminOrderRow[];
  return Array.isArray(body) ? body : body.orders;
}

describe('checkout in the demo storefront', () => {
  it('Buy Now → Check out → an approved card: the order is confirmed, the bag shows it, another viewer sees Sold out', async () => {
    const [shopper, other] = await Promise.all([openStore(phone), openStore()]);
    const problems = watchForProblems(shopper);
    await server.setStock([{ sku: 'CAP-TRAIL', quantity: 1 }]);
    await expect
      .poll(() => card(shopper, 'Trail Canvas Cap').locator('[part=stock]').textContent())
      .toBe('Only 1 left');
    await buyAndCheckOut(shopper, 'Trail Canvas Cap');
    expect(await shopper.locator('live-shop-checkout-dialog .item').textContent()).toBe('Trail Canvas Cap');
    await fillShipping(shopper, '4242 4242 4242 4242');
    const pay = shopper.locator('live-shop-checkout-dialog [part=pay-button]');
    expect((await pay.textContent())?.trim()).toBe('Pay $24.00');
    await pay.click();

    const confirmation = shopper.locator('live-shop-checkout-dialog [part=confirmation]');
    await confirmation.waitFor();
    const number = /Order number (\d+)/.exec((await confirmation.locator('.order-number').textContent()) ?? '')?.[1];
    expect(number).toBeDefined();
    expect(await confirmation.locator('[part=total]').textContent()).toBe('$24.00');
    // The hold ended as bought; the merchant's bag lists the confirmed order.
    await expect.poll(() => holdRow(shopper).count()).toBe(0);
    await expect.poll(() => shopper.locator('.bag-orders li').count()).toBe(1);
    expect(await shopper.locator('.bag-orders li').first().textContent()).toContain(`Order #${number} · confirmed`);
    await expect.poll(() => card(other, 'Trail Canvas Cap').locator('[part=stock]').textContent()).toBe('Sold out');

    // The server agrees: one confirmed order, the unit sold, nothing held.
    const placed = (await orders()).filter((order) => String(order.number) === number);
    expect(placed).toMatchObject([{ status: 'confirmed', totalCents: 2400, lines: [{ sku: 'CAP-TRAIL', qty: 1 }] }]);
    const stock = (await server.inventory.snapshot('demo')).find((s) => s.sku === 'CAP-TRAIL')!;
    expect(stock).toMatchObject({ available: 0, held: 0 });

    await shopper.locator('live-shop-checkout-dialog .confirmation [part=close-button]').click();
    await expect.poll(() => dialog(shopper).isVisible()).toBe(false);
    expect(problems).toEqual([]);
    await Promise.all([shopper.context().close(), other.context().close()]);
  });

  it('a declined card: the message in words, the hold kept (in the widget and on the server), then paid with another card', async () => {
    const page = await openStore(phone);
    await server.setStock([{ sku: 'TOTE-MARKET', quantity: 5 }]);
    const toteOrders = async () =>
      (await orders()).filter((o) => o.status === 'confirmed' && o.lines.some((l) => l.sku === 'TOTE-MARKET')).length;
    const before = await toteOrders();
    await buyAndCheckOut(page, 'Market Tote Bag');
    await fillShipping(page, '4000 0000 0000 0002');
    await page.locator('live-shop-checkout-dialog [part=pay-button]').click();
    const error = page.locator('live-shop-checkout-dialog [part=error]');
    await expect.poll(() => error.textContent()).toBe('Your card was declined. Nothing was charged.');
    expect(await page.locator('live-shop-checkout-dialog [role=timer]').isVisible()).toBe(true);
    expect(await holdRow(page).count()).toBe(1);
    const stock = (await server.inventory.snapshot('demo')).find((s) => s.sku === 'TOTE-MARKET')!;
    expect(stock).toMatchObject({ available: 4, held: 1 });
    expect(await toteOrders()).toBe(before);

    await field(page, 'card').fill('4242 4242 4242 4242');
    await page.locator('live-shop-checkout-dialog [part=pay-button]').click();
    await page.locator('live-shop-checkout-dialog [part=confirmation]').waitFor();
    await expect.poll(() => holdRow(page).count()).toBe(0);
    expect(await toteOrders()).toBe(before + 1);
    await page.context().close();
  });

  it('pickup lists only the stores that can supply the item, from the server, and the order is for the chosen one', async () => {
    const admin = async (method: string, path: string, body: unknown) => {
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    };
    await admin('PUT', '/api/admin/locations', {
      locations: [
        { id: 'warehouse', name: 'Warehouse', address: '9 Dock Rd, Newark', pickup: false },
        { id: 'soho', name: 'SoHo store', address: '120 Prince St, New York', pickup: true },
        { id: 'brooklyn', name: 'Brooklyn store', address: '88 Wythe Ave, Brooklyn', pickup: true },
      ],
    });
    await admin('PUT', '/api/admin/events/demo/stock', {
      items: [
        { sku: 'SNEAKER-DRIFT', locationId: 'warehouse', quantity: 3 },
        { sku: 'SNEAKER-DRIFT', locationId: 'soho', quantity: 1 },
        { sku: 'SNEAKER-DRIFT', locationId: 'brooklyn', quantity: 0 },
      ],
    });
    const page = await openStore(phone);
    await buyAndCheckOut(page, 'Drift Knit Sneaker');
    await page.locator('live-shop-checkout-dialog input[value=pickup]').check();
    const stores = page.locator('live-shop-checkout-dialog .location strong');
    await expect.poll(() => stores.allTextContents()).toEqual(['SoHo store']);
    await field(page, 'email').fill('ada@example.com');
    await field(page, 'name').fill('Ada Lovelace');
    await field(page, 'card').fill('4242 4242 4242 4242');
    await page.locator('live-shop-checkout-dialog [part=pay-button]').click();
    const confirmation = page.locator('live-shop-checkout-dialog [part=confirmation]');
    await confirmation.waitFor();
    expect(await confirmation.textContent()).toContain('Pick it up at SoHo store');
    const number = /Order number (\d+)/.exec((await confirmation.locator('.order-number').textContent()) ?? '')?.[1];
    const placed = (await orders()).find((order) => String(order.number) === number);
    expect(placed?.fulfilment).toEqual({ type: 'pickup', locationId: 'soho' });
    await page.context().close();
  });

  it('saves phone screenshots of the checkout: the form, a declined card, the confirmation', async () => {
    await mkdir(screenshotDir, { recursive: true });
    await server.setStock([{ sku: 'SCARF-MERINO', quantity: 4 }]);
    const page = await openStore(phone);
    await buyAndCheckOut(page, 'Merino Wool Scarf');
    await fillShipping(page, '4000 0000 0000 0002');
    // The card field, just typed in, is not hidden under the bar with Pay.
    const [cardBox, bar] = await Promise.all([
      field(page, 'card').boundingBox(),
      page.locator('live-shop-checkout-dialog form .actions').boundingBox(),
    ]);
    expect(cardBox!.y + cardBox!.height).toBeLessThanOrEqual(bar!.y);
    await page.evaluate(() => {
      const checkout = document.querySelector('live-shop')!.shadowRoot!.querySelector('live-shop-checkout-dialog')!;
      checkout.shadowRoot!.querySelector('dialog')!.scrollTop = 0;
    });
    await page.screenshot({ path: `${screenshotDir}checkout-phone.png` });
    await page.locator('live-shop-checkout-dialog [part=pay-button]').click();
    await page.locator('live-shop-checkout-dialog [part=error]:not(:empty)').waitFor();
    // The message sits right above Pay, on screen without scrolling: the shopper sees why.
    const [message, pay] = await Promise.all([
      page.locator('live-shop-checkout-dialog [part=error]').boundingBox(),
      page.locator('live-shop-checkout-dialog [part=pay-button]').boundingBox(),
    ]);
    expect(message!.y).toBeGreaterThanOrEqual(0);
    expect(message!.y + message!.height).toBeLessThanOrEqual(pay!.y);
    expect(pay!.y + pay!.height).toBeLessThanOrEqual(844);
    // The hold, with its countdown, stays on screen above the form.
    const countdown = (await page.locator('live-shop-checkout-dialog [role=timer]').boundingBox())!;
    expect(countdown.y).toBeGreaterThanOrEqual(0);
    expect(countdown.y + countdown.height).toBeLessThan(message!.y);
    await field(page, 'card').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${screenshotDir}checkout-declined-phone.png` });
    await field(page, 'card').fill('4242 4242 4242 4242');
    await page.locator('live-shop-checkout-dialog [part=pay-button]').click();
    await page.locator('live-shop-checkout-dialog [part=confirmation]').waitFor();
    await page.screenshot({ path: `${screenshotDir}checkout-confirmed-phone.png` });
    await page.context().close();
  });
});
