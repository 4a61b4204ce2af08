import { setTimeout as sleep } from 'node:timers/promises';
import { LedgerGroupReader, type KeyBuilder } from '@liveshop/inventory';
import type { LedgerEntry } from '@liveshop/protocol';
import createDebug from 'debug';
import type { RedisClient } from '../redis-connection.js';
import type { HoldCounts } from '../analytics/hold-counts.js';
import type { Anomalies } from '../anomalies/anomalies.js';
import { LedgerRules } from '../anomalies/ledger-rules.js';
import type { EventRepository } from '../catalog/event-repository.js';
import type { ServerMetrics } from '../metrics/metrics.js';
import { duplicateForReads } from '../redis-connection.js';
import { superviseLoop, type SupervisedLoop } from './supervised-loop.js';

const debug = createDebug('liveshop:detector');
/** The consumer group on every ledger, and the one consumer name whichever process leads uses. */
export const DETECTOR_GROUP = 'anomalies';
const CONSUMER = 'detector';
const LOCK_MS = 5_000;
const BLOCK_MS = 1_000;
const EVENT_LIST_REFRESH_MS = 5_000;
/** How long the sales-per-minute series is kept. */
const SALES_SERIES_SECONDS = 24 * 3600;

/**
 * The anomaly detector: reads every open event's ledger through the consumer group `anomalies`,
 * feeds each entry to the ledger rules, raises what they find, and keeps each event's units sold
 * per minute (the hosts' chart) and holds placed per SKU (the analytics, {@link HoldCounts}). It runs on one process at a time: the process holding a Redis
 * lock (renewed every second, lost after 5 s without renewal) reads; the others wait to take over.
 * The group remembers the position, so a new leader resumes with the entries its predecessor had
 * read but not acknowledged, then the new ones: every entry is examined, at least once.
 */
export class AnomalyDetector {
  readonly rules = new LedgerRules();
  readonly #reader: RedisClient;
  readonly #group: LedgerGroupReader;
  #loop: SupervisedLoop | null = null;
  #events: string[] = [];
  #eventsReadAt = -Infinity;
  #leading = false;

  constructor(
    private readonly deps: {
      redis: RedisClient;
      keys: KeyBuilder;
      repository: EventRepository;
      anomalies: Anomalies;
      metrics: ServerMetrics;
      nodeId: string;
      holds: Pick<HoldCounts, 'record'>;
    },
  ) {
    this.#reader = duplicateForReads(deps.redis, { lazyConnect: true });
    this.#group = new LedgerGroupReader(this.#reader, deps.keys, DETECTOR_GROUP, CONSUMER);
  }

  /** Whether this process runs the detector now. */
  get leading(): boolean {
    return this.#leading;
  }

  start(): void {
    this.#loop ??= superviseLoop('detector', (signal) => this.#run(signal), {
      onRestart: () => this.deps.metrics.workerRestarts.labels('detector').inc(),
      onStop: () => this.#reader.disconnect(),
    });
  }

  async stop(): Promise<void> {
    await this.#loop?.stop();
    if (this.#leading) {
      // Hands over at once rather than after the lock's expiry.
      const { redis, keys, nodeId } = this.deps;
      if ((await redis.get(keys.detectorLock()).catch(() => null)) === nodeId) await redis.del(keys.detectorLock());
    }
    this.#leading = false;
  }

  /** Makes the next pass re-read the list of events (a new event was created here). */
  refresh(): void {
    this.#eventsReadAt = -Infinity;
  }

  async #run(signal: AbortSignal): Promise<void> {
    if (this.#reader.status === 'wait' || this.#reader.status === 'end') await this.#reader.connect();
    this.#leading = false;
    while (!signal.aborted) {
      const leading = await this.#holdLock();
      if (!leading) {
        this.#leading = false;
        await sleep(LOCK_MS / 5, undefined, { signal }).catch(() => undefined);
        continue;
      }
      const justTookOver = !this.#leading;
      this.#leading = true;
      if (Date.now() - this.#eventsReadAt > EVENT_LIST_REFRESH_MS) {
        this.#events = await this.deps.repository.listSweepable();
        this.#eventsReadAt = Date.now();
        for (const eventId of this.#events) await this.#group.ensureGroup(eventId);
      }
      if (this.#events.length === 0) {
        await sleep(BLOCK_MS, undefined, { signal }).catch(() => undefined);
        continue;
      }
      if (justTookOver) {
        debug('took over the detector');
        await this.#examine(await this.#group.read(this.#events, { pending: true }));
      }
      await this.#examine(await this.#readNew());
    }
  }

  async #readNew(): Promise<Map<string, LedgerEntry[]>> {
    try {
      return await this.#group.read(this.#events, { blockMs: BLOCK_MS });
    } catch (error) {
      // Redis lost the group (its data): the groups are created again on the next pass.
      if (String((error as Error).message).includes('NOGROUP')) {
        this.#group.reset();
        this.#eventsReadAt = -Infinity;
        return new Map();
      }
      throw error;
    }
  }

  /** Takes or renews the lock; true when this process holds it. */
  async #holdLock(): Promise<boolean> {
    const { redis, keys, nodeId } = this.deps;
    const key = keys.detectorLock();
    if ((await redis.set(key, nodeId, 'PX', LOCK_MS, 'NX')) === 'OK') return true;
    if ((await redis.get(key)) !== nodeId) return false;
    await redis.pexpire(key, LOCK_MS);
    return true;
  }

  async #examine(read: Map<string, LedgerEntry[]>): Promise<void> {
    const { redis, keys, anomalies } = this.deps;
    for (const [eventId, entries] of read) {
      const sales = new Map<number, number>();
      for (const entry of entries) {
        for (const finding of this.rules.observe(eventId, entry)) await anomalies.raise(finding);
        if (entry.type === 'commit') {
          const minute = Math.floor(entry.at / 60_000) * 60_000;
          sales.set(minute, (sales.get(minute) ?? 0) + entry.qty);
        }
      }
      if (sales.size > 0) {
        const key = keys.salesPerMinute(eventId);
        const batch = redis.multi();
        for (const [minute, units] of sales) batch.hincrby(key, String(minute), units);
        await batch.expire(key, SALES_SERIES_SECONDS).exec();
      }
      // Holds placed, for the analytics; counted once per entry even when read again.
      await this.deps.holds.record(eventId, entries);
      await this.#group.ack(
        eventId,
        entries.map((entry) => entry.id),
      );
    }
  }
}
