import { afterEach, describe, expect, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import { CheckoutRequestEvent, ReleaseRequestEvent } from '../events/requests.js';
import { formatCountdown, holdTimeLeftMs } from '../format/countdown.js';
import { mount, product, until } from '../test-support/fixtures.js';
import './hold-panel.js';
import type { LiveShopHoldPanel } from './hold-panel.js';

const hold = (overrides = {}) => ({ id: 'h1~mug', sku: 'mug', qty: 1, expiresAt: Date.now() + 125_000, ...overrides });

async function panel(props: Partial<LiveShopHoldPanel> = {}) {
  const mug = product();
  return mount(
    Object.assign(document.createElement('live-shop-hold-panel'), {
      products: (sku: string) => (sku === 'mug' ? mug : undefined),
      ...props,
    }),
  );
}
const q = <E extends Element = HTMLElement>(el: LiveShopHoldPanel, selector: string) =>
  el.shadowRoot!.querySelector<E>(selector);

afterEach(() => document.body.replaceChildren());

describe('<live-shop-hold-panel>', () => {
  it('is accessible: a headed section, a labelled timer and named buttons', async () => {
    const el = await panel({ holds: [hold()] });
    expect(q(el, 'section')!.getAttribute('aria-labelledby')).toBe('heading');
    expect(q(el, 'h2')!.textContent).toBe('Reserved for you');
    const timer = q(el, '[role=timer]')!;
    expect(timer.getAttribute('aria-label')).toMatch(/^Stoneware Mug is held for you for 2:0\d$/);
    expect(q(el, '[part=release-button]')!.getAttribute('aria-label')).toBe('Release Stoneware Mug');
    expect(q(el, '[part=checkout-button]')!.textContent?.trim()).toBe('Check out');
  });

  it('renders only the checkout slot without holds', async () => {
    const el = await panel();
    expect(q(el, 'section')).toBeNull();
    expect(q(el, 'slot[name=checkout]')).not.toBeNull();
  });

  it('counts down on the server clock', async () => {
    // The device clock is 60 s behind the server: 2:05 left by the server is 1:05 here.
    const el = await panel({ holds: [hold()], clockOffsetMs: 60_000 });
    expect(q(el, '[part=countdown]')!.textContent?.trim()).toMatch(/^Held for 1:0[45]$/);
    const before = q(el, '[part=countdown]')!.textContent;
    await until(() => q(el, '[part=countdown]')!.textContent !== before, 'a tick', 2500);
  });

  it("never shows more than the event's hold time, however the clock estimate errs", async () => {
    // The measured offset is 1.5 s too small, so a fresh 5:00 hold would read 5:02.
    const el = await panel({
      holds: [hold({ expiresAt: Date.now() + 301_500 })],
      clockOffsetMs: 0,
      holdTtlSeconds: 300,
    });
    expect(q(el, '[part=countdown]')!.textContent?.trim()).toBe('Held for 5:00');
    expect(holdTimeLeftMs(10_000 + 301_500, 10_000, 300)).toBe(300_000);
    expect(holdTimeLeftMs(10_000 + 120_000, 10_000, 300)).toBe(120_000);
    expect(holdTimeLeftMs(10_000 + 301_500, 10_000, 0)).toBe(301_500);
  });

  it('fires checkout and release requests with the hold id', async () => {
    const el = await panel({ holds: [hold()] });
    const seen: string[] = [];
    el.addEventListener(CheckoutRequestEvent.eventName, (e) =>
      seen.push(`checkout ${(e as CheckoutRequestEvent).holdId}`),
    );
    el.addEventListener(ReleaseRequestEvent.eventName, (e) =>
      seen.push(`release ${(e as ReleaseRequestEvent).holdId}`),
    );
    await userEvent.click(q(el, '[part=checkout-button]')!);
    q<HTMLButtonElement>(el, '[part=checkout-button]')!.focus();
    await userEvent.tab();
    await userEvent.keyboard('{Enter}');
    expect(seen).toEqual(['checkout h1~mug', 'release h1~mug']);
  });

  it("on a phone-wide panel, a held product's name shows whole, on two lines if it must", async () => {
    const mug = product({ title: 'Ember Stoneware Mug' });
    const el = await panel({ holds: [hold()], products: () => mug });
    el.style.width = '358px';
    await el.updateComplete;
    const title = q(el, '.title')!;
    expect(title.textContent).toBe('Ember Stoneware Mug');
    expect(title.scrollWidth).toBeLessThanOrEqual(title.clientWidth);
    expect(title.scrollHeight).toBeLessThanOrEqual(title.clientHeight);
    expect(title.getBoundingClientRect().right).toBeLessThanOrEqual(
      q(el, '[part=checkout-button]')!.getBoundingClientRect().left,
    );
  });

  it('formats countdowns as m:ss and never below zero', () => {
    expect(formatCountdown(125_000)).toBe('2:05');
    expect(formatCountdown(999)).toBe('0:01');
    expect(formatCountdown(-5000)).toBe('0:00');
  });
});
