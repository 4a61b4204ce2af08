/**
 * What the watching clients of one worker were told about stock: per change, how long each took
 * to hear it; how many messages each got a second at most; whether each ends on the final stock.
 */
import { members } from './clients.js';
import type { WatchArgs, WatchReportArgs, WatchReportResult } from './protocol.js';

let watchedSkus: string[] = [];

/** The clients of the group that joined an event: those that hear stock. */
const watchers = (group?: string) => members(group).filter((client) => client.inRoom);

/**
 * Starts recording `stock` messages for the SKUs on the group's clients that joined an event
 * (clears earlier records).
 */
export function watch(args: WatchArgs): { viewers: number } {
  watchedSkus = args.skus;
  for (const client of members()) {
    client.seen = new Map();
    client.messageTimes = [];
  }
  const viewers = watchers(args.group);
  for (const client of viewers) client.seen = new Map(args.skus.map((sku) => [sku, []]));
  return { viewers: viewers.length };
}

export function watchReport(args: WatchReportArgs): WatchReportResult {
  const viewers = watchers(args.group);
  const firstSku = watchedSkus[0] ?? '';
  const finals: Record<string, number> =
    typeof args.finalAvailable === 'number' ? { [firstSku]: args.finalAvailable } : (args.finalAvailable ?? {});
  const result: WatchReportResult = {
    latencies: args.triggers.map(() => []),
    missed: 0,
    viewers: viewers.length,
    maxPerSecond: 0,
    totalMessages: 0,
    lastMismatch: 0,
  };
  for (const client of viewers) {
    result.totalMessages += client.messageTimes.length;
    args.triggers.forEach((trigger, i) => {
      const seen = client.seen.get(trigger.sku ?? firstSku) ?? [];
      const notBefore = trigger.notBeforeMs ?? trigger.atMs;
      const first = seen.find((message) => message.at >= notBefore && message.available <= trigger.available);
      if (first) result.latencies[i]!.push(Math.max(0, first.at - trigger.atMs));
      else result.missed += 1;
    });
    // Sliding 1-second window over receipt times (already in order).
    const times = client.messageTimes;
    let start = 0;
    for (let end = 0; end < times.length; end += 1) {
      while (times[end]! - times[start]! >= 1000) start += 1;
      result.maxPerSecond = Math.max(result.maxPerSecond, end - start + 1);
    }
    for (const [sku, final] of Object.entries(finals)) {
      const last = client.seen.get(sku)?.at(-1)?.available ?? client.joined.get(sku);
      if (last !== final) result.lastMismatch += 1;
    }
  }
  return result;
}
