/** Registers `<live-shop-hold-panel>`; the class itself lives in `hold-panel.component.ts`. */
import { LiveShopHoldPanel } from './hold-panel.component.js';

export * from './hold-panel.component.js';

// Guarded: a page that loads the script twice must not throw.
if (!customElements.get('live-shop-hold-panel')) customElements.define('live-shop-hold-panel', LiveShopHoldPanel);

declare global {
  interface HTMLElementTagNameMap {
    'live-shop-hold-panel': LiveShopHoldPanel;
  }
}
