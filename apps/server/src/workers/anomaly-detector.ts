import { setTimeout as sleep } from 'node:timers/promises';
import { LedgerTail, groupPosition, type KeyBuilder, type LedgerBatch } from '@liveshop/inventory';
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
/**
 * The consumer group the detector read the ledgers through before it kept its own position: a
 * ledger without a stored position resumes where this group was.
 */
export const DETECTOR_GROUP = 'anomalies';
/** Most entries of one event read per pass: a pass's fixed cost is paid per this many at most. */
const COUNT = 5_000;
const LOCK_MS = 5_000;
const BLOCK_MS = 1_000;
/**
 * Shortest pass while the ledgers have no backlog: under a stream of reserves each pass would
 * otherwise read a handful of entries, and its fixed cost (the lock's renewal, the read, the hold
 * counts' transaction) would be paid per handful. A pass that read a full batch goes on at once.
 */
const MIN_PASS_MS = 250;
const EVENT_LIST_REFRESH_MS = 5_000;
/** How long the sales-per-minute series is kept. */
const SALES_SERIES_SECONDS = 24 * 3600;

/**
 * The anomaly detector: reads every open event's ledger with XREAD, feeds each entry to the ledger
 * rules, raises what they find, and keeps each event's units sold per minute (the hosts' chart)
 * and holds placed per SKU (the analytics, {@link HoldCounts}). It runs on one process at a time:
 * the process holding a Redis lock (renewed every second, lost after 5 s without renewal) reads;
 * the others wait to take over. After examining a batch of an event's entries it stores the last
 * one's id (`detector-position`), so a new leader resumes after the last batch its predecessor
 * finished: every entry is examined, at least once. (A consumer group did this before; it cost
 * Redis a pending-list insert and removal per entry, on every reserve's entry; decision 0163.)
 */
export class AnomalyDetector {
  readonly rules = new LedgerRules();
  readonly #reader: RedisClient;
  readonly #tail: LedgerTail;
  /** Each event's last examined entry id, while this process leads. */
  readonly #positions = new Map<string, string>();
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
    this.#tail = new LedgerTail(this.#reader, deps.keys);
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
      if (!this.#leading) {
        debug('took over the detector');
        // Positions a predecessor stored are newer than any this process remembers.
        this.#positions.clear();
      }
      this.#leading = true;
      if (Date.now() - this.#eventsReadAt > EVENT_LIST_REFRESH_MS) {
        this.#events = await this.deps.repository.listSweepable();
        this.#eventsReadAt = Date.now();
      }
      if (this.#events.length === 0) {
        await sleep(BLOCK_MS, undefined, { signal }).catch(() => undefined);
        continue;
      }
      for (const eventId of this.#events) {
        if (!this.#positions.has(eventId)) this.#positions.set(eventId, await this.#storedPosition(eventId));
      }
      const started = Date.now();
      const read = await this.#readNew();
      await this.#examine(read);
      const backlog = [...read.values()].some((batch) => batch.entries.length >= COUNT);
      const rest = MIN_PASS_MS - (Date.now() - started);
      if (!backlog && rest > 0) await sleep(rest, undefined, { signal }).catch(() => undefined);
    }
  }

  /**
   * Where the event's ledger is read from: the stored position; else, for a ledger the detector
   * read through its consumer group before, just before the group's oldest unacknowledged entry,
   * or its last delivered one; else the start.
   */
  async #storedPosition(eventId: string): Promise<string> {
    const { keys } = this.deps;
    const stored = await this.#reader.get(keys.detectorPosition(eventId));
    if (stored) return stored;
    return (await groupPosition(this.#reader, keys, eventId, DETECTOR_GROUP)) ?? '0';
  }

  /** The events' entries after their positions, waiting up to BLOCK_MS when none has any. */
  #readNew(): Promise<Map<string, LedgerBatch>> {
    const after = new Map(this.#events.map((eventId) => [eventId, this.#positions.get(eventId) ?? '0']));
    return this.#tail.readBatches(after, { count: COUNT, blockMs: BLOCK_MS });
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

  async #examine(read: Map<string, LedgerBatch>): Promise<void> {
    const { redis, keys, anomalies } = this.deps;
    for (const [eventId, { entries, lastId }] of read) {
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
      if (lastId !== this.#positions.get(eventId)) {
        this.#positions.set(eventId, lastId);
        await redis.set(keys.detectorPosition(eventId), lastId);
      }
    }
  }
}
