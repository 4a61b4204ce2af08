/**
 * The Redis ceiling for a reserve: `redis-benchmark` running EVALSHA of a reserve script with the
 * exact keys and arguments a real call sends, so the socket path can be reported as a share of it.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Redis } from 'ioredis';

const run = promisify(execFile);

export interface RedisBenchmarkResult {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  clients: number;
}

type SendCommand = Redis['sendCommand'];

/**
 * Runs `action` and returns the arguments of the first EVALSHA it sends on `redis`
 * (`[sha, numKeys, ...keys, ...args]`). Works with any ioredis `defineCommand` script, so the
 * benchmark runs the package's own script text with the package's own key layout.
 */
export async function captureEvalsha(redis: Redis, action: () => Promise<unknown>): Promise<string[]> {
  const original = redis.sendCommand;
  let captured: string[] | undefined;
  redis.sendCommand = function (this: Redis, command, ...rest) {
    if (!captured && command.name.toLowerCase() === 'evalsha') captured = command.args.map((arg) => String(arg));
    return original.call(this, command, ...rest);
  } as SendCommand;
  try {
    await action();
  } finally {
    redis.sendCommand = original;
  }
  if (!captured) throw new Error('the action sent no EVALSHA');
  return captured;
}

/** Splits a redis:// URL into redis-benchmark's connection flags. */
export function connectionFlags(url: string): string[] {
  const parsed = new URL(url);
  const flags = ['-h', parsed.hostname || '127.0.0.1', '-p', parsed.port || '6379'];
  if (parsed.password) flags.push('-a', decodeURIComponent(parsed.password), '--no-auth-warning');
  const db = parsed.pathname.replace('/', '');
  if (db) flags.push('--dbnum', db);
  return flags;
}

/** How hard redis-benchmark drives the script: `-n`, `-c`, and `-P` when pipelining (default 1). */
export interface RedisBenchmarkOptions {
  requests: number;
  clients: number;
  pipeline?: number;
  /** Called right before redis-benchmark starts (after the script is loaded) and right after it ends. */
  around?: { before(): Promise<void>; after(): Promise<void> };
}

/**
 * `redis-benchmark -n requests -c clients [-P pipeline] -r 1e9 --csv EVALSHA <sha of lua> ...args`. Arguments may
 * contain `__rand_int__`, which redis-benchmark replaces with a random 12-digit number on every
 * call (used for idempotency keys and shopper ids so every call is a fresh reserve). The script is
 * loaded right before the run, and again if a SCRIPT FLUSH elsewhere on the shared Redis (the
 * inventory's NOSCRIPT test) empties the cache mid-run.
 */
export async function redisBenchmarkEvalsha(
  redis: Redis,
  url: string,
  lua: string,
  args: string[],
  options: RedisBenchmarkOptions,
): Promise<RedisBenchmarkResult> {
  for (let attempt = 1; ; attempt += 1) {
    const sha = (await redis.script('LOAD', lua)) as string;
    try {
      await options.around?.before();
      const result = await runEvalsha(url, [sha, ...args], options);
      await options.around?.after();
      return result;
    } catch (error) {
      if (attempt >= 3 || !String((error as { stderr?: string }).stderr).includes('NOSCRIPT')) throw error;
    }
  }
}

async function runEvalsha(
  url: string,
  evalshaArgs: string[],
  options: RedisBenchmarkOptions,
): Promise<RedisBenchmarkResult> {
  const { stdout } = await run(
    'redis-benchmark',
    [
      ...connectionFlags(url),
      '-n',
      String(options.requests),
      '-c',
      String(options.clients),
      '-P',
      String(options.pipeline ?? 1),
      '-r',
      '1000000000',
      '--csv',
      'EVALSHA',
      ...evalshaArgs,
    ],
    { timeout: 120_000, maxBuffer: 1 << 20 },
  );
  // --csv: a header line, then `"<command>","<rps>","<avg>","<min>","<p50>","<p95>","<p99>","<max>"`.
  const row = stdout
    .trim()
    .split('\n')
    .map((line) => line.split('","').map((cell) => cell.replaceAll('"', '')))
    .find((cells) => cells.length >= 7 && Number.isFinite(Number(cells[1])));
  if (!row) throw new Error(`unexpected redis-benchmark output: ${stdout.slice(0, 300)}`);
  return {
    rps: Number(row[1]),
    p50Ms: Number(row[4]),
    p99Ms: Number(row[6]),
    requests: options.requests,
    clients: options.clients,
  };
}
