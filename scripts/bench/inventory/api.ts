/**
 * Reserve throughput through `InventoryStore`: N concurrent callers spread over the given stores
 * (one auto-pipelined ioredis connection each), each call a new shopper and idempotency key.
 */
import { performance } from 'node:perf_hooks';
import type { InventoryStore } from '@liveshop/inventory';

export interface ApiRunOptions {
  eventId: string;
  sku: string;
  callers: number;
  warmupMs: number;
  durationMs: number;
}

export interface ApiRunResult {
  opsPerSecond: number;
  calls: number;
  failures: number;
  p50Ms: number;
  p99Ms: number;
}

export async function runApiReserves(stores: InventoryStore[], options: ApiRunOptions): Promise<ApiRunResult> {
  const { eventId, sku, callers, warmupMs, durationMs } = options;
  const started = performance.now();
  const measureFrom = started + warmupMs;
  const stopAt = measureFrom + durationMs;
  const latencies: number[] = [];
  let failures = 0;

  async function caller(c: number) {
    const store = stores[c % stores.length] as InventoryStore;
    for (let i = 0; ; i++) {
      const t0 = performance.now();
      if (t0 >= stopAt) return;
      const id = `${sku}-c${c}-${i}`;
      const result = await store.reserve({ eventId, sku, qty: 1, shopperId: `s${id}`, idempotencyKey: `k${id}` });
      if (t0 < measureFrom) continue;
      if (!result.ok) failures++;
      latencies.push(performance.now() - t0);
    }
  }

  await Promise.all(Array.from({ length: callers }, (_, c) => caller(c)));
  // Calls started inside the window; those still running at its end finish just after it.
  const elapsedMs = performance.now() - measureFrom;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    opsPerSecond: (latencies.length / elapsedMs) * 1000,
    calls: latencies.length,
    failures,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
  };
}
