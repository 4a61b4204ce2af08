import { afterEach, describe, expect, it } from 'vitest';
import { BuyRequestEvent } from '../events/requests.js';
import { mount, product } from '../test-support/fixtures.js';
import './pinned-overlay.js';
import type { LiveShopPinnedOverlay } from './pinned-overlay.js';

async function overlay(props: Partial<LiveShopPinnedOverlay> = {}) {
  return mount(Object.assign(document.createElement('live-shop-pinned-overlay'), props));
}
/** The overlay over a 16:9 stage `width` px wide, the stage being its query container as in the player. */
async function onStage(width: number, props: Partial<LiveShopPinnedOverlay>) {
  const stage = document.createElement('div');
  stage.style.cssText = `position: relative; container-type: inline-size; width: ${width}px; aspect-ratio: 16 / 9`;
  document.body.append(stage);
  const el = Object.assign(document.createElement('live-shop-pinned-overlay'), props);
  stage.append(el);
  await el.updateComplete;
  await Promise.all(cards(el).map((c) => c.updateComplete));
  return { el, stage };
}
const visible = (el: Element) => getComputedStyle(el).display !== 'none';
const cards = (el: LiveShopPinnedOverlay) => [...el.shadowRoot!.querySelectorAll('live-shop-product-card')];

afterEach(() => document.body.replaceChildren());

describe('<live-shop-pinned-overlay>', () => {
  it('is accessible: a region named "Featured now" holding the pinned cards', async () => {
    const el = await overlay({ products: [product()] });
    const section = el.shadowRoot!.querySelector('section')!;
    expect(section.getAttribute('aria-label')).toBe('Featured now');
    expect(cards(el)).toHaveLength(1);
  });

  it('renders nothing when nothing is pinned', async () => {
    const el = await overlay();
    expect(el.shadowRoot!.querySelector('section')).toBeNull();
  });

  it('shows at most three compact, highlighted cards in the host order', async () => {
    const skus = ['a', 'b', 'c', 'd'];
    const el = await overlay({ products: skus.map((sku) => product({ sku, title: sku.toUpperCase() })) });
    const shown = cards(el);
    expect(shown.map((c) => c.product?.sku)).toEqual(['a', 'b', 'c']);
    expect(shown.every((c) => c.variant === 'compact' && c.pinned)).toBe(true);
  });

  it('on a phone-sized stage shows one slim card at a time and steps through them', async () => {
    const skus = ['a', 'b', 'c'];
    const { el, stage } = await onStage(358, {
      products: skus.map((sku) => product({ sku, title: `Product ${sku.toUpperCase()}` })),
    });
    const shownSkus = () =>
      cards(el)
        .filter(visible)
        .map((c) => c.product?.sku);
    expect(shownSkus()).toEqual(['a']);
    // A quarter of the video or so, not half of it.
    expect(el.getBoundingClientRect().height).toBeLessThan(stage.getBoundingClientRect().height * 0.3);
    const next = el.shadowRoot!.querySelector<HTMLButtonElement>('[part=next]')!;
    expect(visible(next)).toBe(true);
    expect(next.getAttribute('aria-label')).toBe('Next featured product (2 of 3)');
    next.click();
    await el.updateComplete;
    expect(shownSkus()).toEqual(['b']);
    expect(next.getAttribute('aria-label')).toBe('Next featured product (3 of 3)');
    next.click();
    next.click();
    await el.updateComplete;
    expect(shownSkus()).toEqual(['a']);
    // The host unpins the product on show: the strip falls back to the first one pinned.
    el.currentSku = 'c';
    el.products = [product({ sku: 'b' }), product({ sku: 'a' })];
    await el.updateComplete;
    expect(shownSkus()).toEqual(['b']);
  });

  it('on a wide stage shows every pinned card and no pager', async () => {
    const { el } = await onStage(900, { products: ['a', 'b', 'c'].map((sku) => product({ sku })) });
    expect(cards(el).filter(visible)).toHaveLength(3);
    expect(visible(el.shadowRoot!.querySelector('[part=next]')!)).toBe(false);
  });

  for (const width of [640, 768, 1200]) {
    it(`on a ${width}px stage, three pinned cards fit whole, none cut off at the edge`, async () => {
      const titles = ['Merino Wool Scarf', 'Origin Organic Tee', 'Drift Knit Sneaker'];
      const { el, stage } = await onStage(width, {
        products: titles.map((title, i) => product({ sku: `p${i}`, title, available: 3 })),
      });
      const frame = stage.getBoundingClientRect();
      const strip = el.shadowRoot!.querySelector('[part=base]')!;
      expect(strip.scrollWidth).toBeLessThanOrEqual(strip.clientWidth);
      const shown = cards(el).filter(visible);
      expect(shown).toHaveLength(3);
      for (const card of shown) {
        const box = card.getBoundingClientRect();
        expect(box.left).toBeGreaterThanOrEqual(frame.left);
        expect(box.right).toBeLessThanOrEqual(frame.right);
        const inner = card.shadowRoot!.querySelector('[part=base]')!.getBoundingClientRect();
        for (const part of ['title', 'price', 'stock', 'buy-button']) {
          const partBox = card.shadowRoot!.querySelector(`[part=${part}]`)!.getBoundingClientRect();
          expect(partBox.width, part).toBeGreaterThan(0);
          expect(partBox.left, part).toBeGreaterThanOrEqual(inner.left);
          expect(partBox.right, part).toBeLessThanOrEqual(inner.right);
        }
        // Price and Buy Now whole; only a long title may end in an ellipsis.
        for (const part of ['price', 'buy-button']) {
          const element = card.shadowRoot!.querySelector<HTMLElement>(`[part=${part}]`)!;
          expect(element.scrollWidth, part).toBeLessThanOrEqual(element.clientWidth);
        }
      }
    });
  }

  it('has no pager for a single pinned product', async () => {
    const { el } = await onStage(358, { products: [product()] });
    expect(cards(el).filter(visible)).toHaveLength(1);
    expect(el.shadowRoot!.querySelector('[part=next]')).toBeNull();
  });

  it('passes live stock, pending and notices down, and lets Buy Now through', async () => {
    const el = await overlay({
      products: [product({ available: 2 })],
      pending: new Set(['mug']),
      notices: new Map([['mug', 'LIMIT_EXCEEDED' as const]]),
    });
    const card = cards(el)[0]!;
    await card.updateComplete;
    expect(card.shadowRoot!.querySelector('[part=stock]')!.textContent).toBe('Only 2 left');
    expect(card.shadowRoot!.querySelector<HTMLButtonElement>('[part=buy-button]')!.disabled).toBe(true);
    expect(card.shadowRoot!.querySelector('[part=notice]')!.textContent).toBe(
      'You have reached the limit for this item.',
    );
    el.pending = new Set();
    await el.updateComplete;
    await card.updateComplete;
    let sku = '';
    document.addEventListener(BuyRequestEvent.eventName, (e) => (sku = (e as BuyRequestEvent).sku), { once: true });
    card.shadowRoot!.querySelector<HTMLButtonElement>('[part=buy-button]')!.click();
    expect(sku).toBe('mug');
  });
});
