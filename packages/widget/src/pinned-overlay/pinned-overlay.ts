/** Registers `<live-shop-pinned-overlay>` and the parts it renders; the class itself lives in `pinned-overlay.component.ts`. */
import '../product-card/product-card.js';
import { LiveShopPinnedOverlay } from './pinned-overlay.component.js';

export * from './pinned-overlay.component.js';

// Guarded: a page that loads the script twice must not throw.
if (!customElements.get('live-shop-pinned-overlay'))
  customElements.define('live-shop-pinned-overlay', LiveShopPinnedOverlay);

declare global {
  interface HTMLElementTagNameMap {
    'live-shop-pinned-overlay': LiveShopPinnedOverlay;
  }
}
