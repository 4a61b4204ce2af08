import type { LedgerEntry } from '@liveshop/protocol';
import type { Cluster, Redis } from 'ioredis';
import createDebug from 'debug';
import type { KeyBuilder } from '../keys.js';
import { parseStreamEntries, type StreamEntries } from './fields.js';

const log = createDebug('liveshop:inventory:ledger');

export interface LedgerReaderOptions {
  eventId: string;
  /** Consumer group (one per worker kind: `pos-sync`, `archive`, ...). */
  group: string;
  /** This process's name within the group. */
  consumer: string;
}

/**
 * A consumer-group reader of one event's ledger for workers. Entries stay pending until
 * {@link ack}ed; after a crash the same consumer first gets its own pending entries again, then
 * new ones, so nothing is lost. `read` blocks its connection: give the reader a dedicated one.
 */
export class LedgerReader {
  private readonly key: string;
  /** An id re-delivers this consumer's pending entries after it (`'0'` = all); `'>'` reads new ones. */
  private cursor = '0';

  constructor(
    private readonly redis: Redis | Cluster,
    keys: KeyBuilder,
    private readonly options: LedgerReaderOptions,
  ) {
    this.key = keys.ledger(options.eventId);
  }

  /** Creates the group (and the stream) if missing; `startId` `'0'` = from the start, `'$'` = new only. */
  async ensureGroup(startId = '0'): Promise<void> {
    try {
      await this.redis.xgroup('CREATE', this.key, this.options.group, startId, 'MKSTREAM');
    } catch (error) {
      if (!(error instanceof Error) || !error.message.includes('BUSYGROUP')) throw error;
    }
  }

  /** Up to `count` entries, waiting at most `blockMs` for new ones; `[]` on timeout. */
  async read(count: number, blockMs: number): Promise<LedgerEntry[]> {
    const { group, consumer } = this.options;
    const pendingPhase = this.cursor !== '>';
    const stream = ['STREAMS', this.key, this.cursor] as const;
    // Pending entries are already ours: no need to wait for them.
    const reply = (
      pendingPhase
        ? await this.redis.xreadgroup('GROUP', group, consumer, 'COUNT', count, ...stream)
        : await this.redis.xreadgroup('GROUP', group, consumer, 'COUNT', count, 'BLOCK', blockMs, ...stream)
    ) as [key: string, entries: StreamEntries][] | null;
    const delivered = reply?.[0]?.[1] ?? [];
    const entries = delivered.filter(([, fields]) => fields !== null);
    if (entries.length < delivered.length) {
      // Pending entries trimmed from the stream come back with null fields: nothing left to process.
      await this.ack(delivered.filter(([, fields]) => fields === null).map(([id]) => id));
    }
    if (pendingPhase) {
      const last = delivered.at(-1);
      if (!last) {
        this.cursor = '>';
        log('%s/%s caught up with pending entries', group, consumer);
        return this.read(count, blockMs);
      }
      this.cursor = last[0];
    }
    return parseStreamEntries(entries);
  }

  /** Acknowledges processed entries; returns how many were pending. */
  async ack(ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return this.redis.xack(this.key, this.options.group, ...ids);
  }
}
