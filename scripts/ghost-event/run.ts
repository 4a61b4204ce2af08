/**
 * One ghost event, phase by phase: prepare the event, open the viewers' then the shoppers'
 * connections (all joined to the event, as the widget does), fire Buy Now, read the server's
 * stock, wait for every watcher to hear the final stock, optionally check out, and clean up.
 */
import { randomBytes } from 'node:crypto';
import { LoadGenerator } from '../bench/load/generator.js';
import type {
  BurstResult,
  CheckoutResult,
  ConnectResult,
  StockTrigger,
  WatchReportResult,
} from '../bench/load/protocol.js';
import { onInterrupt } from '../bench/lib/process.js';
import { nowMs, summarize, type LatencySummary } from '../bench/lib/stats.js';
import { prepareEvent } from './event.js';
import type { GhostOptions } from './options.js';
import type { Progress } from './progress.js';
import { ServerApi } from './server-api.js';
import { checkSkuStock, type SkuStockCheck } from './stock-check.js';

export interface GhostRun {
  eventId: string;
  eventCreated: boolean;
  eventEnded: boolean;
  workers: number;
  connect: { viewers: ConnectResult; shoppers: ConnectResult };
  burst: BurstResult & { wallMs: number };
  stock: SkuStockCheck[];
  watch: Omit<WatchReportResult, 'latencies'> & { delivery: LatencySummary; settleMs: number };
  checkout?: CheckoutResult & { wallMs: number };
  unexpectedDisconnects: number;
}

const CONNECT_LANES_PER_WORKER = 64;
const CONNECTIONS_PER_WORKER = 3000;
/** Sockets a worker holds beyond its share: stdio, IPC, tsx, sockets being replaced. */
const WORKER_FILE_SLACK = 100;
/** Changes timed per SKU for the delivery latency (evenly spread over the holds). */
const TRIGGERS_PER_SKU = 20;
/** A quiet second between the join storm and the drop, as before a real one. */
const QUIET_BEFORE_DROP_MS = 1000;
/** Lead time for every worker to receive the fire command and start together. */
const FIRE_LEAD_MS = 200;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const noConnections: ConnectResult = { connected: 0, failed: 0, joinFailed: 0, errors: {}, ms: 0 };

export function workerCount(options: GhostOptions): number {
  const connections = options.shoppers + options.viewers;
  return options.workers ?? Math.min(8, Math.max(2, Math.ceil(connections / CONNECTIONS_PER_WORKER)));
}

export async function runGhostEvent(options: GhostOptions, progress: Progress): Promise<GhostRun> {
  const api = new ServerApi(options.url, options.adminKey);
  const connections = options.shoppers + options.viewers;
  const workers = workerCount(options);
  const generator = await LoadGenerator.start(workers, {
    openFilesPerWorker: Math.ceil(connections / workers) + WORKER_FILE_SLACK,
  });
  let event: Awaited<ReturnType<typeof prepareEvent>> | undefined;
  onInterrupt(async () => {
    progress.finish();
    if (event?.created && !options.keep) progress.note(`interrupted: ending event ${event.id}`);
    await event?.end();
  });
  try {
    progress.note(options.event ? `using event ${options.event}` : `creating a throw-away event on ${options.url}`);
    event = await prepareEvent(api, options);
    const run = await fire(generator, api, event.id, event.created, options, progress, workers);
    const closed = await generator.disconnect();
    run.unexpectedDisconnects = closed.unexpectedDisconnects;
    run.eventEnded = await event.end().catch((error: unknown) => {
      progress.note(`could not end event ${run.eventId}: ${(error as Error).message}`);
      return false;
    });
    return run;
  } finally {
    await generator.close();
    await event?.end().catch(() => undefined);
  }
}

