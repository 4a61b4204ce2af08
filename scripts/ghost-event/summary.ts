/**
 * The ghost event's result as one object (what `--json` prints): the figures, the verdict (every
 * reason the run failed), and hints that say what to change when a failure has a known cause.
 */
import { addCounts, sumCounts, type Counts } from '../bench/lib/counts.js';
import { fmtCounts } from '../bench/lib/report.js';
import { summarize, type LatencySummary } from '../bench/lib/stats.js';
import type { GhostOptions } from './options.js';
import type { GhostRun } from './run.js';
import { RATE_LIMIT_HINT } from './server-api.js';
import type { SkuStockCheck } from './stock-check.js';

/** Reserve answers a drop expects besides a hold. */
const EXPECTED_REFUSALS = new Set(['SOLD_OUT', 'LIMIT_EXCEEDED']);

/** Milliseconds; `null` when nothing was measured. */
interface Percentiles {
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
}
interface ConnectFigures {
  requested: number;
  connected: number;
  failed: number;
  joinFailed: number;
  ms: number;
}

export interface GhostReport {
  ok: boolean;
  url: string;
  event: { id: string; created: boolean; ended: boolean };
  shoppers: number;
  viewers: number;
  workers: number;
  qty: number;
  /** Units available before the burst, over every SKU. */
  units: number;
  /** Granted holds (acknowledged reserves). */
  holds: number;
  unitsHeld: number;
  soldOut: number;
  /** Every reserve answer other than a hold or SOLD_OUT, by code (`TIMEOUT`: no answer in time). */
  errors: Counts;
  /** The server's message for each error code (the first seen). */
  errorMessages: Record<string, string>;
  oversell: number;
  ackMs: Percentiles;
  /** Reserve answers per second, first emit to last answer. */
  throughputPerSec: number;
  burstWallMs: number;
  skus: (SkuStockCheck & { answers: Counts })[];
  connect: { shoppers: ConnectFigures; viewers: ConnectFigures; errors: Counts };
  stock: {
    /** Connections that joined the event and so hear its stock (viewers and shoppers). */
    watchers: number;
    /** From a hold's ack to its shopper, to each watcher's first message carrying that stock. */
    deliveryMs: Percentiles;
    missed: number;
    maxMessagesPerViewerPerSecond: number;
    messagesPerWatcher: number;
    lastStockMatchesFinal: boolean;
    /** Watchers whose last stock (message or join snapshot) was not the final one. */
    stale: number;
    settleMs: number;
  };
  checkout?: {
    attempted: number;
    confirmed: number;
    answers: Counts;
    ackMs: Percentiles;
    ordersPerSec: number;
    messages: Record<string, string>;
  };
  unexpectedDisconnects: number;
  failures: string[];
  hints: string[];
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
const roundOrNull = (value: number) => (Number.isFinite(value) ? round(value) : null);

function percentiles(summary: LatencySummary): Percentiles {
  return {
    p50: roundOrNull(summary.p50),
    p90: roundOrNull(summary.p90),
    p99: roundOrNull(summary.p99),
    max: roundOrNull(summary.max),
  };
}

const connectFigures = (requested: number, result: GhostRun['connect']['shoppers']): ConnectFigures => ({
  requested,
  connected: result.connected,
  failed: result.failed,
  joinFailed: result.joinFailed,
  ms: Math.round(result.ms),
});

export function summarizeRun(options: GhostOptions, run: GhostRun): GhostReport {
  const { burst } = run;
  const { ok: holds = 0, SOLD_OUT: soldOut = 0, ...errors } = burst.outcomes;
  const answered = burst.latencies.length;
  const report: GhostReport = {
    ok: false,
    url: options.url,
    event: { id: run.eventId, created: run.eventCreated, ended: run.eventEnded },
    shoppers: options.shoppers,
    viewers: options.viewers,
    workers: run.workers,
    qty: options.qty,
    units: run.stock.reduce((sum, check) => sum + check.units, 0),
    holds,
    unitsHeld: run.stock.reduce((sum, check) => sum + check.granted, 0),
    soldOut,
    errors,
    errorMessages: Object.fromEntries(Object.entries(burst.messages).filter(([code]) => code !== 'SOLD_OUT')),
    oversell: run.stock.reduce((sum, check) => sum + check.oversell, 0),
    ackMs: percentiles(summarize(burst.latencies)),
    throughputPerSec: round(burst.wallMs > 0 ? answered / (burst.wallMs / 1000) : 0, 0),
    burstWallMs: Math.round(burst.wallMs),
    skus: run.stock.map((check) => ({ ...check, answers: burst.outcomesBySku[check.sku] ?? {} })),
    connect: {
      shoppers: connectFigures(options.shoppers, run.connect.shoppers),
      viewers: connectFigures(options.viewers, run.connect.viewers),
      errors: addCounts({ ...run.connect.viewers.errors }, run.connect.shoppers.errors),
    },
    stock: {
      watchers: run.watch.viewers,
      deliveryMs: percentiles(run.watch.delivery),
      missed: run.watch.missed,
      maxMessagesPerViewerPerSecond: run.watch.maxPerSecond,
      messagesPerWatcher: round(run.watch.totalMessages / Math.max(1, run.watch.viewers), 2),
      lastStockMatchesFinal: run.watch.lastMismatch === 0,
      stale: run.watch.lastMismatch,
      settleMs: Math.round(run.watch.settleMs),
    },
    checkout: undefined,
    unexpectedDisconnects: run.unexpectedDisconnects,
    failures: [],
    hints: [],
  };
  if (run.checkout) {
    const checkout = run.checkout;
    const confirmed = checkout.outcomes['ok:confirmed'] ?? 0;
    report.checkout = {
      attempted: checkout.attempted,
      confirmed,
      answers: checkout.outcomes,
      ackMs: percentiles(summarize(checkout.latencies)),
      ordersPerSec: round(checkout.wallMs > 0 ? confirmed / (checkout.wallMs / 1000) : 0, 0),
      messages: checkout.messages,
    };
  }
  report.failures = failuresOf(report, run);
  report.hints = hintsFor(report);
  report.ok = report.failures.length === 0;
  return report;
}

function failuresOf(report: GhostReport, run: GhostRun): string[] {
  const failures: string[] = [];
  for (const check of report.skus) {
    if (check.oversell > 0) {
      failures.push(
        `OVERSELL of ${check.oversell} unit(s) of ${check.sku}: ${check.granted} granted + ` +
          `${check.finalAvailable} still available > ${check.units} units`,
      );
    }
  }
  const unexpected = Object.fromEntries(Object.entries(report.errors).filter(([code]) => !EXPECTED_REFUSALS.has(code)));
  if (sumCounts(unexpected) > 0) {
    const said = Object.keys(unexpected)
      .filter((code) => report.errorMessages[code])
      .map((code) => `${code}: "${report.errorMessages[code]}"`);
    failures.push(
      `unexpected answers to Buy Now: ${fmtCounts(unexpected)}${said.length ? ` (${said.join('; ')})` : ''}`,
    );
  }
  const timedOut = (report.errors.TIMEOUT ?? 0) > 0;
  if (run.eventCreated && !timedOut) {
    for (const check of report.skus) {
      if (check.unaccounted !== 0) {
        failures.push(
          `${check.sku}: the server shows ${check.finalAvailable} available after the burst, but ` +
            `${check.units} units − ${check.granted} granted = ${check.expectedAvailable} on an event nothing else touched`,
        );
      }
    }
  }
  const { shoppers, viewers } = report.connect;
  const failed = shoppers.failed + viewers.failed;
  const joinFailed = shoppers.joinFailed + viewers.joinFailed;
  if (failed + joinFailed > 0) {
    failures.push(
      `${failed} connection(s) failed and ${joinFailed} join(s) were refused: ${fmtCounts(report.connect.errors)}`,
    );
  }
  if (!report.stock.lastStockMatchesFinal) {
    failures.push(
      `${report.stock.stale} of ${report.stock.watchers} watchers did not end on the final stock within ` +
        `${Math.round(report.stock.settleMs / 1000)} s`,
    );
  }
  if (report.unexpectedDisconnects > 0) {
    failures.push(`${report.unexpectedDisconnects} connection(s) dropped during the run`);
  }
  if (report.checkout && report.checkout.confirmed < report.checkout.attempted) {
    const notConfirmed = Object.fromEntries(
      Object.entries(report.checkout.answers).filter(([outcome]) => outcome !== 'ok:confirmed'),
    );
    failures.push(
      `checkout: ${report.checkout.attempted - report.checkout.confirmed} of ${report.checkout.attempted} ` +
        `not confirmed (${fmtCounts(notConfirmed)})`,
    );
  }
  return failures;
}

function hintsFor(report: GhostReport): string[] {
  const hints: string[] = [];
  const codes = [
    ...Object.keys(report.errors),
    ...Object.keys(report.connect.errors).map((key) => key.replace(/^join:/, '')),
    ...Object.keys(report.checkout?.answers ?? {}),
  ];
  // A refused handshake carries the server's wording rather than a code: match that too.
  if (codes.some((code) => /RATE_LIMITED|rate.?limit/i.test(code))) {
    hints.push(`The server answered RATE_LIMITED. ${RATE_LIMIT_HINT}`);
  }
  const unknownCheckout = report.checkout?.messages.INVALID_INPUT;
  if (unknownCheckout && /unknown event/i.test(unknownCheckout)) {
    hints.push(
      `This server does not handle checkout (it answered INVALID_INPUT: ${unknownCheckout}); ` +
        '--checkout needs a server version with checkout.',
    );
  }
  if (unknownCheckout && /not offered/i.test(unknownCheckout)) {
    hints.push(
      `This server does not handle checkout with the test card (it answered INVALID_INPUT: ${unknownCheckout}); ` +
        '--checkout needs a server offering the test payment provider (demo mode, or its testPayments option).',
    );
  }
  if (report.connect.shoppers.failed + report.connect.viewers.failed > 0) {
    hints.push(
      'Connections failed: check the URL, and that the open-file limit of the shell that starts the server ' +
        `(ulimit -n) is above ${report.shoppers + report.viewers + 1000} (its connections plus its own files).`,
    );
  }
  if (codes.includes('TIMEOUT')) {
    hints.push(
      'Some answers did not arrive within --timeout: the server (or this machine, which also runs the load ' +
        'generator) was saturated. A reserve without an answer may still have been granted. Try --rate, ' +
        'or fewer shoppers from this machine.',
    );
  }
  if ((report.errors.LIMIT_EXCEEDED ?? 0) > 0) {
    hints.push(
      "LIMIT_EXCEEDED: the SKU's per-shopper limit is below --qty; every simulated shopper is its own session.",
    );
  }
  return hints;
}
