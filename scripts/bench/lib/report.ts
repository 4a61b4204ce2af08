/** The result table every benchmark prints: measured figure, target, PASS/FAIL. */

export interface Row {
  what: string;
  measured: string;
  target: string;
  /** `undefined` for informational rows without a target. */
  pass?: boolean;
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
