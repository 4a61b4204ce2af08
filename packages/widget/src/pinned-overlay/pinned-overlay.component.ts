import type { ErrorCode, ProductView } from '@liveshop/protocol';
import { html, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { LiveShopPart } from '../base/live-shop-part.js';
import { DEFAULT_LOW_STOCK_THRESHOLD } from '../store/stock-level.js';
import { pinnedOverlayStyles } from './pinned-overlay.styles.js';

/** The host features at most this many products at once. */
export const MAX_PINNED = 3;

/**
 * @summary The products the host is presenting, as compact cards over the bottom of the video.
 *
 * Renders nothing when nothing is pinned, so the video stays unobstructed. On a stage under 640px
 * wide (a phone) it shrinks to a slim strip with one card at a time, the host's first pick first,
 * and a button that steps to the next one; wider stages show every pinned card side by side.
 *
 * @csspart base - The strip of pinned cards.
 * @csspart card - Each pinned product card (its inner parts are exported too).
 * @csspart next - The "next featured product" button of the one-at-a-time strip.
 */
export class LiveShopPinnedOverlay extends LiveShopPart {
  static override styles = pinnedOverlayStyles;
  static override properties = {
    ...LiveShopPart.properties,
    products: { attribute: false },
    pending: { attribute: false },
    notices: { attribute: false },
    threshold: { type: Number },
    currentSku: { state: true },
  };

  /** The pinned products in the host's order; only the first three show. */
  declare products: ProductView[];
  /** SKUs with a reserve in flight. */
  declare pending: ReadonlySet<string>;
  /** Last error per SKU. */
  declare notices: ReadonlyMap<string, ErrorCode>;
  declare threshold: number;
  /** The card the one-at-a-time strip shows; the first pinned one when unset or unpinned. */
  declare currentSku: string | null;

  constructor() {
    super();
    this.products = [];
    this.pending = new Set();
    this.notices = new Map();
    this.threshold = DEFAULT_LOW_STOCK_THRESHOLD;
    this.currentSku = null;
  }

  override render() {
    const shown = this.shown();
    if (shown.length === 0) return nothing;
    const current = this.currentIndex(shown);
    const next = (current + 1) % shown.length;
    return html`<section class="base" part="base" aria-label=${this.strings.pinnedLabel}>
      ${repeat(
        shown,
        (product) => product.sku,
        (product, index) =>
          html`<live-shop-product-card
            part="card"
            exportparts="base: card-base, title, price, stock, buy-button, notice"
            class=${index === current ? 'current' : ''}
            variant="compact"
            pinned
            .product=${product}
            .threshold=${this.threshold}
            .pending=${this.pending.has(product.sku)}
            .notice=${this.notices.get(product.sku) ?? null}
          ></live-shop-product-card>`,
      )}
      ${
        shown.length > 1
          ? html`<button
              class="next"
              part="next"
              type="button"
              aria-label=${this.strings.nextPinned(next + 1, shown.length)}
              @click=${this.showNext}
            >
              <span aria-hidden="true">${current + 1}/${shown.length}</span>
              <svg viewBox="0 0 24 24" aria-hidden="true" fill="currentColor">
                <path d="M9.3 5.3 7.9 6.7l5.3 5.3-5.3 5.3 1.4 1.4 6.7-6.7z" />
              </svg>
            </button>`
          : nothing
      }
    </section>`;
  }

  private shown(): ProductView[] {
    return this.products.slice(0, MAX_PINNED);
  }

  private currentIndex(shown: ProductView[]): number {
    return Math.max(
      0,
      shown.findIndex((product) => product.sku === this.currentSku),
    );
  }

  private showNext = () => {
    const shown = this.shown();
    if (shown.length > 1) this.currentSku = shown[(this.currentIndex(shown) + 1) % shown.length]!.sku;
  };
}
