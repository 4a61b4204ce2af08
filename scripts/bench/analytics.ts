/**
 * `pnpm bench:analytics`: what recording analytics costs the hot path. Two real servers in one run,
 * one with analytics on and one with it off (`LIVESHOP_ANALYTICS=off`), on one Redis, rounds
 * interleaved (on, off, on, off, ...). Each round: N clients connect to `/shop` and join the event
 * (sessions recorded), viewers that joined post impression and click beacons every second (stored,
 * or with analytics off checked and dropped), and the N clients reserve in a closed loop for a
 * fixed window. Prints reserves/s of each and their ratio; the target is on >= 90% of off.
 * Exits non-zero only when something crashes. Flags: see `--help`.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { io, type Socket } from 'socket.io-client';
import { LoadGenerator } from './load/generator.js';
import { setupBenchRedis } from './lib/bench-redis.js';
import { cpuMs } from './lib/cpu.js';
import { fmt, fmtCounts, fmtInt, printTable, progress, writeBenchJson, type Row } from './lib/report.js';
import { median, nowMs, summarize } from './lib/stats.js';
import { startRealTarget, type BenchTarget } from './lib/targets.js';

const { values: flags } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    rounds: { type: 'string', default: '3' },
    'warmup-rounds': { type: 'string', default: '1' },
    clients: { type: 'string', default: '256' },
    'beacon-viewers': { type: 'string', default: '50' },
    'warmup-ms': { type: 'string', default: '2000' },
    'duration-ms': { type: 'string', default: '6000' },
    'database-url': { type: 'string' },
    redis: { type: 'string', default: 'auto' },
    json: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (flags.help) {
  console.log(`pnpm bench:analytics [flags]
  --rounds=3              rounds per server (interleaved)
  --warmup-rounds=1       rounds per server run first and not counted (JIT, pools, caches)
  --clients=256           clients that join the event, then reserve in a closed loop
  --beacon-viewers=50     viewers posting a beacon (5 impressions, 2 clicks) every second meanwhile
  --warmup-ms=2000 --duration-ms=6000   warm-up and measured window of the reserve loop
  --database-url=URL      PostgreSQL for both servers (each its own schema); default an in-memory
                          PGlite inside each server process (the costlier place for the writes)
  --redis=auto|private|shared   a private redis-server for the run (auto: when installed) or REDIS_URL
  --json=PATH             also write every row as JSON`);
  process.exit(0);
}
const num = (name: keyof typeof flags) => Number(flags[name]);

const SKU = 'TP-1';
/** Products the beacons name: the reserved one and nine more. */
const SKUS = [SKU, ...Array.from({ length: 9 }, (_, i) => `P-${i + 1}`)];
const UNITS = 1_000_000;

interface Labelled {
  label: 'on' | 'off';
  target: BenchTarget;
  schema?: string;
}

interface Sample {
  label: 'on' | 'off';
  throughput: number;
  p50: number;
  p99: number;
  outcomes: Record<string, number>;
  beacons: Record<string, number>;
  /** The server process's CPU time per acknowledged reserve in the measured window, µs (beacons and sessions included). */
  cpuUsPerReserve: number;
}

/** A viewer of the bench's own: joins over socket.io, then posts beacons with its session. */
async function beaconViewer(url: string, eventId: string): Promise<{ socket: Socket; session: string }> {
  const socket = io(`${url}/shop`, { transports: ['websocket'], forceNew: true, reconnection: false });
  const session = await new Promise<string>((resolve, reject) => {
    socket.once('session', ({ session }: { session: string }) => resolve(session));
    socket.once('connect_error', reject);
  });
  const joined = (await socket.timeout(30_000).emitWithAck('join', { eventId })) as { ok: boolean };
  if (!joined.ok) throw new Error('a beacon viewer could not join');
  return { socket, session };
}

/** Posts a beacon per viewer every second until `stop` resolves; counts the answers by status. */
async function postBeacons(url: string, eventId: string, sessions: string[], stop: Promise<unknown>) {
  const answers: Record<string, number> = {};
  let done = false;
  void stop.then(() => (done = true));
  while (!done) {
    const started = Date.now();
    await Promise.all(
      sessions.map(async (session, i) => {
        const at = Date.now();
        const items = [
          ...Array.from({ length: 5 }, (_, k) => ({ type: 'impression', sku: SKUS[(i + k) % SKUS.length], at })),
          { type: 'click', sku: SKUS[i % SKUS.length], at },
          { type: 'click', sku: SKU, at },
        ];
        try {
          const response = await fetch(`${url}/api/events/${eventId}/beacons`, {
            method: 'POST',
            headers: { 'content-type': 'text/plain' },
            body: JSON.stringify({ session, batch: randomBytes(8).toString('hex'), sentAt: at, items }),
          });
          answers[response.status] = (answers[response.status] ?? 0) + 1;
        } catch {
          answers.failed = (answers.failed ?? 0) + 1;
        }
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 1_000 - (Date.now() - started))));
  }
  return answers;
}

