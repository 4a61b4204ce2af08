/**
 * `@liveshop/widget`: the `<live-shop>` element and its parts. Importing this module defines
 * every element; the same code is bundled into `cdn/live-shop.js` for a plain script tag. Each
 * element's class lives in `<name>/<name>.component.ts` and `<name>/<name>.ts` registers its tag.
 */
export { LiveShop, FIRST_CARD_MARK } from './live-shop/live-shop.js';
export { LiveShopPlayer, type PlayerPhase } from './player/player.js';
export { LiveShopProductCard } from './product-card/product-card.js';
export { LiveShopPinnedOverlay } from './pinned-overlay/pinned-overlay.js';
export { LiveShopHoldPanel } from './hold-panel/hold-panel.js';
export { LiveShopChat } from './chat/chat.js';
// The details dialog is loaded on demand (its own chunk): its class is exported as a type only.
export type { LiveShopProductDialog } from './product-dialog/product-dialog.component.js';
export { LiveShopElement } from './base/live-shop-element.js';
export { LiveShopPart } from './base/live-shop-part.js';
export { localeContext, type LocaleContext } from './i18n/locale-context.js';
export * from './events/events.js';
export { resolveStrings, en, translations, type Strings, type Translation } from './i18n/strings.js';
export { ShopState, StockChangedEvent, type StockChange, type ConnectionStatus } from './store/shop-state.js';
export { ShopConnection, JOIN_ACK_MARK, type ShopConnectionOptions } from './store/shop-connection.js';
export type { ShopClient } from './store/shop-client.js';
export { stockLevel, DEFAULT_LOW_STOCK_THRESHOLD, type StockLevel } from './store/stock-level.js';
