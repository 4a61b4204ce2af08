import type { KeyBuilder } from '@liveshop/inventory';
import createDebug from 'debug';
import type { RedisClient } from '../redis-connection.js';
import type { EventService } from '../catalog/event-service.js';
import type { ServerMetrics } from '../metrics/metrics.js';
import { superviseLoop, type SupervisedLoop } from './supervised-loop.js';

const debug = createDebug('liveshop:reconciler');
const CHECK_INTERVAL_MS = 5_000;

/**
 * Keeps Redis in step with the database for every event that is not ended ({@link
 * EventService.reconcileAll}): at start, after every reconnect ({@link trigger}), and whenever the
 * marker key it leaves in Redis is gone, which means Redis lost its data without this process
 * seeing a disconnect (a flush, a failover to an empty replica). Every process runs one; the
 * event locks and the restore script's own check make concurrent runs safe.
 */
export class RedisReconciler {
  #loop: SupervisedLoop | null = null;
  #due = false;
  #wake: (() => void) | null = null;

  constructor(
    private readonly deps: { redis: RedisClient; events: EventService; keys: KeyBuilder; metrics: ServerMetrics },
    private readonly intervalMs = CHECK_INTERVAL_MS,
  ) {}

  start(): void {
    this.#loop ??= superviseLoop('reconciler', (signal) => this.#run(signal), {
      onRestart: () => this.deps.metrics.workerRestarts.labels('reconciler').inc(),
      onStop: () => this.#wake?.(),
    });
  }

  async stop(): Promise<void> {
    await this.#loop?.stop();
  }

  /** Reconciles every open event at the next opportunity (and again until one run succeeds). */
  trigger(): void {
    this.#due = true;
    this.#wake?.();
  }

  /** Reconciles every open event now, then leaves the marker. */
  async reconcileNow(): Promise<void> {
    const { restored, repaired } = await this.deps.events.reconcileAll();
    for (const eventId of restored) {
      console.warn(`liveshop: event ${eventId} was missing from Redis and has been restored from the database`);
    }
    this.deps.metrics.eventsRestored.inc(restored.length);
    if (repaired.length > 0) debug('repaired the allocations of %o', repaired);
    await this.deps.redis.set(this.deps.keys.reconciledMarker(), String(Date.now()));
  }

  async #run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      if (this.#due || (await this.deps.redis.exists(this.deps.keys.reconciledMarker())) === 0) {
        this.#due = true;
        await this.reconcileNow();
        this.#due = false;
      }
      await this.#waitForCheck(signal);
    }
  }

  /** Waits for the next check: the interval, a trigger, or the stop. */
  #waitForCheck(signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.#wake = null;
        resolve();
      };
      const timer = setTimeout(done, this.intervalMs);
      signal.addEventListener('abort', done, { once: true });
      this.#wake = done;
    });
  }
}
