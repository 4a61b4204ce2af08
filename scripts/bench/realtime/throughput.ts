/**
 * Reserve throughput through `/shop`: N clients, each with one reserve in flight (closed loop), for
 * a fixed window after a warm-up. The clients do not join the event room, so neither server spends
 * the window broadcasting; broadcast cost is what the fan-out bench measures.
 */
import type { LoadGenerator } from '../load/generator.js';
import type { BenchTarget } from '../lib/targets.js';
import { cpuDelta, cpuSnapshot } from '../lib/cpu.js';
import { commandStats, commandStatsDelta } from '../lib/commandstats.js';
import { nowMs, summarize, type LatencySummary } from '../lib/stats.js';

export interface ThroughputOptions {
  clients: number;
  warmupMs: number;
  durationMs: number;
  /** Local Redis server's pid, to count its CPU time too. */
  redisPid?: number;
}

export interface ThroughputSample {
  target: BenchTarget['name'];
  /** Acknowledged reserves per second in the measured window. */
  throughput: number;
  latency: LatencySummary;
  outcomes: Record<string, number>;
  connectFailed: number;
  unexpectedDisconnects: number;
  /** CPU microseconds per acknowledged reserve in the measured window: server, redis, generator. */
  cpuUsPerReserve: Record<string, number>;
  /** The same as a share of one core over the window (1 = one core busy the whole time). */
  cores: Record<string, number>;
  /**
   * Redis's time executing scripts per acknowledged reserve in the window (`INFO commandstats`:
   * EVALSHA and EVAL, the commands a script calls included), µs; and every command's calls and time
   * per reserve (a script's inner commands are counted both there and under their own names).
   */
  redisUsecPerReserve: number;
  redisCommands: Record<string, { callsPerReserve: number; usecPerReserve: number }>;
}

/** Units so large the window never sells out, and the same number as the per-shopper limit. */
const UNITS = 1_000_000;

export async function throughputRound(
  generator: LoadGenerator,
  target: BenchTarget,
  round: number,
  options: ThroughputOptions,
): Promise<ThroughputSample> {
  const eventId = `tp${round}-${target.name}`;
  const sku = 'TP-1';
  // A per-shopper limit is set (high) so the real script runs its limit check on every reserve.
  await target.createEvent(eventId, [{ sku, units: UNITS, limitPerShopper: UNITS }]);
  const connected = await generator.connect({
    url: target.server.url,
    namespace: '/shop',
    count: options.clients,
    concurrency: 32,
  });
  const loop = generator.reserveLoop({
    eventId,
    sku,
    runId: `tp${round}${target.name}`,
    warmupMs: options.warmupMs,
    durationMs: options.durationMs,
  });
  // CPU is read over the measured window only (after the warm-up).
  const groups = {
    server: [target.server.pid],
    ...(options.redisPid && { redis: [options.redisPid] }),
    generator: generator.pids,
  };
  await new Promise((resolve) => setTimeout(resolve, options.warmupMs));
  const statsBefore = await commandStats();
  const before = cpuSnapshot(groups);
  const windowStart = nowMs();
  const result = await loop;
  const windowMs = nowMs() - windowStart;
  const cpu = cpuDelta(before, cpuSnapshot(groups));
  const stats = commandStatsDelta(statsBefore, await commandStats());
  const reservesInWindow = result.throughput * (windowMs / 1000);
  const closed = await generator.disconnect();
  return {
    target: target.name,
    throughput: result.throughput,
    latency: summarize(result.latencies),
    outcomes: result.outcomes,
    connectFailed: connected.failed,
    unexpectedDisconnects: closed.unexpectedDisconnects,
    cpuUsPerReserve: Object.fromEntries(
      Object.entries(cpu).map(([name, ms]) => [name, (ms * 1000) / reservesInWindow]),
    ),
    cores: Object.fromEntries(Object.entries(cpu).map(([name, ms]) => [name, ms / windowMs])),
    redisUsecPerReserve: ((stats.evalsha?.usec ?? 0) + (stats.eval?.usec ?? 0)) / reservesInWindow,
    redisCommands: Object.fromEntries(
      Object.entries(stats).map(([name, s]) => [
        name,
        { callsPerReserve: s.calls / reservesInWindow, usecPerReserve: s.usec / reservesInWindow },
      ]),
    ),
  };
}
