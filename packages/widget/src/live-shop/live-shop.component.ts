import type { Ack, CheckoutAck, CheckoutPayload, HoldView } from '@liveshop/protocol';
import { html, nothing, type PropertyValues } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { LiveShopElement } from '../base/live-shop-element.js';
import { afterNextPaint, whenIdle } from '../base/scheduling.js';
import { ContextProvider } from '@lit/context';
import type { CheckoutAccess } from '../checkout-dialog/checkout-flow.js';
import { ConnectionController } from '../controllers/connection.controller.js';
import { HoldFlowController } from '../controllers/hold-flow.controller.js';
import { LiveShopSoldOutEvent } from '../events/events.js';
import type { ChatSendRequestEvent, DetailsRequestEvent } from '../events/requests.js';
import { preparePriceFormat } from '../format/price.js';
import { localeContext } from '../i18n/locale-context.js';
import { en, resolveStrings, type Translation } from '../i18n/strings.js';
import type { LiveShopProductDialog } from '../product-dialog/product-dialog.component.js';
import type { ShopClient } from '../store/shop-client.js';
import { ShopState, type StockChangedEvent } from '../store/shop-state.js';
import { DEFAULT_LOW_STOCK_THRESHOLD, stockLevel } from '../store/stock-level.js';
import { announcementFor } from './announcements.js';
import { liveShopStyles } from './live-shop.styles.js';

/** The built-in checkout (dialog, strings, order flow): its own chunk, loaded on first use. */
const loadCheckout = () => import('../checkout-dialog/checkout-flow.js');
/** The product details dialog is its own chunk too: fetched when the page is idle, or on the first tap. */
const loadProductDialog = () => import('../product-dialog/product-dialog.js');
/** Analytics beacons: their own chunk, loaded once the widget joined with analytics allowed. */
const loadBeacons = () => import('../analytics/beacons.js');

/** Marks when the first product card has been painted after the join ack. */
export const FIRST_CARD_MARK = 'live-shop:first-card';

type Tab = 'shop' | 'chat';

/**
 * @summary A shoppable live stream: video, pinned products, product list with live stock, holds and chat.
 *
 * Connects to the Liveshop server's `/shop` namespace, joins `event` and keeps everything current
 * from the server's pushes. Stock announcements go to one polite live region and only for
 * meaningful changes (sold out, back in stock, "only N left").
 *
 * @fires live-shop-hold - A unit was reserved. `detail: { eventId, sku, qty, holdId, expiresAt }`, plus `restored: true` for a hold placed before a reload (or in another tab) and found on joining.
 * @fires live-shop-hold-released - A hold ended. `detail: { ...hold, reason: 'released' | 'expired' | 'purchased' }`.
 * @fires live-shop-checkout - The shopper chose Check out. Cancelable (as is `checkout="external"`: the built-in checkout then stays closed); `detail` as `live-shop-hold`.
 * @fires live-shop-order - The built-in checkout (or `placeOrder()`) completed. `detail: { eventId, holdIds, order }`.
 * @fires live-shop-sold-out - A product sold out while shown. `detail: { eventId, sku, title }`.
 *
 * @slot checkout - The merchant's content under the holds (e.g. a delivery note); the built-in checkout opens as its own dialog.
 *
 * @csspart base - The widget's frame.
 * @csspart stage - The video area.
 * @csspart player - The `<live-shop-player>`.
 * @csspart pinned - The pinned products overlay.
 * @csspart pinned-next - The overlay's "next featured product" button (stages under 640px wide).
 * @csspart tabs - The tab list (Shop, Chat).
 * @csspart products - The product list.
 * @csspart card - Each product card; its inner parts are exported as `card-base`, `title`, `price`, `stock`, `buy-button`, `notice`.
 * @csspart holds - The hold panel.
 * @csspart chat - The chat panel.
 * @csspart offline - The offline banner.
 * @csspart checkout - The checkout dialog element; its box and Pay button are exported as `checkout-dialog` and `checkout-pay-button`.
 *
 * @cssproperty --live-shop-accent - Brand color of Buy Now, badges and focus rings. Default `#e11d48`.
 * @cssproperty --live-shop-accent-text - Text on the accent color. Default `#fff`.
 * @cssproperty --live-shop-radius - Corner radius of the frame and cards. Default `12px`.
 * @cssproperty --live-shop-font - Font family. Default the system UI font.
 * @cssproperty --live-shop-text - Text color. Default `#18181b`.
 * @cssproperty --live-shop-muted - Secondary text. Default `#71717a`.
 * @cssproperty --live-shop-surface - Panel and card background. Default `#fff`.
 * @cssproperty --live-shop-border - Hairlines. Default `#e4e4e7`.
 * @cssproperty --live-shop-focus-ring - Focus outline color. Default the accent.
 * @cssproperty --live-shop-stage-background - Behind the video. Default `#0b0b0f`.
 * @cssproperty --live-shop-in-stock - "In stock" color. Default `#15803d`.
 * @cssproperty --live-shop-low-stock - "Only N left" color. Default `#c2410c`.
 * @cssproperty --live-shop-error - Error message color. Default `#b91c1c`.
 */
