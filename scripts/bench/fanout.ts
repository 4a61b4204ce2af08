/**
 * `pnpm bench:fanout`: 10,000 connected viewers on one server process, the real server against
 * the bare reference under one load generator, interleaved, fresh server processes per round
 * (docs/benchmarks.md, Targets):
 *  - one stock change → p99 delivery to every viewer (from just before the change is caused to
 *    receipt; one machine, one monotonic clock);
 *  - server RSS per idle joined viewer;
 *  - real server only: a paced burst of reserves → stock messages per viewer per second and the
 *    last message equal to the final stock (the bare reference emits one message per change).
 * Exits non-zero only when something crashes, not on a missed target. Flags: see `--help`.
 */
import { parseArgs } from 'node:util';
import { fanoutRound, type FanoutSample } from './fanout/round.js';
import { LoadGenerator } from './load/generator.js';
import { setupBenchRedis } from './lib/bench-redis.js';
import { assertOpenFiles } from './lib/limits.js';
import { profileArgs } from './lib/profile.js';
import { fmt, fmtCounts, fmtInt, printTable, progress, writeBenchJson, type Row } from './lib/report.js';
import { median } from './lib/stats.js';
import { startBareTarget, startRealTarget, type BenchTarget } from './lib/targets.js';

const { values: flags } = parseArgs({
  // `pnpm bench:fanout -- --flag` passes the `--` through.
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    only: { type: 'string', default: 'both' },
    rounds: { type: 'string', default: '3' },
    viewers: { type: 'string', default: '10000' },
    changes: { type: 'string', default: '5' },
    'gap-ms': { type: 'string', default: '2000' },
    'burst-reserves': { type: 'string', default: '2000' },
    'burst-per-second': { type: 'string', default: '500' },
    'settle-ms': { type: 'string', default: '3000' },
    'shopper-rate': { type: 'string', default: '1000' },
    redis: { type: 'string', default: 'auto' },
    'cpu-prof': { type: 'boolean', default: false },
    json: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (flags.help) {
  console.log(`pnpm bench:fanout [flags]
  --only=both|bare|real   which servers to run (default both)
  --rounds=3              rounds per server (interleaved, fresh processes)
  --viewers=10000         idle viewers joined to the event
  --changes=5 --gap-ms=2000             single stock changes and the quiet gap before each
  --burst-reserves=2000 --burst-per-second=500   real server's burst (0 skips it)
  --settle-ms=3000        wait before each RSS reading
  --shopper-rate=1000     real server's per-shopper reserve limit (per second)
  --redis=auto|private|shared   a private redis-server for the run (auto: when installed) or REDIS_URL
  --cpu-prof              write V8 CPU profiles of both servers to $TMPDIR/liveshop-bench-profiles/
  --json=PATH             also write every row (target rows with their Targets id) as JSON`);
  process.exit(0);
}
const num = (name: keyof typeof flags) => Number(flags[name]);

async function startTarget(name: 'bare' | 'real', round: number): Promise<BenchTarget> {
  if (name === 'bare') {
    return startBareTarget({ nodeArgs: flags['cpu-prof'] ? profileArgs(`fanout-bare-r${round}`) : [] });
  }
  return startRealTarget({
    shopperReservesPerSecond: num('shopper-rate'),
    nodeArgs: flags['cpu-prof'] ? profileArgs(`fanout-real-r${round}`) : [],
  });
}

async function main(): Promise<void> {
  const viewers = num('viewers');
  assertOpenFiles(viewers);
  const names = (['bare', 'real'] as const).filter((name) => flags.only === 'both' || flags.only === name);
  const samples: FanoutSample[] = [];
  const redis = await setupBenchRedis(flags.redis);
  progress(`Redis: ${redis.kind} ${redis.url}`);
  const generator = await LoadGenerator.start(4);
  try {
    for (let round = 1; round <= num('rounds'); round += 1) {
      for (const name of names) {
        const target = await startTarget(name, round);
        try {
          progress(`round ${round}: ${name} (pid ${target.server.pid}), ${viewers} viewers`);
          const sample = await fanoutRound(generator, target, round, {
            viewers,
            changes: num('changes'),
            gapMs: num('gap-ms'),
            burstReserves: name === 'real' ? num('burst-reserves') : 0,
            burstPerSecond: num('burst-per-second'),
            settleMs: num('settle-ms'),
            ...(redis.pid && { redisPid: redis.pid }),
          });
          progress(
            `  connected ${sample.connected} in ${fmtInt(sample.connectMs)} ms (server CPU ${fmt(sample.joinCpuUs.server!)} µs each), delivery p50 ${fmt(sample.delivery.p50)} p99 ${fmt(sample.delivery.p99)} ms, missed ${sample.missed}, p99 per change [${sample.perChangeP99.map((p) => fmtInt(p)).join(', ')}] ms, RSS/viewer ${fmt(sample.rssPerViewerKb)} KiB` +
              (sample.burst
                ? `, burst max ${sample.burst.maxPerSecond}/s, ${fmt(sample.burst.messagesPerViewer)} msgs/viewer, last≠final ${sample.burst.lastMismatch}`
                : ''),
          );
          samples.push(sample);
        } finally {
          await target.stop();
        }
      }
    }
  } finally {
    await generator.close();
    await redis.stop();
  }
  report(samples, viewers);
}

function report(samples: FanoutSample[], viewers: number): void {
  const rows: Row[] = [];
  const of = (name: string) => samples.filter((s) => s.target === name);
  for (const name of ['bare', 'real']) {
    const runs = of(name);
    if (!runs.length) continue;
    rows.push({
      what: `${name}: viewers connected+joined (min over runs)`,
      measured: `${fmtInt(Math.min(...runs.map((s) => s.connected - s.connectFailed)))} of ${fmtInt(viewers)}`,
      target: '',
    });
    rows.push({
      what: `${name}: connect + join of ${fmtInt(viewers)} viewers (ms, each run)`,
      measured: runs.map((s) => fmtInt(s.connectMs)).join(', '),
      target: '',
    });
    const cpuGroups = Object.keys(runs[0]!.joinCpuUs);
    rows.push({
      what: `${name}: CPU µs per connect + join (${cpuGroups.join(' / ')}, median)`,
      measured: cpuGroups.map((group) => fmt(median(runs.map((s) => s.joinCpuUs[group]!)))).join(' / '),
      target: '',
    });
    rows.push({
      what: `${name}: delivery p50 / p95 / p99 / max (ms, median)`,
      measured: (['p50', 'p95', 'p99', 'max'] as const)
        .map((p) => fmt(median(runs.map((s) => s.delivery[p]))))
        .join(' / '),
      target: '',
    });
    rows.push({
      what: `${name}: delivery p99 per run (ms)`,
      measured: runs.map((s) => fmt(s.delivery.p99)).join(', '),
      target: '',
    });
    rows.push({
      what: `${name}: missed deliveries (all runs)`,
      measured: fmtInt(runs.reduce((sum, s) => sum + s.missed, 0)),
      target: '0',
      pass: name === 'real' ? runs.every((s) => s.missed === 0) : undefined,
    });
    const perViewer = median(runs.map((s) => s.rssPerViewerKb));
    rows.push({
      ...(name === 'real' && { id: 'memory-per-viewer' as const }),
      what: `${name}: server RSS per idle viewer (KiB, median)`,
      measured: `${fmt(perViewer)} [${runs.map((s) => `${fmtInt(s.rssBeforeKb / 1024)}→${fmtInt(s.rssAfterKb / 1024)} MiB`).join(', ')}]`,
      target: name === 'real' ? '<= 30 KB' : '',
      pass: name === 'real' ? perViewer <= 30 : undefined,
    });
  }
  const bareP99 = median(of('bare').map((s) => s.delivery.p99));
  const realP99 = median(of('real').map((s) => s.delivery.p99));
  if (Number.isFinite(bareP99) && Number.isFinite(realP99)) {
    rows.push({
      id: 'fanout-delivery',
      what: 'delivery p99 real / bare',
      measured: `${fmt(realP99 / bareP99, 2)}x`,
      target: '<= 1.20x',
      pass: realP99 / bareP99 <= 1.2,
    });
  }
  const bareJoin = median(of('bare').map((s) => s.connectMs));
  const realJoin = median(of('real').map((s) => s.connectMs));
  if (Number.isFinite(bareJoin) && Number.isFinite(realJoin)) {
    rows.push({
      id: 'join-storm',
      what: `join storm: connect + join of ${fmtInt(viewers)} real / bare (median)`,
      measured: `${fmt(realJoin / bareJoin, 2)}x (${fmtInt(realJoin)} / ${fmtInt(bareJoin)} ms)`,
      target: '<= 1.30x',
      pass: realJoin / bareJoin <= 1.3,
    });
    const joinCpu = (name: string) => median(of(name).map((s) => s.joinCpuUs.server!));
    rows.push({
      what: 'join storm: server CPU per connect + join real / bare (context for the ratio above)',
      measured: `${fmt(joinCpu('real') / joinCpu('bare'), 2)}x (${fmt(joinCpu('real'))} / ${fmt(joinCpu('bare'))} µs)`,
      target: '',
    });
  }
  const bursts = of('real').flatMap((s) => (s.burst ? [s.burst] : []));
  if (bursts.length) {
    rows.push({
      what: 'real burst: reserves, seconds, outcomes',
      measured: bursts.map((b) => `${b.reserves} in ${fmt(b.seconds)} s (${fmtCounts(b.outcomes)})`).join('; '),
      target: '',
    });
    rows.push({
      what: 'real burst: stock messages per viewer (mean)',
      measured: bursts.map((b) => fmt(b.messagesPerViewer)).join(', '),
      target: '',
    });
    const maxRate = Math.max(...bursts.map((b) => b.maxPerSecond));
    rows.push({
      id: 'fanout-burst-rate',
      what: 'real burst: max stock messages/s to one viewer',
      measured: fmtInt(maxRate),
      target: '<= 10',
      pass: maxRate <= 10,
    });
    const mismatched = bursts.reduce((sum, b) => sum + b.lastMismatch, 0);
    rows.push({
      id: 'fanout-burst-last-stock',
      what: 'real burst: viewers whose last message ≠ final stock',
      measured: `${fmtInt(mismatched)} (final ${bursts.map((b) => b.finalAvailable).join(', ')})`,
      target: '0',
      pass: mismatched === 0,
    });
  }
  const failed = printTable('Fan-out benchmark (pnpm bench:fanout)', rows);
  if (flags.json) writeBenchJson(flags.json, 'fanout', rows);
  console.log(failed ? `\n${failed} target(s) missed` : '\nall targets met');
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
