import { setTimeout as sleep } from 'node:timers/promises';
import type { KeyBuilder } from '@liveshop/inventory';
import createDebug from 'debug';
import type { ServerMetrics } from '../metrics/metrics.js';
import type { PosDrift } from '../pos/pos-drift.js';
import type { RedisClient } from '../redis-connection.js';
import { superviseLoop, type SupervisedLoop } from './supervised-loop.js';

const debug = createDebug('liveshop:pos-reconcile');

/**
 * The scheduled reconciliation with the POS: every interval, one process (the one that takes the
 * interval's Redis lock) pulls the POS counts of each open event that follows the POS through the
 * adapters and applies them, as `POST /api/admin/pos/reconcile` does; the drift after it goes to
 * the event's moderators. A webhook the POS never delivered (or one lost with its retries) is
 * caught up this way. Off when the interval is 0.
 */
export class PosReconcileSchedule {
  #loop: SupervisedLoop | null = null;

  constructor(
    private readonly deps: {
      redis: RedisClient;
      keys: KeyBuilder;
      drift: PosDrift;
      /** The events not ended whose stock follows the POS. */
      posEvents: () => Promise<string[]>;
      metrics: ServerMetrics;
      nodeId: string;
    },
    private readonly intervalMs: number,
  ) {}

  start(): void {
    if (this.intervalMs === 0) return;
    this.#loop ??= superviseLoop(
      'pos-reconcile',
      async (signal) => {
        while (!signal.aborted) {
          await sleep(this.intervalMs, undefined, { signal }).catch(() => undefined);
          if (signal.aborted) return;
          await this.runOnce();
        }
      },
      { onRestart: () => this.deps.metrics.workerRestarts.labels('pos-reconcile').inc() },
    );
  }

  async stop(): Promise<void> {
    await this.#loop?.stop();
  }

  /** One pass, unless another process took this interval's; resolves to the events reconciled. */
  async runOnce(): Promise<string[]> {
    const { redis, keys, drift, nodeId } = this.deps;
    // A little under the interval: the next pass, wherever it runs, finds the lock gone.
    const locked = await redis.set(keys.posReconcileLock(), nodeId, 'PX', Math.max(50, this.intervalMs - 50), 'NX');
    if (!locked) return [];
    const done: string[] = [];
    for (const eventId of await this.deps.posEvents()) {
      try {
        const result = await drift.reconcile(eventId);
        for (const failure of result.failures) debug('%s: %s', eventId, failure);
        done.push(eventId);
      } catch (error) {
        debug('%s not reconciled: %s', eventId, (error as Error).message);
      }
    }
    return done;
  }
}