async function round(generator: LoadGenerator, { label, target }: Labelled, n: number): Promise<Sample> {
  const eventId = `an${n}-${label}`;
  await target.createEvent(
    eventId,
    SKUS.map((sku) => ({ sku, units: UNITS, limitPerShopper: sku === SKU ? UNITS : 0 })),
  );
  const url = target.server.url;
  const viewers = await Promise.all(Array.from({ length: num('beacon-viewers') }, () => beaconViewer(url, eventId)));
  const connected = await generator.connect({
    url,
    namespace: '/shop',
    count: num('clients'),
    eventId,
    concurrency: 32,
  });
  if (connected.failed + connected.joinFailed > 0) progress(`  connect failures: ${fmtCounts(connected.errors)}`);
  const loop = generator.reserveLoop({
    eventId,
    sku: SKU,
    runId: `an${n}${label}`,
    warmupMs: num('warmup-ms'),
    durationMs: num('duration-ms'),
  });
  const beacons = postBeacons(
    url,
    eventId,
    viewers.map((viewer) => viewer.session),
    loop,
  );
  // CPU is read over the measured window only (after the warm-up).
  await new Promise((resolve) => setTimeout(resolve, num('warmup-ms')));
  const cpuBefore = cpuMs(target.server.pid);
  const windowStart = nowMs();
  const result = await loop;
  const windowMs = nowMs() - windowStart;
  const cpuUsed = cpuMs(target.server.pid) - cpuBefore;
  const answered = await beacons;
  await generator.disconnect();
  for (const viewer of viewers) viewer.socket.disconnect();
  const latency = summarize(result.latencies);
  return {
    label,
    throughput: result.throughput,
    p50: latency.p50,
    p99: latency.p99,
    outcomes: result.outcomes,
    beacons: answered,
    cpuUsPerReserve: (cpuUsed * 1000) / (result.throughput * (windowMs / 1000)),
  };
}

async function main(): Promise<void> {
  const redis = await setupBenchRedis(flags.redis);
  progress(`Redis: ${redis.kind} ${redis.url}`);
  const databaseUrl = flags['database-url'];
  const targets: Labelled[] = [];
  const samples: Sample[] = [];
  try {
    for (const label of ['on', 'off'] as const) {
      const schema = databaseUrl ? `bench_analytics_${label}_${randomBytes(3).toString('hex')}` : undefined;
      const target = await startRealTarget({
        shopperReservesPerSecond: 1_000,
        analytics: label === 'on',
        ...(databaseUrl && { databaseUrl, dbSchema: schema }),
      });
      targets.push({ label, target, ...(schema && { schema }) });
    }
    progress(`servers up: ${targets.map((t) => `analytics ${t.label} pid ${t.target.server.pid}`).join(', ')}`);
    const generator = await LoadGenerator.start(2);
    try {
      for (let n = 1 - num('warmup-rounds'); n <= num('rounds'); n += 1) {
        // Alternate which goes first, so neither always runs on a warmer machine.
        for (const labelled of n % 2 === 1 ? targets : [...targets].reverse()) {
          progress(`${n < 1 ? 'warm-up' : `round ${n}`}: analytics ${labelled.label}`);
          const sample = await round(generator, labelled, n);
          progress(
            `  ${fmtInt(sample.throughput)} reserves/s, server ${fmtInt(sample.cpuUsPerReserve)} µs CPU per reserve, p50 ${fmt(sample.p50)} ms, p99 ${fmt(sample.p99)} ms, ${fmtCounts(sample.outcomes)}; beacons ${fmtCounts(sample.beacons)}`,
          );
          if (n >= 1) samples.push(sample);
        }
      }
    } finally {
      await generator.close();
    }
  } finally {
    await Promise.all(targets.map(({ target }) => target.stop()));
    await redis.stop();
    if (databaseUrl)
      await dropSchemas(
        databaseUrl,
        targets.flatMap((t) => (t.schema ? [t.schema] : [])),
      );
  }
  report(samples);
}

async function dropSchemas(url: string, schemas: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}

function report(samples: Sample[]): void {
  const of = (label: string) => samples.filter((s) => s.label === label);
  const rows: Row[] = [];
  for (const label of ['on', 'off']) {
    const runs = of(label);
    rows.push({
      what: `analytics ${label}: reserves/s (${runs.length} runs, median)`,
      measured: `${fmtInt(median(runs.map((s) => s.throughput)))} [${runs.map((s) => fmtInt(s.throughput)).join(', ')}]`,
      target: '',
    });
    rows.push({
      what: `analytics ${label}: ack p50 / p99 (ms, median of runs)`,
      measured: `${fmt(median(runs.map((s) => s.p50)))} / ${fmt(median(runs.map((s) => s.p99)))}`,
      target: '',
    });
  }
  for (const label of ['on', 'off']) {
    const runs = of(label);
    rows.push({
      what: `analytics ${label}: server CPU per reserve (µs, median of runs)`,
      measured: `${fmtInt(median(runs.map((s) => s.cpuUsPerReserve)))} [${runs.map((s) => fmtInt(s.cpuUsPerReserve)).join(', ')}]`,
      target: '',
    });
  }
  const on = of('on');
  const off = of('off');
  // Each round's on against the off run next to it, and the medians.
  const pairs = on.map((s, i) => s.throughput / (off[i]?.throughput ?? Number.NaN));
  const ratio = median(on.map((s) => s.throughput)) / median(off.map((s) => s.throughput));
  rows.push({
    what: 'reserves/s with analytics on / off (medians)',
    measured: `${fmt(ratio, 3)} [rounds: ${pairs.map((p) => fmt(p, 3)).join(', ')}]`,
    target: '>= 0.90',
    pass: ratio >= 0.9,
  });
  printTable('Analytics recording against the reserve hot path', rows);
  if (flags.json) writeBenchJson(flags.json, 'analytics', rows);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
