import { setTimeout as sleep } from 'node:timers/promises';
import type { LedgerEntry } from '@liveshop/protocol';
import type { Cluster, Redis } from 'ioredis';
import type { KeyBuilder } from '../keys.js';
import { parseStreamEntries, type StreamEntries } from './fields.js';

/**
 * Reads the ledgers of several events through one consumer group (XREADGROUP + XACK): the group
 * remembers what was read and acknowledged, so a worker that stops (or another process that takes
 * its place under the same consumer name) resumes with the entries delivered but never
 * acknowledged, then the new ones. A read that waits blocks its connection: give it a dedicated one.
 */
export class LedgerGroupReader {
  readonly #ready = new Set<string>();

  constructor(
    private readonly redis: Redis | Cluster,
    private readonly keys: KeyBuilder,
    readonly group: string,
    readonly consumer: string,
  ) {}

  /** Creates the group on the event's ledger (from its first entry) unless it exists. */
  async ensureGroup(eventId: string): Promise<void> {
    if (this.#ready.has(eventId)) return;
    try {
      await this.redis.xgroup('CREATE', this.keys.ledger(eventId), this.group, '0', 'MKSTREAM');
    } catch (error) {
      if (!String((error as Error).message).includes('BUSYGROUP')) throw error;
    }
    this.#ready.add(eventId);
  }

  /** Forgets which groups exist (after Redis lost its data, they must be created again). */
  reset(): void {
    this.#ready.clear();
  }

  /**
   * Entries of each event for this consumer, oldest first: `pending` ones delivered before and not
   * acknowledged, or (by default) new ones, waiting up to `blockMs` when there are none.
   */
  async read(
    eventIds: string[],
    options: { pending?: boolean; count?: number; blockMs?: number } = {},
  ): Promise<Map<string, LedgerEntry[]>> {
    const entries = new Map<string, LedgerEntry[]>();
    if (eventIds.length === 0) return entries;
    if (eventIds.length > 1 && (this.redis as { isCluster?: boolean }).isCluster) {
      // On a cluster the ledgers of several events sit on different slots, which one XREADGROUP
      // cannot name: one read per event, none blocking, then the wait when none had anything.
      const parts = await Promise.all(
        eventIds.map((eventId) => this.read([eventId], { ...options, blockMs: undefined })),
      );
      for (const part of parts) for (const [eventId, list] of part) entries.set(eventId, list);
      if (entries.size === 0 && !options.pending && options.blockMs) await sleep(options.blockMs);
      return entries;
    }
    const streamKeys = eventIds.map((eventId) => this.keys.ledger(eventId));
    const args: (string | number)[] = ['GROUP', this.group, this.consumer, 'COUNT', options.count ?? 500];
    if (!options.pending && options.blockMs !== undefined) args.push('BLOCK', options.blockMs);
    args.push('STREAMS', ...streamKeys, ...eventIds.map(() => (options.pending ? '0' : '>')));
    const reply = (await this.redis.call('XREADGROUP', ...args)) as [key: string, list: StreamEntries][] | null;
    const eventOf = new Map(streamKeys.map((key, index) => [key, eventIds[index]!]));
    for (const [key, list] of reply ?? []) {
      const eventId = eventOf.get(key);
      if (eventId === undefined) continue;
      // A pending read lists entries trimmed since as [id, null]: acknowledged here, never decoded.
      const gone = list.filter(([, fields]) => !Array.isArray(fields)).map(([id]) => id);
      await this.ack(eventId, gone);
      entries.set(eventId, parseStreamEntries(list.filter(([, fields]) => Array.isArray(fields))));
    }
    return entries;
  }

  /**
   * Takes over entries of one event that another consumer of the group read and has not
   * acknowledged for `minIdleMs` (it died, or stalled): they become this consumer's, oldest first
   * (XAUTOCLAIM, up to `count`). Entries trimmed since are dropped from the group, never decoded.
   */
  async claim(eventId: string, minIdleMs: number, count = 500): Promise<LedgerEntry[]> {
    const reply = (await this.redis.call(
      'XAUTOCLAIM',
      this.keys.ledger(eventId),
      this.group,
      this.consumer,
      minIdleMs,
      '0-0',
      'COUNT',
      count,
    )) as [next: string, list: [id: string, fields: string[] | null][], deleted?: string[]];
    const list = reply[1];
    // Redis 6.2 lists a trimmed entry as [id, null] and keeps it pending; 7 drops it by itself.
    await this.ack(
      eventId,
      list.filter(([, fields]) => !Array.isArray(fields)).map(([id]) => id),
    );
    return parseStreamEntries(list.filter((entry): entry is [string, string[]] => Array.isArray(entry[1])));
  }

  /** Acknowledges entries of one event: they are not delivered again. */
  async ack(eventId: string, ids: string[]): Promise<void> {
    if (ids.length > 0) await this.redis.xack(this.keys.ledger(eventId), this.group, ...ids);
  }
}

/**
 * Where a consumer group left an event's ledger, for a reader that moves from the group to a
 * position of its own: just before the group's oldest unacknowledged entry, else its last delivered
 * one; `null` when the ledger or the group does not exist.
 */
export async function groupPosition(
  redis: Redis | Cluster,
  keys: KeyBuilder,
  eventId: string,
  group: string,
): Promise<string | null> {
  const ledger = keys.ledger(eventId);
  try {
    const pending = (await redis.call('XPENDING', ledger, group)) as [number, string | null];
    if (Number(pending[0]) > 0 && pending[1]) return idBefore(pending[1]);
    const groups = (await redis.call('XINFO', 'GROUPS', ledger)) as (string | number)[][];
    for (const fields of groups) {
      const info = new Map<string, string | number>();
      for (let i = 0; i + 1 < fields.length; i += 2) info.set(String(fields[i]), fields[i + 1]!);
      if (info.get('name') === group) return String(info.get('last-delivered-id'));
    }
  } catch (error) {
    // No ledger (ERR no such key) or no group (NOGROUP).
    if (!/no such key|NOGROUP/i.test((error as Error).message)) throw error;
  }
  return null;
}

/** The stream id just before `id` (`<ms>-<seq>`), so a read after it returns `id` itself. */
function idBefore(id: string): string {
  const [ms, seq] = id.split('-').map((part) => BigInt(part)) as [bigint, bigint];
  if (seq > 0n) return `${ms}-${seq - 1n}`;
  if (ms > 0n) return `${ms - 1n}-18446744073709551615`;
  return '0';
}
