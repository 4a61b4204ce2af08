/**
 * `tsx scripts/bench/payload-check.ts [--payloads=200000] [--rounds=5]`: the reserve path's
 * payload check alone, CPU per payload: the protocol's zod schema (`reservePayload.safeParse`)
 * against the fast check with the same rules (`isReservePayload`), interleaved round by round.
 * Each payload is a fresh object parsed from JSON, as socket.io's parser hands it to a handler.
 */
import { parseArgs } from 'node:util';
import { isReservePayload, reservePayload } from '@liveshop/protocol';
import { fmt } from './lib/report.js';
import { median } from './lib/stats.js';

const { values: flags } = parseArgs({
  options: {
    payloads: { type: 'string', default: '200000' },
    rounds: { type: 'string', default: '5' },
  },
});
const count = Number(flags.payloads);

const payloads = (): unknown[] =>
  Array.from({ length: count }, (_, i) =>
    JSON.parse(
      JSON.stringify({ eventId: 'drop-2026', sku: `SKU-${i % 8}`, qty: 1, idempotencyKey: `k${i.toString(36)}-tap` }),
    ),
  );

function timed(check: (value: unknown) => boolean): number {
  const batch = payloads();
  let accepted = 0;
  const before = process.cpuUsage();
  for (const value of batch) if (check(value)) accepted += 1;
  const used = process.cpuUsage(before);
  if (accepted !== batch.length) throw new Error(`only ${accepted} of ${batch.length} payloads accepted`);
  return ((used.user + used.system) * 1000) / batch.length;
}

const schema = (value: unknown) => reservePayload.safeParse(value).success;
const fast = (value: unknown) => isReservePayload(value);
// Warm both up so the JIT has compiled them before the first measured round.
timed(schema);
timed(fast);

const schemaNs: number[] = [];
const fastNs: number[] = [];
for (let round = 0; round < Number(flags.rounds); round += 1) {
  schemaNs.push(timed(schema));
  fastNs.push(timed(fast));
}
const each = (values: number[]) => values.map((ns) => fmt(ns, 0)).join(', ');
console.log(`reservePayload.safeParse: ${fmt(median(schemaNs), 0)} ns per payload (median; ${each(schemaNs)})`);
console.log(`isReservePayload:         ${fmt(median(fastNs), 0)} ns per payload (median; ${each(fastNs)})`);
console.log(`saved per reserve:        ${fmt((median(schemaNs) - median(fastNs)) / 1000, 2)} µs`);
