/**
 * The drop: N shoppers (10,000) each hit Buy Now once, at once, on one SKU with few units
 * (500). Checks the outcome exactly and records ack latency from each shopper's emit. Shoppers
 * do not join the event room: the bare reference would otherwise broadcast every sale to all
 * 10,000 of them and lose on broadcasting, which the fan-out bench measures on its own.
 */
import type { LoadGenerator } from '../load/generator.js';
import type { BenchTarget } from '../lib/targets.js';
import { summarize, type LatencySummary } from '../lib/stats.js';

export interface BurstOptions {
  shoppers: number;
  units: number;
}

export interface BurstSample {
  target: BenchTarget['name'];
  connected: number;
  connectMs: number;
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
  unexpectedDisconnects: number;
}

export async function burstRound(
  generator: LoadGenerator,
  target: BenchTarget,
  round: number,
  options: BurstOptions,
): Promise<BurstSample> {
  const eventId = `bu${round}-${target.name}`;
  const sku = 'DROP-1';
  await target.createEvent(eventId, [{ sku, units: options.units, limitPerShopper: 1 }]);
  const connected = await generator.connect({
    url: target.server.url,
    namespace: '/shop',
    count: options.shoppers,
    concurrency: 64,
  });
  // Let the connection storm settle so the burst starts from a quiet server.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const result = await generator.burst({ eventId, skus: [sku], runId: `bu${round}${target.name}` });
  const closed = await generator.disconnect();
  const { ok = 0, SOLD_OUT: soldOut = 0, ...other } = result.outcomes;
  return {
    target: target.name,
    connected: connected.connected,
    connectMs: connected.ms,
    holds: ok,
    uniqueHolds: new Set(result.holdIds).size,
    soldOut,
    other,
    availableAfter: await target.available(eventId, sku),
    latency: summarize(result.latencies),
    wallMs: result.wallMs,
    unexpectedDisconnects: closed.unexpectedDisconnects,
  };
}
