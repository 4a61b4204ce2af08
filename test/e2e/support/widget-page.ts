/// <reference lib="dom" />
// page.evaluate callbacks run in the browser.
import type { Page } from 'playwright-core';

/** A product card in the widget's list (locators pierce the shadow roots). */
export const productCard = (page: Page, title: string) =>
  page.locator('live-shop .products live-shop-product-card', { hasText: title });
export const buyButton = (page: Page, title: string) => productCard(page, title).locator('[part=buy-button]');
export const holdCountdown = (page: Page) => page.locator('live-shop-hold-panel [part=countdown]');
export const holdRow = (page: Page) => page.locator('live-shop-hold-panel [part=hold]');

/** "Held for 4:58" → 298. */
export function secondsLeft(text: string | null): number {
  const match = /Held for (\d+):(\d\d)/.exec(text ?? '');
  if (!match) throw new Error(`no countdown in ${JSON.stringify(text)}`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/** currentTime of the widget's video, reached through the shadow roots; -1 without one. */
export const videoTime = (page: Page) =>
  page.evaluate(() => {
    const player = document.querySelector('live-shop')?.shadowRoot?.querySelector('live-shop-player');
    return player?.shadowRoot?.querySelector('video')?.currentTime ?? -1;
  });

/** The player's phase (`loading`, `playing`, `reconnecting`, …). */
export const playerPhase = (page: Page) =>
  page.evaluate(() => {
    const player = document.querySelector('live-shop')?.shadowRoot?.querySelector('live-shop-player');
    return (player as { phase?: string } | null | undefined)?.phase;
  });

/**
 * Everything a shopper would call broken, from now on: console errors (a CSP violation, a CORS
 * refusal and a 404 each log one), uncaught exceptions, requests that failed, and responses with
 * an error status. A request the browser cancels itself (`net::ERR_ABORTED`: a reload, the media
 * pipeline dropping a range request it no longer needs) is not a failure.
 */
export function watchForProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`exception: ${error.message}`));
  page.on('requestfailed', (request) => {
    const reason = request.failure()?.errorText ?? 'failed';
    if (reason !== 'net::ERR_ABORTED') problems.push(`request: ${request.url()} ${reason}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`response: ${response.url()} ${response.status()}`);
  });
  return problems;
}

/**
 * Brings every rendered image of the page and of the widget's shadow roots into view (product
 * images load lazily), waits until each has loaded or failed, and returns what each one got.
 * Images the layout hides (the thumbnails a phone's pinned strip leaves out) are not fetched by
 * the browser and are not listed.
 */
export function renderedImages(page: Page): Promise<{ src: string; naturalWidth: number }[]> {
  return page.evaluate(async () => {
    const elements: Element[] = [];
    const walk = (root: Document | ShadowRoot) => {
      for (const element of Array.from(root.querySelectorAll('*'))) {
        elements.push(element);
        if (element.shadowRoot) walk(element.shadowRoot);
      }
    };
    walk(document);
    const images = elements.filter(
      (element): element is HTMLImageElement =>
        element instanceof HTMLImageElement && element.getClientRects().length > 0,
    );
    const settled = (image: HTMLImageElement) =>
      new Promise<void>((resolve) => {
        if (image.complete) return resolve();
        image.addEventListener('load', () => resolve(), { once: true });
        image.addEventListener('error', () => resolve(), { once: true });
        setTimeout(resolve, 10_000);
      });
    for (const image of images) {
      image.scrollIntoView({ block: 'nearest' });
      await settled(image);
    }
    // Back to where the shopper started: the top of the page and of every list scrolled on the way.
    for (const element of elements) element.scrollTop = 0;
    window.scrollTo(0, 0);
    return images.map((image) => ({ src: image.currentSrc || image.src, naturalWidth: image.naturalWidth }));
  });
}
