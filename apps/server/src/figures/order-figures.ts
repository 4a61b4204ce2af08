import type { SqlStore } from '../db/sql-store.js';

/** Orders and revenue of an event, where the database records orders. */
export interface OrderTotals {
  orders: number;
  revenueCents: number;
}

const RECHECK_MS = 60_000;

/**
 * Reads an event's taken orders (confirmed, or refunded since) and their revenue net of refunds from
 * the `orders` table, when the database
 * has one (checkout records orders there). Without it, or when the query fails, the figures carry
 * no orders or revenue rather than an invented number.
 */
export class OrderFigures {
  #present: { value: boolean; at: number } | null = null;

  constructor(private readonly db: SqlStore) {}

  async totals(eventId: string): Promise<OrderTotals | undefined> {
    if (!this.#present || Date.now() - this.#present.at > RECHECK_MS) {
      const { rows } = await this.db.query<{ present: boolean }>("select to_regclass('orders') is not null as present");
      this.#present = { value: rows[0]?.present === true, at: Date.now() };
    }
    if (!this.#present.value) return undefined;
    try {
      const { rows } = await this.db.query<{ orders: string | number; revenue: string | number | null }>(
        `select count(*) as orders, coalesce(sum(total_cents - refunded_cents), 0) as revenue
           from orders where event_id = $1 and status in ('confirmed', 'refunded')`,
        [eventId],
      );
      return { orders: Number(rows[0]?.orders ?? 0), revenueCents: Number(rows[0]?.revenue ?? 0) };
    } catch {
      return undefined;
    }
  }
}
