/**
 * `pnpm bench:realtime`: the real server against the bare reference under one load generator, in
 * one run, on one Redis (docs/benchmarks.md, Targets):
 *  - reserve throughput through `/shop` with >= 200 concurrent clients, and `redis-benchmark`
 *    EVALSHA of the real reserve script as the ceiling;
 *  - the burst: 10,000 shoppers hit Buy Now once on one SKU with 500 units, watching the event
 *    (joined its room, stock pushed to all of them during the burst) and not watching.
 * Runs are interleaved (bare, real, bare, real, ...) and medians reported, to spread the noise of
 * a shared 2-core machine over both. Exits non-zero only when something crashes, not on a missed
 * target. Flags: see `--help`.
 */
import { parseArgs } from 'node:util';
import { LoadGenerator } from './load/generator.js';
import { assertOpenFiles } from './lib/limits.js';
import { fmt, fmtCounts, fmtInt, printTable, progress, writeBenchJson, type Row } from './lib/report.js';
import { median } from './lib/stats.js';
import { startBareTarget, startRealTarget, type BenchTarget } from './lib/targets.js';
import { burstRound, type BurstSample } from './realtime/burst.js';
import { bareReserveCeiling, realReserveCeiling } from './realtime/ceiling.js';
import { throughputRound, type ThroughputSample } from './realtime/throughput.js';
import { profileArgs } from './lib/profile.js';
import type { RedisBenchmarkResult } from './lib/redis-benchmark.js';
import { setupBenchRedis } from './lib/bench-redis.js';

