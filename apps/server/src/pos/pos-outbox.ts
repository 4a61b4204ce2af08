import { type PosInventoryClient, type PosProvider, type SyncFailure } from '@liveshop/pos';
import { LedgerGroupReader, type InventoryStore, type KeyBuilder } from '@liveshop/inventory';
import type { LedgerEntry } from '@liveshop/protocol';
import createDebug from 'debug';
import type { PosSignals } from '../anomalies/pos-signals.js';
import type { RedisClient } from '../redis-connection.js';
import type { SqlStore } from '../db/sql-store.js';
import type { ServerMetrics } from '../metrics/metrics.js';
import { duplicateForReads } from '../redis-connection.js';
import { superviseLoop, type SupervisedLoop } from '../workers/supervised-loop.js';
import type { PosOutboxRows } from './pos-outbox-rows.js';
import type { PosEvent, PosRepository } from './pos-repository.js';

const debug = createDebug('liveshop:pos-outbox');

/** The consumer group every process reads the ledgers of POS events in. */
export const POS_SYNC_GROUP = 'pos-sync';
const READ_COUNT = 200;
const BLOCK_MS = 500;
/** An adjustment claimed by a process that died is tried again after this long. */
const LEASE_MS = 60_000;
/** Ledger entries another consumer read and never acknowledged are taken over after this long. */
const CLAIM_IDLE_MS = 30_000;
const EVENTS_REFRESH_MS = 2_000;
const MAX_BACKOFF_MS = 300_000;
const CLAIM_BATCH = 20;
const IDLE_POLL_MS = 2_000;

export interface PosOutboxOptions {
  /** Attempts before an adjustment is dead-lettered. */
  maxAttempts: number;
  /** First retry delay, doubled per attempt up to 5 minutes. */
  backoffMs: number;
  /** Wait of the dispatcher between passes while rows are pending but none is due (default 250 ms). */
  pollMs?: number;
  /** Wait between passes when no row is pending at all (default 2 s; a row stored here wakes it). */
  idlePollMs?: number;
}

interface OutboxRow {
  key: string;
  provider: PosProvider;
  event_id: string;
  sku: string;
  location_id: string;
  kind: 'sale' | 'restock';
  reference_id: string;
  qty: number;
  occurred_at: string | number;
  lines: string;
  attempts: number;
}

/**
 * The outbound half of POS sync: each live sale, and each refund's units put back on sale, becomes
 * one POS adjustment per configured provider, applied once, however many processes run and
 * whatever fails.
 *
 * - **Capture**: every process reads the ledgers of the events whose stock follows the POS in the
 *   consumer group `pos-sync` (each entry goes to one process); a `commit` entry becomes an outbox
 *   row in PostgreSQL keyed by its adjustment key, derived from the event, the order and the hold,
 *   and the entry is acknowledged after the row is stored. A process that dies holding entries
 *   leaves them pending; another takes them over after 30 s (XAUTOCLAIM). Storing a row twice adds
 *   nothing. A refund with restock writes its rows (kind `restock`, a positive adjustment keyed by
 *   the refund id) in the transaction that records the refund (see {@link PosOutboxRows}).
 * - **Dispatch**: each process claims due rows (`for update skip locked`, with a 60 s lease, so a
 *   row is worked by one process at a time and a crashed worker's row comes back), sends the
 *   adjustment under its key (the POS applies a key once: a retry after a timeout cannot adjust
 *   twice), and records the outcome: applied (and the event's stock learns the POS has the sale),
 *   a retry after an exponential backoff (no sooner than the POS asked), or dead after
 *   `maxAttempts` or a permanent refusal, with a `pos_sync_failed` incident.
 * See decision 0111 for why the outbox is a PostgreSQL table fed from the ledger.
 */
export class PosOutbox {
  readonly #reader: RedisClient;
  readonly #group: LedgerGroupReader;
  #events: PosEvent[] = [];
  #eventsAt = 0;
  #lastClaim = 0;
  #capture: SupervisedLoop | null = null;
  #dispatch: SupervisedLoop | null = null;
  #wake: (() => void) | null = null;

  constructor(
    private readonly deps: {
      redis: RedisClient;
      keys: KeyBuilder;
      inventory: InventoryStore;
      repository: PosRepository;
      db: SqlStore;
      metrics: ServerMetrics;
      clients: ReadonlyMap<PosProvider, PosInventoryClient>;
      nodeId: string;
      /** Writes the rows (the refund service writes restock rows with it too). */
      rows: PosOutboxRows;
      /** pos_sync_lag is judged on each measure. */
      signals: PosSignals;
    },
    private readonly options: PosOutboxOptions,
  ) {
    this.#reader = duplicateForReads(deps.redis, { lazyConnect: true });
    this.#group = new LedgerGroupReader(this.#reader, deps.keys, POS_SYNC_GROUP, `c-${deps.nodeId}`);
  }

