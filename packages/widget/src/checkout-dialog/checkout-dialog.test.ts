import { ErrorCode, type Ack, type HoldView } from '@liveshop/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { resolveStrings } from '../i18n/strings.js';
import { mount, product, until } from '../test-support/fixtures.js';
import './checkout-dialog.js';
import type { LiveShopCheckoutDialog } from './checkout-dialog.js';
import { CheckoutSubmitRequestEvent } from './checkout-requests.js';
import { resolveCheckoutStrings } from './checkout-strings.js';
import type { CheckoutAck, CheckoutPayload, OrderView, PickupLocation } from '@liveshop/protocol';

const hold = (overrides: Partial<HoldView> = {}): HoldView => ({
  id: 'h1~mug',
  sku: 'mug',
  qty: 1,
  expiresAt: Date.now() + 125_000,
  ...overrides,
});
const stores: PickupLocation[] = [
  { id: 'soho', name: 'SoHo store', address: '120 Prince St, New York', available: 2 },
  { id: 'brooklyn', name: 'Brooklyn store', address: '88 Wythe Ave, Brooklyn', available: 1 },
];
const order = (payload: Omit<CheckoutPayload, 'eventId'>): OrderView => ({
  id: 'ord_1',
  number: 1042,
  status: 'confirmed',
  currency: 'USD',
  totalCents: 2400,
  lines: [{ sku: 'mug', title: 'Stoneware Mug', qty: 1, unitPriceCents: 2400 }],
  fulfilment: payload.fulfilment,
});

/** Answers the dialog's checkout requests like `<live-shop>` does, from `answer`, and records them. */
function answering(
  dialog: LiveShopCheckoutDialog,
  answer: (payload: Omit<CheckoutPayload, 'eventId'>) => Promise<Ack<CheckoutAck>> | Ack<CheckoutAck>,
) {
  const sent: Omit<CheckoutPayload, 'eventId'>[] = [];
  dialog.addEventListener(CheckoutSubmitRequestEvent.eventName, (event) => {
    const request = event as CheckoutSubmitRequestEvent;
    sent.push(request.payload);
    request.result = Promise.resolve(answer(request.payload));
  });
  return sent;
}

async function setup(props: Partial<LiveShopCheckoutDialog> = {}) {
  const opener = document.createElement('button');
  opener.textContent = 'Check out';
  document.body.append(opener);
  const dialog = await mount(
    Object.assign(document.createElement('live-shop-checkout-dialog'), {
      hold: hold(),
      product: product(),
      eventId: 'demo',
      locale: 'en-US',
      holdTtlSeconds: 300,
      locationsSource: async () => stores,
      ...props,
    }),
  );
  opener.focus();
  await dialog.show(opener);
  return { opener, dialog };
}
const q = <E extends Element = HTMLElement>(el: LiveShopCheckoutDialog, selector: string) =>
  el.shadowRoot!.querySelector<E>(selector)!;
const input = (el: LiveShopCheckoutDialog, name: string) => q<HTMLInputElement>(el, `[name=${name}]`);
const text = (el: LiveShopCheckoutDialog, selector: string) => q(el, selector).textContent?.replace(/\s+/g, ' ').trim();

async function fillContact(dialog: LiveShopCheckoutDialog, card = '4242424242424242') {
  await userEvent.fill(input(dialog, 'email'), 'ada@example.com');
  await userEvent.fill(input(dialog, 'name'), 'Ada Lovelace');
  await userEvent.click(input(dialog, 'card'));
  await userEvent.keyboard(card);
}
async function fillAddress(dialog: LiveShopCheckoutDialog) {
  await userEvent.fill(input(dialog, 'line1'), '1 Main St');
  await userEvent.fill(input(dialog, 'postalCode'), '10001');
  await userEvent.fill(input(dialog, 'city'), 'New York');
}

afterEach(() => document.body.replaceChildren());

