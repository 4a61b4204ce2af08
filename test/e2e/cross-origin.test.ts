/// <reference lib="dom" />
// page.evaluate and init-script callbacks run in the browser.
import { mkdir } from 'node:fs/promises';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desktop, launchChromium, phone } from './support/browser.js';
import { startDemoServer, type DemoServer } from './support/demo-server.js';
import { pinProducts } from './support/host.js';
import { startMerchantSite, type MerchantSite } from './support/merchant-site.js';
import {
  buyButton,
  holdCountdown,
  holdRow,
  playerPhase,
  renderedImages,
  videoTime,
  watchForProblems,
} from './support/widget-page.js';
import { screenshotDir } from './support/screenshots.js';

let merchant: MerchantSite;
let server: DemoServer;
let browser: Browser;

beforeAll(async () => {
  // The merchant's origin exists first, so the server's allowlist can name it, as in production.
  merchant = await startMerchantSite();
  [server, browser] = await Promise.all([startDemoServer({ allowedOrigins: [merchant.url] }), launchChromium()]);
  await merchant.embed(server.url);
  await pinProducts(server, ['SCARF-MERINO', 'TEE-ORIGIN', 'SNEAKER-DRIFT']);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await merchant?.close();
});

interface Heard {
  holds: { holdId: string; sku: string; restored?: boolean }[];
  violations: string[];
}

/** A new shopper on a merchant's page: fresh context, listeners for the widget's events and CSP reports. */
async function openMerchantPage(path: string, options: BrowserContextOptions, nativeHls: boolean) {
  const context = await browser.newContext(options);
  await context.addInitScript((native: boolean) => {
    const heard: Heard = { holds: [], violations: [] };
    (window as unknown as { heard: Heard }).heard = heard;
    document.addEventListener('live-shop-hold', (event) => heard.holds.push((event as CustomEvent).detail));
    document.addEventListener('securitypolicyviolation', (event) =>
      heard.violations.push(`${event.effectiveDirective} ${event.blockedURI}`),
    );
    // Browsers without native HLS (Firefox, older Chrome) play through hls.js and Media Source Extensions.
    if (!native) {
      const canPlayType = HTMLMediaElement.prototype.canPlayType;
      HTMLMediaElement.prototype.canPlayType = function (type: string) {
        return type === 'application/vnd.apple.mpegurl' ? '' : canPlayType.call(this, type);
      };
    }
  }, nativeHls);
  const page = await context.newPage();
  const problems = watchForProblems(page);
  const requested: string[] = [];
  page.on('request', (request) => requested.push(request.url()));
  await page.goto(`${merchant.url}${path}`);
  await page.locator('live-shop .products live-shop-product-card').first().waitFor();
  return { page, problems, requested };
}
const heard = (page: Page) => page.evaluate(() => (window as unknown as { heard: Heard }).heard);

interface Shopper {
  name: string;
  /** `/`: the guide's plain HTML page; `/react/`: a React app around the guide's component. */
  path: string;
  options: BrowserContextOptions;
  nativeHls: boolean;
  product: { title: string; sku: string };
  /** What the page's bag lists for the hold: the plain page names the product, the React one its SKU. */
  bagText: string;
  shot?: string;
}
const mug = { title: 'Ember Stoneware Mug', sku: 'MUG-EMBER' };
const cap = { title: 'Trail Canvas Cap', sku: 'CAP-TRAIL' };
const tote = { title: 'Market Tote Bag', sku: 'TOTE-MARKET' };
const tee = { title: 'Origin Organic Tee', sku: 'TEE-ORIGIN' };
const shoppers: Shopper[] = [
  {
    name: 'desktop',
    path: '/',
    options: desktop,
    nativeHls: true,
    product: mug,
    bagText: `1 × ${mug.title}`,
    shot: 'merchant-desktop.png',
  },
  {
    name: 'phone',
    path: '/',
    options: phone,
    nativeHls: true,
    product: cap,
    bagText: `1 × ${cap.title}`,
    shot: 'merchant-phone.png',
  },
  {
    name: 'desktop without native HLS (hls.js)',
    path: '/',
    options: desktop,
    nativeHls: false,
    product: tote,
    bagText: `1 × ${tote.title}`,
  },
  {
    name: 'React app, desktop',
    path: '/react/',
    options: desktop,
    nativeHls: true,
    product: tee,
    bagText: `1 × ${tee.sku}`,
  },
];