const { values: flags } = parseArgs({
  // `pnpm bench:realtime -- --flag` passes the `--` through.
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    only: { type: 'string', default: 'both' },
    rounds: { type: 'string', default: '3' },
    'burst-rounds': { type: 'string', default: '3' },
    clients: { type: 'string', default: '256' },
    'warmup-ms': { type: 'string', default: '2000' },
    'duration-ms': { type: 'string', default: '6000' },
    shoppers: { type: 'string', default: '10000' },
    units: { type: 'string', default: '500' },
    'shopper-rate': { type: 'string', default: '1000' },
    'ceiling-requests': { type: 'string', default: '100000' },
    'skip-throughput': { type: 'boolean', default: false },
    'skip-burst': { type: 'boolean', default: false },
    'burst-modes': { type: 'string', default: 'both' },
    redis: { type: 'string', default: 'auto' },
    'cpu-prof': { type: 'boolean', default: false },
    json: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (flags.help) {
  console.log(`pnpm bench:realtime [flags]
  --only=both|bare|real   which servers to run (default both)
  --rounds=3              throughput rounds per server (interleaved)
  --burst-rounds=3        burst rounds per server (interleaved)
  --clients=256           concurrent reserving clients in the throughput phase
  --warmup-ms=2000 --duration-ms=6000   throughput warm-up and measured window
  --shoppers=10000 --units=500          the burst
  --shopper-rate=1000     real server's per-shopper reserve limit (per second)
  --ceiling-requests=100000             redis-benchmark requests per run
  --skip-throughput --skip-burst
  --burst-modes=both|watching|not       shoppers that joined the event's room, that did not, or both
  --redis=auto|private|shared   a private redis-server for the run (auto: when installed) or REDIS_URL
  --cpu-prof              write V8 CPU profiles of both servers to $TMPDIR/liveshop-bench-profiles/
  --json=PATH             also write every row (target rows with their Targets id) as JSON`);
  process.exit(0);
}
const num = (name: keyof typeof flags) => Number(flags[name]);

async function main(): Promise<void> {
  const shoppers = num('shoppers');
  if (!flags['skip-burst']) assertOpenFiles(shoppers);
  const redis = await setupBenchRedis(flags.redis);
  progress(`Redis: ${redis.kind} ${redis.url}`);
  const redisPid = redis.pid;
  const targets: BenchTarget[] = [];
  if (flags.only !== 'real') {
    targets.push(await startBareTarget({ nodeArgs: flags['cpu-prof'] ? profileArgs('realtime-bare') : [] }));
  }
  if (flags.only !== 'bare') {
    targets.push(
      await startRealTarget({
        shopperReservesPerSecond: num('shopper-rate'),
        nodeArgs: flags['cpu-prof'] ? profileArgs('realtime-real') : [],
      }),
    );
  }
  progress(`servers up: ${targets.map((t) => `${t.name} pid ${t.server.pid} ${t.server.url}`).join(', ')}`);
  const tp: ThroughputSample[] = [];
  const bursts: BurstSample[] = [];
  const ceilings: { real: RedisBenchmarkResult[]; bare: RedisBenchmarkResult[] } = { real: [], bare: [] };
  try {
    if (!flags['skip-throughput']) {
      const generator = await LoadGenerator.start(2);
      try {
        for (let round = 1; round <= num('rounds'); round += 1) {
          const ceilingOptions = { requests: num('ceiling-requests'), clients: 50 };
          if (flags.only !== 'real')
            await measureCeiling('bare', () => bareReserveCeiling(ceilingOptions), ceilings.bare);
          if (flags.only !== 'bare')
            await measureCeiling('real', () => realReserveCeiling(ceilingOptions), ceilings.real);
          for (const target of targets) {
            progress(`throughput round ${round}: ${target.name}`);
            const sample = await throughputRound(generator, target, round, {
              clients: num('clients'),
              warmupMs: num('warmup-ms'),
              durationMs: num('duration-ms'),
              redisPid,
            });
            progress(
              `  ${fmtInt(sample.throughput)} reserves/s, p50 ${fmt(sample.latency.p50)} ms, p99 ${fmt(sample.latency.p99)} ms, ${fmtCounts(sample.outcomes)}`,
            );
            tp.push(sample);
          }
        }
      } finally {
        await generator.close();
      }
    }
    if (!flags['skip-burst']) {
      const generator = await LoadGenerator.start(4);
      try {
        const modes = [
          ...(flags['burst-modes'] !== 'not' ? [true] : []),
          ...(flags['burst-modes'] !== 'watching' ? [false] : []),
        ];
        for (let round = 1; round <= num('burst-rounds'); round += 1) {
          for (const watching of modes) {
            for (const target of targets) {
              progress(
                `burst round ${round}: ${target.name} (${shoppers} shoppers ${watching ? 'watching' : 'not watching'}, ${num('units')} units)`,
              );
              const sample = await burstRound(generator, target, round, { shoppers, units: num('units'), watching });
              progress(
                `  holds ${sample.holds}, SOLD_OUT ${sample.soldOut}, other ${fmtCounts(sample.other)}, p99 ${fmt(sample.latency.p99)} ms, wall ${fmtInt(sample.wallMs)} ms, connect${watching ? '+join' : ''} ${fmtInt(sample.connectMs)} ms` +
                  (sample.stock
                    ? `, stock ${fmt(sample.stock.messagesPerViewer)} msgs/viewer, max ${sample.stock.maxPerSecond}/s, last≠final ${sample.stock.lastMismatch} (all final ${fmtInt(sample.stock.settledMs)} ms after the burst)`
                    : ''),
              );
              bursts.push(sample);
            }
          }
        }
      } finally {
        await generator.close();
      }
    }
  } finally {
    await Promise.all(targets.map((t) => t.stop()));
    await redis.stop();
  }
  report(tp, bursts, ceilings, shoppers, num('units'));
}

/** A missing or failing redis-benchmark leaves the ceiling rows empty instead of ending the run. */
async function measureCeiling(
  name: string,
  measure: () => Promise<RedisBenchmarkResult>,
  into: RedisBenchmarkResult[],
): Promise<void> {
  try {
    into.push(await measure());
  } catch (error) {
    progress(`redis-benchmark of the ${name} reserve script failed, no ceiling: ${(error as Error).message}`);
  }
}

function report(
  tp: ThroughputSample[],
  bursts: BurstSample[],
  ceilings: { real: RedisBenchmarkResult[]; bare: RedisBenchmarkResult[] },
  shoppers: number,
  units: number,
): void {
  const of = <T extends { target: string }>(samples: T[], name: string) => samples.filter((s) => s.target === name);
  const rows: Row[] = [];
  if (tp.length) {
    const bareTp = median(of(tp, 'bare').map((s) => s.throughput));
    const realTp = median(of(tp, 'real').map((s) => s.throughput));
    const realCeiling = median(ceilings.real.map((c) => c.rps));
    const bareCeiling = median(ceilings.bare.map((c) => c.rps));
    const errors = (samples: ThroughputSample[]) =>
      fmtCounts(
        samples.reduce(
          (sum, s) => {
            for (const [code, count] of Object.entries(s.outcomes))
              if (code !== 'ok') sum[code] = (sum[code] ?? 0) + count;
            return sum;
          },
          {} as Record<string, number>,
        ),
      );
    for (const name of ['bare', 'real']) {
      const samples = of(tp, name);
      if (!samples.length) continue;
      rows.push({
        what: `${name}: reserves/s (${samples.length} runs, median)`,
        measured: `${fmtInt(median(samples.map((s) => s.throughput)))} [${samples.map((s) => fmtInt(s.throughput)).join(', ')}]`,
        target: '',
      });
      rows.push({
        what: `${name}: ack p50 / p99 (ms, median of runs)`,
        measured: `${fmt(median(samples.map((s) => s.latency.p50)))} / ${fmt(median(samples.map((s) => s.latency.p99)))}`,
        target: '',
      });
      rows.push({ what: `${name}: non-ok acks`, measured: errors(samples), target: '' });
      const groups = Object.keys(samples[0]!.cpuUsPerReserve);
      rows.push({
        what: `${name}: CPU µs per reserve (${groups.join(' / ')})`,
        measured: groups.map((g) => fmt(median(samples.map((s) => s.cpuUsPerReserve[g]!)))).join(' / '),
        target: '',
      });
      rows.push({
        what: `${name}: cores busy (${groups.join(' / ')})`,
        measured: groups.map((g) => fmt(median(samples.map((s) => s.cores[g]!)), 2)).join(' / '),
        target: '',
      });
    }
    if (ceilings.bare.length) {
      rows.push({ what: 'redis-benchmark EVALSHA bare reserve.lua (/s)', measured: fmtInt(bareCeiling), target: '' });
    }
    if (ceilings.real.length) {
      rows.push({ what: 'redis-benchmark EVALSHA real reserve (/s)', measured: fmtInt(realCeiling), target: '' });
    }
    if (Number.isFinite(bareTp) && Number.isFinite(bareCeiling)) {
      rows.push({
        what: 'bare socket path / its EVALSHA ceiling',
        measured: `${fmt(100 * (bareTp / bareCeiling))} %`,
        target: '',
      });
    }
    for (const name of ['bare', 'real']) {
      const samples = of(tp, name);
      if (!samples.length) continue;
      rows.push({
        what: `${name}: Redis script µs per reserve (INFO commandstats EVALSHA, median)`,
        measured: fmt(median(samples.map((s) => s.redisUsecPerReserve)), 2),
        target: '',
      });
      const commands = Object.keys(samples[0]!.redisCommands).sort();
      rows.push({
        what: `${name}: Redis commands per reserve: calls (µs)`,
        measured: commands
          .map((c) => {
            const per = (f: 'callsPerReserve' | 'usecPerReserve') =>
              median(samples.map((s) => s.redisCommands[c]?.[f] ?? 0));
            return `${c} ${fmt(per('callsPerReserve'), 2)} (${fmt(per('usecPerReserve'), 2)})`;
          })
          .join(', '),
        target: '',
      });
    }
    const perReserve = (name: string, pick: (s: ThroughputSample) => number) => median(of(tp, name).map(pick));
    const redisCpu = (name: string) => perReserve(name, (s) => s.cpuUsPerReserve.redis ?? Number.NaN);
    const redisRatio = redisCpu('real') / redisCpu('bare');
    if (Number.isFinite(redisRatio)) {
      const scriptRatio =
        perReserve('real', (s) => s.redisUsecPerReserve) / perReserve('bare', (s) => s.redisUsecPerReserve);
      rows.push({
        id: 'redis-per-reserve',
        what: 'Redis CPU per reserve real / bare (Redis process; script time from INFO commandstats in brackets)',
        measured: `${fmt(redisRatio, 2)}x (${fmt(redisCpu('real'))} / ${fmt(redisCpu('bare'))} µs; script ${fmt(scriptRatio, 2)}x)`,
        target: '<= 2.00x',
        pass: redisRatio <= 2,
      });
    }
    const serverRatio =
      perReserve('real', (s) => s.cpuUsPerReserve.server!) / perReserve('bare', (s) => s.cpuUsPerReserve.server!);
    if (Number.isFinite(serverRatio)) {
      rows.push({
        id: 'server-per-reserve',
        what: 'server CPU per reserve real / bare',
        measured: `${fmt(serverRatio, 2)}x (${fmt(perReserve('real', (s) => s.cpuUsPerReserve.server!))} / ${fmt(perReserve('bare', (s) => s.cpuUsPerReserve.server!))} µs)`,
        target: '<= 1.30x',
        pass: serverRatio <= 1.3,
      });
    }
    if (Number.isFinite(realTp) && Number.isFinite(bareTp)) {
      rows.push({
        id: 'throughput',
        what: 'throughput real / bare',
        measured: `${fmt(realTp / bareTp, 2)}x`,
        target: '>= 0.90x',
        pass: realTp / bareTp >= 0.9,
      });
    }
    const cpuTotal = (samples: ThroughputSample[]) =>
      median(samples.map((s) => Object.values(s.cpuUsPerReserve).reduce((sum, us) => sum + us, 0)));
    const bareCpu = cpuTotal(of(tp, 'bare'));
    const realCpu = cpuTotal(of(tp, 'real'));
    if (Number.isFinite(bareCpu) && Number.isFinite(realCpu) && realCpu > 0) {
      // Not the target: the throughput ratio above is. On cores shared by server, Redis and
      // generator, throughput follows total CPU per reserve, so this ratio says what the throughput
      // ratio would be without scheduling noise, and a gap between the two points at that noise.
      rows.push({
        what: 'CPU per reserve bare / real (server + Redis + generator µs; context for the ratio above)',
        measured: `${fmt(bareCpu)} / ${fmt(realCpu)} = ${fmt(bareCpu / realCpu, 2)}x`,
        target: '',
      });
    }
    if (Number.isFinite(realTp) && Number.isFinite(realCeiling)) {
      const share = realTp / realCeiling;
      rows.push({
        id: 'throughput-ceiling',
        what: 'real socket path / EVALSHA ceiling',
        measured: `${fmt(100 * share)} %`,
        target: '>= 40 %',
        pass: share >= 0.4,
      });
    }
  }
  for (const watching of [true, false]) {
    const ofMode = bursts.filter((s) => s.watching === watching);
    if (!ofMode.length) continue;
    const label = watching ? 'burst, watching' : 'burst, not watching';
    for (const name of ['bare', 'real']) {
      const samples = of(ofMode, name);
      if (!samples.length) continue;
      const exact = samples.every(
        (s) =>
          s.holds === units &&
          s.uniqueHolds === units &&
          s.soldOut === shoppers - units &&
          Object.keys(s.other).length === 0 &&
          s.availableAfter === 0,
      );
      rows.push({
        ...(name === 'real' && watching && { id: 'drop-watching-exact' as const }),
        what: `${name}: ${label}: holds / SOLD_OUT / other / left (each run)`,
        measured: samples.map((s) => `${s.holds}/${s.soldOut}/${fmtCounts(s.other)}/${s.availableAfter}`).join('; '),
        target: `${units}/${shoppers - units}/-/0`,
        pass: name === 'real' ? exact : undefined,
      });
      rows.push({
        what: `${name}: ${label}: ack p50 / p95 / p99 / max (ms, median)`,
        measured: ['p50', 'p95', 'p99', 'max']
          .map((p) => fmt(median(samples.map((s) => s.latency[p as 'p50']))))
          .join(' / '),
        target: '',
      });
      rows.push({
        what: `${name}: ${label}: ack p99 per run (ms)`,
        measured: samples.map((s) => fmt(s.latency.p99)).join(', '),
        target: '',
      });
      rows.push({
        what: `${name}: ${label}: wall time, first emit → last ack (ms, median)`,
        measured: fmtInt(median(samples.map((s) => s.wallMs))),
        target: '',
      });
      rows.push({
        what: `${name}: ${label}: connect${watching ? ' + join' : ''} of ${fmtInt(shoppers)} (ms, each run)`,
        measured: samples.map((s) => fmtInt(s.connectMs)).join(', '),
        target: '',
      });
      const stock = samples.flatMap((s) => (s.stock ? [s.stock] : []));
      if (stock.length) {
        const maxRate = Math.max(...stock.map((s) => s.maxPerSecond));
        const mismatched = stock.reduce((sum, s) => sum + s.lastMismatch, 0);
        rows.push({
          what: `${name}: ${label}: stock messages per shopper (mean, each run)`,
          measured: stock.map((s) => fmt(s.messagesPerViewer)).join(', '),
          target: '',
        });
        rows.push({
          ...(name === 'real' && { id: 'drop-watching-stock' as const }),
          what: `${name}: ${label}: max stock messages/s to one shopper`,
          measured: fmtInt(maxRate),
          target: name === 'real' ? '<= 10' : '',
          pass: name === 'real' ? maxRate <= 10 : undefined,
        });
        rows.push({
          what: `${name}: ${label}: every shopper on the final stock, ms after the burst (each run)`,
          measured: stock.map((s) => fmtInt(s.settledMs)).join(', '),
          target: '',
        });
        rows.push({
          ...(name === 'real' && { id: 'drop-watching-stock' as const }),
          what: `${name}: ${label}: shoppers whose last stock message ≠ final stock`,
          measured: fmtInt(mismatched),
          target: name === 'real' ? '0' : '',
          pass: name === 'real' ? mismatched === 0 : undefined,
        });
      }
    }
    const bareP99 = median(of(ofMode, 'bare').map((s) => s.latency.p99));
    const realP99 = median(of(ofMode, 'real').map((s) => s.latency.p99));
    const limit = watching ? 1.3 : 1.2;
    if (Number.isFinite(bareP99) && Number.isFinite(realP99)) {
      rows.push({
        id: watching ? 'drop-watching' : 'drop-not-watching',
        what: `${label}: p99 ack real / bare`,
        measured: `${fmt(realP99 / bareP99, 2)}x (${fmtInt(realP99)} / ${fmtInt(bareP99)} ms)`,
        target: `<= ${fmt(limit, 2)}x`,
        pass: realP99 / bareP99 <= limit,
      });
    }
  }
  const failed = printTable('Realtime benchmark (pnpm bench:realtime)', rows);
  if (flags.json) writeBenchJson(flags.json, 'realtime', rows);
  console.log(failed ? `\n${failed} target(s) missed` : '\nall targets met');
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
