import { z } from 'zod';
import { eventIdSchema } from './ids.js';

/** One product's figures in an event's analytics (definitions: docs/protocol.md, "Analytics"). */
export interface ProductAnalytics {
  sku: string;
  /** Sessions in which the product's card was seen. */
  impressions: number;
  /** Clicks on the product (each session's clicks capped at 10). */
  clicks: number;
  /** Holds placed (successful reserves), from the ledger. */
  holds: number;
  /** Counted orders with a line of this product. */
  orders: number;
  /** The product's lines in counted orders, net of refunded units, in minor units. */
  revenueCents: number;
  /** Units sold net of refunds / units allocated, to 4 decimal places. */
  sellThrough: number;
}

/**
 * `GET /api/admin/events/:id/analytics`, and `/host` `analytics`: what a show earned. Amounts are
 * integer minor units of the event's currency, net of refunds; ratios have 4 decimal places.
 */
export interface EventAnalytics {
  sessions: number;
  uniqueViewers: number;
  peakViewers: number;
  orders: number;
  revenueCents: { direct: number; influenced: number };
  conversionRate: number;
  aovCents: number;
  revenuePerSessionCents: number;
  refundRate: number;
  products: ProductAnalytics[];
}

/** The series the host's reports chart (epoch ms of each minute's start). */
export interface AnalyticsSeries {
  currency?: string;
  /** Counted orders per minute of the show: orders, units net of refunds, revenue net of refunds. */
  salesPerMinute: { minute: number; orders: number; units: number; revenueCents: number }[];
  /** When each product was pinned (`to` null while it still is). */
  pins: { sku: string; from: number; to: number | null }[];
  /** Units available per SKU, sampled once a minute. */
  stock: { sku: string; points: { minute: number; available: number }[] }[];
  /** The funnel over every product: impressions → clicks → holds → orders. */
  funnel: { impressions: number; clicks: number; holds: number; orders: number };
}

/** `/host` `analytics`: the event's analytics and the series of its reports. */
export const analyticsPayload = z.strictObject({ eventId: eventIdSchema });
export type AnalyticsPayload = z.infer<typeof analyticsPayload>;

/** `?format=json` (default) or `?format=csv` on the admin route. */
export const analyticsQuery = z.strictObject({ format: z.enum(['json', 'csv']).optional() });

export { analyticsCsv, ANALYTICS_CSV_COLUMNS } from './analytics-csv.js';
