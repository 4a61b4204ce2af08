import type { ErrorCode, ProductView } from '@liveshop/protocol';
import { html, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { LiveShopElement } from '../base/live-shop-element.js';
import '../product-card/product-card.js';
import { DEFAULT_LOW_STOCK_THRESHOLD } from '../store/stock-level.js';
import { pinnedOverlayStyles } from './pinned-overlay.styles.js';

/** The host features at most this many products at once. */
export const MAX_PINNED = 3;

/**
 * @summary The products the host is presenting, as compact cards over the bottom of the video.
 *
 * Renders nothing when nothing is pinned, so the video stays unobstructed.
 *
 * @csspart base - The strip of pinned cards.
 * @csspart card - Each pinned product card (its inner parts are exported too).
 */
export class LiveShopPinnedOverlay extends LiveShopElement {
  static override styles = pinnedOverlayStyles;
  static override properties = {
    ...LiveShopElement.properties,
    products: { attribute: false },
    pending: { attribute: false },
    notices: { attribute: false },
    threshold: { type: Number },
    locale: {},
  };

  /** The pinned products in the host's order; only the first three show. */
  declare products: ProductView[];
  /** SKUs with a reserve in flight. */
  declare pending: ReadonlySet<string>;
  /** Last error per SKU. */
  declare notices: ReadonlyMap<string, ErrorCode>;
  declare threshold: number;
  declare locale: string;

  constructor() {
    super();
    this.products = [];
    this.pending = new Set();
    this.notices = new Map();
    this.threshold = DEFAULT_LOW_STOCK_THRESHOLD;
    this.locale = '';
  }

  override render() {
    const shown = this.products.slice(0, MAX_PINNED);
    if (shown.length === 0) return nothing;
    return html`<section class="base" part="base" aria-label=${this.strings.pinnedLabel}>
      ${repeat(
        shown,
        (product) => product.sku,
        (product) =>
          html`<live-shop-product-card
            part="card"
            exportparts="base: card-base, title, price, stock, buy-button, notice"
            variant="compact"
            pinned
            .product=${product}
            .strings=${this.strings}
            .threshold=${this.threshold}
            .pending=${this.pending.has(product.sku)}
            .notice=${this.notices.get(product.sku) ?? null}
            .locale=${this.locale}
          ></live-shop-product-card>`,
      )}
    </section>`;
  }
}

// Guarded: a page that loads the script twice must not throw.
if (!customElements.get('live-shop-pinned-overlay'))
  customElements.define('live-shop-pinned-overlay', LiveShopPinnedOverlay);

declare global {
  interface HTMLElementTagNameMap {
    'live-shop-pinned-overlay': LiveShopPinnedOverlay;
  }
}
