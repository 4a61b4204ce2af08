import type { InventoryStore } from '@liveshop/inventory';
import type { AnalyticsSeries, EventAnalytics, ProductAnalytics } from '@liveshop/protocol';
import type { EventService } from '../catalog/event-service.js';
import type { SqlExecutor } from '../db/sql-store.js';

/** Most minutes a sales series holds (the latest ones of a longer show). */
export const SERIES_MAX_MINUTES = 600;
const MINUTE = 60_000;

/** An order counts once it was confirmed: `confirmed`, or `refunded` (which was confirmed first). */
const COUNTED = `status in ('confirmed', 'refunded')`;

/** `a / b` rounded half up to a whole number; 0 when `b` is 0. Both are whole and not negative. */
export function divideRounded(a: number, b: number): number {
  if (b === 0) return 0;
  return Math.floor((2 * a + b) / (2 * b));
}

/** `a / b` rounded half up to 4 decimal places; 0 when `b` is 0. */
export function ratio(a: number, b: number): number {
  return divideRounded(a * 10_000, b) / 10_000;
}

type Num = string | number | null;
const n = (value: Num | undefined): number => Number(value ?? 0);
const ms = (value: Date | string): number => new Date(value).getTime();

/**
 * An event's analytics, computed from the durable facts on each request (nothing cached, so the
 * host's live view and the figures after the show are the same computation): sessions and viewer
 * samples (0140), holds (0147), orders and refunds (0010), counter sales and customer profiles
 * (0145, 0146). Definitions: docs/protocol.md, "Analytics".
 */
export class EventReport {
  constructor(
    private readonly deps: {
      db: SqlExecutor;
      events: Pick<EventService, 'require'>;
      inventory: Pick<InventoryStore, 'snapshot'>;
      /** Viewers connected now (summed over processes): the peak counts the current minute too. */
      viewersNow: (eventId: string) => Promise<number>;
      influenceWindowHours: number;
    },
  ) {}

  async analytics(eventId: string): Promise<EventAnalytics> {
    const { db } = this.deps;
    const [snapshot, viewers, orders, products, influenced, allocations] = await Promise.all([
      this.deps.events.require(eventId),
      this.#viewers(eventId),
      db.query<{ orders: Num; net: Num; refunded: Num }>(
        `select count(*) as orders, coalesce(sum(total_cents - refunded_cents), 0) as net,
           count(*) filter (where refunded_cents > 0) as refunded
           from orders where event_id = $1 and ${COUNTED}`,
        [eventId],
      ),
      this.#products(eventId),
      this.#influenced(eventId),
      this.#allocations(eventId),
    ]);
    const orderCount = n(orders.rows[0]?.orders);
    const direct = n(orders.rows[0]?.net);
    const refunded = n(orders.rows[0]?.refunded);
    const productRows: ProductAnalytics[] = snapshot.products.map((product) => {
      const row = products.get(product.sku);
      const allocated = allocations.get(product.sku) ?? 0;
      return {
        sku: product.sku,
        impressions: row?.impressions ?? 0,
        clicks: row?.clicks ?? 0,
        holds: row?.holds ?? 0,
        orders: row?.orders ?? 0,
        revenueCents: row?.revenueCents ?? 0,
        sellThrough: ratio(row?.units ?? 0, allocated),
      };
    });
    return {
      sessions: viewers.sessions,
      uniqueViewers: viewers.uniqueViewers,
      peakViewers: viewers.peakViewers,
      orders: orderCount,
      revenueCents: { direct, influenced },
      conversionRate: ratio(orderCount, viewers.sessions),
      aovCents: divideRounded(direct, orderCount),
      revenuePerSessionCents: divideRounded(direct + influenced, viewers.sessions),
      refundRate: ratio(refunded, orderCount),
      products: productRows,
    };
  }

