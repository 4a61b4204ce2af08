import type { ProductView } from '@liveshop/protocol';
import { html, nothing } from 'lit';
import { LiveShopPart } from '../base/live-shop-part.js';
import { sharedStyles } from '../base/shared.styles.js';
import { BuyRequestEvent } from '../events/requests.js';
import { formatPrice } from '../format/price.js';
import { DEFAULT_LOW_STOCK_THRESHOLD, stockLevel } from '../store/stock-level.js';
import { productDialogStyles } from './product-dialog.styles.js';

/**
 * @summary A modal with one product's details and Buy Now.
 *
 * Uses a modal `<dialog>`, so focus stays inside while it is open and Escape closes it; on close
 * focus goes back to the element that opened it (the card's image button).
 *
 * @csspart dialog - The dialog box.
 * @csspart buy-button - Buy Now.
 * @csspart close-button - Close.
 */
export class LiveShopProductDialog extends LiveShopPart {
  static override styles = [sharedStyles, productDialogStyles];
  static override properties = {
    ...LiveShopPart.properties,
    product: { attribute: false },
    threshold: { type: Number },
    pending: { type: Boolean },
  };

  /** The product shown; the dialog keeps it current while open. */
  declare product: ProductView | undefined;
  declare threshold: number;
  declare pending: boolean;

  private opener: HTMLElement | null = null;

  constructor() {
    super();
    this.threshold = DEFAULT_LOW_STOCK_THRESHOLD;
    this.pending = false;
  }

  get open(): boolean {
    return this.renderRoot.querySelector('dialog')?.open ?? false;
  }

  /** Opens the dialog; `opener` gets focus back on close (default: whatever had focus). */
  async show(opener?: HTMLElement | null): Promise<void> {
    this.opener = opener ?? deepActiveElement();
    await this.updateComplete;
    const dialog = this.renderRoot.querySelector('dialog');
    if (dialog && !dialog.open) dialog.showModal();
  }

  close(): void {
    this.renderRoot.querySelector('dialog')?.close();
  }

  override render() {
    const s = this.strings;
    const product = this.product;
    const level = product ? stockLevel(product.available, this.threshold) : 'out';
    return html`<dialog part="dialog" aria-labelledby="title" @close=${this.onClose}>
      ${
        product
          ? html`${product.imageUrl ? html`<img src=${product.imageUrl} alt="" width="448" height="448" />` : nothing}
              <div class="content">
                <h2 id="title">${product.title}</h2>
                <p class="price">${formatPrice(product.priceCents, product.currency, this.locale || undefined)}</p>
                <p class="stock">
                  ${level === 'out' ? s.soldOut : level === 'low' ? s.onlyLeft(product.available) : s.inStock}
                </p>
                ${product.description ? html`<p class="description">${product.description}</p>` : nothing}
                <div class="actions">
                  <button class="button secondary" part="close-button" type="button" @click=${this.close}>
                    ${s.close}
                  </button>
                  <button
                    class="button"
                    part="buy-button"
                    type="button"
                    ?disabled=${level === 'out' || this.pending}
                    @click=${this.onBuy}
                  >
                    ${this.pending ? s.reserving : s.buyNow}
                  </button>
                </div>
              </div>`
          : nothing
      }
    </dialog>`;
  }

  private onBuy = () => {
    if (!this.product) return;
    this.emit(new BuyRequestEvent(this.product.sku));
    this.close();
  };

  private onClose = () => {
    const opener = this.opener;
    this.opener = null;
    opener?.focus();
  };
}

/** The focused element, looking inside shadow roots (document.activeElement stops at the first host). */
function deepActiveElement(): HTMLElement | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active instanceof HTMLElement ? active : null;
}
