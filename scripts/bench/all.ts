/**
 * `pnpm bench`: every row of the Targets table (docs/benchmarks.md) that can be measured on this
 * machine, one bench after another (realtime, fan-out, widget, checkout, POS and two processes),
 * then one table of target, figure and PASS / FALLS SHORT (or "not measured yet"), also written as
 * JSON to `bench-results/latest.json` (with each bench's own rows in `bench-results/<bench>.json`).
 * Exits non-zero only when a bench crashed, not on a target that falls short.
 *
 * Flags: `--only=realtime,fanout,widget,checkout,pos,processes` (default all), `--quick` (one
 * round of each instead of three: a quicker, noisier figure), `--out=DIR` (default bench-results).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { assertOpenFiles } from './lib/limits.js';
import { repoRoot } from './lib/process.js';
import { TARGET_IDS, printTable, progress, type BenchJson, type Row, type TargetId } from './lib/report.js';

const { values: flags } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    only: { type: 'string', default: 'realtime,fanout,widget,checkout,pos,processes' },
    quick: { type: 'boolean', default: false },
    out: { type: 'string', default: 'bench-results' },
    help: { type: 'boolean', default: false },
  },
});
if (flags.help) {
  console.log(`pnpm bench [flags]
  --only=realtime,fanout,widget,checkout,pos,processes   benches to run (default all)
  --quick                 one round of each bench instead of three (noisier)
  --out=DIR               where the JSON goes (default bench-results)`);
  process.exit(0);
}

/** What each row of the Targets table asks for, in its order. */
const TARGETS: Record<TargetId, { what: string; target: string; bench: string }> = {
  'drop-watching': {
    what: 'the drop, 10,000 shoppers watching: p99 ack vs bare',
    target: '<= 1.30x',
    bench: 'realtime',
  },
  'drop-watching-exact': { what: 'the drop: holds / SOLD_OUT / other', target: '500 / 9,500 / 0', bench: 'realtime' },
  'drop-watching-stock': {
    what: 'the drop: every viewer ends on the final stock, stock messages/s',
    target: '0 mismatches; <= 10/s',
    bench: 'realtime',
  },
  'drop-not-watching': {
    what: 'the same burst, shoppers not watching: p99 ack vs bare',
    target: '<= 1.20x',
    bench: 'realtime',
  },
  'redis-per-reserve': { what: 'Redis cost of one reserve vs the bare script', target: '<= 2.00x', bench: 'realtime' },
  'server-per-reserve': { what: 'server CPU of one reserve vs the bare server', target: '<= 1.30x', bench: 'realtime' },
  throughput: { what: 'reserve throughput vs bare', target: '>= 0.90x', bench: 'realtime' },
  'throughput-ceiling': { what: 'real socket path vs its own EVALSHA ceiling', target: '>= 40 %', bench: 'realtime' },
  'fanout-delivery': {
    what: 'fan-out, 10,000 viewers, one change: p99 delivery vs bare',
    target: '<= 1.20x',
    bench: 'fanout',
  },
  'fanout-burst-rate': {
    what: 'fan-out during a burst: stock messages/s to one viewer',
    target: '<= 10',
    bench: 'fanout',
  },
  'fanout-burst-last-stock': {
    what: 'fan-out during a burst: last message = final stock',
    target: '0 mismatches',
    bench: 'fanout',
  },
  'join-storm': { what: 'join storm: connect + join of 10,000 vs bare', target: '<= 1.30x', bench: 'fanout' },
  'memory-per-viewer': { what: 'server RSS per connected idle viewer', target: '<= 30 KB', bench: 'fanout' },
  'several-processes': {
    what: '2 processes on one Redis: split burst exact, stock reaches both',
    target: 'exact; delivered',
    bench: 'processes',
  },
  checkout: {
    what: 'checkout: 500 shoppers with holds at once',
    target: 'all confirmed; >= 0.5x bare orders/s',
    bench: 'checkout',
  },
  'pos-sold-out': { what: 'POS webhook for the last unit → browser shows Sold out', target: '<= 500 ms', bench: 'pos' },
  'widget-size': { what: 'widget core script gzip', target: '<= 32 KB', bench: 'widget' },
  'widget-layout-shift': { what: 'widget layout shift', target: '0', bench: 'widget' },
  'widget-first-card': { what: 'widget: join ack → first product card', target: '<= 50 ms', bench: 'widget' },
};

interface Bench {
  name: string;
  /** Entry, relative to the repository root. */
  entry: string;
  args: string[];
  needsSockets?: boolean;
}

