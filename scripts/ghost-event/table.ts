/** The ghost event's report as a table on stdout, then the verdict and the hints. */
import { fmt, fmtCounts, fmtInt, printTable, type Row } from '../bench/lib/report.js';
import type { GhostReport } from './summary.js';

const ms = (value: number | null) => (value === null ? 'n/a' : fmt(value));
const quartet = (p: GhostReport['ackMs']) => `${ms(p.p50)} / ${ms(p.p90)} / ${ms(p.p99)} / ${ms(p.max)}`;

export function printReport(report: GhostReport): void {
  const { connect, stock } = report;
  const connected = (figures: GhostReport['connect']['shoppers']) =>
    figures.requested === 0
      ? 'none'
      : `${fmtInt(figures.connected - figures.joinFailed)} of ${fmtInt(figures.requested)} in ${fmt(figures.ms / 1000)} s`;
  const rows: Row[] = [
    {
      what: 'event',
      measured: `${report.event.id} (${report.event.created ? `created, ${report.event.ended ? 'ended afterwards' : 'still live'}` : 'existing, left as it was'})`,
      target: '',
    },
    {
      what: 'connected and joined: shoppers; viewers',
      measured: `${connected(connect.shoppers)}; ${connected(connect.viewers)} (${report.workers} load workers)`,
      target: 'all',
      pass:
        connect.shoppers.failed + connect.shoppers.joinFailed + connect.viewers.failed + connect.viewers.joinFailed ===
        0,
    },
    ...report.skus.map((check) => ({
      what: `${check.sku}: holds (units) / answers / available before → after`,
      measured: `${fmtInt(check.holds)} (${fmtInt(check.granted)}) / ${fmtCounts(check.answers)} / ${fmtInt(check.units)} → ${fmtInt(check.finalAvailable)}`,
      target: `≤ ${fmtInt(check.units)} units`,
      pass: check.oversell === 0,
    })),
    {
      what: 'holds granted (units held)',
      measured: `${fmtInt(report.holds)} (${fmtInt(report.unitsHeld)})`,
      target: '',
    },
    { what: 'SOLD_OUT answers', measured: fmtInt(report.soldOut), target: '' },
    {
      what: 'other answers to Buy Now',
      measured: fmtCounts(report.errors),
      target: 'LIMIT_EXCEEDED only',
      pass: Object.keys(report.errors).every((code) => code === 'LIMIT_EXCEEDED'),
    },
    { what: 'oversell (units)', measured: fmtInt(report.oversell), target: '0', pass: report.oversell === 0 },
    { what: 'Buy Now ack ms p50 / p90 / p99 / max', measured: quartet(report.ackMs), target: '' },
    {
      what: 'answers per second (first tap → last answer)',
      measured: `${fmtInt(report.throughputPerSec)} (${fmt(report.burstWallMs / 1000, 2)} s)`,
      target: '',
    },
    {
      what: `stock delivery to ${fmtInt(stock.watchers)} watchers, ms p50 / p90 / p99 / max`,
      measured: quartet(stock.deliveryMs),
      target: '',
    },
    {
      what: 'stock messages per watcher: most in one second; in all',
      measured: `${stock.maxMessagesPerViewerPerSecond}; ${fmt(stock.messagesPerWatcher, 1)}`,
      target: '',
    },
    {
      what: 'watchers whose last stock is the final stock',
      measured: `${fmtInt(stock.watchers - stock.stale)} of ${fmtInt(stock.watchers)} (after ${fmtInt(stock.settleMs)} ms)`,
      target: 'all',
      pass: stock.lastStockMatchesFinal,
    },
  ];
  if (report.checkout) {
    const checkout = report.checkout;
    rows.push(
      {
        what: 'checkout: confirmed of attempted / answers',
        measured: `${fmtInt(checkout.confirmed)} of ${fmtInt(checkout.attempted)} / ${fmtCounts(checkout.answers)}`,
        target: 'all',
        pass: checkout.confirmed === checkout.attempted,
      },
      { what: 'checkout ack ms p50 / p90 / p99 / max', measured: quartet(checkout.ackMs), target: '' },
      { what: 'orders confirmed per second', measured: fmtInt(checkout.ordersPerSec), target: '' },
    );
  }
  rows.push({
    what: 'connections dropped during the run',
    measured: fmtInt(report.unexpectedDisconnects),
    target: '0',
    pass: report.unexpectedDisconnects === 0,
  });
  printTable(
    `Ghost event on ${report.url}: ${fmtInt(report.shoppers)} shoppers, ${fmtInt(report.viewers)} viewers`,
    rows,
  );
  console.log(`\n${report.ok ? 'PASS' : 'FAIL'}${report.ok ? ': no oversell, no unexpected error' : ''}`);
  for (const failure of report.failures) console.log(`  - ${failure}`);
  for (const hint of report.hints) console.log(`\nHint: ${hint}`);
}
