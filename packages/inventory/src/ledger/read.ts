import type { LedgerEntry } from '@liveshop/protocol';
import type { Cluster, Redis } from 'ioredis';
import type { KeyBuilder } from '../keys.js';
import { parseStreamEntries, type StreamEntries } from './fields.js';

/**
 * Reads an event's ledger in order with XRANGE, from `fromId` (inclusive; `'-'` = the start,
 * `'(<id>'` = after an id) to the end, at most `count` entries when given.
 */
export async function readLedger(
  redis: Redis | Cluster,
  keys: KeyBuilder,
  eventId: string,
  fromId = '-',
  count?: number,
): Promise<LedgerEntry[]> {
  const key = keys.ledger(eventId);
  const entries = (
    count === undefined ? await redis.xrange(key, fromId, '+') : await redis.xrange(key, fromId, '+', 'COUNT', count)
  ) as StreamEntries;
  return parseStreamEntries(entries);
}

/**
 * Waits up to `blockMs` for ledger entries after `lastId` (`'$'` = only new ones) and returns
 * them: plain tailing without a consumer group, for per-node fan-out. Blocks its connection, so
 * give it a dedicated one (`redis.duplicate()`).
 */
export async function tailLedger(
  redis: Redis | Cluster,
  keys: KeyBuilder,
  eventId: string,
  lastId: string,
  count: number,
  blockMs: number,
): Promise<LedgerEntry[]> {
  const reply = (await redis.xread('COUNT', count, 'BLOCK', blockMs, 'STREAMS', keys.ledger(eventId), lastId)) as
    [key: string, entries: StreamEntries][] | null;
  return reply?.[0] ? parseStreamEntries(reply[0][1]) : [];
}
