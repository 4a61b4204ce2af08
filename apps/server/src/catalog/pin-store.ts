import type { RedisClient } from '../redis-connection.js';
import type { KeyBuilder } from '@liveshop/inventory';

/**
 * The products a host has pinned, kept in Redis so every process and every re-join sees them.
 * Stored as one JSON array: pins are replaced as a whole, never edited in place.
 */
export class PinStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: KeyBuilder,
  ) {}

  async get(eventId: string): Promise<string[]> {
    const raw = await this.redis.get(this.keys.pinned(eventId));
    if (!raw) return [];
    try {
      const skus: unknown = JSON.parse(raw);
      return Array.isArray(skus) ? skus.filter((sku): sku is string => typeof sku === 'string') : [];
    } catch {
      return [];
    }
  }

  async set(eventId: string, skus: string[]): Promise<void> {
    if (skus.length === 0) await this.redis.del(this.keys.pinned(eventId));
    else await this.redis.set(this.keys.pinned(eventId), JSON.stringify(skus));
  }
}
