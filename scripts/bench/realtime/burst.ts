/**
 * The drop: N shoppers (10,000) each hit Buy Now once, at once, on one SKU with few units
 * (500). Checks the outcome exactly and records ack latency from each shopper's emit. Runs two
 * ways: shoppers that watch the event (joined its room, as every real shopper is, so each sale's
 * stock change is pushed to all of them while the burst runs) and shoppers that do not. Watching,
 * it also records the stock messages each shopper got: at most 10 a second, the last one the
 * final stock.
 */
import type { LoadGenerator } from '../load/generator.js';
import type { BenchTarget } from '../lib/targets.js';
import { nowMs, summarize, type LatencySummary } from '../lib/stats.js';
import { progress } from '../lib/report.js';

export interface BurstOptions {
  shoppers: number;
  units: number;
  /** Shoppers join the event's room (and hear its stock) before the burst. */
  watching: boolean;
}

export interface BurstSample {
  target: BenchTarget['name'];
  watching: boolean;
  connected: number;
  /** Connect (and, watching, join) of every shopper, ms. */
  connectMs: number;
  /** Refused connects and joins. */
  connectFailed: number;
  holds: number;
  uniqueHolds: number;
  soldOut: number;
  /** Every outcome other than a hold or SOLD_OUT (errors, timeouts). */
  other: Record<string, number>;
  /** What the server reports as still available after the burst. */
  availableAfter: number;
  latency: LatencySummary;
  /** First emit to last ack over all workers. */
  wallMs: number;
  /**
   * Watching only: stock messages heard, the most any shopper got in one second, the shoppers
   * whose last message is not the final stock (after at most 15 s), and how long after the last
   * ack the last of them heard it.
   */
  stock?: { messagesPerViewer: number; maxPerSecond: number; lastMismatch: number; settledMs: number };
  unexpectedDisconnects: number;
}

/**
 * How long after the last ack every watching shopper may take to hear the final stock: a loaded
 * server paces its broadcasts by their cost, so the trailing one can come seconds later.
 */
const TRAILING_MAX_MS = 15_000;
const TRAILING_POLL_MS = 500;

export async function burstRound(
  generator: LoadGenerator,
  target: BenchTarget,
  round: number,
  options: BurstOptions,
): Promise<BurstSample> {
  const mode = options.watching ? 'w' : 'n';
  const eventId = `bu${round}${mode}-${target.name}`;
  const sku = 'DROP-1';
  await target.createEvent(eventId, [{ sku, units: options.units, limitPerShopper: 1 }]);
  const connected = await generator.connect({
    url: target.server.url,
    namespace: '/shop',
    count: options.shoppers,
    concurrency: 64,
    ...(options.watching && { eventId }),
  });
  if (options.watching) await generator.watch({ skus: [sku] });
  // Let the connection storm settle so the burst starts from a quiet server.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const result = await generator.burst({ eventId, skus: [sku], runId: `bu${round}${mode}${target.name}` });
  // A server that cannot answer after the burst (e.g. UNAVAILABLE) is a result, not a crash.
  const availableAfter = await target.available(eventId, sku).catch((error: unknown) => {
    progress(`  ${target.name}: stock after the burst unreadable: ${(error as Error).message.slice(0, 200)}`);
    return Number.NaN;
  });
  let stock: BurstSample['stock'];
  if (options.watching) {
    const burstEnd = nowMs();
    let report = await generator.watchReport({ triggers: [], finalAvailable: availableAfter });
    while (report.lastMismatch > 0 && nowMs() - burstEnd < TRAILING_MAX_MS) {
      await new Promise((resolve) => setTimeout(resolve, TRAILING_POLL_MS));
      report = await generator.watchReport({ triggers: [], finalAvailable: availableAfter });
    }
    const settledMs = nowMs() - burstEnd;
    // Past the last message, so a late extra one would still count in the rate.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    report = await generator.watchReport({ triggers: [], finalAvailable: availableAfter });
    stock = {
      messagesPerViewer: report.totalMessages / Math.max(1, report.viewers),
      maxPerSecond: report.maxPerSecond,
      lastMismatch: report.lastMismatch,
      settledMs,
    };
  }
  const closed = await generator.disconnect();
  const { ok = 0, SOLD_OUT: soldOut = 0, ...other } = result.outcomes;
  return {
    target: target.name,
    watching: options.watching,
    connected: connected.connected,
    connectMs: connected.ms,
    connectFailed: connected.failed + connected.joinFailed,
    holds: ok,
    uniqueHolds: new Set(result.holdIds).size,
    soldOut,
    other,
    availableAfter,
    latency: summarize(result.latencies),
    wallMs: result.wallMs,
    stock,
    unexpectedDisconnects: closed.unexpectedDisconnects,
  };
}
