import type { ErrorCode, ProductView } from '@liveshop/protocol';
import { html, nothing } from 'lit';
import { LiveShopPart } from '../base/live-shop-part.js';
import { sharedStyles } from '../base/shared.styles.js';
import { BuyRequestEvent, DetailsRequestEvent } from '../events/requests.js';
import { formatPrice } from '../format/price.js';
import { DEFAULT_LOW_STOCK_THRESHOLD, stockLevel } from '../store/stock-level.js';
import { productCardStyles } from './product-card.styles.js';

/**
 * @summary One product with its price, live stock and a Buy Now button.
 *
 * Stock reads "In stock", "Only N left" at or below `threshold`, or "Sold out", which disables
 * Buy Now. The button is also disabled while a reserve for this product is in flight, so a double
 * tap cannot send a second one. The image opens the details dialog.
 *
 * @csspart base - The card.
 * @csspart image - The product image button.
 * @csspart title - The product title.
 * @csspart price - The formatted price.
 * @csspart stock - The stock line.
 * @csspart buy-button - The Buy Now button.
 * @csspart notice - The error message after a failed Buy Now.
 * @cssproperty --live-shop-image-size - Width of the image column (full variant).
 */
export class LiveShopProductCard extends LiveShopPart {
  static override styles = [sharedStyles, productCardStyles];
  static override properties = {
    ...LiveShopPart.properties,
    product: { attribute: false },
    threshold: { type: Number },
    pending: { type: Boolean },
    notice: {},
    pinned: { type: Boolean, reflect: true },
    variant: { reflect: true },
  };

  /** The product and its live stock. */
  declare product: ProductView | undefined;
  /** At or below this many units the card says "Only N left". */
  declare threshold: number;
  /** A reserve for this product is in flight. */
  declare pending: boolean;
  /** Error code of the last failed Buy Now, shown as a message. */
  declare notice: ErrorCode | null;
  /** The host is presenting this product now. */
  declare pinned: boolean;
  /** `full` for the product list, `compact` over the video. */
  declare variant: 'full' | 'compact';

  constructor() {
    super();
    this.threshold = DEFAULT_LOW_STOCK_THRESHOLD;
    this.pending = false;
    this.notice = null;
    this.pinned = false;
    this.variant = 'full';
  }

  override render() {
    const product = this.product;
    if (!product) return nothing;
    const s = this.strings;
    const level = stockLevel(product.available, this.threshold);
    const stockText = level === 'out' ? s.soldOut : level === 'low' ? s.onlyLeft(product.available) : s.inStock;
    const price = formatPrice(product.priceCents, product.currency, this.locale || undefined);
    const compact = this.variant === 'compact';
    const buy = html`<button
      class="button buy"
      part="buy-button"
      type="button"
      ?disabled=${level === 'out' || this.pending}
      aria-label=${s.buyNowFor(product.title)}
      aria-describedby="stock"
      @click=${this.onBuy}
    >
      ${this.pending ? s.reserving : level === 'out' ? s.soldOut : s.buyNow}
    </button>`;
    return html`<article class="card" part="base" aria-labelledby="title" data-level=${level}>
      <button class="media" part="image" type="button" aria-label=${s.details(product.title)} @click=${this.onDetails}>
        ${
          product.imageUrl
            ? html`<img src=${product.imageUrl} alt="" width="160" height="160" loading="lazy" decoding="async" />`
            : nothing
        }
      </button>
      <div class="body">
        ${this.pinned && !compact ? html`<span class="badge">${s.onAir}</span>` : nothing}
        <h3 class="title" part="title" id="title">${product.title}</h3>
        ${
          compact
            ? html`<div class="row">
                <p class="price" part="price">${price}</p>
                <p class="stock ${level}" part="stock" id="stock">${stockText}</p>
              </div>`
            : html`<p class="stock ${level}" part="stock" id="stock">${stockText}</p>
                <div class="row">
                  <p class="price" part="price">${price}</p>
                  ${buy}
                </div>`
        }
        ${this.notice ? html`<p class="notice" part="notice" role="alert">${s.errors[this.notice]}</p>` : nothing}
      </div>
      ${compact ? buy : nothing}
    </article>`;
  }

  private onBuy = () => {
    if (this.product && !this.pending) this.emit(new BuyRequestEvent(this.product.sku));
  };

  private onDetails = () => {
    if (this.product) this.emit(new DetailsRequestEvent(this.product.sku));
  };
}
