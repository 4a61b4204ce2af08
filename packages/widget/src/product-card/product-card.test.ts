import type { ErrorCode } from '@liveshop/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import { BuyRequestEvent, DetailsRequestEvent } from '../events/requests.js';
import { en, resolveStrings } from '../i18n/strings.js';
import { mount, product } from '../test-support/fixtures.js';
import './product-card.js';
import type { LiveShopProductCard } from './product-card.js';

async function card(props: Partial<LiveShopProductCard> = {}) {
  const element = Object.assign(document.createElement('live-shop-product-card'), { product: product(), ...props });
  return mount(element);
}
const q = <E extends Element = HTMLElement>(el: LiveShopProductCard, selector: string) =>
  el.shadowRoot!.querySelector<E>(selector)!;

afterEach(() => document.body.replaceChildren());

describe('<live-shop-product-card>', () => {
  it('is accessible: a labelled article, a labelled Buy Now button and an image button with a name', async () => {
    const el = await card();
    const article = q(el, 'article');
    expect(article.getAttribute('aria-labelledby')).toBe('title');
    expect(q(el, '#title').textContent).toBe('Stoneware Mug');
    const buy = q<HTMLButtonElement>(el, '[part=buy-button]');
    expect(buy.getAttribute('aria-label')).toBe('Buy now: Stoneware Mug');
    expect(buy.getAttribute('aria-describedby')).toBe('stock');
    expect(q(el, '[part=image]').getAttribute('aria-label')).toBe('Details: Stoneware Mug');
    expect(q(el, 'img').getAttribute('alt')).toBe('');
    expect(q(el, 'img').getAttribute('width')).toBe('160');
  });

  it('counts down to a drop with Buy Now disabled, then opens it', async () => {
    const el = await card({ product: product({ available: 5, onSaleAt: Date.now() + 1_500 }) });
    const buy = q<HTMLButtonElement>(el, '[part=buy-button]');
    expect(buy.disabled).toBe(true);
    expect(buy.textContent?.trim()).toMatch(/^On sale in 0:0[12]$/);
    await expect.poll(() => buy.textContent?.trim(), { timeout: 3_000 }).toBe('Buy now');
    expect(buy.disabled).toBe(false);
  });

  it('shows title and a price formatted for the currency and locale', async () => {
    const el = await card({ product: product({ priceCents: 123456, currency: 'EUR' }), locale: 'de-DE' });
    expect(q(el, '[part=price]').textContent).toBe('1.234,56\u00a0€');
    const yen = await card({ product: product({ priceCents: 1500, currency: 'JPY' }), locale: 'en-US' });
    expect(q(yen, '[part=price]').textContent).toBe('¥1,500');
  });

  it.each([
    { available: 20, text: 'In stock', level: 'in', disabled: false },
    { available: 6, text: 'In stock', level: 'in', disabled: false },
    { available: 5, text: 'Only 5 left', level: 'low', disabled: false },
    { available: 1, text: 'Only 1 left', level: 'low', disabled: false },
    { available: 0, text: 'Sold out', level: 'out', disabled: true },
  ])('renders $available available as "$text"', async ({ available, text, level, disabled }) => {
    const el = await card({ product: product({ available }) });
    expect(q(el, '[part=stock]').textContent).toBe(text);
    expect(q(el, 'article').dataset.level).toBe(level);
    expect(q<HTMLButtonElement>(el, '[part=buy-button]').disabled).toBe(disabled);
  });

  it('uses the threshold for "Only N left"', async () => {
    const el = await card({ product: product({ available: 8 }), threshold: 10 });
    expect(q(el, '[part=stock]').textContent).toBe('Only 8 left');
    el.threshold = 2;
    await el.updateComplete;
    expect(q(el, '[part=stock]').textContent).toBe('In stock');
  });

  it('updates the stock line when its product changes', async () => {
    const el = await card({ product: product({ available: 3 }) });
    el.product = product({ available: 0, version: 2 });
    await el.updateComplete;
    expect(q(el, '[part=stock]').textContent).toBe('Sold out');
    expect(q(el, '[part=buy-button]').textContent?.trim()).toBe('Sold out');
  });

  it('fires a buy request on click, and from the keyboard (Tab to it, Enter, Space), with the SKU', async () => {
    const el = await card();
    const seen: string[] = [];
    el.addEventListener(BuyRequestEvent.eventName, (e) => seen.push((e as BuyRequestEvent).sku));
    await userEvent.click(q(el, '[part=buy-button]'));
    q<HTMLButtonElement>(el, '[part=image]').focus();
    await userEvent.tab();
    expect(el.shadowRoot!.activeElement).toBe(q(el, '[part=buy-button]'));
    await userEvent.keyboard('{Enter}');
    await userEvent.keyboard(' ');
    expect(seen).toEqual(['mug', 'mug', 'mug']);
  });

  it('is disabled and says so while a reserve is pending, so a double tap sends nothing more', async () => {
    const el = await card({ pending: true });
    const buy = q<HTMLButtonElement>(el, '[part=buy-button]');
    expect(buy.disabled).toBe(true);
    expect(buy.textContent?.trim()).toBe('Reserving…');
    let fired = 0;
    el.addEventListener(BuyRequestEvent.eventName, () => fired++);
    buy.click();
    expect(fired).toBe(0);
  });

  it('asks for the details dialog from the image', async () => {
    const el = await card();
    let sku = '';
    el.addEventListener(DetailsRequestEvent.eventName, (e) => (sku = (e as DetailsRequestEvent).sku));
    q<HTMLButtonElement>(el, '[part=image]').click();
    expect(sku).toBe('mug');
  });

  it.each(Object.keys(en.errors) as ErrorCode[])('shows the message for %s as an alert', async (code) => {
    const el = await card({ notice: code });
    const notice = q(el, '[part=notice]');
    expect(notice.getAttribute('role')).toBe('alert');
    expect(notice.textContent).toBe(en.errors[code]);
  });

  it('renders text from the translation table', async () => {
    const el = await card({ product: product({ available: 2 }), strings: resolveStrings('de') });
    expect(q(el, '[part=stock]').textContent).toBe('Nur noch 2');
    expect(q(el, '[part=buy-button]').textContent?.trim()).toBe('Jetzt kaufen');
  });

  it('shows an "On air" badge when pinned, and a compact layout over the video', async () => {
    const el = await card({ pinned: true });
    expect(q(el, '.badge').textContent).toBe('On air');
    expect(el.hasAttribute('pinned')).toBe(true);
    const compact = await card({ pinned: true, variant: 'compact' });
    expect(compact.shadowRoot!.querySelector('.badge')).toBeNull();
    expect(compact.getAttribute('variant')).toBe('compact');
  });

  it('shows a visible focus ring on keyboard focus', async () => {
    const el = await card();
    q<HTMLButtonElement>(el, '[part=image]').focus();
    await userEvent.tab();
    const buy = q<HTMLButtonElement>(el, '[part=buy-button]');
    expect(buy.matches(':focus-visible')).toBe(true);
    const style = getComputedStyle(buy);
    expect(style.outlineStyle).toBe('solid');
    expect(parseFloat(style.outlineWidth)).toBeGreaterThanOrEqual(2);
  });
});
