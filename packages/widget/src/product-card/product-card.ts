/** Registers `<live-shop-product-card>`; the class itself lives in `product-card.component.ts`. */
import { LiveShopProductCard } from './product-card.component.js';

export * from './product-card.component.js';

// Guarded: a page that loads the script twice must not throw.
if (!customElements.get('live-shop-product-card')) customElements.define('live-shop-product-card', LiveShopProductCard);

declare global {
  interface HTMLElementTagNameMap {
    'live-shop-product-card': LiveShopProductCard;
  }
}
