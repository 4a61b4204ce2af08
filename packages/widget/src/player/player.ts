/** Registers `<live-shop-player>`; the class itself lives in `player.component.ts`. */
import { LiveShopPlayer } from './player.component.js';

export * from './player.component.js';

// Guarded: a page that loads the script twice must not throw.
if (!customElements.get('live-shop-player')) customElements.define('live-shop-player', LiveShopPlayer);

declare global {
  interface HTMLElementTagNameMap {
    'live-shop-player': LiveShopPlayer;
  }
}