export class LiveShop extends LiveShopElement {
  static override styles = liveShopStyles;
  static override properties = {
    ...LiveShopElement.properties,
    event: {},
    server: {},
    poster: {},
    locale: {},
    lowStockThreshold: { type: Number, attribute: 'low-stock-threshold' },
    checkoutMode: { attribute: 'checkout' },
    analytics: {},
    analyticsConsent: { attribute: false },
    translations: { attribute: false },
    client: { attribute: false },
    tab: { state: true },
    announcement: { state: true },
  };

  /** Id of the live event to join. */
  declare event: string;
  /**
   * Origin of the Liveshop server, e.g. `https://live.example.com`; the page's origin when empty.
   * The paths the server sends (stream, poster, product images) load from here.
   */
  declare server: string;
  /** Image shown while no video plays, relative to the page; the event's poster when empty. */
  declare poster: string;
  /** Language and region for text and prices (e.g. `de-DE`); the page's `lang` when empty. */
  declare locale: string;
  /** At or below this many units a card says "Only N left". */
  declare lowStockThreshold: number;
  /**
   * `built-in` (default): Check out opens the widget's checkout dialog. `external`: Check out only
   * fires `live-shop-checkout`, for the merchant's own cart. Attribute `checkout`.
   */
  declare checkoutMode: 'built-in' | 'external';
  /**
   * `off`: no impressions or clicks are sent, and the server stores the visit without the shopper
   * id. Read when joining (as is {@link analyticsConsent}).
   */
  declare analytics: 'on' | 'off';
  /**
   * The consent hook: `false` withholds analytics as `analytics="off"` does; setting it to `false`
   * later stops the beacons at once. Default `true`.
   */
  declare analyticsConsent: boolean;
  /** Overrides for any of the widget's strings. */
  declare translations: Translation | undefined;
  /** The connection to use; by default a socket.io connection to `server`. */
  declare client: ShopClient | undefined;
  declare tab: Tab;
  declare announcement: string;

  /** Everything the widget shows; read it, or listen to its `change` event. */
  readonly state = new ShopState();
  private readonly connection = new ConnectionController(this, this.state);
  private readonly holdFlow = new HoldFlowController(this, {
    state: this.state,
    eventId: () => this.event,
    client: () => this.connection.client,
    strings: () => this.strings,
    announce: (message) => this.announce(message),
    openCheckout: (hold) => this.openCheckout(hold),
  });
  /** Hands the resolved strings and locale to every part. */
  private readonly localeProvider = new ContextProvider(this, {
    context: localeContext,
    initialValue: { strings: en, locale: '' },
  });
  /** What the lazily loaded checkout may use beyond the public API. */
  private readonly checkoutAccess: CheckoutAccess = {
    client: () => this.connection.client,
    endHold: (hold, reason) => this.holdFlow.endHold(hold, reason),
  };
  private firstCardMarked = false;
  /** Sends what is queued and stops the beacons while they run; null while their chunk loads, undefined before. */
  private stopBeacons: (() => void) | undefined | null;

  constructor() {
    super();
    this.event = '';
    this.server = '';
    this.poster = '';
    this.locale = '';
    this.lowStockThreshold = DEFAULT_LOW_STOCK_THRESHOLD;
    this.checkoutMode = 'built-in';
    this.analytics = 'on';
    this.analyticsConsent = true;
    this.tab = 'shop';
    this.announcement = '';
    this.state.addEventListener('change', () => this.requestUpdate());
    this.state.addEventListener('stock', (event) => this.onStockChanged(event as StockChangedEvent));
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.restart();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const locale = this.resolvedLocale();
    if (changed.has('locale') || changed.has('translations') || locale !== this.localeProvider.value.locale) {
      this.strings = resolveStrings(locale, this.translations);
      this.localeProvider.setValue({ strings: this.strings, locale });
    }
    if (this.isConnected && (changed.has('event') || changed.has('server') || changed.has('client'))) {
      if (changed.get('event') !== undefined || changed.get('server') !== undefined || changed.has('client')) {
        this.restart();
      }
    }
  }

