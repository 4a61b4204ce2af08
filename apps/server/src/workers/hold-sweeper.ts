import { setTimeout as sleep } from 'node:timers/promises';
import type { InventoryStore, KeyBuilder } from '@liveshop/inventory';
import createDebug from 'debug';
import type { RedisClient } from '../redis-connection.js';
import type { EventRepository } from '../catalog/event-repository.js';
import type { ServerMetrics } from '../metrics/metrics.js';
import { superviseLoop, type SupervisedLoop } from './supervised-loop.js';

const debug = createDebug('liveshop:sweeper');
const BATCH = 200;
/** Batches per event per pass; the rest waits for the next pass so one event cannot starve others. */
const MAX_BATCHES = 20;
const EVENT_LIST_REFRESH_MS = 5_000;

/**
 * Returns expired holds to stock in batches, once a second, for every event not ended (whatever
 * its status: a scheduled event may still have holds) and events ended in the last day. The
 * engine already reclaims due holds of a SKU whenever someone reserves it, but nobody can reserve
 * an event that is not live, so the sweeper is what makes stock reappear in a quiet or paused room.
 * A short Redis lock per event and pass lets one process of many do the work.
 */
export class HoldSweeper {
  #loop: SupervisedLoop | null = null;
  #events: string[] = [];
  #eventsReadAt = -Infinity;

  constructor(
    private readonly deps: {
      redis: RedisClient;
      inventory: InventoryStore;
      repository: EventRepository;
      keys: KeyBuilder;
      metrics: ServerMetrics;
      nodeId: string;
    },
    private readonly intervalMs = 1_000,
  ) {}

  start(): void {
    this.#loop ??= superviseLoop('sweeper', (signal) => this.#run(signal), {
      onRestart: () => this.deps.metrics.workerRestarts.labels('sweeper').inc(),
    });
  }

  async stop(): Promise<void> {
    await this.#loop?.stop();
  }

  /** Forces the next pass to re-read the list of events (after a status change on this process). */
  refresh(): void {
    this.#eventsReadAt = -Infinity;
  }

  async #run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await this.sweepOnce();
      await sleep(this.intervalMs, undefined, { signal }).catch(() => undefined);
    }
  }

  /** One pass over the sweepable events; resolves to the number of holds expired. */
  async sweepOnce(): Promise<number> {
    const { redis, inventory, keys, metrics, nodeId } = this.deps;
    if (Date.now() - this.#eventsReadAt > EVENT_LIST_REFRESH_MS) {
      this.#events = await this.deps.repository.listSweepable();
      this.#eventsReadAt = Date.now();
    }
    let total = 0;
    for (const eventId of this.#events) {
      const locked = await redis.set(keys.sweepLock(eventId), nodeId, 'PX', this.intervalMs, 'NX');
      if (!locked) continue;
      for (let batch = 0; batch < MAX_BATCHES; batch += 1) {
        const { expired, more } = await inventory.expireDue(eventId, BATCH);
        total += expired;
        metrics.holdsExpired.inc(expired);
        if (!more) break;
      }
    }
    if (total > 0) debug('expired %d holds', total);
    return total;
  }
}
