import { setTimeout as sleep } from 'node:timers/promises';
import type { LedgerEntry } from '@liveshop/protocol';
import type { Cluster, Redis } from 'ioredis';
import type { KeyBuilder } from '../keys.js';
import { parseStreamEntries, type StreamEntries } from './fields.js';

/** What one read of an event's ledger returned. */
export interface LedgerBatch {
  entries: LedgerEntry[];
  /** The id of the last entry read, decodable or not. */
  lastId: string;
}

export interface LedgerReadOptions {
  /** Most entries per event (default: all there are). */
  count?: number;
  /** Wait up to this long for an entry when none is there yet (default: answer at once). */
  blockMs?: number;
}

/**
 * Reads the ledgers of events, each after a position: plain XREAD without a consumer group, for a
 * process that follows every change of the events it serves (the server's stock fan-out reads one
 * event per call). On a Redis Cluster, where two events' ledgers usually sit on different slots, a
 * read of several events is one XREAD per event. A read that waits blocks its
 * connection: give the tail a dedicated one.
 */
export class LedgerTail {
  constructor(
    private readonly redis: Redis | Cluster,
    private readonly keys: KeyBuilder,
  ) {}

  /** The id of the event's newest entry (`'0-0'` when it has none): reading after it gets what comes next. */
  async lastId(eventId: string): Promise<string> {
    const last = (await this.redis.xrevrange(this.keys.ledger(eventId), '+', '-', 'COUNT', 1)) as StreamEntries;
    return last[0]?.[0] ?? '0-0';
  }

  /**
   * The entries after each event's id (`'0-0'`: from the start), oldest first, by event; an event
   * without new entries is absent from the answer.
   */
  async readAfter(
    after: ReadonlyMap<string, string>,
    options: LedgerReadOptions = {},
  ): Promise<Map<string, LedgerEntry[]>> {
    const entries = new Map<string, LedgerEntry[]>();
    for (const [eventId, batch] of await this.readBatches(after, options)) entries.set(eventId, batch.entries);
    return entries;
  }

  /**
   * As {@link readAfter}, with the id of the last entry read per event (`lastId`), decodable or
   * not: the position to read after next time, so an entry this version cannot decode is passed
   * over instead of read again.
   */
  async readBatches(
    after: ReadonlyMap<string, string>,
    options: LedgerReadOptions = {},
  ): Promise<Map<string, LedgerBatch>> {
    const events = [...after.keys()];
    if (events.length > 1 && (this.redis as { isCluster?: boolean }).isCluster) {
      // On a cluster the ledgers of several events sit on different slots, which one XREAD
      // cannot name: one read per event, none blocking, then the wait when none had anything.
      const batches = new Map<string, LedgerBatch>();
      for (const eventId of events) {
        const one = await this.readBatches(new Map([[eventId, after.get(eventId)!]]), { count: options.count });
        for (const [id, batch] of one) batches.set(id, batch);
      }
      if (batches.size === 0 && options.blockMs) await sleep(options.blockMs);
      return batches;
    }
    const batches = new Map<string, LedgerBatch>();
    if (events.length === 0) return batches;
    const streamKeys = events.map((eventId) => this.keys.ledger(eventId));
    const args: (string | number)[] = [];
    if (options.count !== undefined) args.push('COUNT', options.count);
    if (options.blockMs !== undefined) args.push('BLOCK', options.blockMs);
    args.push('STREAMS', ...streamKeys, ...events.map((eventId) => after.get(eventId)!));
    const reply = (await this.redis.call('XREAD', ...args)) as [key: string, entries: StreamEntries][] | null;
    const eventOf = new Map(streamKeys.map((key, index) => [key, events[index]!]));
    for (const [key, list] of reply ?? []) {
      const eventId = eventOf.get(key);
      if (eventId === undefined || list.length === 0) continue;
      batches.set(eventId, { entries: parseStreamEntries(list), lastId: list.at(-1)![0] });
    }
    return batches;
  }
}