  protected override updated(): void {
    // A hold may be checked out soon: the checkout's code loads meanwhile.
    if (this.state.holds.length > 0 && this.checkoutMode !== 'external') void loadCheckout();
    const client = this.connection.client;
    if (
      this.stopBeacons === undefined &&
      this.state.connection === 'online' &&
      this.analyticsAllowed() &&
      client?.session
    ) {
      this.stopBeacons = null;
      const url = new URL(`api/events/${encodeURIComponent(this.event)}/beacons`, this.state.serverBase).href;
      void loadBeacons().then((beacons) => {
        if (this.stopBeacons === null && this.connection.client === client) {
          this.stopBeacons = beacons.startBeacons({
            root: this.renderRoot,
            url,
            session: () => client.session?.(),
            allowed: () => this.analyticsAllowed(),
          });
        }
      });
    }
    if (!this.firstCardMarked && this.state.products.length > 0) {
      this.firstCardMarked = true;
      afterNextPaint(() => performance.mark(FIRST_CARD_MARK));
    }
  }

  override render() {
    const s = this.strings;
    const state = this.state;
    const title = state.event?.title ?? '';
    const pinned = state.pinned.flatMap((sku) => state.product(sku) ?? []);
    const ended = state.event?.status === 'ended';
    return html`<div
      class="base"
      part="base"
      role="region"
      aria-label=${s.widgetLabel(title)}
      @ls-buy=${this.holdFlow.onBuy}
      @ls-release=${this.holdFlow.onRelease}
      @ls-checkout=${this.holdFlow.onCheckout}
      @ls-chat-send=${this.onChatSend}
      @ls-details=${this.onDetails}
    >
      <div class="stage" part="stage">
        <live-shop-player
          part="player"
          .src=${state.event?.streamUrl ?? ''}
          .poster=${this.poster || state.event?.posterUrl || ''}
          .ended=${ended}
        >
          <live-shop-pinned-overlay
            part="pinned"
            exportparts="card-base, title, price, stock, buy-button, notice, next: pinned-next"
            .products=${pinned}
            .pending=${state.pending}
            .notices=${state.notices}
            .threshold=${this.lowStockThreshold}
          ></live-shop-pinned-overlay>
        </live-shop-player>
        ${
          state.event
            ? html`<p class="live-badge">
                ${state.event.status === 'live' ? html`<strong>${s.live}</strong>` : nothing}<span>${title}</span>
              </p>`
            : nothing
        }
        ${
          state.connection === 'offline'
            ? html`<p class="offline" part="offline" role="status">${s.offline}</p>`
            : nothing
        }
      </div>
      <div class="side">
        <div class="panel">
          <div role="tablist" part="tabs" aria-label=${title || s.products} @keydown=${this.onTabKey}>
            ${this.renderTab('shop', s.products, state.products.length)} ${this.renderTab('chat', s.chat)}
          </div>
          <div role="tabpanel" id="panel-shop" aria-labelledby="tab-shop" ?hidden=${this.tab !== 'shop'}>
            ${this.renderProducts()}
          </div>
          <div role="tabpanel" id="panel-chat" aria-labelledby="tab-chat" ?hidden=${this.tab !== 'chat'}>
            <live-shop-chat
              part="chat"
              .messages=${state.chat}
              .active=${this.tab === 'chat'}
              ?disabled=${state.connection !== 'online'}
            ></live-shop-chat>
          </div>
          <live-shop-hold-panel
            part="holds"
            .holds=${state.holds}
            .products=${(sku: string) => state.product(sku)}
            .clockOffsetMs=${state.clockOffsetMs}
            .holdTtlSeconds=${state.event?.holdTtlSeconds ?? 0}
          >
            <slot name="checkout" slot="checkout"></slot>
          </live-shop-hold-panel>
        </div>
      </div>
      <div class="visually-hidden" role="status" aria-live="polite" aria-atomic="true" part="announcer">
        ${this.announcement}
      </div>
      <live-shop-product-dialog .threshold=${this.lowStockThreshold}></live-shop-product-dialog>
    </div>`;
  }

  private renderTab(tab: Tab, label: string, count?: number) {
    const selected = this.tab === tab;
    return html`<button
      role="tab"
      id="tab-${tab}"
      type="button"
      aria-selected=${selected ? 'true' : 'false'}
      aria-controls="panel-${tab}"
      tabindex=${selected ? 0 : -1}
      @click=${() => (this.tab = tab)}
    >
      ${label}${count !== undefined ? html`<span class="count">${count}</span>` : nothing}
    </button>`;
  }

