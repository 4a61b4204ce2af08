/**
 * `pnpm exec tsx scripts/bench/redis-cost.ts`: what one reserve costs Redis alone, the real
 * script against the bare reference's, on a private `redis-server` with nothing else on it:
 * `redis-benchmark` EVALSHA of each (every call a new shopper and idempotency key, stock that never
 * runs out), Redis's own CPU time (`INFO cpu`) and `INFO commandstats` read around each run, so
 * each command of the script shows with its calls and microseconds per reserve. Rounds alternate.
 *
 * Flags: --rounds=3 --requests=100000 --clients=50
 */
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { commandStats, commandStatsDelta, type CommandStats } from './lib/commandstats.js';
import { startPrivateRedis } from './lib/private-redis.js';
import { redisUrl, useRedisUrl } from './lib/redis-keys.js';
import { bareReserveCeiling, realReserveCeiling } from './realtime/ceiling.js';
import { fmt } from './lib/report.js';
import { median } from './lib/stats.js';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    rounds: { type: 'string', default: '3' },
    requests: { type: 'string', default: '100000' },
    clients: { type: 'string', default: '50' },
  },
});
const options = { requests: Number(values.requests), clients: Number(values.clients) };

async function cpuMs(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const read = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  return (read('used_cpu_sys') + read('used_cpu_user')) * 1000;
}

interface Sample {
  cpuUs: number;
  scriptUs: number;
  rps: number;
  commands: CommandStats;
}

async function measure(redis: Redis, run: () => Promise<{ rps: number }>): Promise<Sample> {
  const statsBefore = await commandStats();
  const cpuBefore = await cpuMs(redis);
  const { rps } = await run();
  const cpu = (await cpuMs(redis)) - cpuBefore;
  const stats = commandStatsDelta(statsBefore, await commandStats());
  const calls = stats.evalsha?.calls ?? 0;
  const commands: CommandStats = {};
  for (const [name, s] of Object.entries(stats)) commands[name] = { calls: s.calls / calls, usec: s.usec / calls };
  return { cpuUs: (cpu * 1000) / calls, scriptUs: (stats.evalsha?.usec ?? 0) / calls, rps, commands };
}

const local = await startPrivateRedis();
useRedisUrl(local.url);
const redis = new Redis(redisUrl);
try {
  const samples: Record<'bare' | 'real', Sample[]> = { bare: [], real: [] };
  for (let round = 1; round <= Number(values.rounds); round += 1) {
    samples.bare.push(await measure(redis, () => bareReserveCeiling(options)));
    samples.real.push(await measure(redis, () => realReserveCeiling(options)));
    const [b, r] = [samples.bare.at(-1)!, samples.real.at(-1)!];
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
  const cpu = (name: 'bare' | 'real') => median(samples[name].map((s) => s.cpuUs));
  const script = (name: 'bare' | 'real') => median(samples[name].map((s) => s.scriptUs));
  console.log(
    `median: Redis CPU µs per reserve real ${fmt(cpu('real'))} / bare ${fmt(cpu('bare'))} = ${fmt(cpu('real') / cpu('bare'), 2)}x; ` +
      `script time ${fmt(script('real'))} / ${fmt(script('bare'))} = ${fmt(script('real') / script('bare'), 2)}x`,
  );
} finally {
  redis.disconnect();
  await local.stop();
}