  /** The series of the host's reports. */
  async series(eventId: string, analytics: EventAnalytics): Promise<AnalyticsSeries> {
    const { db } = this.deps;
    const [snapshot, times, sales, pins, stock] = await Promise.all([
      this.deps.events.require(eventId),
      db.query<{ started_at: Date | string | null; ended_at: Date | string | null }>(
        'select started_at, ended_at from events where id = $1',
        [eventId],
      ),
      db.query<{ minute: Date | string; orders: Num; units: Num; revenue: Num }>(
        `select date_trunc('minute', o.created_at) as minute, count(distinct o.id) as orders,
           coalesce(sum(l.qty - l.refunded_qty), 0) as units,
           coalesce(sum((l.qty - l.refunded_qty) * l.unit_price_cents), 0) as revenue
           from orders o join order_lines l on l.order_id = o.id
          where o.event_id = $1 and o.${COUNTED} group by 1 order by 1`,
        [eventId],
      ),
      db.query<{ sku: string; pinned_at: Date | string; unpinned_at: Date | string | null }>(
        'select sku, pinned_at, unpinned_at from pin_history where event_id = $1 order by pinned_at, id',
        [eventId],
      ),
      db.query<{ sku: string; minute: Date | string; available: Num }>(
        'select sku, minute, available from stock_samples where event_id = $1 order by sku, minute',
        [eventId],
      ),
    ]);
    const byMinute = new Map(
      sales.rows.map((row) => [
        ms(row.minute),
        { orders: n(row.orders), units: n(row.units), revenueCents: n(row.revenue) },
      ]),
    );
    const started = times.rows[0]?.started_at ? ms(times.rows[0].started_at) : undefined;
    const ended = times.rows[0]?.ended_at ? ms(times.rows[0].ended_at) : undefined;
    const floor = (t: number) => Math.floor(t / MINUTE) * MINUTE;
    const saleMinutes = [...byMinute.keys()];
    const first = floor(Math.min(started ?? Infinity, ...saleMinutes, Date.now()));
    const last = floor(Math.max(ended ?? Date.now(), ...saleMinutes));
    const salesPerMinute: AnalyticsSeries['salesPerMinute'] = [];
    for (let minute = Math.max(first, last - (SERIES_MAX_MINUTES - 1) * MINUTE); minute <= last; minute += MINUTE) {
      salesPerMinute.push({ minute, ...(byMinute.get(minute) ?? { orders: 0, units: 0, revenueCents: 0 }) });
    }
    const stockBySku = new Map<string, { minute: number; available: number }[]>();
    for (const row of stock.rows) {
      const points = stockBySku.get(row.sku) ?? [];
      points.push({ minute: ms(row.minute), available: n(row.available) });
      stockBySku.set(row.sku, points);
    }
    const sum = (pick: (p: ProductAnalytics) => number) => analytics.products.reduce((t, p) => t + pick(p), 0);
    const series: AnalyticsSeries = {
      salesPerMinute,
      pins: pins.rows.map((row) => ({
        sku: row.sku,
        from: ms(row.pinned_at),
        to: row.unpinned_at ? ms(row.unpinned_at) : null,
      })),
      stock: snapshot.products.map((product) => ({ sku: product.sku, points: stockBySku.get(product.sku) ?? [] })),
      funnel: {
        impressions: sum((p) => p.impressions),
        clicks: sum((p) => p.clicks),
        holds: sum((p) => p.holds),
        orders: analytics.orders,
      },
    };
    const currency = snapshot.products[0]?.currency;
    if (currency) series.currency = currency;
    return series;
  }