  private renderProducts() {
    const s = this.strings;
    const state = this.state;
    if (state.joinError) return html`<p class="message">${s.eventNotFound}</p>`;
    if (state.products.length === 0) return html`<p class="message">${s.streamLoading}</p>`;
    return html`<ul class="products" part="products" aria-label=${s.products}>
      ${repeat(
        state.products,
        (product) => product.sku,
        (product) =>
          html`<li>
            <live-shop-product-card
              part="card"
              exportparts="base: card-base, title, price, stock, buy-button, notice"
              .product=${product}
              .threshold=${this.lowStockThreshold}
              .pending=${state.pending.has(product.sku)}
              .notice=${state.notices.get(product.sku) ?? null}
              .clockOffsetMs=${state.clockOffsetMs}
              ?pinned=${state.pinned.includes(product.sku)}
            ></live-shop-product-card>
          </li>`,
      )}
    </ul>`;
  }

  private resolvedLocale(): string {
    return this.locale || this.closest('[lang]')?.getAttribute('lang') || navigator.language;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.endBeacons();
  }

  private analyticsAllowed(): boolean {
    return this.analytics !== 'off' && this.analyticsConsent !== false;
  }

  private endBeacons(): void {
    this.stopBeacons?.();
    this.stopBeacons = undefined;
  }

  private restart(): void {
    this.endBeacons();
    this.connection.restart(this.event, this.server, this.client, () => !this.analyticsAllowed());
    if (!this.event) return;
    // While the join is on its way, so the cards it brings render without that cost.
    const locale = this.resolvedLocale();
    whenIdle(() => {
      preparePriceFormat(locale);
      void loadProductDialog();
    });
  }

  private announce(message: string): void {
    // The same sentence twice in a row would not be re-read; a trailing space makes it new text.
    this.announcement = message === this.announcement.trim() ? `${message} ` : message;
  }

  private onStockChanged(event: StockChangedEvent): void {
    const messages: string[] = [];
    for (const change of event.changes) {
      const product = this.state.product(change.sku);
      if (!product) continue;
      const message = announcementFor(
        change,
        product,
        this.lowStockThreshold,
        this.state.pinned.includes(change.sku),
        this.strings,
      );
      if (message) messages.push(message);
      const before = stockLevel(change.before, this.lowStockThreshold);
      if (before !== 'out' && change.after <= 0) {
        this.emit(new LiveShopSoldOutEvent({ eventId: this.event, sku: product.sku, title: product.title }));
      }
    }
    if (messages.length > 0) this.announce(messages.join('. '));
  }

  /**
   * Buys holds over the widget's connection: the `/shop` `checkout` payload without `eventId`
   * (e.g. paid with a Stripe PaymentMethod from the merchant's own form). On success the widget
   * fires `live-shop-order` and ends the holds as `purchased`.
   */
  placeOrder(request: Omit<CheckoutPayload, 'eventId'>): Promise<Ack<CheckoutAck>> {
    return loadCheckout().then((checkout) => checkout.placeOrder(this, this.checkoutAccess, request));
  }

  /**
   * Opens the built-in checkout dialog for a hold when the page did not take over (and the
   * connection can check out); focus comes back to the Check out button, or the Shop tab once the
   * hold is bought.
   */
  protected openCheckout(hold: HoldView): void {
    if (this.checkoutMode === 'external' || !this.connection.client?.checkout) return;
    const fallback = this.renderRoot.querySelector<HTMLElement>('#tab-shop');
    void loadCheckout().then((checkout) => checkout.openCheckout(this, this.checkoutAccess, hold, fallback));
  }

  private onChatSend = (event: ChatSendRequestEvent) => {
    event.stopPropagation();
    const client = this.connection.client;
    if (!client) return;
    const result = client.sendChat(event.text);
    event.result = result;
    void result.then((ack) => {
      if (ack.ok) this.state.addChat(ack.message);
    });
  };

  private onDetails = (event: DetailsRequestEvent) => {
    event.stopPropagation();
    const dialog = this.renderRoot.querySelector<LiveShopProductDialog>('live-shop-product-dialog');
    if (!dialog) return;
    void loadProductDialog().then(() => {
      dialog.product = this.state.product(event.sku);
      dialog.pending = this.state.pending.has(event.sku);
      return dialog.show();
    });
  };

  private onTabKey = (event: KeyboardEvent) => {
    const order: Tab[] = ['shop', 'chat'];
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0 && event.key !== 'Home' && event.key !== 'End') return;
    event.preventDefault();
    const index = order.indexOf(this.tab);
    const next =
      event.key === 'Home'
        ? order[0]!
        : event.key === 'End'
          ? order[order.length - 1]!
          : order[(index + step + order.length) % order.length]!;
    this.tab = next;
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`#tab-${next}`)?.focus());
  };
}