describe('<live-shop-checkout-dialog>', () => {
  it('is accessible: a modal dialog named by its heading, the hold and its countdown on top, focus kept inside', async () => {
    const { dialog, opener } = await setup();
    const box = q<HTMLDialogElement>(dialog, 'dialog');
    expect(box.matches(':modal')).toBe(true);
    expect(text(dialog, '#checkout-title')).toBe('Checkout');
    expect(box.getAttribute('aria-labelledby')).toBe('checkout-title');
    expect(text(dialog, '.item')).toBe('Stoneware Mug');
    expect(q(dialog, '[role=timer]').getAttribute('aria-label')).toMatch(/^Stoneware Mug is held for you for 2:0\d$/);
    expect(text(dialog, '[part=total]')).toBe('$24.00');
    expect(text(dialog, '[part=pay-button]')).toBe('Pay $24.00');
    // Every field has a visible label that names it.
    for (const name of ['email', 'name', 'phone', 'line1', 'city', 'postalCode', 'card']) {
      expect(input(dialog, name).closest('label')!.textContent!.trim().length, name).toBeGreaterThan(0);
    }
    for (let i = 0; i < 20; i++) {
      await userEvent.tab();
      expect(document.activeElement).not.toBe(opener);
    }
  });

  it('Pay with empty fields says what is missing, marks the fields and focuses the first; nothing is sent', async () => {
    const { dialog } = await setup();
    const sent = answering(dialog, () => ({ ok: false, error: { code: 'INTERNAL', message: '' } }));
    await userEvent.click(q(dialog, '[part=pay-button]'));
    await until(() => input(dialog, 'email').getAttribute('aria-invalid') === 'true', 'marked');
    expect(sent).toEqual([]);
    expect(dialog.shadowRoot!.activeElement).toBe(input(dialog, 'email'));
    expect(text(dialog, '#email-error')).toBe('Please enter: Email');
    expect(input(dialog, 'email').getAttribute('aria-describedby')).toBe('email-error');
    expect(input(dialog, 'line1').getAttribute('aria-invalid')).toBe('true');
    expect(text(dialog, '#card-error')).toBe('Please enter: Card number');
    expect(input(dialog, 'phone').hasAttribute('aria-invalid')).toBe(false);
    await userEvent.fill(input(dialog, 'email'), 'not-an-email');
    await userEvent.click(q(dialog, '[part=pay-button]'));
    await until(
      () => dialog.shadowRoot!.querySelector('#email-error')?.textContent === 'Please enter a valid email address.',
    );
  });

  it('ships: sends contact, address, the grouped test card and the hold; shows the order, then returns focus', async () => {
    const { dialog, opener } = await setup();
    let pay: (ack: Ack<CheckoutAck>) => void = () => {};
    const sent = answering(dialog, () => new Promise((resolve) => (pay = resolve)));
    await fillContact(dialog);
    expect(input(dialog, 'card').value).toBe('4242 4242 4242 4242');
    await userEvent.fill(input(dialog, 'phone'), '+1 212 555 0100');
    await fillAddress(dialog);
    await userEvent.selectOptions(q<HTMLSelectElement>(dialog, 'select[name=country]'), 'CA');
    await userEvent.click(q(dialog, '[part=pay-button]'));
    await until(() => sent.length === 1, 'the checkout request');
    expect(sent[0]).toEqual({
      holdIds: ['h1~mug'],
      idempotencyKey: expect.stringMatching(/^w-/),
      customer: { email: 'ada@example.com', name: 'Ada Lovelace', phone: '+1 212 555 0100' },
      fulfilment: {
        type: 'ship',
        address: { name: 'Ada Lovelace', line1: '1 Main St', city: 'New York', postalCode: '10001', country: 'CA' },
      },
      payment: { provider: 'test', card: '4242 4242 4242 4242' },
    });
    // While the payment is on its way: nothing can be sent twice, and Escape does not close.
    await until(() => q<HTMLButtonElement>(dialog, '[part=pay-button]').disabled, 'paying');
    expect(text(dialog, '[part=pay-button]')).toBe('Paying…');
    expect(q(dialog, 'form').getAttribute('aria-busy')).toBe('true');
    await userEvent.keyboard('{Escape}');
    expect(dialog.open).toBe(true);
    pay({ ok: true, order: order(sent[0]!) });
    await until(() => dialog.shadowRoot!.querySelector('[part=confirmation]') !== null, 'the confirmation');
    expect(text(dialog, '#checkout-title')).toBe('Thank you! Your order is confirmed.');
    expect(text(dialog, '.order-number')).toBe('Order number 1042');
    expect(text(dialog, '.confirmation [part=total]')).toBe('$24.00');
    expect(text(dialog, '.confirmation > p:not(.order-number)')).toContain('ada@example.com');
    expect(dialog.shadowRoot!.activeElement).toBe(q(dialog, '.confirmation [part=close-button]'));
    await userEvent.click(q(dialog, '.confirmation [part=close-button]'));
    expect(dialog.open).toBe(false);
    expect(document.activeElement).toBe(opener);
  });

  it('focus goes to the fallback when the Check out button left the page (the hold was bought)', async () => {
    const fallback = Object.assign(document.createElement('button'), { textContent: 'Shop' });
    document.body.append(fallback);
    const { dialog, opener } = await setup();
    await dialog.show(opener, fallback);
    opener.remove();
    dialog.close();
    await until(() => document.activeElement === fallback, 'focus on the fallback');
  });

  it('a declined card: the message in words, the hold still shown, and a new attempt with a new key', async () => {
    const { dialog } = await setup();
    const answers: Ack<CheckoutAck>[] = [{ ok: false, error: { code: 'PAYMENT_DECLINED', message: 'card_declined' } }];
    const sent = answering(dialog, (payload) => answers.shift() ?? { ok: true, order: order(payload) });
    await fillContact(dialog, '4000000000000002');
    await fillAddress(dialog);
    await userEvent.click(q(dialog, '[part=pay-button]'));
    await until(() => text(dialog, '[part=error]') !== '', 'the message');
    expect(q(dialog, '[part=error]').getAttribute('role')).toBe('alert');
    expect(text(dialog, '[part=error]')).toBe(resolveStrings('en').errors.PAYMENT_DECLINED);
    expect(text(dialog, '.item')).toBe('Stoneware Mug');
    expect(q(dialog, '[role=timer]')).not.toBeNull();
    expect(q<HTMLButtonElement>(dialog, '[part=pay-button]').disabled).toBe(false);
    await userEvent.fill(input(dialog, 'card'), '4242 4242 4242 4242');
    await userEvent.click(q(dialog, '[part=pay-button]'));
    await until(() => dialog.shadowRoot!.querySelector('[part=confirmation]') !== null, 'the confirmation');
    expect(sent).toHaveLength(2);
    expect(sent[1]!.payment).toEqual({ provider: 'test', card: '4242 4242 4242 4242' });
    expect(sent[1]!.idempotencyKey).not.toBe(sent[0]!.idempotencyKey);
  });

  it('no answer (UNAVAILABLE): Pay again sends the same attempt with the same key, so it cannot pay twice', async () => {
    const { dialog } = await setup();
    const answers: Ack<CheckoutAck>[] = [{ ok: false, error: { code: 'UNAVAILABLE', message: 'no answer' } }];
    const sent = answering(dialog, (payload) => answers.shift() ?? { ok: true, order: order(payload) });
    await fillContact(dialog);
    await fillAddress(dialog);
    await userEvent.click(q(dialog, '[part=pay-button]'));
    await until(() => text(dialog, '[part=error]') === resolveStrings('en').errors.UNAVAILABLE, 'the message');
    await userEvent.click(q(dialog, '[part=pay-button]'));
    await until(() => sent.length === 2, 'the retry');
    expect(sent[1]!.idempotencyKey).toBe(sent[0]!.idempotencyKey);
  });

  it('says every error code the server can answer in words, the checkout ones in German too; the merchant may reword any', async () => {
    const { dialog } = await setup();
    let code: ErrorCode = 'INTERNAL';
    answering(dialog, () => ({ ok: false, error: { code, message: 'server text, not shown' } }));
    await fillContact(dialog);
    await fillAddress(dialog);
    const shown: Record<string, Record<string, string>> = { 'en-US': {}, 'de-DE': {} };
    for (const locale of ['en-US', 'de-DE']) {
      dialog.locale = locale;
      dialog.strings = resolveStrings(locale);
      await dialog.updateComplete;
      for (code of Object.values(ErrorCode)) {
        expect(q<HTMLButtonElement>(dialog, '[part=pay-button]').disabled, `${locale} ${code}`).toBe(false);
        await userEvent.click(q(dialog, '[part=pay-button]'));
        const expected = resolveCheckoutStrings(locale).errors?.[code] ?? resolveStrings(locale).errors[code];
        await until(() => text(dialog, '[part=error]') === expected, `${locale} ${code}`);
        expect(expected.length, code).toBeGreaterThan(5);
        expect(expected).not.toContain('server text');
        shown[locale]![code] = expected;
      }
    }
    const checkoutCodes = ['PAYMENT_DECLINED', 'PAYMENT_FAILED', 'NOT_AVAILABLE_AT_LOCATION', 'HOLD_EXPIRED'] as const;
    for (const c of checkoutCodes) expect(shown['de-DE']![c], c).not.toBe(shown['en-US']![c]);
    expect(shown['de-DE']!.PAYMENT_DECLINED).toBe('Deine Karte wurde abgelehnt. Es wurde nichts abgebucht.');
    dialog.errorOverrides = { PAYMENT_FAILED: 'Try again in a minute.' };
    code = 'PAYMENT_FAILED';
    await userEvent.click(q(dialog, '[part=pay-button]'));
    await until(() => text(dialog, '[part=error]') === 'Try again in a minute.', 'the merchant wording');
  });

  it('pickup lists only the stores the server offers, sends the chosen one, and says when there is none', async () => {
    const asked: string[] = [];
    const { dialog } = await setup({
      locationsSource: async (sku) => {
        asked.push(sku);
        return stores;
      },
    });
    const sent = answering(dialog, (payload) => ({ ok: true, order: order(payload) }));
    await userEvent.click(q(dialog, 'input[value=pickup]'));
    await until(() => dialog.shadowRoot!.querySelectorAll('.location').length === 2, 'the stores');
    expect(asked).toEqual(['mug']);
    expect(Array.from(dialog.shadowRoot!.querySelectorAll('.location strong'), (s) => s.textContent)).toEqual([
      'SoHo store',
      'Brooklyn store',
    ]);
    // The address fields are out of the way and not required for pickup.
    expect(q(dialog, 'fieldset.ship').hidden).toBe(true);
    await fillContact(dialog);
    await userEvent.click(q(dialog, 'input[value=brooklyn]'));
    await userEvent.click(q(dialog, '[part=pay-button]'));
    await until(() => sent.length === 1, 'the checkout request');
    expect(sent[0]!.fulfilment).toEqual({ type: 'pickup', locationId: 'brooklyn' });
    await until(() => dialog.shadowRoot!.querySelector('[part=confirmation]') !== null, 'the confirmation');
    expect(text(dialog, '.confirmation > p:not(.order-number)')).toContain('Brooklyn store');

    document.body.replaceChildren();
    const empty = (await setup({ locationsSource: async () => [] })).dialog;
    await userEvent.click(q(empty, 'input[value=pickup]'));
    await until(
      () => text(empty, 'fieldset.pickup [role=status]') === 'No store can hold this item for pickup right now.',
    );
    expect(q<HTMLButtonElement>(empty, '[part=pay-button]').disabled).toBe(true);
  });

  it('pickup stores that cannot be loaded are said so, and choosing pickup again asks again', async () => {
    let fail = true;
    const { dialog } = await setup({
      locationsSource: async () => {
        if (fail) throw new Error('offline');
        return stores;
      },
    });
    await userEvent.click(q(dialog, 'input[value=pickup]'));
    await until(
      () => text(dialog, 'fieldset.pickup [role=status]') === 'Stores could not be loaded. Please try again.',
    );
    fail = false;
    await userEvent.click(q(dialog, 'input[value=ship]'));
    await userEvent.click(q(dialog, 'input[value=pickup]'));
    await until(() => dialog.shadowRoot!.querySelectorAll('.location').length === 2, 'the stores');
  });

  it('a hold that ended meanwhile is said so and cannot be paid', async () => {
    const { dialog } = await setup();
    dialog.held = false;
    await dialog.updateComplete;
    expect(text(dialog, '.countdown')).toBe('This item is no longer held for you.');
    expect(q<HTMLButtonElement>(dialog, '[part=pay-button]').disabled).toBe(true);
    expect(text(dialog, '.item')).toBe('Stoneware Mug');
  });

  it('speaks German with prices in the German format, and the merchant can override any text', async () => {
    const { dialog } = await setup({
      locale: 'de-DE',
      strings: resolveStrings('de-DE'),
      product: product({ currency: 'EUR' }),
    });
    expect(text(dialog, '#checkout-title')).toBe('Kasse');
    expect(text(dialog, '[part=pay-button]')).toBe('24,00 € bezahlen');
    expect(q<HTMLSelectElement>(dialog, 'select[name=country]').value).toBe('DE');
    dialog.overrides = { title: 'Bezahlen' };
    await dialog.updateComplete;
    expect(text(dialog, '#checkout-title')).toBe('Bezahlen');
  });

  it('on a phone fills the screen, with nothing wider than it and Pay in reach', async () => {
    await page.viewport(390, 844);
    try {
      const { dialog } = await setup();
      const box = q<HTMLDialogElement>(dialog, 'dialog');
      await Promise.all(box.getAnimations().map((animation) => animation.finished));
      const rect = box.getBoundingClientRect();
      expect({ width: Math.round(rect.width), height: Math.round(rect.height) }).toEqual({
        width: document.documentElement.clientWidth,
        height: document.documentElement.clientHeight,
      });
      expect(window.innerWidth).toBe(390);
      expect(box.scrollWidth).toBeLessThanOrEqual(box.clientWidth);
      // Pay sticks to the bottom of the screen while the form scrolls under it.
      const pay = q(dialog, '[part=pay-button]').getBoundingClientRect();
      expect(pay.bottom).toBeLessThanOrEqual(844);
      expect(pay.top).toBeGreaterThan(700);
      expect(parseFloat(getComputedStyle(input(dialog, 'email')).fontSize)).toBeGreaterThanOrEqual(16);
    } finally {
      await page.viewport(414, 896);
    }
  });
});
