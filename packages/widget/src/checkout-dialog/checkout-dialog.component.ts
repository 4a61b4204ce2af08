import type { ErrorCode, HoldView, ProductView } from '@liveshop/protocol';
import { html, nothing, type PropertyValues } from 'lit';
import { LiveShopPart } from '../base/live-shop-part.js';
import { sharedStyles } from '../base/shared.styles.js';
import { formatCountdown, holdTimeLeftMs } from '../format/countdown.js';
import { formatPrice } from '../format/price.js';
import { newIdempotencyKey } from '../store/idempotency-key.js';
import { serverBaseUrl } from '../store/server-urls.js';
import { checkoutDialogStyles } from './checkout-dialog.styles.js';
import { CheckoutSubmitRequestEvent } from './checkout-requests.js';
import { resolveCheckoutStrings, type CheckoutStrings } from './checkout-strings.js';
import type { CheckoutPayload, Fulfilment, OrderView, PickupLocation } from '@liveshop/protocol';
import { fetchPickupLocations } from './locations.js';

type Phase = 'form' | 'paying' | 'confirmed';
type Locations = PickupLocation[] | 'loading' | 'failed';

/** Countries offered for shipping unless the page sets `countries`. */
export const DEFAULT_COUNTRIES = ['US', 'CA', 'GB', 'IE', 'DE', 'AT', 'CH', 'FR', 'NL', 'BE', 'DK', 'SE', 'AU', 'NZ'];

/**
 * @summary The built-in checkout for one hold: contact, ship or pick up, the card, totals, confirmation.
 *
 * A modal `<dialog>`: focus stays inside while it is open, Escape closes it, and on close focus
 * goes back to the Check out button that opened it (or, when that is gone because the hold was
 * bought, to the element `show()` names as the fallback). The held item and its countdown stay at
 * the top the whole time; every answer of the server is shown in words under the Pay button, and
 * a payment the bank declines keeps the hold, so the shopper can try another card. Pickup lists
 * only the stores the server says can supply the item (`GET /api/events/:id/locations?sku=`).
 *
 * The dialog sends nothing itself: Pay fires a `ls-checkout-submit` request that `<live-shop>`
 * answers over its connection. `<live-shop>` loads this element on first use, so the core script
 * stays small.
 *
 * @csspart dialog - The dialog box.
 * @csspart summary - The held item with its countdown.
 * @csspart form - The checkout form.
 * @csspart error - The message of a failed payment or checkout.
 * @csspart pay-button - Pay.
 * @csspart close-button - Cancel, or Close after the order.
 * @csspart confirmation - The order confirmation.
 */
export class LiveShopCheckoutDialog extends LiveShopPart {
  static override styles = [sharedStyles, checkoutDialogStyles];
  static override properties = {
    ...LiveShopPart.properties,
    hold: { attribute: false },
    product: { attribute: false },
    held: { type: Boolean },
    eventId: { attribute: 'event-id' },
    server: {},
    overrides: { attribute: false },
    errorOverrides: { attribute: false },
    countries: { attribute: false },
    locationsSource: { attribute: false },
    clockOffsetMs: { type: Number },
    holdTtlSeconds: { type: Number },
    phase: { state: true },
    error: { state: true },
    invalid: { state: true },
    fulfilment: { state: true },
    locations: { state: true },
    order: { state: true },
    now: { state: true },
  };

  /** The hold being bought. */
  declare hold: HoldView | undefined;
  /** The held product (title, price, currency). */
  declare product: ProductView | undefined;
  /** Whether the hold is still the shopper's; `<live-shop>` clears it when the hold ends. */
  declare held: boolean;
  declare eventId: string;
  /** Origin of the Liveshop server, as the widget's `server` attribute; the page's origin when empty. */
  declare server: string;
  /** The merchant's replacements for any checkout text (`translations.checkoutDialog`). */
  declare overrides: Partial<CheckoutStrings> | undefined;
  /** The merchant's replacements for error messages (`translations.errors`). */
  declare errorOverrides: Partial<Record<ErrorCode, string>> | undefined;
  /** ISO 3166 codes offered for shipping. */
  declare countries: string[];
  /**
   * Where the pickup stores come from; by default the server's public
   * `GET /api/events/:id/locations?sku=` at `server`.
   */
  declare locationsSource: ((sku: string, signal: AbortSignal) => Promise<PickupLocation[]>) | undefined;
  declare clockOffsetMs: number;
  declare holdTtlSeconds: number;
  declare phase: Phase;
  declare error: ErrorCode | null;
  /** Field name → message, for the fields the last Pay found wrong. */
  declare invalid: Record<string, string>;
  declare fulfilment: Fulfilment['type'];
  declare locations: Locations;
  declare order: OrderView | null;
  declare now: number;

