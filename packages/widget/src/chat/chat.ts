/** Registers `<live-shop-chat>`; the class itself lives in `chat.component.ts`. */
import { LiveShopChat } from './chat.component.js';

export * from './chat.component.js';

// Guarded: a page that loads the script twice must not throw.
if (!customElements.get('live-shop-chat')) customElements.define('live-shop-chat', LiveShopChat);

declare global {
  interface HTMLElementTagNameMap {
    'live-shop-chat': LiveShopChat;
  }
}
