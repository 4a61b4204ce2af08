import type { HoldView, ProductView } from '@liveshop/protocol';
import { html, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { LiveShopPart } from '../base/live-shop-part.js';
import { sharedStyles } from '../base/shared.styles.js';
import { CheckoutRequestEvent, ReleaseRequestEvent } from '../events/requests.js';
import { formatCountdown, holdTimeLeftMs } from '../format/countdown.js';
import { holdPanelStyles } from './hold-panel.styles.js';

/**
 * @summary The shopper's holds, each with a countdown, Check out and Release.
 *
 * Countdowns run on the server's clock (`clockOffsetMs` corrects the local one), so a hold leaves
 * the list when the server lets it go, not when a fast or slow device thinks so, and never show
 * more than the event's hold time. The element only renders time; `<live-shop>` removes expired
 * holds.
 *
 * @slot checkout - The merchant's content under the holds (e.g. a delivery note); the built-in checkout opens as its own dialog.
 * @csspart base - The panel.
 * @csspart hold - One held product.
 * @csspart countdown - The time left on a hold.
 * @csspart checkout-button - Check out.
 * @csspart release-button - Release.
 * @cssproperty --live-shop-hold-background - Panel background.
 */
export class LiveShopHoldPanel extends LiveShopPart {
  static override styles = [sharedStyles, holdPanelStyles];
  static override properties = {
    ...LiveShopPart.properties,
    holds: { attribute: false },
    products: { attribute: false },
    clockOffsetMs: { type: Number },
    holdTtlSeconds: { type: Number },
    now: { state: true },
  };

  /** The shopper's active holds. */
  declare holds: HoldView[];
  /** Looks up the held product's title. */
  declare products: (sku: string) => ProductView | undefined;
  /** Server clock minus local clock. */
  declare clockOffsetMs: number;
  /** The event's hold time: no countdown starts above it. 0 leaves countdowns uncapped. */
  declare holdTtlSeconds: number;
  declare now: number;

  private ticker: ReturnType<typeof setInterval> | undefined;

  constructor() {
    super();
    this.holds = [];
    this.products = () => undefined;
    this.clockOffsetMs = 0;
    this.holdTtlSeconds = 0;
    this.now = Date.now();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopTicker();
  }

  protected override willUpdate(): void {
    this.now = Date.now();
    if (this.holds.length > 0 && !this.ticker) this.ticker = setInterval(() => (this.now = Date.now()), 1000);
    if (this.holds.length === 0) this.stopTicker();
  }

  override render() {
    if (this.holds.length === 0) return html`<slot name="checkout"></slot>`;
    const s = this.strings;
    const serverNow = this.now + this.clockOffsetMs;
    return html`<section class="base" part="base" aria-labelledby="heading">
      <h2 id="heading">${s.yourHolds}</h2>
      <ul>
        ${repeat(
          this.holds,
          (hold) => hold.id,
          (hold) => {
            const title = this.products(hold.sku)?.title ?? hold.sku;
            const left = formatCountdown(holdTimeLeftMs(hold.expiresAt, serverNow, this.holdTtlSeconds));
            return html`<li part="hold" data-hold=${hold.id}>
              <p class="title">${hold.qty > 1 ? `${hold.qty} × ` : nothing}${title}</p>
              <p class="countdown" part="countdown" role="timer" aria-label=${s.holdCountdownLabel(title, left)}>
                ${s.heldFor(left)}
              </p>
              <div class="actions">
                <button
                  class="button"
                  part="checkout-button"
                  type="button"
                  @click=${() => this.emit(new CheckoutRequestEvent(hold.id))}
                >
                  ${s.checkout}
                </button>
                <button
                  class="button secondary"
                  part="release-button"
                  type="button"
                  aria-label=${s.releaseFor(title)}
                  @click=${() => this.emit(new ReleaseRequestEvent(hold.id))}
                >
                  ${s.release}
                </button>
              </div>
            </li>`;
          },
        )}
      </ul>
      <slot name="checkout"></slot>
    </section>`;
  }

  private stopTicker(): void {
    clearInterval(this.ticker);
    this.ticker = undefined;
  }
}
