/**
 * `pnpm exec tsx scripts/bench/redis-cost.ts`: what one reserve costs Redis alone, the real
 * script against the bare reference's, on a private `redis-server` with nothing else on it:
 * `redis-benchmark` EVALSHA of each (every call a new shopper and idempotency key, stock that never
 * runs out), Redis's own CPU time (`INFO cpu`) and `INFO commandstats` read around each run, so
 * each command of the script shows with its calls and microseconds per reserve. Rounds alternate.
 *
 * `--callgrind` runs that `redis-server` under valgrind's callgrind instead and reports the
 * instructions Redis executed per reserve (counters zeroed right before each redis-benchmark run
 * and read right after it): a count that other load on the machine does not move, so a change of a
 * few percent shows, where CPU time on a shared box moves by a quarter from round to round. It
 * counts instructions, not cache misses, so it complements the CPU time rather than replacing it.
 *
 * `--batch=N` has each real call carry N reserves, as a busy server's turn does (decision 0164); the
 * figures stay per reserve (the bare script takes one reserve a call either way).
 *
 * Flags: --rounds=3 --requests=100000 --clients=50 --batch=1; with --callgrind, --requests=3000
 * --clients=4. `--requests` counts calls.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { commandStats, commandStatsDelta, type CommandStats } from './lib/commandstats.js';
import { startPrivateRedis } from './lib/private-redis.js';
import { redisUrl, useRedisUrl } from './lib/redis-keys.js';
import { bareReserveCeiling, realReserveCeiling, type CeilingOptions } from './realtime/ceiling.js';
import { fmt } from './lib/report.js';
import { median } from './lib/stats.js';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    rounds: { type: 'string', default: '3' },
    requests: { type: 'string' },
    clients: { type: 'string' },
    callgrind: { type: 'boolean', default: false },
    batch: { type: 'string', default: '1' },
  },
});
const callgrind = values.callgrind;
const options = {
  requests: Number(values.requests ?? (callgrind ? 3000 : 100_000)),
  clients: Number(values.clients ?? (callgrind ? 4 : 50)),
};
const run = promisify(execFile);

async function cpuMs(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const read = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  return (read('used_cpu_sys') + read('used_cpu_user')) * 1000;
}

interface Sample {
  cpuUs: number;
  /** Instructions Redis executed per reserve (--callgrind), else 0. */
  instructions: number;
  scriptUs: number;
  rps: number;
  commands: CommandStats;
}

/** Zeroes callgrind's counters before a run and reads them after it (the dump's `totals:` line). */
function callgrindCounter(pid: number, dir: string) {
  let total = 0;
  return {
    around: {
      before: async () => {
        await run('callgrind_control', ['-z', String(pid)]);
      },
      after: async () => {
        await run('callgrind_control', ['-d', String(pid)]);
        const dumps = readdirSync(dir).filter((name) => /\.\d+$/.test(name));
        const latest = dumps.sort((a, b) => Number(b.split('.').pop()) - Number(a.split('.').pop()))[0];
        const text = latest ? readFileSync(join(dir, latest), 'utf8') : '';
        total = Number(/^(?:totals|summary): (\d+)/m.exec(text)?.[1] ?? NaN);
      },
    },
    total: () => total,
  };
}

async function measure(
  redis: Redis,
  runOnce: (opts: CeilingOptions) => Promise<{ rps: number }>,
  batch = 1,
): Promise<Sample> {
  const counter = callgrind ? callgrindCounter(local.pid, callgrindDir!) : undefined;
  const statsBefore = await commandStats();
  const cpuBefore = await cpuMs(redis);
  const result = await runOnce({ ...options, batch, around: counter?.around });
  const rps = result.rps * batch;
  const cpu = (await cpuMs(redis)) - cpuBefore;
  const stats = commandStatsDelta(statsBefore, await commandStats());
  // Per reserve: every call carries `batch` of them.
  const calls = (stats.evalsha?.calls ?? 0) * batch;
  const commands: CommandStats = {};
  for (const [name, s] of Object.entries(stats)) commands[name] = { calls: s.calls / calls, usec: s.usec / calls };
  return {
    cpuUs: (cpu * 1000) / calls,
    instructions: counter ? counter.total() / (options.requests * batch) : 0,
    scriptUs: (stats.evalsha?.usec ?? 0) / calls,
    rps,
    commands,
  };
}

const callgrindDir = callgrind ? mkdtempSync(join(tmpdir(), 'liveshop-callgrind-')) : undefined;
const local = await startPrivateRedis(
  callgrind ? ['valgrind', '--tool=callgrind', `--callgrind-out-file=${callgrindDir}/callgrind.out`] : [],
);
useRedisUrl(local.url);
const redis = new Redis(redisUrl);
try {
  const samples: Record<'bare' | 'real', Sample[]> = { bare: [], real: [] };
  for (let round = 1; round <= Number(values.rounds); round += 1) {
    samples.bare.push(await measure(redis, bareReserveCeiling));
    samples.real.push(await measure(redis, realReserveCeiling, Number(values.batch)));
    const [b, r] = [samples.bare.at(-1)!, samples.real.at(-1)!];
    if (callgrind) {
      console.log(
        `round ${round}: instructions per reserve bare ${fmt(b.instructions, 0)} real ${fmt(r.instructions, 0)} ` +
          `(${fmt(r.instructions / b.instructions, 2)}x)`,
      );
      continue;
    }
    console.log(
      `round ${round}: CPU µs per reserve bare ${fmt(b.cpuUs)} real ${fmt(r.cpuUs)} (${fmt(r.cpuUs / b.cpuUs, 2)}x); ` +
        `script µs bare ${fmt(b.scriptUs)} real ${fmt(r.scriptUs)}; /s bare ${fmt(b.rps, 0)} real ${fmt(r.rps, 0)}`,
    );
  }
  for (const name of ['bare', 'real'] as const) {
    const last = samples[name].at(-1)!;
    const inner = Object.entries(last.commands)
      .filter(([command]) => command !== 'evalsha' && last.commands[command]!.calls >= 0.01)
      .sort((a, b) => b[1].usec - a[1].usec)
      .map(([command, s]) => `${command} ${fmt(s.calls, 2)} (${fmt(s.usec, 2)} µs)`);
    console.log(`${name}: commands per reserve, last round: ${inner.join(', ')}`);
  }
  if (callgrind) {
    const ins = (name: 'bare' | 'real') => median(samples[name].map((s) => s.instructions));
    console.log(
      `median: Redis instructions per reserve (callgrind) real ${fmt(ins('real'), 0)} / bare ${fmt(ins('bare'), 0)} = ` +
        `${fmt(ins('real') / ins('bare'), 2)}x`,
    );
  }
  const cpu = (name: 'bare' | 'real') => median(samples[name].map((s) => s.cpuUs));
  const script = (name: 'bare' | 'real') => median(samples[name].map((s) => s.scriptUs));
  console.log(
    `median: Redis CPU µs per reserve real ${fmt(cpu('real'))} / bare ${fmt(cpu('bare'))} = ${fmt(cpu('real') / cpu('bare'), 2)}x; ` +
      `script time ${fmt(script('real'))} / ${fmt(script('bare'))} = ${fmt(script('real') / script('bare'), 2)}x`,
  );
} finally {
  redis.disconnect();
  await local.stop();
  if (callgrindDir) rmSync(callgrindDir, { recursive: true, force: true });
}
