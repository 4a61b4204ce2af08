import { LedgerTail, type KeyBuilder } from '@liveshop/inventory';
import type { LedgerEntry } from '@liveshop/protocol';
import createDebug from 'debug';
import type { Cluster, Redis } from 'ioredis';
import type { ServerMetrics } from '../metrics/metrics.js';
import type { EventRooms } from '../realtime/event-rooms.js';
import { StockCoalescer } from './stock-coalescer.js';
import { duplicateForReads } from '../redis-connection.js';
import { superviseLoop, type SupervisedLoop } from './supervised-loop.js';

const debug = createDebug('liveshop:fanout');
const READ_COUNT = 1_000;
/** How long one read waits for an entry; also how soon a stopped reader notices. */
const BLOCK_MS = 1_000;
/** How often events without viewers are looked for. */
const IDLE_CHECK_MS = 1_000;
/** An event this process no longer has viewers of is dropped after this long. */
const IDLE_UNWATCH_MS = 10_000;

interface Watched {
  /** Last ledger id read (or the ledger's last id when watching began). */
  lastId: string;
  /** Per SKU, what the last entry read left viewers to see (available and generation). */
  seen: Map<string, { available: number; generation: number }>;
  idleSince: number | null;
  /** The event's own reader: a dedicated connection, blocked on this one event's ledger. */
  reader: Redis | Cluster;
  loop: SupervisedLoop;
}

/**
 * The ledger fan-out: tails the ledger stream of every event this process has viewers of,
 * coalesces the changes per event, and broadcasts `stock` to this process's sockets only, in slices
 * that leave reserves room to run. Every
 * process does the same, so each viewer gets each message once however many processes there are,
 * and changes made anywhere (another process, the admin API, a POS webhook, the sweeper) reach
 * everyone.
 *
 * One blocking XREAD per event, each on a connection of its own (decision 0136): an event's keys
 * live in one Redis Cluster slot, but two events' usually do not, and one XREAD over several
 * events' streams is refused by a cluster (CROSSSLOT). Per event, a read waits only for that
 * event, a new event needs no wake-up of a read in progress, and a hot event never delays a quiet
 * one. The cost is one Redis connection per watched event per process, opened on the first
 * viewer and closed {@link IDLE_UNWATCH_MS} after the last one left.
 */
export class StockFanout {
  readonly #watched = new Map<string, Watched>();
  readonly #pending = new Map<string, Promise<void>>();
  readonly #coalescer: StockCoalescer;
  /** Finds where an event's ledger ends, on the shared connection. */
  readonly #ends: LedgerTail;
  #sweep: NodeJS.Timeout | null = null;
  #stopped = false;

  constructor(
    private readonly redis: Redis | Cluster,
    private readonly keys: KeyBuilder,
    private readonly rooms: EventRooms,
    private readonly metrics: ServerMetrics,
    intervalMs: number,
  ) {
    this.#ends = new LedgerTail(redis, keys);
    this.#coalescer = new StockCoalescer(intervalMs, async (eventId, items, oldestAt) => {
      this.metrics.stockMessages.inc();
      this.metrics.fanoutLag.observe(Math.max(0, Date.now() - oldestAt) / 1000);
      const cost = await this.rooms.broadcastLocal(eventId, 'stock', { eventId, items });
      debug('stock of %s to %d sockets: %d ms over %d slices', eventId, cost.sockets, cost.busyMs, cost.slices);
      return cost.busyMs;
    });
  }

  start(): void {
    this.#stopped = false;
    this.#sweep ??= setInterval(() => void this.#dropIdle(), IDLE_CHECK_MS).unref();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#sweep) clearInterval(this.#sweep);
    this.#sweep = null;
    await Promise.allSettled(this.#pending.values());
    await Promise.all([...this.#watched.keys()].map((eventId) => this.#unwatch(eventId)));
    this.#coalescer.close();
  }

  /** How many events this process tails (one reader connection each). */
  get watchedEvents(): number {
    return this.#watched.size;
  }

  /**
   * Starts tailing the event's ledger from its current end, so every change after this resolves
   * is pushed. Resolves at once when the event is already watched.
   */
  watch(eventId: string): Promise<void> {
    const watched = this.#watched.get(eventId);
    if (watched) {
      watched.idleSince = null;
      return Promise.resolve();
    }
    let pending = this.#pending.get(eventId);
    if (!pending) {
      pending = this.#beginWatching(eventId).finally(() => this.#pending.delete(eventId));
      this.#pending.set(eventId, pending);
    }
    return pending;
  }

  async #beginWatching(eventId: string): Promise<void> {
    const lastId = await this.#ends.lastId(eventId);
    if (this.#stopped) return;
    const reader = duplicateForReads(this.redis, { lazyConnect: true });
    const tail = new LedgerTail(reader, this.keys);
    const watched: Watched = {
      lastId,
      seen: new Map(),
      idleSince: null,
      reader,
      loop: null as unknown as SupervisedLoop,
    };
    this.#watched.set(eventId, watched);
    watched.loop = superviseLoop(`fanout ${eventId}`, (signal) => this.#run(eventId, watched, tail, signal), {
      onRestart: () => this.metrics.workerRestarts.labels('fanout').inc(),
      onStop: () => reader.disconnect(),
    });
    debug('watching %s from %s', eventId, lastId);
  }

  async #run(eventId: string, watched: Watched, tail: LedgerTail, signal: AbortSignal): Promise<void> {
    const { reader } = watched;
    if (reader.status === 'wait' || reader.status === 'end') await reader.connect();
    while (!signal.aborted) {
      const read = await tail.readAfter(new Map([[eventId, watched.lastId]]), { count: READ_COUNT, blockMs: BLOCK_MS });
      if (!signal.aborted) this.#deliver(read);
    }
  }

  async #unwatch(eventId: string): Promise<void> {
    const watched = this.#watched.get(eventId);
    if (!watched) return;
    this.#watched.delete(eventId);
    this.#coalescer.forget(eventId);
    await watched.loop.stop();
    watched.reader.disconnect();
    debug('stopped watching %s', eventId);
  }

  #deliver(read: Map<string, LedgerEntry[]>): void {
    const readAt = Date.now();
    for (const [eventId, entries] of read) {
      const watched = this.#watched.get(eventId);
      if (!watched) continue;
      for (const entry of entries) {
        watched.lastId = entry.id;
        this.metrics.ledgerLag.observe(Math.max(0, readAt - entry.at) / 1000);
        const { sku, available, version, generation } = entry;
        // An entry that leaves the count as the one before it (a commit turns held units into
        // sold ones) shows viewers nothing new: the state before it was sent, or is still pending.
        const before = watched.seen.get(sku);
        watched.seen.set(sku, { available, generation: generation ?? 0 });
        if (before?.available === available && before.generation === (generation ?? 0)) continue;
        this.#coalescer.add(eventId, { sku, available, version, generation }, entry.at);
      }
    }
    this.#coalescer.release();
  }

  /** Stops tailing events that have had no viewers on this process for a while. */
  async #dropIdle(): Promise<void> {
    const now = Date.now();
    const idle: string[] = [];
    for (const [eventId, watched] of this.#watched) {
      if (this.rooms.hasLocalMembers(eventId)) watched.idleSince = null;
      else if (watched.idleSince === null) watched.idleSince = now;
      else if (now - watched.idleSince > IDLE_UNWATCH_MS) idle.push(eventId);
    }
    await Promise.all(idle.map((eventId) => this.#unwatch(eventId)));
  }
}