const rounds = flags.quick ? ['--rounds=1'] : [];
const BENCHES: Bench[] = [
  {
    name: 'realtime',
    entry: 'scripts/bench/realtime.ts',
    args: flags.quick ? [...rounds, '--burst-rounds=1'] : [],
    needsSockets: true,
  },
  { name: 'fanout', entry: 'scripts/bench/fanout.ts', args: rounds, needsSockets: true },
  { name: 'widget', entry: 'scripts/bench/widget.ts', args: [] },
  { name: 'checkout', entry: 'scripts/bench/checkout.ts', args: [] },
  { name: 'pos', entry: 'scripts/bench/pos.ts', args: [] },
  { name: 'processes', entry: 'scripts/bench/processes.ts', args: [], needsSockets: true },
];

function git(...args: string[]): string {
  const result = spawnSync('git', args, { cwd: repoRoot, encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : '';
}

function main(): number {
  const only = new Set(flags.only.split(',').map((name) => name.trim()));
  const outDir = join(repoRoot, flags.out);
  const selected = BENCHES.filter((bench) => only.has(bench.name) && existsSync(join(repoRoot, bench.entry)));
  if (selected.some((bench) => bench.needsSockets)) assertOpenFiles(10_000);
  const startedAt = new Date().toISOString();
  const ran: Record<string, { exitCode: number | null; seconds: number; rows: Row[] }> = {};
  for (const bench of selected) {
    const json = join(outDir, `${bench.name}.json`);
    rmSync(json, { force: true });
    progress(`${bench.name}: tsx ${bench.entry} ${[...bench.args, `--json=${json}`].join(' ')}`);
    const started = Date.now();
    const result = spawnSync(process.execPath, ['--import', 'tsx', bench.entry, ...bench.args, `--json=${json}`], {
      cwd: repoRoot,
      stdio: 'inherit',
    });
    const rows = existsSync(json) ? (JSON.parse(readFileSync(json, 'utf8')) as BenchJson).rows : [];
    ran[bench.name] = { exitCode: result.status, seconds: (Date.now() - started) / 1000, rows };
    if (result.status !== 0) progress(`${bench.name} exited with ${result.status ?? result.signal}`);
  }

  const byId = new Map<TargetId, Row[]>();
  for (const { rows } of Object.values(ran)) {
    for (const row of rows) if (row.id && row.pass !== undefined) byId.set(row.id, [...(byId.get(row.id) ?? []), row]);
  }
  const targets = TARGET_IDS.map((id) => {
    const rows = byId.get(id) ?? [];
    const run = ran[TARGETS[id].bench];
    // A bench that ran and failed before its table says so, rather than "not measured yet".
    const crashed = rows.length === 0 && run !== undefined && run.exitCode !== 0;
    const figure = rows.length ? rows.map((row) => row.measured).join('; ') : crashed ? 'bench failed' : '';
    const result = rows.length
      ? rows.every((row) => row.pass)
        ? 'PASS'
        : 'FALLS SHORT'
      : crashed
        ? `bench failed (exit ${run.exitCode})`
        : 'not measured yet';
    return { id, what: TARGETS[id].what, target: TARGETS[id].target, figure: figure || result, result, rows };
  });
  printTable(
    `Targets (pnpm bench${flags.quick ? ' --quick' : ''}, ${startedAt})`,
    targets.map((t) => ({
      what: t.what,
      measured: t.figure,
      target: t.target,
      ...((t.result === 'PASS' || t.result === 'FALLS SHORT') && { pass: t.result === 'PASS' }),
    })),
  );
  const count = (result: (r: string) => boolean) => targets.filter((t) => result(t.result)).length;
  console.log(
    `\n${count((r) => r === 'PASS')} pass, ${count((r) => r === 'FALLS SHORT')} fall short, ` +
      `${count((r) => r.startsWith('bench failed'))} with a failed bench, ${count((r) => r === 'not measured yet')} not measured yet`,
  );
  const latest = {
    bench: 'all',
    startedAt,
    finishedAt: new Date().toISOString(),
    commit: git('rev-parse', 'HEAD'),
    dirty: git('status', '--porcelain') !== '',
    machine: { cpus: cpus().length, model: cpus()[0]?.model, loadavg: loadavg(), node: process.version },
    quick: flags.quick,
    benches: Object.fromEntries(
      Object.entries(ran).map(([name, r]) => [name, { exitCode: r.exitCode, seconds: r.seconds }]),
    ),
    targets: targets.map(({ rows: _rows, ...t }) => t),
  };
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'latest.json'), `${JSON.stringify(latest, null, 2)}\n`);
  progress(`JSON: ${join(flags.out, 'latest.json')}`);
  return Object.values(ran).some((r) => r.exitCode !== 0) ? 1 : 0;
}

process.exit(main());
