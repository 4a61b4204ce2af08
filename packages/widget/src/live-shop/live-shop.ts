/** Registers `<live-shop>` and the parts it renders; the class itself lives in `live-shop.component.ts`. */
import '../chat/chat.js';
import '../hold-panel/hold-panel.js';
import '../pinned-overlay/pinned-overlay.js';
import '../player/player.js';
import '../product-card/product-card.js';
import { LiveShop } from './live-shop.component.js';

export * from './live-shop.component.js';

// Guarded: a page that loads the script twice must not throw.
if (!customElements.get('live-shop')) customElements.define('live-shop', LiveShop);

declare global {
  interface HTMLElementTagNameMap {
    'live-shop': LiveShop;
  }
}