  async #viewers(eventId: string): Promise<{ sessions: number; uniqueViewers: number; peakViewers: number }> {
    const { db } = this.deps;
    const [sessions, peak, now] = await Promise.all([
      db.query<{ sessions: Num; unique_viewers: Num }>(
        `select count(*) as sessions, count(distinct shopper_id) as unique_viewers
           from viewer_sessions where event_id = $1`,
        [eventId],
      ),
      db.query<{ peak: Num }>(
        `select coalesce(max(total), 0) as peak from (
           select sum(peak_viewers) as total from viewer_samples where event_id = $1 group by minute) as minutes`,
        [eventId],
      ),
      this.deps.viewersNow(eventId),
    ]);
    return {
      sessions: n(sessions.rows[0]?.sessions),
      uniqueViewers: n(sessions.rows[0]?.unique_viewers),
      peakViewers: Math.max(n(peak.rows[0]?.peak), now),
    };
  }

  async #products(eventId: string) {
    const { db } = this.deps;
    const [impressions, clicks, holds, lines] = await Promise.all([
      db.query<{ sku: string; count: Num }>(
        'select sku, count(*) as count from product_impressions where event_id = $1 group by sku',
        [eventId],
      ),
      db.query<{ sku: string; count: Num }>(
        'select sku, sum(clicks) as count from product_clicks where event_id = $1 group by sku',
        [eventId],
      ),
      db.query<{ sku: string; holds: Num }>('select sku, holds from hold_counts where event_id = $1', [eventId]),
      db.query<{ sku: string; orders: Num; units: Num; revenue: Num }>(
        `select l.sku, count(distinct o.id) as orders, sum(l.qty - l.refunded_qty) as units,
           sum((l.qty - l.refunded_qty) * l.unit_price_cents) as revenue
           from orders o join order_lines l on l.order_id = o.id
          where o.event_id = $1 and o.${COUNTED} group by l.sku`,
        [eventId],
      ),
    ]);
    const rows = new Map<
      string,
      { impressions: number; clicks: number; holds: number; orders: number; units: number; revenueCents: number }
    >();
    const row = (sku: string) => {
      let found = rows.get(sku);
      if (!found) {
        found = { impressions: 0, clicks: 0, holds: 0, orders: 0, units: 0, revenueCents: 0 };
        rows.set(sku, found);
      }
      return found;
    };
    for (const r of impressions.rows) row(r.sku).impressions = n(r.count);
    for (const r of clicks.rows) row(r.sku).clicks = n(r.count);
    for (const r of holds.rows) row(r.sku).holds = n(r.holds);
    for (const r of lines.rows) {
      Object.assign(row(r.sku), { orders: n(r.orders), units: n(r.units), revenueCents: n(r.revenue) });
    }
    return rows;
  }

  /** Each SKU's units allocated: Redis's count (it follows the POS in shared mode), else the last one set. */
  async #allocations(eventId: string): Promise<Map<string, number>> {
    const allocations = new Map<string, number>();
    const { rows } = await this.deps.db.query<{ sku: string; units: Num }>(
      'select sku, sum(units) as units from stock_allocations where event_id = $1 group by sku',
      [eventId],
    );
    for (const row of rows) allocations.set(row.sku, n(row.units));
    const live = await this.deps.inventory.snapshot(eventId).catch(() => []);
    for (const row of live) allocations.set(row.sku, row.allocated);
    return allocations;
  }

  /**
   * Influenced revenue: counter sales (not POS test orders) and online orders of other events,
   * net of refunds, in the event's currency, by a customer who watched — a profile linked (by an
   * order of that shopper id, or `shopper_customers`) to a shopper id with a session of this event —
   * made from that customer's first session of the event until the influence window after its end.
   */
  async #influenced(eventId: string): Promise<number> {
    const { rows } = await this.deps.db.query<{ pos: Num; online: Num }>(
      `with event as (
         select e.ended_at + make_interval(hours => $2::int) as until,
                (select currency from products where event_id = e.id order by position limit 1) as currency
           from events e where e.id = $1),
       watchers as (
         select shopper_id, min(started_at) as first_seen from viewer_sessions
          where event_id = $1 and shopper_id is not null group by shopper_id),
       links as (
         select shopper_id, customer_id from orders where shopper_id is not null and customer_id is not null
         union
         select shopper_id, customer_id::bigint from shopper_customers where customer_id ~ '^[0-9]{1,18}$'),
       watched as (
         select coalesce(c.merged_into, c.id) as customer_id, min(w.first_seen) as first_seen
           from watchers w join links l on l.shopper_id = w.shopper_id join customers c on c.id = l.customer_id
          group by 1)
       select
         (select coalesce(sum(p.total_cents), 0) from pos_sales p
            join customers c on c.id = p.customer_id
            join watched w on w.customer_id = coalesce(c.merged_into, c.id), event
           where not p.test and p.currency = event.currency and p.occurred_at >= w.first_seen
             and (event.until is null or p.occurred_at <= event.until)) as pos,
         (select coalesce(sum(o.total_cents - o.refunded_cents), 0) from orders o
            join customers c on c.id = o.customer_id
            join watched w on w.customer_id = coalesce(c.merged_into, c.id), event
           where o.event_id <> $1 and o.${COUNTED} and o.currency = event.currency and o.created_at >= w.first_seen
             and (event.until is null or o.created_at <= event.until)) as online`,
      [eventId, this.deps.influenceWindowHours],
    );
    return n(rows[0]?.pos) + n(rows[0]?.online);
  }
}
