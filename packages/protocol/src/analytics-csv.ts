import type { EventAnalytics } from './reports.js';

/*
 * The analytics CSV, in a module of its own without zod: the host console imports it as
 * `@liveshop/protocol/analytics-csv` and builds the same file the admin API answers.
 */

export const ANALYTICS_CSV_COLUMNS = [
  'row',
  'sku',
  'sessions',
  'uniqueViewers',
  'peakViewers',
  'orders',
  'directRevenueCents',
  'influencedRevenueCents',
  'conversionRate',
  'aovCents',
  'revenuePerSessionCents',
  'refundRate',
  'impressions',
  'clicks',
  'holds',
  'revenueCents',
  'sellThrough',
] as const;

/**
 * The analytics as CSV (RFC 4180, CRLF line ends): a header, one `event` row with the event's
 * figures, then one `product` row per product; a cell that does not apply is empty.
 */
export function analyticsCsv(analytics: EventAnalytics): string {
  const cell = (value: string | number | undefined) => {
    if (value === undefined) return '';
    const text = String(value);
    return /[",\r\n]/.test(text) || /^[=+\-@]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const lines = [ANALYTICS_CSV_COLUMNS.join(',')];
  const event: Partial<Record<(typeof ANALYTICS_CSV_COLUMNS)[number], string | number>> = {
    row: 'event',
    sessions: analytics.sessions,
    uniqueViewers: analytics.uniqueViewers,
    peakViewers: analytics.peakViewers,
    orders: analytics.orders,
    directRevenueCents: analytics.revenueCents.direct,
    influencedRevenueCents: analytics.revenueCents.influenced,
    conversionRate: analytics.conversionRate,
    aovCents: analytics.aovCents,
    revenuePerSessionCents: analytics.revenuePerSessionCents,
    refundRate: analytics.refundRate,
  };
  lines.push(ANALYTICS_CSV_COLUMNS.map((column) => cell(event[column])).join(','));
  for (const product of analytics.products) {
    const row: Partial<Record<(typeof ANALYTICS_CSV_COLUMNS)[number], string | number>> = { row: 'product', ...product };
    lines.push(ANALYTICS_CSV_COLUMNS.map((column) => cell(row[column])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
