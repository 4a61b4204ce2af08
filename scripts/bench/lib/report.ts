/** The result table every benchmark prints: measured figure, target, PASS/FAIL; and its JSON. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Row {
  what: string;
  measured: string;
  target: string;
  /** `undefined` for informational rows without a target. */
  pass?: boolean;
  /** The row of the Targets table (docs/benchmarks.md) this figure decides, for `pnpm bench`. */
  id?: TargetId;
}

/** The rows of the Targets table, in its order (docs/benchmarks.md). */
export const TARGET_IDS = [
  'drop-watching',
  'drop-watching-exact',
  'drop-watching-stock',
  'drop-not-watching',
  'redis-per-reserve',
  'server-per-reserve',
  'throughput',
  'throughput-ceiling',
  'fanout-delivery',
  'fanout-burst-rate',
  'fanout-burst-last-stock',
  'join-storm',
  'memory-per-viewer',
  'several-processes',
  'checkout',
  'pos-sold-out',
  'widget-size',
  'widget-layout-shift',
  'widget-first-card',
] as const;
export type TargetId = (typeof TARGET_IDS)[number];

/** What a bench writes with `--json=PATH`: every row it printed, target rows carrying their id. */
export interface BenchJson {
  bench: string;
  finishedAt: string;
  rows: Row[];
}

export function writeBenchJson(path: string, bench: string, rows: Row[]): void {
  mkdirSync(dirname(path), { recursive: true });
  const body: BenchJson = { bench, finishedAt: new Date().toISOString(), rows };
  writeFileSync(path, `${JSON.stringify(body, null, 2)}\n`);
}

export const fmt = (value: number, digits = 1) =>
  Number.isFinite(value)
    ? value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : 'n/a';

export const fmtInt = (value: number) => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a');

export const fmtCounts = (counts: Record<string, number>) =>
  Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}=${value}`)
    .join(' ') || '-';

/** Prints the rows as an aligned text table under a title; returns the number of failed targets. */
export function printTable(title: string, rows: Row[]): number {
  const cells = rows.map((row) => [
    row.what,
    row.measured,
    row.target,
    row.pass === undefined ? '' : row.pass ? 'PASS' : 'FAIL',
  ]);
  const header = ['what', 'measured', 'target', 'result'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ');
  console.log(`\n${title}`);
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const c of cells) console.log(line(c));
  return rows.filter((row) => row.pass === false).length;
}

/** Progress lines go to stderr so the tables on stdout stay clean. */
export const progress = (message: string) => process.stderr.write(`[bench] ${message}\n`);
