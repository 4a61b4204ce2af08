/// <reference lib="dom" />
// page.evaluate callbacks run in the browser.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desktop, launchChromium, phone } from './support/browser.js';
import { startDemoServer, type DemoServer } from './support/demo-server.js';
import { pinProducts } from './support/host.js';
import {
  buyButton,
  holdCountdown,
  holdRow,
  playerPhase,
  productCard as card,
  secondsLeft,
  videoTime,
  watchForProblems,
} from './support/widget-page.js';
import { screenshotDir } from './support/screenshots.js';

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
async function openStore(options: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext({ ...desktop, ...options });
  const page = await context.newPage();
  await page.goto(server.url);
  await page.locator('.products live-shop-product-card').first().waitFor();
  return page;
}

describe('demo storefront', () => {
  it('shows the widget with a card for every product, price and stock', async () => {
    const page = await openStore();
    await expect.poll(() => page.locator('.products live-shop-product-card').count()).toBe(6);
    await expect.poll(() => card(page, 'Origin Organic Tee').locator('[part=price]').textContent()).toBe('$28.00');
    await expect.poll(() => card(page, 'Origin Organic Tee').locator('[part=stock]').textContent()).toBe('In stock');
    await page.context().close();
  });

  it('shows a stock change made through the admin API', async () => {
    const page = await openStore();
    await server.setStock([{ sku: 'CAP-TRAIL', quantity: 3 }]);
    await expect.poll(() => card(page, 'Trail Canvas Cap').locator('[part=stock]').textContent()).toBe('Only 3 left');
    await page.context().close();
  });

  it('on sell-out disables Buy Now and announces "sold out" in the live region', async () => {
    const page = await openStore();
    await server.setStock([{ sku: 'TOTE-MARKET', quantity: 0 }]);
    await expect.poll(() => card(page, 'Market Tote Bag').locator('[part=stock]').textContent()).toBe('Sold out');
    expect(await buyButton(page, 'Market Tote Bag').isDisabled()).toBe(true);
    const announcer = page.locator('live-shop [part=announcer]');
    expect(await announcer.getAttribute('aria-live')).toBe('polite');
    await expect.poll(async () => (await announcer.textContent())?.trim()).toBe('Market Tote Bag is sold out');
    await page.context().close();
  });

  it('Buy Now places a hold with a countdown, and the merchant bag hears about it', async () => {
    const page = await openStore();
    await buyButton(page, 'Ember Stoneware Mug').click();
    const countdown = holdCountdown(page);
    await countdown.waitFor();
    expect((await countdown.textContent())?.trim()).toMatch(/^Held for [45]:\d\d$/);
    await expect.poll(() => page.locator('.bag-items li').count()).toBe(1);
    expect(await page.locator('.bag-count').textContent()).toBe('1');
    await page.context().close();
  });

  it('a hold survives a page reload: still shown with its countdown, and back in the merchant bag', async () => {
    const page = await openStore();
    await buyButton(page, 'Trail Canvas Cap').click();
    const countdown = holdCountdown(page);
    await countdown.waitFor();
    const holdId = await holdRow(page).getAttribute('data-hold');
    const before = secondsLeft(await countdown.textContent());
    await page.reload();
    await page.locator('.products live-shop-product-card').first().waitFor();
    await countdown.waitFor();
    expect(await holdRow(page).getAttribute('data-hold')).toBe(holdId);
    expect(await holdRow(page).locator('.title').textContent()).toBe('Trail Canvas Cap');
    // Still counting down from the original reserve, not started over.
    const after = secondsLeft(await countdown.textContent());
    expect(after).toBeLessThanOrEqual(before);
    expect(after).toBeGreaterThan(before - 60);
    await expect.poll(() => page.locator('.bag-items li').count()).toBe(1);
    await page.context().close();
  });

  it('two shoppers race for the last unit: exactly one hold', async () => {
    const [first, second] = await Promise.all([openStore(), openStore()]);
    await server.setStock([{ sku: 'SNEAKER-DRIFT', quantity: 1 }]);
    for (const page of [first, second]) {
      await expect
        .poll(() => card(page, 'Drift Knit Sneaker').locator('[part=stock]').textContent())
        .toBe('Only 1 left');
    }
    // Both taps go out together, without waiting for the other page's update to disable a button.
    await Promise.all(
      [first, second].map((page) =>
        buyButton(page, 'Drift Knit Sneaker').evaluate((b: HTMLButtonElement) => b.click()),
      ),
    );
    for (const page of [first, second]) {
      await expect.poll(() => card(page, 'Drift Knit Sneaker').locator('[part=stock]').textContent()).toBe('Sold out');
    }
    const holders = await Promise.all([first, second].map((page) => holdRow(page).count()));
    expect(holders.sort()).toEqual([0, 1]);
    const stock = (await server.inventory.snapshot('demo')).find((s) => s.sku === 'SNEAKER-DRIFT')!;
    expect(stock).toMatchObject({ available: 0, held: 1 });
    await Promise.all([first.context().close(), second.context().close()]);
  });

  it('plays the live test stream (currentTime advances) from its own stream directory', async () => {
    // The suite's ffmpeg writes into a temporary directory, never into a running demo's stream/ in its
    // LIVESHOP_DATA_DIR.
    expect(server.streamDir.startsWith(tmpdir())).toBe(true);
    const page = await openStore();
    await expect.poll(() => videoTime(page), { timeout: 20_000 }).toBeGreaterThan(0.2);
    // Two seconds of media played: the live stream is advancing, not one decoded frame.
    await expect.poll(() => videoTime(page), { timeout: 20_000 }).toBeGreaterThan(2);
    expect(await playerPhase(page)).toBe('playing');
    expect(existsSync(path.join(server.streamDir, 'index.m3u8'))).toBe(true);
    await page.context().close();
  });

  it('the bag shows no Total while it is empty, and the amount once something is held', async () => {
    const page = await openStore();
    expect(await page.locator('.bag-empty').isVisible()).toBe(true);
    expect(await page.locator('.bag-total').isVisible()).toBe(false);
    await buyButton(page, 'Origin Organic Tee').click();
    await expect.poll(() => page.locator('.bag-total').isVisible()).toBe(true);
    expect((await page.locator('.bag-total').textContent())?.replace(/\s+/g, ' ').trim()).toBe('Total $28.00');
    expect(await page.locator('.bag-empty').isVisible()).toBe(false);
    await page.context().close();
  });

  it('logs no console error and no failed request while it plays; the favicon is there', async () => {
    const context = await browser.newContext(desktop);
    const page = await context.newPage();
    const problems = watchForProblems(page);
    await page.goto(server.url);
    await card(page, 'Origin Organic Tee').waitFor();
    await expect.poll(() => videoTime(page), { timeout: 20_000 }).toBeGreaterThan(1);
    const icon = await page.evaluate(() => (document.querySelector('link[rel=icon]') as HTMLLinkElement).href);
    for (const url of [icon, `${server.url}/favicon.ico`]) {
      // Browsers that ignore the icon link ask for /favicon.ico on their own.
      const response = await page.request.get(url);
      expect(response.status(), url).toBe(200);
      expect(response.headers()['content-type'], url).toMatch(/^image\//);
    }
    expect(problems).toEqual([]);
    await context.close();
  });

  it('on a phone, the page header scrolls away instead of covering the top of the video', async () => {
    const page = await openStore(phone);
    await page.evaluate(() => document.querySelector('live-shop')!.scrollIntoView({ block: 'start' }));
    const top = await page.evaluate(() => {
      const stage = document.querySelector('live-shop')!.shadowRoot!.querySelector('[part=stage]')!;
      const box = stage.getBoundingClientRect();
      return { y: box.top, hit: document.elementFromPoint(box.left + box.width / 2, box.top + 8)?.localName };
    });
    expect(top.y).toBeLessThan(1);
    expect(top.hit).toBe('live-shop');
    await page.context().close();
  });

  it('on a phone, the show title ends in an ellipsis clear of the unmute button', async () => {
    const page = await openStore(phone);
    await expect.poll(() => playerPhase(page), { timeout: 20_000 }).toBe('playing');
    const pill = await page.evaluate(() => {
      const widget = document.querySelector('live-shop')!.shadowRoot!;
      const title = widget.querySelector<HTMLElement>('.live-badge span')!;
      const unmute = widget.querySelector('live-shop-player')!.shadowRoot!.querySelector('[part=unmute]')!;
      return {
        right: widget.querySelector('.live-badge')!.getBoundingClientRect().right,
        unmuteLeft: unmute.getBoundingClientRect().left,
        clipped: title.scrollWidth > title.clientWidth,
        textOverflow: getComputedStyle(title).textOverflow,
      };
    });
    expect(pill.right).toBeLessThanOrEqual(pill.unmuteLeft - 8);
    expect(pill).toMatchObject({ clipped: true, textOverflow: 'ellipsis' });
    await page.context().close();
  });

  it('saves desktop and phone screenshots of the storefront', async () => {
    await mkdir(screenshotDir, { recursive: true });
    // Every product in stock again (earlier tests sold some out), the scarf running low.
    await server.setStock([
      { sku: 'SCARF-MERINO', quantity: 4 },
      { sku: 'TEE-ORIGIN', quantity: 40 },
      { sku: 'MUG-EMBER', quantity: 25 },
      { sku: 'CAP-TRAIL', quantity: 30 },
      { sku: 'TOTE-MARKET', quantity: 15 },
      { sku: 'SNEAKER-DRIFT', quantity: 5 },
    ]);
    await pinProducts(server, ['SCARF-MERINO', 'TEE-ORIGIN', 'MUG-EMBER']);
    const shots = [
      { name: 'storefront-desktop.png', options: { viewport: { width: 1280, height: 860 } } },
      { name: 'storefront-phone.png', options: phone },
    ];
    for (const shot of shots) {
      const page = await openStore(shot.options);
      await page.locator('live-shop-pinned-overlay live-shop-product-card').first().waitFor();
      if (shot.name.includes('phone')) {
        // The pinned strip leaves most of a phone's video visible: one slim card, not half the picture.
        const cover = await page.evaluate(() => {
          const widget = document.querySelector('live-shop')!.shadowRoot!;
          const overlay = widget.querySelector('live-shop-pinned-overlay')!;
          const shown = Array.from(overlay.shadowRoot!.querySelectorAll('live-shop-product-card')).filter(
            (card) => getComputedStyle(card).display !== 'none',
          );
          const strip = overlay.getBoundingClientRect().height;
          return {
            cards: shown.length,
            share: strip / widget.querySelector('live-shop-player')!.getBoundingClientRect().height,
          };
        });
        expect(cover.cards).toBe(1);
        expect(cover.share).toBeLessThan(0.3);
      } else {
        // Three pinned products side by side, the third as whole as the first.
        const stage = (await page.locator('live-shop [part=stage]').boundingBox())!;
        const pinned = await page.locator('live-shop-pinned-overlay live-shop-product-card').all();
        expect(pinned).toHaveLength(3);
        for (const pinnedCard of pinned) {
          const box = (await pinnedCard.boundingBox())!;
          expect(box.x + box.width).toBeLessThanOrEqual(stage.x + stage.width);
        }
      }
      await expect.poll(() => videoTime(page), { timeout: 20_000 }).toBeGreaterThan(0.5);
      await buyButton(page, 'Merino Wool Scarf').click();
      await holdCountdown(page).waitFor();
      await page.mouse.move(0, 0);
      await page.screenshot({ path: `${screenshotDir}${shot.name}`, fullPage: shot.name.includes('phone') });
      await page.context().close();
    }
  });
});