async function fire(
  generator: LoadGenerator,
  api: ServerApi,
  eventId: string,
  eventCreated: boolean,
  options: GhostOptions,
  progress: Progress,
  workers: number,
): Promise<GhostRun> {
  const timeoutMs = options.timeoutSeconds * 1000;
  const runId = `g${randomBytes(3).toString('hex')}`;
  const connectArgs = {
    url: options.url,
    namespace: '/shop',
    eventId,
    concurrency: CONNECT_LANES_PER_WORKER,
    timeoutMs,
  };
  progress.note(
    `event ${eventId}: ${workers} load workers, ${options.viewers} viewers then ${options.shoppers} shoppers`,
  );
  progress.start('connect', options.shoppers + options.viewers);
  const viewers =
    options.viewers > 0
      ? await generator.connect({ ...connectArgs, count: options.viewers, group: 'viewer' }, (n) => progress.update(n))
      : noConnections;
  const shoppers = await generator.connect({ ...connectArgs, count: options.shoppers, group: 'shopper' }, (n) =>
    progress.update(options.viewers + n),
  );
  progress.finish(options.viewers + options.shoppers);

  await generator.watch({ skus: options.skus });
  await sleep(QUIET_BEFORE_DROP_MS);
  const before = await api.snapshot(eventId);
  progress.start('buy now', shoppers.connected);
  const burst = await generator.burst(
    {
      eventId,
      skus: options.skus,
      qty: options.qty,
      runId,
      group: 'shopper',
      ratePerSecond: options.rate,
      startAtMs: nowMs() + FIRE_LEAD_MS,
      timeoutMs,
    },
    (n) => progress.update(n),
  );
  progress.finish(shoppers.connected);
  const after = await api.snapshot(eventId);
  const stock = options.skus.map((sku) =>
    checkSkuStock(
      sku,
      before.products.find((product) => product.sku === sku),
      after.products.find((product) => product.sku === sku),
      burst.grants.filter((grant) => grant.sku === sku),
    ),
  );

  const watch = await settleAndReport(generator, burst, stock, options.settleSeconds * 1000);

  let checkout: GhostRun['checkout'];
  if (options.checkout) {
    progress.start('checkout', burst.grants.length);
    checkout = await generator.checkout({ eventId, runId, card: options.card, group: 'shopper', timeoutMs }, (n) =>
      progress.update(n),
    );
    progress.finish(checkout.attempted);
  }
  return {
    eventId,
    eventCreated,
    eventEnded: false,
    workers,
    connect: { viewers, shoppers },
    burst,
    stock,
    watch,
    checkout,
    unexpectedDisconnects: 0,
  };
}

/**
 * Waits (up to `settleMs`) until every watcher's last stock is the server's final stock, then
 * times the delivery of a sample of the burst's changes: for each sampled hold, from the moment
 * its shopper got the ack to each watcher's first message carrying that stock or less (0 when the
 * watcher heard it first).
 */
async function settleAndReport(
  generator: LoadGenerator,
  burst: BurstResult,
  stock: SkuStockCheck[],
  settleMs: number,
): Promise<GhostRun['watch']> {
  const finalAvailable = Object.fromEntries(stock.map((check) => [check.sku, check.finalAvailable]));
  const started = nowMs();
  while ((await generator.watchReport({ triggers: [], finalAvailable })).lastMismatch > 0) {
    if (nowMs() - started > settleMs) break;
    await sleep(100);
  }
  const settled = nowMs() - started;
  const triggers = sampleTriggers(burst);
  const { latencies, ...report } = await generator.watchReport({ triggers, finalAvailable });
  return { ...report, delivery: summarize(latencies.flat()), settleMs: settled };
}

function sampleTriggers(burst: BurstResult): StockTrigger[] {
  const bySku = new Map<string, BurstResult['grants']>();
  for (const grant of burst.grants) {
    if (!Number.isFinite(grant.available)) continue;
    const list = bySku.get(grant.sku) ?? [];
    list.push(grant);
    bySku.set(grant.sku, list);
  }
  const triggers: StockTrigger[] = [];
  for (const grants of bySku.values()) {
    grants.sort((a, b) => b.available - a.available);
    const step = Math.max(1, grants.length / TRIGGERS_PER_SKU);
    const picked = new Set<number>();
    for (let i = 0; i < grants.length; i += step) picked.add(Math.floor(i));
    picked.add(grants.length - 1);
    for (const i of picked) {
      const grant = grants[i]!;
      triggers.push({
        atMs: grant.ackAtMs,
        available: grant.available,
        sku: grant.sku,
        notBeforeMs: burst.firstEmitMs,
      });
    }
  }
  return triggers;
}