describe("the widget on a merchant's pages on another origin", () => {
  it("serves the guide's pages from another origin under the guide's Content-Security-Policy", async () => {
    expect(new URL(merchant.url).origin).not.toBe(new URL(server.url).origin);
    for (const path of ['/', '/react/']) {
      const response = await fetch(`${merchant.url}${path}`);
      expect(response.headers.get('content-security-policy')).toBe(merchant.policy);
      expect(await response.text()).toContain(
        `<script type="module" src="${server.url}/widget/live-shop.js"></script>`,
      );
    }
    const page = await (await fetch(`${merchant.url}/`)).text();
    expect(page).toContain(`<live-shop event="demo" server="${server.url}"></live-shop>`);
  });

  for (const shopper of shoppers) {
    it(`${shopper.name}: images load, the video plays, a hold reaches the page and survives a reload, no errors`, async () => {
      const { page, problems, requested } = await openMerchantPage(shopper.path, shopper.options, shopper.nativeHls);

      // The live stream plays, from the Liveshop server, and keeps advancing.
      await expect.poll(() => videoTime(page), { timeout: 20_000 }).toBeGreaterThan(0.5);
      const playedFrom = await videoTime(page);
      await expect.poll(() => videoTime(page), { timeout: 20_000 }).toBeGreaterThan(playedFrom + 1.5);
      expect(await playerPhase(page)).toBe('playing');
      // The path this shopper's browser takes: its own HLS player, or hls.js fetched beside the widget.
      const hlsChunk = requested.some((url) => url.startsWith(`${server.url}/widget/chunks/hls`));
      expect(hlsChunk).toBe(!shopper.nativeHls);

      // Every image the shopper sees loaded, each from the Liveshop server.
      const images = await renderedImages(page);
      expect(images.length).toBeGreaterThanOrEqual(6);
      for (const image of images) {
        expect(image.src.startsWith(`${server.url}/`), image.src).toBe(true);
        expect(image.naturalWidth, image.src).toBeGreaterThan(0);
      }

      if (shopper.name === 'desktop') {
        // Three pinned products over the video: all three whole, the third not cut off at the edge.
        const stage = await page.locator('live-shop [part=stage]').boundingBox();
        const pinned = page.locator('live-shop-pinned-overlay live-shop-product-card');
        expect(await pinned.count()).toBe(3);
        for (const card of await pinned.all()) {
          const box = (await card.boundingBox())!;
          expect(box.x).toBeGreaterThanOrEqual(stage!.x);
          expect(box.x + box.width).toBeLessThanOrEqual(stage!.x + stage!.width);
          expect(await card.locator('[part=buy-button]').isVisible()).toBe(true);
        }
      }

      // Buy Now: a hold with its countdown, heard by the page's own code (cart.js, or the React app).
      await buyButton(page, shopper.product.title).click();
      await holdCountdown(page).waitFor();
      const holdId = (await holdRow(page).getAttribute('data-hold'))!;
      expect((await heard(page)).holds).toEqual([expect.objectContaining({ holdId, sku: shopper.product.sku })]);
      const bagItem = page.locator('#bag li');
      await expect.poll(() => bagItem.count()).toBe(1);
      expect(await bagItem.textContent()).toBe(shopper.bagText);
      if (shopper.path === '/') {
        // The page drew the product's image from widget.state: an absolute URL on the Liveshop server.
        expect(await bagItem.locator('img').evaluate((img: HTMLImageElement) => img.src)).toMatch(
          new RegExp(`^${server.url}/img/`),
        );
        await expect
          .poll(() => bagItem.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth))
          .toBeGreaterThan(0);
      }

      if (shopper.shot) {
        await mkdir(screenshotDir, { recursive: true });
        await page.mouse.move(0, 0);
        await page.screenshot({ path: `${screenshotDir}${shopper.shot}`, fullPage: shopper.options === phone });
      }

      expect((await heard(page)).violations).toEqual([]);

      // A reload brings the same hold back, and the page hears it again, marked restored.
      await page.reload();
      await holdCountdown(page).waitFor();
      expect(await holdRow(page).getAttribute('data-hold')).toBe(holdId);
      await expect
        .poll(async () => (await heard(page)).holds)
        .toEqual([expect.objectContaining({ holdId, restored: true })]);
      await expect.poll(() => bagItem.count()).toBe(1);
      expect(await bagItem.textContent()).toBe(shopper.bagText);
      await expect.poll(() => videoTime(page), { timeout: 20_000 }).toBeGreaterThan(0.5);

      // Nothing the console or the network would call an error, and no CSP violation.
      expect((await heard(page)).violations).toEqual([]);
      expect(problems).toEqual([]);
      await page.context().close();
    }, 90_000);
  }

  it("desktop: the checkout's pickup stores, the order and the analytics beacons all reach the server, no errors", async () => {
    const { page, problems } = await openMerchantPage('/', desktop, true);
    // What the server answered the widget's own HTTP calls (beyond the socket): locations, beacons.
    const answered: { path: string; status: number }[] = [];
    page.on('response', (response) => {
      const url = new URL(response.url());
      if (url.origin === server.url && url.pathname.startsWith('/api/')) {
        answered.push({ path: url.pathname, status: response.status() });
      }
    });
    // Cards count as seen once half visible for a second.
    await page.waitForTimeout(1_500);
    await buyButton(page, tee.title).click();
    await holdRow(page).waitFor();
    await page.locator('live-shop-hold-panel [part=checkout-button]').click();
    const dialog = page.locator('live-shop-checkout-dialog');
    await dialog.locator('dialog').waitFor();
    await dialog.locator('input[value=pickup]').check();
    // The demo's stores that keep the tee, fetched from the Liveshop server under the page's policy.
    await expect.poll(() => dialog.locator('.location strong').allTextContents()).toContain('SoHo store');
    await dialog.locator('input[name=locationId][value=soho]').check();
    await dialog.locator('[name=email]').fill('ada@example.com');
    await dialog.locator('[name=name]').fill('Ada Lovelace');
    await dialog.locator('[name=card]').fill('4242 4242 4242 4242');
    await dialog.locator('[part=pay-button]').click();
    const confirmation = dialog.locator('[part=confirmation]');
    await confirmation.waitFor();
    expect(await confirmation.textContent()).toContain('Pick it up at SoHo store');
    // The page hides (tab switched): the widget sends what the shopper saw and clicked.
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    const beacons = () => answered.filter((answer) => answer.path === '/api/events/demo/beacons');
    await expect.poll(() => beacons().length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(beacons().every((answer) => answer.status === 202)).toBe(true);
    expect(answered).toContainEqual({ path: '/api/events/demo/locations', status: 200 });

    expect((await heard(page)).violations).toEqual([]);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 60_000);
});