  /** The text of the dialog, from `locale` and `overrides`. */
  text: CheckoutStrings;
  private opener: HTMLElement | null = null;
  private fallback: HTMLElement | null = null;
  private ticker: ReturnType<typeof setInterval> | undefined;
  private locationsFor = '';
  private locationsAbort: AbortController | null = null;
  /** The key of the last attempt whose outcome is unknown (no answer), reused when the same content is sent again. */
  private pendingAttempt: { content: string; key: string } | null = null;

  constructor() {
    super();
    this.held = true;
    this.eventId = '';
    this.server = '';
    this.countries = DEFAULT_COUNTRIES;
    this.clockOffsetMs = 0;
    this.holdTtlSeconds = 0;
    this.phase = 'form';
    this.error = null;
    this.invalid = {};
    this.fulfilment = 'ship';
    this.locations = 'loading';
    this.order = null;
    this.now = Date.now();
    this.text = resolveCheckoutStrings(undefined);
  }

  get open(): boolean {
    return this.renderRoot.querySelector('dialog')?.open ?? false;
  }

  /**
   * Opens the dialog on a fresh form for the current `hold`. `opener` gets focus back on close
   * (default: whatever had focus); `fallback` gets it when the opener has left the page meanwhile.
   */
  async show(opener?: HTMLElement | null, fallback?: HTMLElement | null): Promise<void> {
    this.opener = opener ?? deepActiveElement();
    this.fallback = fallback ?? null;
    if (this.phase !== 'paying') {
      this.phase = 'form';
      this.error = null;
      this.invalid = {};
      this.order = null;
    }
    await this.updateComplete;
    const dialog = this.renderRoot.querySelector('dialog');
    if (dialog && !dialog.open) dialog.showModal();
    this.startTicker();
  }

