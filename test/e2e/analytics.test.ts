/// <reference lib="dom" />
// page.evaluate and init-script callbacks run in the browser.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Browser, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desktop, launchChromium } from './support/browser.js';
import { startDemoServer, type DemoServer } from './support/demo-server.js';
import { buyButton, holdCountdown, holdRow } from './support/widget-page.js';

const DATABASE_URL = process.env.LIVESHOP_TEST_DATABASE_URL;

describe.runIf(DATABASE_URL)('analytics from a real page', () => {
  const schema = `e2e_analytics_${randomBytes(4).toString('hex')}`;
  let server: DemoServer;
  let browser: Browser;
  let db: pg.Client;

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startDemoServer({ databaseUrl: DATABASE_URL, dbSchema: schema }),
      launchChromium(),
    ]);
    db = new pg.Client({ connectionString: DATABASE_URL, options: `-c search_path=${schema}` });
    await db.connect();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await db?.query(`drop schema if exists "${schema}" cascade`);
    await db?.end();
  });

  /** The storefront in a fresh context (a new shopper), cards rendered; `beforeLoad` runs first in the page. */
  async function openStore(beforeLoad?: () => void): Promise<Page> {
    const context = await browser.newContext(desktop);
    const page = await context.newPage();
    if (beforeLoad) await page.addInitScript(beforeLoad);
    await page.goto(server.url);
    await page.locator('.products live-shop-product-card').first().waitFor();
    return page;
  }

  /** The shopper id of the page's stored session (`s1.<shopperId>.<signature>`). */
  const shopperIdOf = (page: Page) =>
    page.evaluate(() => {
      for (let i = 0; i < localStorage.length; i += 1) {
        const key = localStorage.key(i)!;
        if (key.startsWith('liveshop:session:')) return localStorage.getItem(key)!.split('.')[1]!;
      }
      throw new Error('no stored session');
    });

  /** Tells the page it was hidden, as switching tabs does: the widget sends what it has queued. */
  const hide = (page: Page) =>
    page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      document.dispatchEvent(new Event('visibilitychange'));
    });

  const factsOf = async (shopperId: string) => {
    await server.analytics.flush();
    const impressions = await db.query<{ sku: string }>(
      `select i.sku from product_impressions i join viewer_sessions s on s.id = i.session_id where s.shopper_id = $1 order by i.sku`,
      [shopperId],
    );
    const clicks = await db.query<{ sku: string; clicks: number }>(
      `select c.sku, c.clicks from product_clicks c join viewer_sessions s on s.id = c.session_id where s.shopper_id = $1`,
      [shopperId],
    );
    return { impressions: impressions.rows.map((row) => row.sku), clicks: clicks.rows };
  };

  it('sends the impressions of visible cards and a Buy Now click as beacons the server stores', async () => {
    const page = await openStore();
    const answers: number[] = [];
    page.on('response', (response) => {
      if (response.url().endsWith('/beacons')) answers.push(response.status());
    });
    // Cards must stay half visible for a second before they count.
    await page.waitForTimeout(1_500);
    await buyButton(page, 'Ember Stoneware Mug').click();
    await holdCountdown(page).waitFor();
    await hide(page);
    await expect.poll(() => answers.length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(answers.every((status) => status === 202)).toBe(true);
    const shopperId = await shopperIdOf(page);
    await expect
      .poll(async () => (await factsOf(shopperId)).clicks, { timeout: 10_000 })
      .toEqual([{ sku: 'MUG-EMBER', clicks: 1 }]);
    const { impressions } = await factsOf(shopperId);
    // The desktop viewport shows the first cards of the list at least; the mug is one of them.
    expect(impressions).toContain('MUG-EMBER');
    expect(impressions.length).toBeGreaterThanOrEqual(2);
    await page.context().close();
  });

  it('with analytics="off" sends no beacons and the visit is stored without the shopper id', async () => {
    const page = await openStore(() => {
      // The attribute is on the element before the widget's module runs, as a merchant writes it.
      new MutationObserver((_changes, observer) => {
        const widget = document.querySelector('live-shop');
        if (!widget) return;
        widget.setAttribute('analytics', 'off');
        observer.disconnect();
      }).observe(document, { childList: true, subtree: true });
    });
    const beacons: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/beacons')) beacons.push(request.url());
    });
    await page.waitForTimeout(1_500);
    await buyButton(page, 'Trail Canvas Cap').click();
    await holdCountdown(page).waitFor();
    await hide(page);
    await page.waitForTimeout(1_000);
    expect(beacons).toEqual([]);
    const shopperId = await shopperIdOf(page);
    await server.analytics.flush();
    const stored = await db.query('select count(*)::int as n from viewer_sessions where shopper_id = $1', [shopperId]);
    expect(stored.rows[0].n).toBe(0);
    // The visit is counted all the same, without anyone's id.
    const anonymous = await db.query('select count(*)::int as n from viewer_sessions where shopper_id is null');
    expect(anonymous.rows[0].n).toBeGreaterThanOrEqual(1);
    await page.context().close();
  });

  it('works with the beacon URL failing: Buy Now places holds, and no error reaches the page', async () => {
    const context = await browser.newContext(desktop);
    let blocked = 0;
    await context.route('**/beacons', (route: Route) => {
      blocked += 1;
      return route.abort('failed');
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(server.url);
    await page.locator('.products live-shop-product-card').first().waitFor();
    await page.waitForTimeout(1_500);
    await buyButton(page, 'Origin Organic Tee').click();
    await holdCountdown(page).waitFor();
    await hide(page);
    await expect.poll(() => blocked, { timeout: 10_000 }).toBeGreaterThan(0);
    // Still working after the failed beacons: another Buy Now adds a second hold.
    await buyButton(page, 'Market Tote Bag').click();
    await expect.poll(() => holdRow(page).count()).toBe(2);
    expect(errors).toEqual([]);
    const shopperId = await shopperIdOf(page);
    expect(await factsOf(shopperId)).toEqual({ impressions: [], clicks: [] });
    await context.close();
  });
});
