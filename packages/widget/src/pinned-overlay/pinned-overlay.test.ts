import { afterEach, describe, expect, it } from 'vitest';
import { BuyRequestEvent } from '../events/requests.js';
import { mount, product } from '../test-support/fixtures.js';
import './pinned-overlay.js';
import type { LiveShopPinnedOverlay } from './pinned-overlay.js';

async function overlay(props: Partial<LiveShopPinnedOverlay> = {}) {
  return mount(Object.assign(document.createElement('live-shop-pinned-overlay'), props));
}
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
