/**
 * One fan-out round against one server: N idle viewers join an event (server RSS measured before
 * and after), then single stock changes with quiet gaps (delivery latency to every viewer), then,
 * optionally, a paced burst of reserves (messages per viewer per second, last message = final).
 */
import type { LoadGenerator } from '../load/generator.js';
import { cpuDelta, cpuSnapshot, type CpuGroups } from '../lib/cpu.js';
import { summarize, type LatencySummary } from '../lib/stats.js';
import type { BenchTarget } from '../lib/targets.js';
import type { StockTrigger } from '../load/protocol.js';
import { StockDriver } from './driver.js';

export interface FanoutOptions {
  viewers: number;
  /** Single changes, each after `gapMs` of quiet. */
  changes: number;
  gapMs: number;
  /** Burst phase; 0 reserves skips it. */
  burstReserves: number;
  burstPerSecond: number;
  settleMs: number;
  /** Local Redis pid, to count its CPU during the join storm. */
  redisPid?: number;
}

export interface FanoutSample {
  target: BenchTarget['name'];
  connected: number;
  connectFailed: number;
  connectMs: number;
  /** CPU µs per connect + join during the join storm: server, Redis (when local), load generator. */
  joinCpuUs: Record<string, number>;
  rssBeforeKb: number;
  rssAfterKb: number;
  /** (RSS after - RSS before) / viewers, in KiB. */
  rssPerViewerKb: number;
  delivery: LatencySummary;
  /** p99 delivery of each single change, in order. */
  perChangeP99: number[];
  /** Viewer-change pairs without a message. */
  missed: number;
  burst?: {
    reserves: number;
    seconds: number;
    outcomes: Record<string, number>;
    maxPerSecond: number;
    messagesPerViewer: number;
    finalAvailable: number;
    lastMismatch: number;
  };
  unexpectedDisconnects: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function fanoutRound(
  generator: LoadGenerator,
  target: BenchTarget,
  round: number,
  options: FanoutOptions,
): Promise<FanoutSample> {
  const eventId = `fo${round}-${target.name}`;
  const changeSku = 'FAN-1';
  const burstSku = 'FAN-BURST';
  await target.createEvent(eventId, [
    { sku: changeSku, units: 1000 },
    { sku: burstSku, units: Math.max(1, options.burstReserves * 2) },
  ]);
  const driver = await StockDriver.open(target.server.url, 20, `fo${round}${target.name}`);
  try {
    // The driver's connections and one reserve warm the server's code paths before the baseline.
    await driver.reserve(eventId, changeSku);
    await sleep(options.settleMs);
    const rssBeforeKb = await target.server.settledRssKb();
    const cpuGroups: CpuGroups = {
      server: [target.server.pid],
      ...(options.redisPid && { redis: [options.redisPid] }),
      generator: generator.pids,
    };
    const cpuBefore = cpuSnapshot(cpuGroups);
    const connected = await generator.connect({
      url: target.server.url,
      namespace: '/shop',
      count: options.viewers,
      eventId,
      concurrency: 64,
    });
    const joinCpuMs = cpuDelta(cpuBefore, cpuSnapshot(cpuGroups));
    await sleep(options.settleMs);
    const rssAfterKb = await target.server.settledRssKb();

    await generator.watch({ skus: [changeSku] });
    const triggers: StockTrigger[] = [];
    for (let i = 0; i < options.changes; i += 1) {
      await sleep(options.gapMs);
      const change = await driver.reserve(eventId, changeSku);
      if (change.outcome !== 'ok') throw new Error(`${target.name}: the stock change failed: ${change.outcome}`);
      triggers.push({ atMs: change.sentMs, available: change.available });
    }
    await sleep(options.gapMs);
    const single = await generator.watchReport({ triggers });

    let burst: FanoutSample['burst'];
    if (options.burstReserves > 0) {
      await generator.watch({ skus: [burstSku] });
      const paced = await driver.pacedReserves(eventId, burstSku, options.burstReserves, options.burstPerSecond);
      // Past the coalescing window, so the trailing update has been flushed.
      await sleep(1500);
      const finalAvailable = await target.available(eventId, burstSku);
      const report = await generator.watchReport({ triggers: [], finalAvailable });
      burst = {
        reserves: options.burstReserves,
        seconds: (paced.endMs - paced.startMs) / 1000,
        outcomes: paced.outcomes,
        maxPerSecond: report.maxPerSecond,
        messagesPerViewer: report.totalMessages / Math.max(1, report.viewers),
        finalAvailable,
        lastMismatch: report.lastMismatch,
      };
    }
    const closed = await generator.disconnect();
    return {
      target: target.name,
      connected: connected.connected,
      connectFailed: connected.failed + connected.joinFailed,
      connectMs: connected.ms,
      joinCpuUs: Object.fromEntries(
        Object.entries(joinCpuMs).map(([group, ms]) => [group, (ms * 1000) / Math.max(1, connected.connected)]),
      ),
      rssBeforeKb,
      rssAfterKb,
      rssPerViewerKb: (rssAfterKb - rssBeforeKb) / Math.max(1, connected.connected),
      delivery: summarize(single.latencies.flat()),
      perChangeP99: single.latencies.map((latencies) => summarize(latencies).p99),
      missed: single.missed,
      burst,
      unexpectedDisconnects: closed.unexpectedDisconnects,
    };
  } finally {
    driver.close();
  }
}
