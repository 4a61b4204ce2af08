import type { AnalyticsSeries, EventAnalytics } from '@liveshop/protocol';
import { analyticsCsv } from '@liveshop/protocol/analytics-csv';
import type { Chart, ChartConfiguration } from 'chart.js/auto';
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { loadChart } from './chart-loader.js';

/** What the `/host` `analytics` request answers. */
export interface AnalyticsReply {
  analytics: EventAnalytics;
  series: AnalyticsSeries;
}

const PIN_COLOURS = ['#2563eb', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04'];
const time = (ms: number) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
const percent = (ratio: number) => `${(ratio * 100).toFixed(1)}%`;

/**
 * @summary The show's reports: the analytics the admin API answers (viewers, orders, direct and
 * influenced revenue, conversion, AOV, revenue per session, refund rate; per product impressions,
 * clicks, holds, orders, revenue and sell-through), three charts — units sold per minute against
 * the products pinned, stock over time per SKU, the funnel impressions → clicks → holds → orders —
 * and a CSV download of the figures.
 *
 * chart.js is loaded on the first draw (its own chunk). The host console asks for the reply while
 * the show runs (every 15 s) and once more when it ends.
 */
export class LiveshopAnalyticsReport extends LitElement {
  static override styles = css`
    :host {
      display: block;
    }
    dl {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(8.5rem, 1fr));
      gap: 0.6rem;
      margin: 0 0 1rem;
    }
    dl div {
      background: var(--live-shop-page, #f4f4f5);
      border-radius: 8px;
      padding: 0.55rem 0.7rem;
    }
    dt {
      font-size: 0.75rem;
      color: var(--live-shop-muted, #71717a);
    }
    dd {
      margin: 0.15rem 0 0;
      font-size: 1.2rem;
      font-weight: 650;
      font-variant-numeric: tabular-nums;
    }
    .charts {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(20rem, 1fr));
      gap: 1rem;
      margin: 1rem 0;
    }
    figure {
      margin: 0;
    }
    figcaption {
      font-size: 0.85rem;
      font-weight: 600;
      margin-bottom: 0.3rem;
    }
    .chart {
      position: relative;
      height: 200px;
    }
    table {
      width: 100%;
      border-collapse: collapse;
    }
    th,
    td {
      text-align: left;
      padding: 0.4rem;
      border-bottom: 1px solid var(--live-shop-border, #e4e4e7);
    }
    thead th {
      font-size: 0.78rem;
      color: var(--live-shop-muted, #71717a);
    }
    .number {
      text-align: right;
      font-variant-numeric: tabular-nums;
    }
    .actions {
      display: flex;
      justify-content: space-between;
      align-items: center;
      gap: 0.5rem;
      margin-bottom: 0.75rem;
    }
    .muted {
      color: var(--live-shop-muted, #71717a);
      font-size: 0.8rem;
    }
    button {
      font: inherit;
      font-size: 0.85rem;
      padding: 0.35rem 0.8rem;
      border-radius: 6px;
      border: 1px solid var(--live-shop-border, #d4d4d8);
      background: #fff;
      cursor: pointer;
    }
  `;
  static override properties = {
    reply: { attribute: false },
    eventId: { attribute: 'event-id' },
    updatedAt: { attribute: false },
  };

  declare reply: AnalyticsReply | null;
  declare eventId: string;
  /** When the reply was read (epoch ms). */
  declare updatedAt: number;
  private charts: Chart[] = [];

  constructor() {
    super();
    this.reply = null;
    this.eventId = '';
    this.updatedAt = 0;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const chart of this.charts) chart.destroy();
    this.charts = [];
  }

  protected override render() {
    const reply = this.reply;
    if (!reply) return html`<p class="muted">Loading the reports…</p>`;
    const { analytics: a, series } = reply;
    const money = (cents: number) =>
      new Intl.NumberFormat(undefined, { style: 'currency', currency: series.currency ?? 'USD' }).format(cents / 100);
    return html`<div class="actions">
        <span class="muted">${this.updatedAt ? `Updated ${time(this.updatedAt)}` : nothing}</span>
        <button type="button" @click=${() => this.download()}>Download CSV</button>
      </div>
      <dl>
        ${this.figure('Sessions', 'sessions', a.sessions)}
        ${this.figure('Unique viewers', 'uniqueViewers', a.uniqueViewers)}
        ${this.figure('Peak viewers', 'peakViewers', a.peakViewers)} ${this.figure('Orders', 'orders', a.orders)}
        ${this.figure('Direct revenue', 'direct', money(a.revenueCents.direct))}
        ${this.figure('Influenced revenue', 'influenced', money(a.revenueCents.influenced))}
        ${this.figure('Conversion', 'conversionRate', percent(a.conversionRate))}
        ${this.figure('Average order', 'aovCents', money(a.aovCents))}
        ${this.figure('Revenue per session', 'revenuePerSessionCents', money(a.revenuePerSessionCents))}
        ${this.figure('Refund rate', 'refundRate', percent(a.refundRate))}
      </dl>
      <div class="charts">
        <figure>
          <figcaption>Units sold per minute, and what was pinned</figcaption>
          <div class="chart"><canvas data-chart="sales" role="img" aria-label=${this.salesLabel()}></canvas></div>
        </figure>
        <figure>
          <figcaption>Stock over time</figcaption>
          <div class="chart">
            <canvas data-chart="stock" role="img" aria-label="Units available per product, each minute"></canvas>
          </div>
        </figure>
        <figure>
          <figcaption>Funnel</figcaption>
          <div class="chart">
            <canvas
              data-chart="funnel"
              role="img"
              aria-label="Impressions ${series.funnel.impressions}, clicks ${series.funnel.clicks}, holds ${
                series.funnel.holds
              }, orders ${series.funnel.orders}"
            ></canvas>
          </div>
        </figure>
      </div>
      <table>
        <thead>
          <tr>
            <th scope="col">Product</th>
            <th scope="col" class="number">Impressions</th>
            <th scope="col" class="number">Clicks</th>
            <th scope="col" class="number">Holds</th>
            <th scope="col" class="number">Orders</th>
            <th scope="col" class="number">Revenue</th>
            <th scope="col" class="number">Sell-through</th>
          </tr>
        </thead>
        <tbody>
          ${a.products.map(
            (p) =>
              html`<tr data-sku=${p.sku}>
                <th scope="row">${p.sku}</th>
                <td class="number">${p.impressions}</td>
                <td class="number">${p.clicks}</td>
                <td class="number">${p.holds}</td>
                <td class="number">${p.orders}</td>
                <td class="number">${money(p.revenueCents)}</td>
                <td class="number">${percent(p.sellThrough)}</td>
              </tr>`,
          )}
        </tbody>
      </table>`;
  }

  private figure(label: string, name: string, value: string | number) {
    return html`<div>
      <dt>${label}</dt>
      <dd data-analytics=${name}>${value}</dd>
    </div>`;
  }

  protected override async updated(changed: PropertyValues<this>): Promise<void> {
    if (!changed.has('reply') || !this.reply) return;
    const ChartClass = await loadChart();
    const configs = this.configs(this.reply.series);
    const canvases = ['sales', 'stock', 'funnel'].map((name) =>
      this.renderRoot.querySelector<HTMLCanvasElement>(`canvas[data-chart="${name}"]`)!,
    );
    if (this.charts.length === 0 || this.charts.some((chart, i) => chart.canvas !== canvases[i])) {
      for (const chart of this.charts) chart.destroy();
      this.charts = configs.map((config, i) => new ChartClass(canvases[i]!, config));
      return;
    }
    configs.forEach((config, i) => {
      const chart = this.charts[i]!;
      chart.data = config.data;
      chart.update('none');
    });
  }

  /** The three charts' configurations, from the series. */
  private configs(series: AnalyticsSeries): ChartConfiguration[] {
    const accent = getComputedStyle(this).getPropertyValue('--live-shop-accent').trim() || '#e11d48';
    const minutes = series.salesPerMinute.map((point) => point.minute);
    const labels = minutes.map(time);
    // Each product pinned at some point is a row above the bars, drawn where it was pinned.
    const pinnedSkus = [...new Set(series.pins.map((pin) => pin.sku))];
    const maxUnits = Math.max(1, ...series.salesPerMinute.map((point) => point.units));
    const pinRows = pinnedSkus.map((sku, row) => ({
      type: 'line' as const,
      label: `${sku} pinned`,
      data: minutes.map((minute) =>
        series.pins.some(
          (pin) => pin.sku === sku && pin.from < minute + 60_000 && (pin.to === null || pin.to >= minute),
        )
          ? maxUnits * (1.1 + row * 0.12)
          : null,
      ),
      borderColor: PIN_COLOURS[row % PIN_COLOURS.length],
      backgroundColor: PIN_COLOURS[row % PIN_COLOURS.length],
      borderWidth: 6,
      // A pin within one minute is a single point: drawn as a short bar of its own.
      pointStyle: 'line' as const,
      pointRadius: 10,
      pointBorderWidth: 6,
      spanGaps: false,
    }));
    const stockMinutes = [...new Set(series.stock.flatMap((s) => s.points.map((p) => p.minute)))].sort((a, b) => a - b);
    const common = { animation: false as const, maintainAspectRatio: false };
    return [
      {
        type: 'bar',
        data: {
          labels,
          datasets: [
            {
              type: 'bar',
              label: 'Units sold',
              data: series.salesPerMinute.map((p) => p.units),
              backgroundColor: accent,
            },
            ...pinRows,
          ],
        },
        options: {
          ...common,
          plugins: { legend: { display: pinRows.length > 0, labels: { boxWidth: 12 } } },
          scales: {
            y: { beginAtZero: true, suggestedMax: maxUnits * (1.2 + pinRows.length * 0.12), ticks: { precision: 0 } },
            x: { ticks: { maxTicksLimit: 8 } },
          },
        },
      },
      {
        type: 'line',
        data: {
          labels: stockMinutes.map(time),
          datasets: series.stock.map((s, i) => {
            const byMinute = new Map(s.points.map((p) => [p.minute, p.available]));
            return {
              label: s.sku,
              data: stockMinutes.map((minute) => byMinute.get(minute) ?? null),
              borderColor: PIN_COLOURS[i % PIN_COLOURS.length],
              backgroundColor: PIN_COLOURS[i % PIN_COLOURS.length],
              stepped: true,
              pointRadius: 2,
              spanGaps: true,
            };
          }),
        },
        options: {
          ...common,
          plugins: { legend: { labels: { boxWidth: 12 } } },
          scales: { y: { beginAtZero: true, ticks: { precision: 0 } }, x: { ticks: { maxTicksLimit: 8 } } },
        },
      },
      {
        type: 'bar',
        data: {
          labels: ['Impressions', 'Clicks', 'Holds', 'Orders'],
          datasets: [
            {
              label: 'Funnel',
              data: [series.funnel.impressions, series.funnel.clicks, series.funnel.holds, series.funnel.orders],
              backgroundColor: ['#a1a1aa', '#71717a', '#f59e0b', accent],
            },
          ],
        },
        options: {
          ...common,
          indexAxis: 'y',
          plugins: { legend: { display: false } },
          scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
        },
      },
    ];
  }

  private salesLabel(): string {
    const series = this.reply?.series;
    if (!series) return '';
    const units = series.salesPerMinute.reduce((sum, point) => sum + point.units, 0);
    const pins = series.pins.map((pin) => `${pin.sku} pinned at ${time(pin.from)}`).join('; ');
    return `Units sold per minute: ${units} in all. ${pins}`;
  }

  /** Saves the figures as CSV, the same file the admin API's `?format=csv` answers. */
  private download(): void {
    if (!this.reply) return;
    const url = URL.createObjectURL(new Blob([analyticsCsv(this.reply.analytics)], { type: 'text/csv' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = `${this.eventId || 'event'}-analytics.csv`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 1_000);
  }
}

if (!customElements.get('liveshop-analytics-report')) {
  customElements.define('liveshop-analytics-report', LiveshopAnalyticsReport);
}

declare global {
  interface HTMLElementTagNameMap {
    'liveshop-analytics-report': LiveshopAnalyticsReport;
  }
}
