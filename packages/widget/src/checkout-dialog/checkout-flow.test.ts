import { afterEach, describe, expect, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import type { LiveShopHoldReleasedEvent, LiveShopOrderEvent } from '../events/events.js';
import '../live-shop/live-shop.js';
import type { LiveShop } from '../live-shop/live-shop.js';
import { FakeClient } from '../test-support/fake-client.js';
import { joinAck, until } from '../test-support/fixtures.js';
import type { LiveShopCheckoutDialog } from './checkout-dialog.js';

/** `<live-shop>` on a fake connection, Buy Now pressed on the mug, the hold shown. */
async function heldMug(setup: (el: LiveShop) => void = () => {}) {
  const client = new FakeClient(joinAck());
  const el = document.createElement('live-shop');
  el.client = client;
  el.event = 'demo';
  el.locale = 'en-US';
  setup(el);
  document.body.append(el);
  await el.updateComplete;
  const card = el.shadowRoot!.querySelector('.products live-shop-product-card')!;
  await until(() => card.shadowRoot?.querySelector('[part=buy-button]') != null, 'the card');
  await userEvent.click(card.shadowRoot!.querySelector<HTMLElement>('[part=buy-button]')!);
  const panel = el.shadowRoot!.querySelector('live-shop-hold-panel')!;
  await until(() => panel.shadowRoot!.querySelector('[part=checkout-button]') !== null, 'the hold');
  return {
    el,
    client,
    panel,
    checkoutButton: () => panel.shadowRoot!.querySelector<HTMLElement>('[part=checkout-button]'),
  };
}
const dialogOf = (el: LiveShop) => el.shadowRoot!.querySelector<LiveShopCheckoutDialog>('live-shop-checkout-dialog');
const inDialog = <E extends Element = HTMLElement>(d: LiveShopCheckoutDialog, selector: string) =>
  d.shadowRoot!.querySelector<E>(selector)!;

async function openDialog(el: LiveShop, checkoutButton: () => HTMLElement | null) {
  await userEvent.click(checkoutButton()!);
  await until(() => dialogOf(el)?.open === true, 'the checkout dialog');
  return dialogOf(el)!;
}
async function fill(d: LiveShopCheckoutDialog, card: string) {
  const field = (name: string) => inDialog<HTMLInputElement>(d, `[name=${name}]`);
  await userEvent.fill(field('email'), 'ada@example.com');
  await userEvent.fill(field('name'), 'Ada Lovelace');
  await userEvent.fill(field('line1'), '1 Main St');
  await userEvent.fill(field('postalCode'), '10001');
  await userEvent.fill(field('city'), 'New York');
  await userEvent.fill(field('card'), card);
}
function collect<E extends Event>(name: string) {
  const seen: E[] = [];
  const listener = (e: Event) => seen.push(e as E);
  document.addEventListener(name, listener);
  listeners.push(() => document.removeEventListener(name, listener));
  return seen;
}
const listeners: (() => void)[] = [];

afterEach(() => {
  document.body.replaceChildren();
  for (const remove of listeners.splice(0)) remove();
});

describe('the built-in checkout in <live-shop>', () => {
  it('Check out opens the dialog; Pay buys the hold: live-shop-order, then the hold ends as purchased', async () => {
    const { el, client, panel, checkoutButton } = await heldMug();
    const seen: string[] = [];
    const orders = collect<LiveShopOrderEvent>('live-shop-order');
    const ended = collect<LiveShopHoldReleasedEvent>('live-shop-hold-released');
    document.addEventListener('live-shop-order', () => seen.push('order'));
    document.addEventListener('live-shop-hold-released', () => seen.push('released'));
    const d = await openDialog(el, checkoutButton);
    expect(inDialog(d, '.item').textContent).toBe('Stoneware Mug');
    expect(d.shadowRoot!.activeElement).not.toBeNull();
    await fill(d, '4242 4242 4242 4242');
    await userEvent.click(inDialog(d, '[part=pay-button]'));
    await until(() => orders.length === 1, 'live-shop-order');
    const checkout = client.calls.find((c) => c.method === 'checkout')!;
    expect(checkout.args[0]).toMatchObject({
      holdIds: ['h1~mug'],
      customer: { email: 'ada@example.com', name: 'Ada Lovelace' },
      payment: { provider: 'test', card: '4242 4242 4242 4242' },
    });
    expect(orders[0]!.detail).toMatchObject({ eventId: 'demo', holdIds: ['h1~mug'], order: { number: 1001 } });
    expect(orders[0]!.composed && orders[0]!.bubbles).toBe(true);
    expect(ended.map((e) => e.detail)).toMatchObject([{ holdId: 'h1~mug', reason: 'purchased' }]);
    expect(seen.slice(-2)).toEqual(['order', 'released']);
    await until(() => panel.shadowRoot!.querySelector('[part=hold]') === null, 'the hold gone from the panel');
    await until(() => d.shadowRoot!.querySelector('[part=confirmation]') !== null, 'the confirmation');
    expect(inDialog(d, '.order-number').textContent).toBe('Order number 1001');
    // The Check out button left with the hold: focus goes to the Shop tab.
    await userEvent.click(inDialog(d, '.confirmation [part=close-button]'));
    await until(() => el.shadowRoot!.activeElement?.id === 'tab-shop', 'focus on the Shop tab');
  });

  it('a declined card keeps the hold in the panel and fires no order; Cancel returns focus to Check out', async () => {
    const { el, client, panel, checkoutButton } = await heldMug();
    client.onCheckout = () => ({ ok: false, error: { code: 'PAYMENT_DECLINED', message: 'card_declined' } });
    const orders = collect<LiveShopOrderEvent>('live-shop-order');
    const ended = collect<LiveShopHoldReleasedEvent>('live-shop-hold-released');
    const d = await openDialog(el, checkoutButton);
    await fill(d, '4000 0000 0000 0002');
    await userEvent.click(inDialog(d, '[part=pay-button]'));
    await until(() => inDialog(d, '[part=error]').textContent === 'Your card was declined. Nothing was charged.');
    expect(orders).toEqual([]);
    expect(ended).toEqual([]);
    expect(panel.shadowRoot!.querySelectorAll('[part=hold]')).toHaveLength(1);
    expect(inDialog(d, '[role=timer]')).not.toBeNull();
    await userEvent.click(inDialog(d, 'form [part=close-button]'));
    await until(() => panel.shadowRoot!.activeElement === checkoutButton(), 'focus back on Check out');
  });

  it('a hold the server says expired ends as expired, and the dialog says it can no longer be paid', async () => {
    const { el, client, panel, checkoutButton } = await heldMug();
    client.onCheckout = () => ({ ok: false, error: { code: 'HOLD_EXPIRED', message: 'expired' } });
    const ended = collect<LiveShopHoldReleasedEvent>('live-shop-hold-released');
    const d = await openDialog(el, checkoutButton);
    await fill(d, '4242 4242 4242 4242');
    await userEvent.click(inDialog(d, '[part=pay-button]'));
    await until(() => ended.length === 1, 'the hold ended');
    expect(ended[0]!.detail.reason).toBe('expired');
    await until(() => inDialog(d, '.countdown').textContent?.trim() === 'This item is no longer held for you.');
    expect(inDialog(d, '[part=error]').textContent).toBe('Your hold has expired.');
    expect(inDialog<HTMLButtonElement>(d, '[part=pay-button]').disabled).toBe(true);
    expect(panel.shadowRoot!.querySelector('[part=hold]')).toBeNull();
  });

  it('a hold whose time runs out while the server completes the checkout waits for the answer: purchased, never expired', async () => {
    let expiresAt = 0;
    const { el, client, panel, checkoutButton } = await heldMug((el) => {
      const fake = el.client as FakeClient;
      const reserve = fake.onReserve;
      fake.onReserve = async (call) => {
        const ack = await reserve(call);
        expiresAt = Date.now() + 4_000;
        return ack.ok ? { ...ack, hold: { ...ack.hold, expiresAt } } : ack;
      };
    });
    const answer = client.onCheckout;
    const seen: string[] = [];
    const order = (e: Event) =>
      seen.push(e.type === 'live-shop-order' ? 'order' : `ended:${(e as LiveShopHoldReleasedEvent).detail.reason}`);
    for (const name of ['live-shop-order', 'live-shop-hold-released']) {
      document.addEventListener(name, order);
      listeners.push(() => document.removeEventListener(name, order));
    }
    // The server answers only once the hold's time has run out on the page (it extended the hold).
    client.onCheckout = async (payload) => {
      while (Date.now() < expiresAt + 600) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(seen).toEqual([]);
      expect(panel.shadowRoot!.querySelectorAll('[part=hold]')).toHaveLength(1);
      return answer(payload);
    };
    const d = await openDialog(el, checkoutButton);
    await fill(d, '4242 4242 4242 4242');
    await userEvent.click(inDialog(d, '[part=pay-button]'));
    await until(() => seen.length === 2, 'the order and the hold ended', 10_000);
    expect(seen).toEqual(['order', 'ended:purchased']);
    await until(() => d.shadowRoot!.querySelector('[part=confirmation]') !== null, 'the confirmation');
    expect(el.shadowRoot!.querySelector('[part=announcer]')!.textContent).not.toMatch(/expired/i);
  });

  it('a hold whose time ran out during a checkout the server refused ends as expired once the answer is in', async () => {
    let expiresAt = 0;
    const { el, client, panel, checkoutButton } = await heldMug((el) => {
      const fake = el.client as FakeClient;
      const reserve = fake.onReserve;
      fake.onReserve = async (call) => {
        const ack = await reserve(call);
        expiresAt = Date.now() + 4_000;
        return ack.ok ? { ...ack, hold: { ...ack.hold, expiresAt } } : ack;
      };
    });
    const ended = collect<LiveShopHoldReleasedEvent>('live-shop-hold-released');
    client.onCheckout = async () => {
      while (Date.now() < expiresAt + 600) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(ended).toEqual([]);
      return { ok: false, error: { code: 'PAYMENT_DECLINED', message: 'card_declined' } };
    };
    const d = await openDialog(el, checkoutButton);
    await fill(d, '4000 0000 0000 0002');
    await userEvent.click(inDialog(d, '[part=pay-button]'));
    await until(() => ended.length === 1, 'the hold ended', 10_000);
    expect(ended[0]!.detail.reason).toBe('expired');
    expect(panel.shadowRoot!.querySelector('[part=hold]')).toBeNull();
    await until(() => inDialog(d, '[part=error]').textContent === 'Your card was declined. Nothing was charged.');
  });

  it('checkout="external" or a cancelled live-shop-checkout opens nothing: the page takes over', async () => {
    const external = await heldMug((el) => el.setAttribute('checkout', 'external'));
    expect(external.el.checkoutMode).toBe('external');
    await userEvent.click(external.checkoutButton()!);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(dialogOf(external.el)).toBeNull();
    document.body.replaceChildren();

    const cancelled = await heldMug();
    const cancel = (e: Event) => e.preventDefault();
    document.addEventListener('live-shop-checkout', cancel);
    listeners.push(() => document.removeEventListener('live-shop-checkout', cancel));
    await userEvent.click(cancelled.checkoutButton()!);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(dialogOf(cancelled.el)).toBeNull();
  });

  it("placeOrder() buys with a payment from the merchant's own form (a Stripe PaymentMethod)", async () => {
    const { el, client, panel } = await heldMug((el) => el.setAttribute('checkout', 'external'));
    const orders = collect<LiveShopOrderEvent>('live-shop-order');
    const request = {
      holdIds: ['h1~mug'],
      idempotencyKey: 'pay-1',
      customer: { email: 'ada@example.com' },
      fulfilment: { type: 'pickup' as const, locationId: 'soho' },
      payment: { provider: 'stripe' as const, paymentMethod: 'pm_card_visa' },
    };
    const ack = await el.placeOrder(request);
    expect(ack.ok).toBe(true);
    expect(client.calls.find((c) => c.method === 'checkout')!.args[0]).toEqual(request);
    expect(orders).toHaveLength(1);
    await until(() => panel.shadowRoot!.querySelector('[part=hold]') === null, 'the hold gone');
  });

  it("hands the widget's checkout translations to the dialog", async () => {
    const { el, checkoutButton } = await heldMug((el) => {
      el.translations = { checkoutDialog: { title: 'Pay for your piece' } };
    });
    const d = await openDialog(el, checkoutButton);
    expect(inDialog(d, '#checkout-title').textContent).toBe('Pay for your piece');
  });
});
