import type { DropMessage, EventFigures, JoinAck, LiveEvent, ProductView, StockMessage } from '@liveshop/protocol';
import { html, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { ConsolePage } from '../shared/console-page.js';
import type { StaffSession } from '../shared/staff-session.js';
import { hostStyles } from './host-console.styles.js';
import './sales-chart.js';
import './analytics-report.js';
import type { AnalyticsReply } from './analytics-report.js';

const MAX_PINNED = 3;
/** How often the reports are read again while the show is live. */
const REPORT_REFRESH_MS = 15_000;

/**
 * @summary The host console: start and end the show, the products with live available, held and
 * sold counts, pin and unpin (up to three), drops with a countdown, the live figures with a
 * chart of units sold per minute, and the reports (analytics, charts, CSV) during and after the show.
 *
 * Stock comes from the same `stock` pushes viewers get (newer versions only); held and sold from
 * the `figures` the server sends every two seconds.
 */
export class LiveshopHostConsole extends ConsolePage<JoinAck> {
  static override styles = [...ConsolePage.styles, hostStyles];
  static override properties = {
    ...ConsolePage.properties,
    event: { state: true },
    products: { state: true },
    pinned: { state: true },
    figures: { state: true },
    notice: { state: true },
    now: { state: true },
    report: { state: true },
    reportReadAt: { state: true },
  };

  protected readonly staffRole = 'host';
  declare event: LiveEvent | null;
  declare products: ProductView[];
  declare pinned: string[];
  declare figures: EventFigures | null;
  declare notice: string;
  /** Server time now (local clock plus the offset measured at join), ticking for countdowns. */
  declare now: number;
  /** The show's analytics and their series (the `analytics` request), read live and after the show. */
  declare report: AnalyticsReply | null;
  declare reportReadAt: number;
  private clockOffsetMs = 0;
  private ticker: ReturnType<typeof setInterval> | undefined;
  private reportTimer: ReturnType<typeof setInterval> | undefined;

  constructor() {
    super();
    this.event = null;
    this.products = [];
    this.pinned = [];
    this.figures = null;
    this.notice = '';
    this.now = Date.now();
    this.report = null;
    this.reportReadAt = 0;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.ticker = setInterval(() => (this.now = Date.now() + this.clockOffsetMs), 1_000);
    this.reportTimer = setInterval(() => {
      if (this.event?.status === 'live') void this.refreshReport();
    }, REPORT_REFRESH_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.ticker);
    clearInterval(this.reportTimer);
  }

  protected applyJoin(ack: JoinAck): void {
    this.clockOffsetMs = ack.serverTime - Date.now();
    this.event = ack.event;
    this.products = ack.products;
    this.pinned = ack.pinned;
    void this.refreshFigures();
    void this.refreshReport();
  }

  protected listen(session: StaffSession<JoinAck>): void {
    const socket = session.socket;
    socket.on('stock', (message: StockMessage) => {
      const bySku = new Map(message.items.map((item) => [item.sku, item]));
      this.products = this.products.map((product) => {
        const item = bySku.get(product.sku);
        if (!item) return product;
        const newer =
          (item.generation ?? 0) !== (product.generation ?? 0)
            ? (item.generation ?? 0) > (product.generation ?? 0)
            : item.version > product.version;
        return newer
          ? { ...product, available: item.available, version: item.version, generation: item.generation }
          : product;
      });
    });
    socket.on('pinned', (message: { skus: string[] }) => (this.pinned = message.skus));
    socket.on('status', (message: { status: LiveEvent['status'] }) => {
      if (this.event) this.event = { ...this.event, status: message.status };
      // The show's final figures once it ends.
      if (message.status === 'ended') void this.refreshReport();
    });
    socket.on('drop', (message: DropMessage) => {
      this.products = this.products.map((product) =>
        product.sku === message.sku ? { ...product, onSaleAt: message.startsAt } : product,
      );
    });
    socket.on('figures', (figures: EventFigures) => (this.figures = figures));
  }

  protected renderConsole() {
    const event = this.event;
    const figures = this.figures;
    return html`<header>
        <h1>${event?.title ?? 'Loading…'}</h1>
        ${event ? html`<span class="badge ${event.status}" data-status=${event.status}>${event.status}</span>` : nothing}
        ${this.connectionNote()}
        <button
          class="button"
          type="button"
          ?disabled=${event?.status === 'live'}
          @click=${() => this.setStatus('live')}
        >
          Start show
        </button>
        <button
          class="button secondary end"
          type="button"
          ?disabled=${event?.status !== 'live'}
          @click=${() => this.setStatus('ended')}
        >
          End show
        </button>
      </header>
      ${this.notice ? html`<p class="notice" role="alert">${this.notice}</p>` : nothing}
      <main>
        <section aria-labelledby="products-title">
          <h2 id="products-title">Products</h2>
          <table class="products">
            <thead>
              <tr>
                <th scope="col">Product</th>
                <th scope="col" class="number">Available</th>
                <th scope="col" class="number">Held</th>
                <th scope="col" class="number">Sold</th>
                <th scope="col">Featured</th>
                <th scope="col">Drop</th>
              </tr>
            </thead>
            <tbody>
              ${repeat(
                this.products,
                (product) => product.sku,
                (product) => this.renderProduct(product),
              )}
            </tbody>
          </table>
        </section>
        <section aria-labelledby="figures-title" class="figures">
          <h2 id="figures-title">Live figures</h2>
          <dl>
            <div>
              <dt>Viewers now</dt>
              <dd data-figure="viewers">${figures?.viewers ?? '–'}</dd>
            </div>
            <div>
              <dt>Units held</dt>
              <dd data-figure="held">${figures?.heldUnits ?? '–'}</dd>
            </div>
            <div>
              <dt>Units sold</dt>
              <dd data-figure="sold">${figures?.soldUnits ?? '–'}</dd>
            </div>
            ${
              figures?.orders !== undefined
                ? html`<div>
                      <dt>Orders</dt>
                      <dd data-figure="orders">${figures.orders}</dd>
                    </div>
                    <div>
                      <dt>Revenue</dt>
                      <dd data-figure="revenue">${this.money(figures.revenueCents ?? 0, figures.currency)}</dd>
                    </div>`
                : nothing
            }
          </dl>
          <h3>Units sold per minute</h3>
          <liveshop-sales-chart .series=${figures?.salesPerMinute ?? []}></liveshop-sales-chart>
        </section>
        <section aria-labelledby="reports-title" class="reports">
          <h2 id="reports-title">
            Reports${event?.status === 'ended' ? ': the show' : event?.status === 'live' ? ': so far' : ''}
          </h2>
          <liveshop-analytics-report
            event-id=${this.session?.eventId ?? ''}
            .reply=${this.report}
            .updatedAt=${this.reportReadAt}
          ></liveshop-analytics-report>
        </section>
      </main>`;
  }

  private renderProduct(product: ProductView) {
    const counts = this.figures?.products.find((row) => row.sku === product.sku);
    const pinned = this.pinned.includes(product.sku);
    const opensIn = (product.onSaleAt ?? 0) - this.now;
    return html`<tr data-sku=${product.sku} class=${pinned ? 'pinned' : ''}>
      <th scope="row">${product.title}<span class="muted sku">${product.sku}</span></th>
      <td class="number" data-count="available">${product.available}</td>
      <td class="number" data-count="held">${counts?.held ?? '–'}</td>
      <td class="number" data-count="sold">${counts?.sold ?? '–'}</td>
      <td>
        <button
          class="button small ${pinned ? '' : 'secondary'} pin"
          type="button"
          aria-pressed=${pinned ? 'true' : 'false'}
          ?disabled=${!pinned && this.pinned.length >= MAX_PINNED}
          @click=${() => this.togglePin(product.sku)}
        >
          ${pinned ? 'Unpin' : 'Pin'}
        </button>
      </td>
      <td class="drop">
        ${
          opensIn > 0
            ? html`<span class="countdown" role="timer">On sale in ${countdown(opensIn)}</span>`
            : html`<form @submit=${(event: SubmitEvent) => this.drop(event, product.sku)}>
                <label class="visually-hidden" for="drop-${product.sku}"
                  >Seconds until ${product.title} goes on sale</label
                >
                <select id="drop-${product.sku}" name="seconds">
                  <option value="30">in 30 s</option>
                  <option value="60" selected>in 1 min</option>
                  <option value="300">in 5 min</option>
                  <option value="900">in 15 min</option>
                </select>
                <button class="button small secondary" type="submit">Drop</button>
              </form>`
        }
      </td>
    </tr>`;
  }

  private money(cents: number, currency = 'USD'): string {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(cents / 100);
  }

  private async refreshFigures(): Promise<void> {
    const ack = await this.session?.request<{ figures: EventFigures }>('figures', { eventId: this.session.eventId });
    if (ack?.ok) this.figures = ack.figures;
  }

  private async refreshReport(): Promise<void> {
    const ack = await this.session?.request<AnalyticsReply>('analytics', { eventId: this.session.eventId });
    if (!ack?.ok) return;
    this.report = { analytics: ack.analytics, series: ack.series };
    this.reportReadAt = Date.now();
  }

  private async act(event: string, payload: object): Promise<void> {
    const ack = await this.session!.request(event, { eventId: this.session!.eventId, ...payload });
    this.notice = ack.ok ? '' : ack.error.message;
  }

  private setStatus(status: 'live' | 'ended') {
    if (status === 'ended' && !confirm('End the show for every viewer?')) return;
    void this.act('status', { status });
  }

  private togglePin(sku: string) {
    const skus = this.pinned.includes(sku) ? this.pinned.filter((pinned) => pinned !== sku) : [...this.pinned, sku];
    void this.act('pin', { skus });
  }

  private drop(event: SubmitEvent, sku: string) {
    event.preventDefault();
    const seconds = Number(new FormData(event.target as HTMLFormElement).get('seconds'));
    void this.act('drop', { sku, startsAt: Math.round(Date.now() + this.clockOffsetMs + seconds * 1000) });
  }
}

function countdown(ms: number): string {
  const total = Math.ceil(ms / 1000);
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}

if (!customElements.get('liveshop-host-console')) customElements.define('liveshop-host-console', LiveshopHostConsole);

declare global {
  interface HTMLElementTagNameMap {
    'liveshop-host-console': LiveshopHostConsole;
  }
}
