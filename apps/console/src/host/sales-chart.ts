import type { EventFigures } from '@liveshop/protocol';
import type { Chart } from 'chart.js/auto';
import { css, html, LitElement, type PropertyValues } from 'lit';
import { loadChart } from './chart-loader.js';

/**
 * @summary Units sold per minute over the last 30 minutes, as a small bar chart.
 *
 * chart.js is loaded the first time a chart is drawn (its own chunk), so the console's first
 * paint does not wait for it.
 */
export class LiveshopSalesChart extends LitElement {
  static override styles = css`
    :host {
      display: block;
      position: relative;
      height: 160px;
    }
  `;
  static override properties = { series: { attribute: false } };

  /** The figures' `salesPerMinute`. */
  declare series: EventFigures['salesPerMinute'];
  private chart: Chart | null = null;

  constructor() {
    super();
    this.series = [];
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.chart?.destroy();
    this.chart = null;
  }

  protected override render() {
    return html`<canvas role="img" aria-label=${this.label()}></canvas>`;
  }

  protected override async updated(changed: PropertyValues<this>): Promise<void> {
    if (!changed.has('series')) return;
    const ChartClass = await loadChart();
    const labels = this.series.map((point) =>
      new Date(point.minute).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }),
    );
    const data = this.series.map((point) => point.units);
    if (this.chart) {
      this.chart.data.labels = labels;
      this.chart.data.datasets[0]!.data = data;
      this.chart.update('none');
      return;
    }
    const accent = getComputedStyle(this).getPropertyValue('--live-shop-accent').trim() || '#e11d48';
    this.chart = new ChartClass(this.renderRoot.querySelector('canvas')!, {
      type: 'bar',
      data: { labels, datasets: [{ label: 'Units sold', data, backgroundColor: accent }] },
      options: {
        animation: false,
        maintainAspectRatio: false,
        plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } }, x: { ticks: { maxTicksLimit: 6 } } },
      },
    });
  }

  private label(): string {
    const total = this.series.reduce((sum, point) => sum + point.units, 0);
    return `Units sold per minute, last ${this.series.length} minutes: ${total} in all`;
  }
}

if (!customElements.get('liveshop-sales-chart')) customElements.define('liveshop-sales-chart', LiveshopSalesChart);

declare global {
  interface HTMLElementTagNameMap {
    'liveshop-sales-chart': LiveshopSalesChart;
  }
}
