/**
 * `tsx scripts/bench/ledger-rules.ts [--shoppers=256] [--entries=60000] [--rounds=3]`: the anomaly
 * detector's ledger rules alone, CPU per reserve entry. Reserve entries of `--shoppers` shoppers
 * in turn, six per millisecond of ledger time (so a 60 s window holds them all at 60,000), fed to
 * `LedgerRules.observe` after as many of warm-up: with 256 shoppers each is far past the burst
 * rule's 20 reserves (a closed-loop throughput bench), with 10,000 none reaches it (a drop).
 */
import { parseArgs } from 'node:util';
import type { LedgerEntry } from '@liveshop/protocol';
import { LedgerRules } from '@liveshop/server';
import { fmt } from './lib/report.js';
import { median } from './lib/stats.js';

const { values: flags } = parseArgs({
  options: {
    shoppers: { type: 'string', default: '256' },
    entries: { type: 'string', default: '60000' },
    rounds: { type: 'string', default: '3' },
  },
});
const shoppers = Number(flags.shoppers);
const count = Number(flags.entries);

const entries = (start: number): LedgerEntry[] =>
  Array.from({ length: count }, (_, i) => ({
    id: `${start + i}-0`,
    type: 'reserve',
    sku: 'SKU-1',
    qty: 1,
    allocated: 1e9,
    available: 1e9 - i - 1,
    held: i + 1,
    sold: 0,
    availableBefore: 1e9 - i,
    version: i + 1,
    generation: 0,
    source: 'shop',
    at: start + Math.floor(i / 6),
    holdId: `h${i}~SKU-1`,
    shopperId: `s${i % shoppers}`,
  }));

const perEntry: number[] = [];
for (let round = 0; round < Number(flags.rounds); round += 1) {
  const rules = new LedgerRules();
  const now = Date.now();
  for (const entry of entries(now - 2 * count)) rules.observe('bench', entry, now);
  const measured = entries(now - count);
  const before = process.cpuUsage();
  for (const entry of measured) rules.observe('bench', entry, now);
  const used = process.cpuUsage(before);
  perEntry.push((used.user + used.system) / measured.length);
}
console.log(
  `ledger rules, ${shoppers} shoppers: ${fmt(median(perEntry), 2)} µs CPU per reserve entry (median; ${perEntry
    .map((us) => fmt(us, 2))
    .join(', ')})`,
);
