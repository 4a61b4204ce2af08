import { ErrorCode, LiveshopError, type Location } from '@liveshop/protocol';
import type { SqlStore } from '../db/sql-store.js';

interface LocationRow {
  id: string;
  name: string;
  address: string;
  pickup: boolean;
}

const CACHE_MS = 2_000;

/**
 * The merchant's stores and warehouses (`PUT /api/admin/locations`). Their order is the order
 * shipping draws stock from them, after the event's unlocated pool.
 */
export class LocationRepository {
  #cache: { list: Location[]; at: number } | null = null;
  #loading: Promise<Location[]> | null = null;

  constructor(private readonly db: SqlStore) {}

  /** Every location in shipping order, cached for two seconds per process. */
  async list(): Promise<Location[]> {
    if (this.#cache && Date.now() - this.#cache.at < CACHE_MS) return this.#cache.list;
    // Requests arriving while the list is read share that one read.
    this.#loading ??= this.db
      .query<LocationRow>('select id, name, address, pickup from locations order by position, id')
      .then(({ rows }) => {
        const list = rows.map(({ id, name, address, pickup }) => ({ id, name, address, pickup }));
        this.#cache = { list, at: Date.now() };
        return list;
      })
      .finally(() => {
        this.#loading = null;
      });
    return this.#loading;
  }

  async get(id: string): Promise<Location | undefined> {
    return (await this.list()).find((location) => location.id === id);
  }

  /** Location ids in the order shipping draws from them. */
  async shippingOrder(): Promise<string[]> {
    return (await this.list()).map((location) => location.id);
  }

  /**
   * Replaces the list. A location left out is removed, unless an event still has units allocated
   * there (`CONFLICT`: set them to 0 first).
   */
  async replace(locations: Location[]): Promise<Location[]> {
    await this.db.transaction(async (tx) => {
      const ids = locations.map((location) => location.id);
      const { rows } = await tx.query<{ location_id: string }>(
        `select distinct location_id from stock_allocations
          where location_id <> '' and units > 0 and not (location_id = any($1))`,
        [ids],
      );
      if (rows[0]) {
        throw new LiveshopError(
          ErrorCode.CONFLICT,
          `location ${rows[0].location_id} still has stock allocated; set it to 0 before removing the location`,
        );
      }
      await tx.query('delete from locations where not (id = any($1))', [ids]);
      for (const [position, location] of locations.entries()) {
        await tx.query(
          `insert into locations (id, name, address, pickup, position) values ($1, $2, $3, $4, $5)
           on conflict (id) do update set name = excluded.name, address = excluded.address, pickup = excluded.pickup,
             position = excluded.position, updated_at = now()`,
          [location.id, location.name, location.address, location.pickup, position],
        );
      }
    });
    // A read begun before the change must not cache the old list after it.
    await this.#loading?.catch(() => undefined);
    this.#cache = null;
    return this.list();
  }
}
