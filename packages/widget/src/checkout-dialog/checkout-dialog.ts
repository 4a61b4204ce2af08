/** Registers `<live-shop-checkout-dialog>`; the class itself lives in `checkout-dialog.component.ts`. */
import { LiveShopCheckoutDialog } from './checkout-dialog.component.js';

export * from './checkout-dialog.component.js';

// Guarded: a page that loads the script twice must not throw.
if (!customElements.get('live-shop-checkout-dialog'))
  customElements.define('live-shop-checkout-dialog', LiveShopCheckoutDialog);

declare global {
  interface HTMLElementTagNameMap {
    'live-shop-checkout-dialog': LiveShopCheckoutDialog;
  }
}