  close(): void {
    this.renderRoot.querySelector('dialog')?.close();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopTicker();
    this.locationsAbort?.abort();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('locale') || changed.has('overrides')) {
      this.text = resolveCheckoutStrings(this.locale || undefined, this.overrides);
    }
    if (changed.has('hold') && this.hold && changed.get('hold')?.id !== this.hold.id) {
      // Another hold: a new checkout, never the last one's order or attempt.
      this.pendingAttempt = null;
      this.order = null;
      this.phase = 'form';
      this.error = null;
      if (this.fulfilment === 'pickup') this.loadLocations();
    }
  }

  override render() {
    return html`<dialog part="dialog" aria-labelledby="checkout-title" @close=${this.onClose} @cancel=${this.onCancel}>
      <div class="frame">
        <header>
          <h2 id="checkout-title">${this.phase === 'confirmed' ? this.text.confirmedTitle : this.text.title}</h2>
        </header>
        ${this.phase === 'confirmed' && this.order ? this.renderConfirmation(this.order) : this.renderForm()}
      </div>
    </dialog>`;
  }

  private renderSummary() {
    const t = this.text;
    const hold = this.hold;
    const product = this.product;
    if (!hold) return nothing;
    const title = product?.title ?? hold.sku;
    const left = formatCountdown(holdTimeLeftMs(hold.expiresAt, this.now + this.clockOffsetMs, this.holdTtlSeconds));
    return html`<section class="summary" part="summary" aria-label=${t.heldItem(title, hold.qty)}>
      ${product?.imageUrl ? html`<img src=${product.imageUrl} alt="" width="64" height="64" />` : nothing}
      <div>
        <p class="item">${t.heldItem(title, hold.qty)}</p>
        ${
          this.held
            ? html`<p class="countdown" role="timer" aria-label=${this.strings.holdCountdownLabel(title, left)}>
                ${this.strings.heldFor(left)}
              </p>`
            : html`<p class="countdown gone">${t.holdGone}</p>`
        }
      </div>
      ${product ? html`<p class="price">${this.money(product.priceCents * hold.qty, product.currency)}</p>` : nothing}
    </section>`;
  }

  private renderForm() {
    const t = this.text;
    const paying = this.phase === 'paying';
    const total =
      this.hold && this.product ? this.money(this.product.priceCents * this.hold.qty, this.product.currency) : '';
    const pickupUnavailable =
      this.fulfilment === 'pickup' && (!Array.isArray(this.locations) || this.locations.length === 0);
    return html`${this.renderSummary()}
      <form
        part="form"
        novalidate
        @submit=${this.onSubmit}
        @input=${this.onInput}
        aria-busy=${paying ? 'true' : 'false'}
      >
        <fieldset ?disabled=${paying}>
          <legend>${t.contact}</legend>
          ${this.field('email', t.email, { type: 'email', autocomplete: 'email', required: true, inputmode: 'email' })}
          ${this.field('name', t.name, { autocomplete: 'name', required: true })}
          ${this.field('phone', `${t.phone} (${t.optional})`, { type: 'tel', autocomplete: 'tel', inputmode: 'tel' })}
        </fieldset>
        <fieldset ?disabled=${paying}>
          <legend>${t.delivery}</legend>
          <div class="choice" role="radiogroup" aria-label=${t.delivery}>
            ${this.radio('fulfilment', 'ship', t.ship, this.fulfilment === 'ship', this.onFulfilment)}
            ${this.radio('fulfilment', 'pickup', t.pickup, this.fulfilment === 'pickup', this.onFulfilment)}
          </div>
        </fieldset>
        <fieldset class="ship" ?hidden=${this.fulfilment !== 'ship'} ?disabled=${paying || this.fulfilment !== 'ship'}>
          <legend class="visually-hidden">${t.ship}</legend>
          ${this.field('line1', t.line1, { autocomplete: 'address-line1', required: true })}
          ${this.field('line2', t.line2, { autocomplete: 'address-line2' })}
          <div class="row">
            ${this.field('postalCode', t.postalCode, { autocomplete: 'postal-code', required: true })}
            ${this.field('city', t.city, { autocomplete: 'address-level2', required: true })}
          </div>
          <label class="field">
            <span>${t.country}</span>
            <select name="country" autocomplete="country">
              ${this.countries.map(
                (code) =>
                  html`<option value=${code} ?selected=${code === this.defaultCountry()}>
                    ${this.countryName(code)}
                  </option>`,
              )}
            </select>
          </label>
        </fieldset>
        <fieldset
          class="pickup"
          ?hidden=${this.fulfilment !== 'pickup'}
          ?disabled=${paying || this.fulfilment !== 'pickup'}
        >
          <legend>${t.pickupAt}</legend>
          ${this.renderLocations()}
        </fieldset>
        <fieldset ?disabled=${paying}>
          <legend>${t.payment}</legend>
          ${this.field('card', t.cardNumber, {
            autocomplete: 'cc-number',
            inputmode: 'numeric',
            required: true,
            placeholder: '4242 4242 4242 4242',
            describedby: 'card-hint',
          })}
          <p class="hint" id="card-hint">${t.testCardHint}</p>
        </fieldset>
        <div class="totals">
          <span>${t.total}</span>
          <strong part="total">${total}</strong>
        </div>
        <div class="actions">
          <p class="error" part="error" role="alert">${this.error ? this.errorText(this.error) : nothing}</p>
          <button class="button secondary" part="close-button" type="button" ?disabled=${paying} @click=${this.close}>
            ${t.cancel}
          </button>
          <button class="button" part="pay-button" type="submit" ?disabled=${paying || !this.held || pickupUnavailable}>
            ${paying ? t.paying : t.pay(total)}
          </button>
        </div>
      </form>`;
  }

  private renderLocations() {
    const t = this.text;
    const locations = this.locations;
    if (locations === 'loading') return html`<p class="hint" role="status">${t.loadingLocations}</p>`;
    if (locations === 'failed') return html`<p class="hint" role="status">${t.locationsFailed}</p>`;
    if (locations.length === 0) return html`<p class="hint" role="status">${t.noLocations}</p>`;
    return html`<div class="locations" role="radiogroup" aria-label=${t.pickupAt}>
      ${locations.map(
        (location, index) =>
          html`<label class="location">
            <input type="radio" name="locationId" value=${location.id} ?checked=${index === 0} />
            <span
              ><strong>${location.name}</strong
              >${location.address ? html`<small>${location.address}</small>` : nothing}</span
            >
          </label>`,
      )}
    </div>`;
  }

  private renderConfirmation(order: OrderView) {
    const t = this.text;
    const location =
      order.fulfilment.type === 'pickup' && Array.isArray(this.locations)
        ? this.locations.find((l) => order.fulfilment.type === 'pickup' && l.id === order.fulfilment.locationId)?.name
        : undefined;
    return html`<div class="confirmation" part="confirmation" role="status">
      <p class="order-number">${t.orderNumber(String(order.number))}</p>
      <ul class="lines">
        ${order.lines.map(
          (line) =>
            html`<li>
              <span>${t.heldItem(line.title || line.sku, line.qty)}</span>
              <span>${this.money(line.unitPriceCents * line.qty, order.currency)}</span>
            </li>`,
        )}
      </ul>
      <div class="totals">
        <span>${t.total}</span>
        <strong part="total">${this.money(order.totalCents, order.currency)}</strong>
      </div>
      <p>
        ${
          order.fulfilment.type === 'pickup'
            ? t.confirmedPickup(location ?? order.fulfilment.locationId)
            : t.confirmedShip(this.lastEmail)
        }
      </p>
      <div class="actions">
        <button class="button" part="close-button" type="button" autofocus @click=${this.close}>${t.close}</button>
      </div>
    </div>`;
  }

  private field(
    name: string,
    label: string,
    options: {
      type?: string;
      autocomplete?: string;
      inputmode?: string;
      required?: boolean;
      placeholder?: string;
      describedby?: string;
    } = {},
  ) {
    const message = this.invalid[name];
    const describedBy = [options.describedby, message ? `${name}-error` : ''].filter(Boolean).join(' ');
    return html`<label class="field">
      <span>${label}</span>
      <input
        name=${name}
        type=${options.type ?? 'text'}
        autocomplete=${options.autocomplete ?? 'off'}
        inputmode=${options.inputmode ?? nothing}
        placeholder=${options.placeholder ?? nothing}
        ?required=${options.required ?? false}
        aria-required=${options.required ? 'true' : nothing}
        aria-invalid=${message ? 'true' : nothing}
        aria-describedby=${describedBy || nothing}
      />
      ${message ? html`<small class="field-error" id="${name}-error">${message}</small>` : nothing}
    </label>`;
  }

  private radio(name: string, value: string, label: string, checked: boolean, onChange: (event: Event) => void) {
    return html`<label class="radio">
      <input type="radio" name=${name} value=${value} .checked=${checked} @change=${onChange} />
      <span>${label}</span>
    </label>`;
  }

  private lastEmail = '';

  private onFulfilment = (event: Event) => {
    this.fulfilment = (event.target as HTMLInputElement).value === 'pickup' ? 'pickup' : 'ship';
    this.error = null;
    if (this.fulfilment === 'pickup') this.loadLocations();
  };

  private onInput = (event: Event) => {
    const target = event.target as HTMLInputElement;
    if (target.name === 'card') {
      // Groups of four as the shopper types, the way the card shows them.
      const digits = target.value.replace(/\D/g, '').slice(0, 19);
      const grouped = digits.replace(/(\d{4})(?=\d)/g, '$1 ');
      if (grouped !== target.value) target.value = grouped;
    }
    if (this.invalid[target.name]) {
      const { [target.name]: _fixed, ...rest } = this.invalid;
      this.invalid = rest;
    }
  };

  private onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (this.phase === 'paying' || !this.hold || !this.held) return;
    const form = event.currentTarget as HTMLFormElement;
    const payload = this.readForm(form);
    if (!payload) {
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[aria-invalid=true]')?.focus();
      return;
    }
    // A retry of an attempt that got no answer reuses its key, so it can never pay twice; any
    // attempt that got an answer (a decline, say) is over, and the next one is new.
    const content = JSON.stringify(payload);
    const key = this.pendingAttempt?.content === content ? this.pendingAttempt.key : newIdempotencyKey();
    this.pendingAttempt = { content, key };
    const request = new CheckoutSubmitRequestEvent({ ...payload, idempotencyKey: key });
    this.dispatchEvent(request);
    if (!request.result) return;
    this.phase = 'paying';
    this.error = null;
    const ack = await request.result;
    if (ack.ok) {
      this.pendingAttempt = null;
      this.order = ack.order;
      this.phase = 'confirmed';
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('.confirmation [part=close-button]')?.focus();
      return;
    }
    if (ack.error.code !== 'UNAVAILABLE') this.pendingAttempt = null;
    this.phase = 'form';
    this.error = ack.error.code;
  };

  /** The checkout's content from the form, or null (and `invalid` set) when a field is missing or wrong. */
  private readForm(form: HTMLFormElement): Omit<CheckoutPayload, 'eventId' | 'idempotencyKey'> | null {
    const t = this.text;
    const data = new FormData(form);
    const value = (name: string) => String(data.get(name) ?? '').trim();
    const invalid: Record<string, string> = {};
    const need = (name: string, label: string) => {
      if (!value(name)) invalid[name] = t.required(label);
    };
    need('email', t.email);
    if (value('email') && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value('email'))) invalid.email = t.invalidEmail;
    need('name', t.name);
    if (this.fulfilment === 'ship') {
      need('line1', t.line1);
      need('postalCode', t.postalCode);
      need('city', t.city);
    }
    const digits = value('card').replace(/\D/g, '');
    if (digits.length !== 16) invalid.card = value('card') ? t.invalidCard : t.required(t.cardNumber);
    this.invalid = invalid;
    if (Object.keys(invalid).length > 0) return null;
    const locationId = value('locationId');
    if (this.fulfilment === 'pickup' && !locationId) return null;
    const name = value('name');
    const phone = value('phone');
    const line2 = value('line2');
    this.lastEmail = value('email');
    const fulfilment: Fulfilment =
      this.fulfilment === 'pickup'
        ? { type: 'pickup', locationId }
        : {
            type: 'ship',
            address: {
              name,
              line1: value('line1'),
              ...(line2 ? { line2 } : {}),
              city: value('city'),
              postalCode: value('postalCode'),
              country: value('country'),
            },
          };
    return {
      holdIds: [this.hold!.id],
      customer: { email: value('email'), name, ...(phone ? { phone } : {}) },
      fulfilment,
      payment: { provider: 'test', card: digits.replace(/(\d{4})(?=\d)/g, '$1 ') },
    };
  }

  /** Asks for the stores that can supply the held SKU, once per SKU (again after a failure). */
  private loadLocations(): void {
    const sku = this.hold?.sku;
    if (!sku || (!this.eventId && !this.locationsSource)) return;
    const key = `${this.server}|${this.eventId}|${sku}`;
    const source =
      this.locationsSource ??
      ((sku: string, signal: AbortSignal) =>
        fetchPickupLocations(serverBaseUrl(this.server), this.eventId, sku, signal));
    if (this.locationsFor === key && this.locations !== 'failed') return;
    this.locationsFor = key;
    this.locationsAbort?.abort();
    const abort = new AbortController();
    this.locationsAbort = abort;
    this.locations = 'loading';
    source(sku, abort.signal).then(
      (locations) => {
        if (!abort.signal.aborted) this.locations = locations;
      },
      () => {
        if (!abort.signal.aborted) this.locations = 'failed';
      },
    );
  }

  /** The merchant's message, else this language's checkout message, else the core table's. */
  private errorText(code: ErrorCode): string {
    return (
      this.errorOverrides?.[code] ??
      this.text.errors?.[code] ??
      this.strings.errors[code] ??
      this.strings.errors.INTERNAL
    );
  }

  private money(cents: number, currency: string): string {
    return formatPrice(cents, currency, this.locale || undefined);
  }

  private defaultCountry(): string {
    try {
      const region = new Intl.Locale(this.locale || navigator.language).maximize().region;
      if (region && this.countries.includes(region)) return region;
    } catch {
      // An unknown locale: the first country offered.
    }
    return this.countries[0] ?? '';
  }

  private countryName(code: string): string {
    try {
      return new Intl.DisplayNames([this.locale || navigator.language], { type: 'region' }).of(code) ?? code;
    } catch {
      return code;
    }
  }

  private startTicker(): void {
    this.now = Date.now();
    this.ticker ??= setInterval(() => {
      if (!this.open) return this.stopTicker();
      this.now = Date.now();
    }, 1000);
  }

  private stopTicker(): void {
    clearInterval(this.ticker);
    this.ticker = undefined;
  }

  /** While a payment is on its way the dialog stays open: its answer must be seen. */
  private onCancel = (event: Event) => {
    if (this.phase === 'paying') event.preventDefault();
  };

  private onClose = () => {
    this.stopTicker();
    const target = this.opener?.isConnected ? this.opener : this.fallback;
    this.opener = null;
    this.fallback = null;
    target?.focus();
  };
}

/** The focused element, looking inside shadow roots (document.activeElement stops at the first host). */
function deepActiveElement(): HTMLElement | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active instanceof HTMLElement ? active : null;
}
