import type { PosDriftLine, PosDriftReport } from '@liveshop/protocol';
import { css, html, LitElement, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';

const time = (at: number) =>
  new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const count = (value: number | null) => (value === null ? '—' : String(value));
const signed = (value: number) => (value > 0 ? `+${value}` : String(value));

/**
 * @summary POS drift of the show: per SKU and location where the POS and the show disagree, our
 * count, the POS's count, the difference (POS − ours) and when it was reconciled; "No drift" when
 * every line agrees; the failure in words when the drift could not be read.
 *
 * The moderator console sets `report` from the `/moderator` `pos:drift` request on every join and
 * from each `pos:drift` push (sent after every reconciliation, then `reconciled` is true).
 */
export class LiveshopPosDriftPanel extends LitElement {
  static override styles = css`
    :host {
      display: block;
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
    .sku {
      font-family: ui-monospace, monospace;
      font-size: 0.85rem;
    }
    .drift.more {
      color: var(--live-shop-low-stock, #c2410c);
      font-weight: 650;
    }
    .drift.less {
      color: var(--live-shop-error, #b91c1c);
      font-weight: 650;
    }
    p {
      margin: 0;
    }
    .as-of {
      margin-top: 0.5rem;
    }
    .muted {
      color: var(--live-shop-muted, #71717a);
      font-size: 0.85rem;
    }
    .none {
      color: var(--live-shop-text, #18181b);
    }
    .error {
      color: var(--live-shop-error, #b91c1c);
    }
  `;
  static override properties = {
    report: { attribute: false },
    reconciled: { type: Boolean },
    error: {},
  };

  /** The newest drift report; null until the first one comes. */
  declare report: PosDriftReport | null;
  /** Whether `report` is a reconciliation's (a push) rather than the stored counts read on join. */
  declare reconciled: boolean;
  /** Why the drift could not be read; empty when it could. */
  declare error: string;

  constructor() {
    super();
    this.report = null;
    this.reconciled = false;
    this.error = '';
  }

  protected override render() {
    const error = this.error
      ? html`<p class="error" role="alert">Could not read the POS drift: ${this.error}</p>`
      : nothing;
    const report = this.report;
    if (!report) return html`${error}${this.error ? nothing : html`<p class="muted">Loading the POS drift…</p>`}`;
    const drifting = report.lines.filter((line) => line.drift !== 0);
    const when = html`<time datetime=${new Date(report.at).toISOString()}>${time(report.at)}</time>`;
    const note = this.reconciled
      ? html`<p class="muted as-of">Reconciled with the POS at ${when}.</p>`
      : html`<p class="muted as-of">Counts as of ${when}.</p>`;
    if (drifting.length === 0) {
      return html`${error}
        <p class="none" data-state="none">
          <strong>No drift</strong>:
          ${report.lines.length === 1 ? '1 count agrees' : `${report.lines.length} counts agree`} with the POS.
        </p>
        ${note}`;
    }
    return html`${error}
      <table>
        <thead>
          <tr>
            <th scope="col">SKU</th>
            <th scope="col">Location</th>
            <th scope="col" class="number">Ours</th>
            <th scope="col" class="number">POS</th>
            <th scope="col" class="number">Difference</th>
            <th scope="col">${this.reconciled ? 'Reconciled' : 'Read'}</th>
          </tr>
        </thead>
        <tbody>
          ${repeat(
            drifting,
            (line) => `${line.sku}\u0000${line.locationId}`,
            (line) => this.renderLine(line, report.at),
          )}
        </tbody>
      </table>
      ${note}`;
  }

  private renderLine(line: PosDriftLine, at: number) {
    return html`<tr data-sku=${line.sku} data-location=${line.locationId}>
      <th scope="row" class="sku">${line.sku}</th>
      <td>${line.locationId}</td>
      <td class="number" data-count="live">${count(line.live)}</td>
      <td class="number" data-count="pos">${count(line.pos)}</td>
      <td class="number drift ${line.drift > 0 ? 'more' : 'less'}" data-count="drift">${signed(line.drift)}</td>
      <td><time datetime=${new Date(at).toISOString()}>${time(at)}</time></td>
    </tr>`;
  }
}

if (!customElements.get('liveshop-pos-drift-panel')) {
  customElements.define('liveshop-pos-drift-panel', LiveshopPosDriftPanel);
}

declare global {
  interface HTMLElementTagNameMap {
    'liveshop-pos-drift-panel': LiveshopPosDriftPanel;
  }
}
