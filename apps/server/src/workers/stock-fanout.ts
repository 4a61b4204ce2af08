import { LedgerTail, type KeyBuilder } from '@liveshop/inventory';
import type { LedgerEntry } from '@liveshop/protocol';
import createDebug from 'debug';
import type { Redis } from 'ioredis';
import type { ServerMetrics } from '../metrics/metrics.js';
import type { EventRooms } from '../realtime/event-rooms.js';
import { StockCoalescer } from './stock-coalescer.js';
import { duplicateForReads } from '../redis-connection.js';
import { superviseLoop, type SupervisedLoop } from './supervised-loop.js';

const debug = createDebug('liveshop:fanout');
const READ_COUNT = 1_000;
/** Also bounds how late the first push of a newly watched event can be if its wake-up races a read. */
const BLOCK_MS = 1_000;
/** An event this process no longer has viewers of is dropped after this long. */
const IDLE_UNWATCH_MS = 10_000;

interface Watched {
  /** Last ledger id read (or the ledger's last id when watching began). */
  lastId: string;
  idleSince: number | null;
}

/**
 * The ledger fan-out: tails the ledger stream of every event this process has viewers of (one
 * XREAD BLOCK over all of them, on a dedicated connection), coalesces the changes per event, and
 * broadcasts `stock` to this process's sockets only, in slices that leave reserves room to run. Every process does the same, so each viewer gets
 * each message once however many processes there are, and changes made anywhere (another
 * process, the admin API, a POS webhook, the sweeper) reach everyone.
 */
export class StockFanout {
  readonly #watched = new Map<string, Watched>();
  readonly #pending = new Map<string, Promise<void>>();
  readonly #coalescer: StockCoalescer;
  readonly #reader: Redis;
  /** Reads on the dedicated connection, blocking. */
  readonly #tail: LedgerTail;
  /** Finds where an event's ledger ends, on the shared connection. */
  readonly #ends: LedgerTail;
  #readerId: number | null = null;
  #blocked = false;
  /** Resolves the idle wait of the loop (no events watched) when there is work or a stop. */
  #wakeIdle: (() => void) | null = null;
  #loop: SupervisedLoop | null = null;

  constructor(
    private readonly redis: Redis,
    keys: KeyBuilder,
    private readonly rooms: EventRooms,
    private readonly metrics: ServerMetrics,
    intervalMs: number,
  ) {
    this.#reader = duplicateForReads(redis, { lazyConnect: true });
    this.#tail = new LedgerTail(this.#reader, keys);
    this.#ends = new LedgerTail(redis, keys);
    // A reconnect gets a new client id; fetch it again before the next read.
    this.#reader.on('close', () => (this.#readerId = null));
    this.#coalescer = new StockCoalescer(intervalMs, async (eventId, items, oldestAt) => {
      this.metrics.stockMessages.inc();
      this.metrics.fanoutLag.observe(Math.max(0, Date.now() - oldestAt) / 1000);
      const cost = await this.rooms.broadcastLocal(eventId, 'stock', { eventId, items });
      debug('stock of %s to %d sockets: %d ms over %d slices', eventId, cost.sockets, cost.busyMs, cost.slices);
      return cost.busyMs;
    });
  }

  start(): void {
    this.#loop ??= superviseLoop('fanout', (signal) => this.#run(signal), {
      onRestart: () => this.metrics.workerRestarts.labels('fanout').inc(),
      onStop: () => {
        this.#wakeIdle?.();
        this.#reader.disconnect();
      },
    });
  }

  async stop(): Promise<void> {
    await this.#loop?.stop();
    this.#coalescer.close();
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
    this.#watched.set(eventId, { lastId, idleSince: null });
    debug('watching %s from %s', eventId, lastId);
    this.#wake();
  }

  /** Interrupts a blocked read so the next one includes the new stream. */
  #wake(): void {
    if (this.#blocked && this.#readerId !== null) {
      this.redis.client('UNBLOCK', this.#readerId).catch(() => undefined);
    }
    this.#wakeIdle?.();
  }

  async #run(signal: AbortSignal): Promise<void> {
    if (this.#reader.status === 'wait' || this.#reader.status === 'end') await this.#reader.connect();
    while (!signal.aborted) {
      this.#dropIdle();
      if (this.#watched.size === 0) {
        await new Promise<void>((resolve) => (this.#wakeIdle = resolve));
        this.#wakeIdle = null;
        continue;
      }
      this.#readerId ??= (await this.#reader.client('ID')) as number;
      const after = new Map([...this.#watched].map(([eventId, watched]) => [eventId, watched.lastId]));
      this.#blocked = true;
      let read: Map<string, LedgerEntry[]>;
      try {
        read = await this.#tail.readAfter(after, { count: READ_COUNT, blockMs: BLOCK_MS });
      } finally {
        this.#blocked = false;
      }
      this.#deliver(read);
    }
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
        this.#coalescer.add(eventId, { sku, available, version, generation }, entry.at);
      }
    }
    this.#coalescer.release();
  }

  /** Stops tailing events that have had no viewers on this process for a while. */
  #dropIdle(): void {
    const now = Date.now();
    for (const [eventId, watched] of this.#watched) {
      if (this.rooms.hasLocalMembers(eventId)) watched.idleSince = null;
      else if (watched.idleSince === null) watched.idleSince = now;
      else if (now - watched.idleSince > IDLE_UNWATCH_MS) {
        this.#watched.delete(eventId);
        this.#coalescer.forget(eventId);
        debug('stopped watching %s', eventId);
      }
    }
  }
}