  start(): void {
    this.#capture ??= superviseLoop('pos-capture', (signal) => this.#captureLoop(signal), {
      onRestart: () => this.deps.metrics.workerRestarts.labels('pos-capture').inc(),
      onStop: () => this.#reader.disconnect(),
    });
    this.#dispatch ??= superviseLoop('pos-dispatch', (signal) => this.#dispatchLoop(signal), {
      onRestart: () => this.deps.metrics.workerRestarts.labels('pos-dispatch').inc(),
      onStop: () => this.#wake?.(),
    });
  }

  async stop(): Promise<void> {
    await Promise.all([this.#capture?.stop(), this.#dispatch?.stop()]);
  }

  /** Re-reads the list of POS events soon (one was created or changed status). */
  refresh(): void {
    this.#eventsAt = 0;
  }

  // ---- capture ----

  async #captureLoop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const events = await this.#posEvents();
      if (events.length === 0) {
        await sleep(EVENTS_REFRESH_MS, signal);
        continue;
      }
      const eventIds = events.map((event) => event.id);
      // From the start of each ledger: the sales made before any process watched the event are owed too.
      for (const eventId of eventIds) await this.#group.ensureGroup(eventId);
      if (Date.now() - this.#lastClaim > CLAIM_IDLE_MS / 2) {
        this.#lastClaim = Date.now();
        // This consumer's own unacknowledged entries (a failed pass), then other consumers' stale ones.
        await this.#handle(events, await this.#group.read(eventIds, { pending: true, count: READ_COUNT }));
        for (const event of events) {
          const claimed = await this.#group.claim(event.id, CLAIM_IDLE_MS, READ_COUNT);
          if (claimed.length > 0) await this.#handleEntries(event, claimed);
        }
      }
      await this.#handle(events, await this.#group.read(eventIds, { count: READ_COUNT, blockMs: BLOCK_MS }));
    }
  }

  async #handle(events: PosEvent[], byEvent: Map<string, LedgerEntry[]>): Promise<void> {
    for (const event of events) {
      const entries = byEvent.get(event.id);
      if (entries && entries.length > 0) await this.#handleEntries(event, entries);
    }
  }

  /** Stores an outbox row per provider for each commit, then acknowledges the entries. */
  async #handleEntries(event: PosEvent, entries: LedgerEntry[]): Promise<void> {
    let stored = 0;
    for (const entry of entries) {
      if (entry.type !== 'commit' || !entry.orderId || !entry.holdId) continue;
      stored += await this.#enqueue(event, entry);
    }
    await this.#group.ack(
      event.id,
      entries.map((entry) => entry.id),
    );
    if (stored > 0) this.#wake?.();
  }

  /** The sale's rows, one per provider carrying the SKU and the location; resolves to how many were new. */
  async #enqueue(event: PosEvent, entry: LedgerEntry): Promise<number> {
    const stored = await this.deps.rows.write(this.deps.db, {
      kind: 'sale',
      eventId: event.id,
      sku: entry.sku,
      qty: entry.qty,
      referenceId: entry.orderId!,
      occurredAt: entry.at,
      keyParts: [entry.orderId!, entry.holdId!],
      ...(event.inventory.locations?.[0] ? { locationId: event.inventory.locations[0] } : {}),
    });
    if (stored === 0) debug('sale %s of %s: no row stored (not mapped, or stored before)', entry.orderId, entry.sku);
    return stored;
  }

  async #posEvents(): Promise<PosEvent[]> {
    if (Date.now() - this.#eventsAt > EVENTS_REFRESH_MS) {
      const { rows } = await this.deps.db.query<{ id: string }>(
        `select id from events where (status <> 'ended' or updated_at > now() - interval '1 day')
            and inventory not like '{"mode":"manual"%' order by id`,
      );
      const events: PosEvent[] = [];
      for (const row of rows) {
        const inventory = await this.#inventoryOf(row.id);
        if (inventory) events.push({ id: row.id, inventory });
      }
      this.#events = events;
      this.#eventsAt = Date.now();
      // A group lost with Redis's data is created again.
      this.#group.reset();
    }
    return this.#events;
  }

  async #inventoryOf(eventId: string): Promise<PosEvent['inventory'] | undefined> {
    const { rows } = await this.deps.db.query<{ inventory: string }>('select inventory from events where id = $1', [
      eventId,
    ]);
    const parsed = rows[0] ? (JSON.parse(rows[0].inventory) as PosEvent['inventory'] | { mode: 'manual' }) : undefined;
    return parsed && parsed.mode !== 'manual' ? parsed : undefined;
  }

  // ---- dispatch ----

  async #dispatchLoop(signal: AbortSignal): Promise<void> {
    const onAbort = () => this.#wake?.();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await this.#dispatchPasses(signal);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  async #dispatchPasses(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const rows = await this.#claim();
      await Promise.all(rows.map((row) => this.#send(row)));
      const pending = await this.#measure();
      if (rows.length < CLAIM_BATCH) {
        // With rows waiting (a retry's backoff, another process's lease) the next pass comes soon;
        // with none, only a row another process stores is left to find: a new row stored here
        // wakes the loop at once.
        const wait = pending > 0 ? (this.options.pollMs ?? 250) : (this.options.idlePollMs ?? IDLE_POLL_MS);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, wait);
          this.#wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.#wake = null;
      }
    }
  }

  /** Due rows, each leased to this process: no other process takes it before the lease ends. */
  async #claim(): Promise<OutboxRow[]> {
    const { rows } = await this.deps.db.query<OutboxRow>(
      `update pos_outbox set attempts = attempts + 1, next_attempt_at = now() + ($1 || ' milliseconds')::interval
        where key in (
          select key from pos_outbox where status = 'pending' and next_attempt_at <= now()
           order by next_attempt_at limit ${CLAIM_BATCH} for update skip locked)
        returning key, provider, event_id, sku, location_id, kind, reference_id, qty, occurred_at, lines, attempts`,
      [String(LEASE_MS)],
    );
    return rows;
  }

  async #send(row: OutboxRow): Promise<void> {
    const client = this.deps.clients.get(row.provider);
    if (!client) return;
    const lines = JSON.parse(row.lines) as { posItemId: string; posLocationId: string; qty: number }[];
    const result = await client.adjust({
      idempotencyKey: row.key,
      kind: row.kind,
      referenceId: row.reference_id,
      occurredAt: Number(row.occurred_at),
      lines,
    });
    if (result.ok) {
      await this.deps.db.query(
        `update pos_outbox set status = 'applied', applied_at = now(), last_error = null where key = $1`,
        [row.key],
      );
      this.deps.metrics.posAdjustments.labels(row.provider, 'applied').inc();
      // One POS counts a location for the event: only its adjustments change what the event owes.
      const counting =
        (await this.deps.repository.countingProvider(row.sku, row.location_id)) ?? [...this.deps.clients.keys()][0];
      if (counting !== row.provider) return;
      // The POS has the sale now: it moves from "owed" into the POS count (a restock: the units
      // the POS was told were sold come back into its count). The count the POS answered is not
      // used: answers of concurrent adjustments arrive in any order, and an older one would raise
      // the count; the POS's next webhook brings the true count.
      const units = row.kind === 'restock' ? -Number(row.qty) : Number(row.qty);
      await this.deps.inventory.pos.applySynced({
        eventId: row.event_id,
        sku: row.sku,
        locationId: row.location_id,
        qty: units,
      });
      await this.deps.repository.subtractOnHand(row.sku, row.location_id, units);
      return;
    }
    await this.#failed(row, result);
  }

  async #failed(row: OutboxRow, failure: SyncFailure): Promise<void> {
    const message = `${failure.code}: ${failure.message}`.slice(0, 1000);
    if (!failure.retryable || row.attempts >= this.options.maxAttempts) {
      await this.deps.db.query(`update pos_outbox set status = 'dead', last_error = $2 where key = $1`, [
        row.key,
        message,
      ]);
      this.deps.metrics.posAdjustments.labels(row.provider, 'dead').inc();
      await this.deps.repository.recordIncident({
        rule: 'pos_sync_failed',
        severity: 'critical',
        provider: row.provider,
        eventId: row.event_id,
        sku: row.sku,
        message: `${row.kind} ${row.reference_id} (${row.qty} × ${row.sku}) was not applied to ${row.provider} after ${row.attempts} attempt(s): ${message}`,
      });
      return;
    }
    const backoff = Math.min(MAX_BACKOFF_MS, this.options.backoffMs * 2 ** (row.attempts - 1));
    // Up to a quarter less, so processes retrying together spread out.
    const delay = Math.max(failure.retryAfterMs ?? 0, Math.round(backoff * (0.75 + Math.random() * 0.25)));
    await this.deps.db.query(
      `update pos_outbox set next_attempt_at = now() + ($2 || ' milliseconds')::interval, last_error = $3 where key = $1`,
      [row.key, String(delay), message],
    );
    this.deps.metrics.posAdjustments.labels(row.provider, 'retry').inc();
  }

  /**
   * The outbox gauges, and pos_sync_lag per event: the lag is the age of the oldest live sale (or
   * refund) of the event not yet applied at the POS, from when it happened, not from when it was
   * captured (a capture that stalls is lag too). The gauge is the largest over the events.
   * Resolves to the rows pending.
   */
  async #measure(): Promise<number> {
    const { rows } = await this.deps.db.query<{
      event_id: string | null;
      pending: string | number;
      dead: string | number;
      oldest: string | number | null;
    }>(
      `select event_id,
              count(*) filter (where status = 'pending') as pending,
              count(*) filter (where status = 'dead') as dead,
              min(occurred_at) filter (where status = 'pending') as oldest
         from pos_outbox where status <> 'applied' group by event_id`,
    );
    const now = Date.now();
    let pending = 0;
    let dead = 0;
    let lag = 0;
    for (const row of rows) {
      pending += Number(row.pending);
      dead += Number(row.dead);
      if (row.oldest === null || row.event_id === null) continue;
      const lagSeconds = Math.max(0, (now - Number(row.oldest)) / 1000);
      lag = Math.max(lag, lagSeconds);
      this.deps.signals.syncLag({ eventId: row.event_id, lagSeconds });
    }
    this.deps.metrics.posOutboxPending.set(pending);
    this.deps.metrics.posOutboxDead.set(dead);
    this.deps.metrics.posSyncLag.set(lag);
    return pending;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
