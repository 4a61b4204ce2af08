import type { KeyBuilder } from '@liveshop/inventory';
import type { RedisClient } from '../redis-connection.js';

/** A process's count is trusted this long after it was written (it writes every {@link PUBLISH_MS}). */
const FRESH_MS = 6_000;
export const PUBLISH_MS = 2_000;

/**
 * Viewers now, across processes: each process writes how many `/shop` sockets it has in each event
 * room into the event's Redis hash (field: its node id, value: `<count>|<epoch ms>`), every two
 * seconds; a reader sums the fresh fields. A process that died stops counting after six seconds.
 */
export class ViewerCounts {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: KeyBuilder,
    private readonly nodeId: string,
  ) {}

  /** Writes this process's counts; events it no longer has viewers of get 0 (once, then nothing). */
  async publish(counts: Map<string, number>, previous: Set<string>): Promise<Set<string>> {
    const now = Date.now();
    const batch = this.redis.multi();
    for (const [eventId, count] of counts) {
      batch.hset(this.keys.viewers(eventId), this.nodeId, `${count}|${now}`);
      batch.pexpire(this.keys.viewers(eventId), FRESH_MS * 10);
    }
    for (const eventId of previous) if (!counts.has(eventId)) batch.hdel(this.keys.viewers(eventId), this.nodeId);
    await batch.exec();
    return new Set(counts.keys());
  }

  /** Viewers of the event on every process whose count is fresh. */
  async total(eventId: string): Promise<number> {
    const fields = await this.redis.hgetall(this.keys.viewers(eventId));
    const now = Date.now();
    let total = 0;
    for (const value of Object.values(fields)) {
      const [count, at] = value.split('|').map(Number);
      if (at !== undefined && now - at <= FRESH_MS) total += count ?? 0;
    }
    return total;
  }

  /** Removes this process's counts (at shutdown). */
  async withdraw(eventIds: Iterable<string>): Promise<void> {
    const batch = this.redis.multi();
    for (const eventId of eventIds) batch.hdel(this.keys.viewers(eventId), this.nodeId);
    await batch.exec();
  }
}
