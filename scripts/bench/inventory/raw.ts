/**
 * The raw script rate: `redis-benchmark` EVALSHA of the very reserve script `InventoryStore` runs
 * (`scripts.reserve.lua`), with the keys and arguments it sends, captured from a real call;
 * `__rand_int__` makes every call a new shopper and idempotency key, as in the API run.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { scripts, type InventoryStore } from '@liveshop/inventory';
import type { Redis } from 'ioredis';
import { captureEvalsha, connectionFlags } from '../lib/redis-benchmark.js';

const run = promisify(execFile);

/** `[numKeys, ...keys, ...args]` of a reserve on `sku`, randomised per call by redis-benchmark. */
export async function reserveInvocation(redis: Redis, store: InventoryStore, eventId: string, sku: string) {
  // Placeholders the real call carries, swapped for __rand_int__ below (unique per SKU, so two captures never collide).
  const SHOPPER = `shopperXPLACE${sku}`;
  const KEY = `keyXPLACE${sku}`;
  const captured = await captureEvalsha(redis, async () => {
    const result = await store.reserve({ eventId, sku, qty: 1, shopperId: SHOPPER, idempotencyKey: KEY });
    if (!result.ok) throw new Error(`reserve failed: ${result.error.code}`);
  });
  if (captured[0] !== createHash('sha1').update(scripts.reserve.lua).digest('hex')) {
    throw new Error('captured EVALSHA is not the reserve script');
  }
  return captured.slice(1).map((arg) => arg.replaceAll(SHOPPER, 's__rand_int__').replaceAll(KEY, 'k__rand_int__'));
}

export interface RawRunOptions {
  requests: number;
  clients: number;
  pipeline: number;
}

/** Requests per second redis-benchmark reports for `EVALSHA <sha> ...invocation`. */
export async function runRawEvalsha(
  redis: Redis,
  url: string,
  invocation: string[],
  options: RawRunOptions,
): Promise<number> {
  // Loaded right before the run: another suite's SCRIPT FLUSH on the shared Redis may have emptied the cache.
  const sha = (await redis.script('LOAD', scripts.reserve.lua)) as string;
  const { stdout } = await run(
    'redis-benchmark',
    [
      ...connectionFlags(url),
      '-n',
      String(options.requests),
      '-c',
      String(options.clients),
      '-P',
      String(options.pipeline),
      '-r',
      '1000000000',
      '--csv',
      'EVALSHA',
      sha,
      ...invocation,
    ],
    { timeout: 60_000, maxBuffer: 1 << 20 },
  );
  const row = stdout
    .trim()
    .split('\n')
    .map((line) => line.split('","').map((cell) => cell.replaceAll('"', '')))
    .find((cells) => cells.length >= 2 && Number.isFinite(Number(cells[1])) && Number(cells[1]) > 0);
  if (!row) throw new Error(`unexpected redis-benchmark output: ${stdout.slice(0, 300)}`);
  return Number(row[1]);
}
