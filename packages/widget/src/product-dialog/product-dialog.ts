/** Registers `<live-shop-product-dialog>`; the class itself lives in `product-dialog.component.ts`. */
import { LiveShopProductDialog } from './product-dialog.component.js';

export * from './product-dialog.component.js';

// Guarded: a page that loads the script twice must not throw.
if (!customElements.get('live-shop-product-dialog'))
  customElements.define('live-shop-product-dialog', LiveShopProductDialog);

declare global {
  interface HTMLElementTagNameMap {
    'live-shop-product-dialog': LiveShopProductDialog;
  }
}
