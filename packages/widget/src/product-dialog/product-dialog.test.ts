import { afterEach, describe, expect, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import { BuyRequestEvent } from '../events/requests.js';
import { mount, product, until } from '../test-support/fixtures.js';
import './product-dialog.js';
import type { LiveShopProductDialog } from './product-dialog.js';

async function setup() {
  const opener = document.createElement('button');
  opener.textContent = 'open';
  document.body.append(opener);
  const dialog = await mount(
    Object.assign(document.createElement('live-shop-product-dialog'), {
      product: product({ description: 'Hand-thrown, dishwasher safe.' }),
    }),
  );
  opener.focus();
  await dialog.show(opener);
  return { opener, dialog };
}
const q = <E extends Element = HTMLElement>(el: LiveShopProductDialog, selector: string) =>
  el.shadowRoot!.querySelector<E>(selector)!;
const focused = (el: LiveShopProductDialog) => el.shadowRoot!.activeElement;

afterEach(() => document.body.replaceChildren());

describe('<live-shop-product-dialog>', () => {
  it('is accessible: a modal dialog named by the product title, focus inside', async () => {
    const { dialog } = await setup();
    const box = q<HTMLDialogElement>(dialog, 'dialog');
    expect(box.open).toBe(true);
    expect(box.matches(':modal')).toBe(true);
    expect(box.getAttribute('aria-labelledby')).toBe('title');
    expect(q(dialog, '#title').textContent).toBe('Stoneware Mug');
    expect(box.contains(focused(dialog))).toBe(true);
  });

  it('keeps Tab inside the dialog', async () => {
    const { opener } = await setup();
    for (let i = 0; i < 5; i++) {
      await userEvent.tab();
      expect(document.activeElement).not.toBe(opener);
    }
  });

  it('closes on Escape and returns focus to the opener', async () => {
    const { dialog, opener } = await setup();
    await userEvent.keyboard('{Escape}');
    await until(() => !dialog.open, 'closed');
    expect(document.activeElement).toBe(opener);
  });

  it('Buy Now sends a buy request and closes', async () => {
    const { dialog, opener } = await setup();
    let sku = '';
    dialog.addEventListener(BuyRequestEvent.eventName, (e) => (sku = (e as BuyRequestEvent).sku));
    await userEvent.click(q(dialog, '[part=buy-button]'));
    expect(sku).toBe('mug');
    expect(dialog.open).toBe(false);
    expect(document.activeElement).toBe(opener);
  });

  it('disables Buy Now for a sold-out product', async () => {
    const { dialog } = await setup();
    dialog.product = product({ available: 0 });
    await dialog.updateComplete;
    expect(q<HTMLButtonElement>(dialog, '[part=buy-button]').disabled).toBe(true);
    expect(q(dialog, '.stock').textContent?.trim()).toBe('Sold out');
  });
});
