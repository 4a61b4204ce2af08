import {
  inventoryModeSchema,
  type EventStatus,
  type InventoryMode,
  type LiveEvent,
  type PosInventoryMode,
  type Product,
} from '@liveshop/protocol';
import type { SqlExecutor, SqlStore } from '../db/sql-store.js';

/** An event with its products, as stored. */
export interface CatalogEvent extends LiveEvent {
  maxQtyPerReserve: number;
  /** Where live stock comes from (absent: manual). */
  inventory?: PosInventoryMode;
  products: Product[];
}

interface EventRow {
  id: string;
  title: string;
  stream_url: string | null;
  poster_url: string | null;
  hold_ttl_seconds: number;
  max_qty_per_reserve: number;
  status: EventStatus;
  inventory: string;
}
interface ProductRow {
  sku: string;
  title: string;
  price_cents: number;
  currency: string;
  image_url: string | null;
  description: string | null;
  limit_per_shopper: number;
}

/**
 * SQL access to events, their products and their durable stock. Knows nothing of Redis. Methods
 * taking a `tx` run inside a caller's transaction (see {@link SqlStore.transaction}).
 */
export class EventRepository {
  constructor(private readonly db: SqlStore) {}

  /** Runs `work` in a transaction. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  /**
   * Reads the event and its products, locking the event's row until the transaction ends: every
   * change to an event's settings or stock and every reconciliation with Redis takes this lock
   * first, so they happen one at a time per event, in every process.
   */
  async lock(tx: SqlExecutor, id: string): Promise<CatalogEvent | null> {
    const { rows } = await tx.query<{ id: string }>('select id from events where id = $1 for update', [id]);
    return rows.length === 0 ? null : this.get(id, tx);
  }

  async get(id: string, db: SqlExecutor = this.db): Promise<CatalogEvent | null> {
    const events = await db.query<EventRow>(
      `select id, title, stream_url, poster_url, hold_ttl_seconds, max_qty_per_reserve, status, inventory
         from events where id = $1`,
      [id],
    );
    const row = events.rows[0];
    if (!row) return null;
    const products = await db.query<ProductRow>(
      `select sku, title, price_cents, currency, image_url, description, limit_per_shopper
         from products where event_id = $1 order by position`,
      [id],
    );
    return { ...toEvent(row), products: products.rows.map(toProduct) };
  }

  /** Inserts the event and its products in `tx`, each product with an allocation of 0; false when the id is taken. */
  async insertIn(tx: SqlExecutor, event: CatalogEvent): Promise<boolean> {
    const inserted = await tx.query(
      `insert into events (id, title, stream_url, poster_url, hold_ttl_seconds, max_qty_per_reserve, status, inventory,
         started_at, ended_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, case when $7::text <> 'scheduled' then now() end, case when $7::text = 'ended' then now() end)
       on conflict (id) do nothing returning id`,
      [
        event.id,
        event.title,
        event.streamUrl ?? null,
        event.posterUrl ?? null,
        event.holdTtlSeconds,
        event.maxQtyPerReserve,
        event.status,
        JSON.stringify(event.inventory ?? { mode: 'manual' }),
      ],
    );
    if (inserted.rows.length === 0) return false;
    await insertProducts(tx, event.id, event.products);
    for (const product of event.products) await this.setAllocation(tx, event.id, product.sku, 0);
    return true;
  }

  /** Each SKU's allocation as last set (summed over locations); SKUs never set are absent. */
  async allocations(tx: SqlExecutor, eventId: string): Promise<Map<string, number>> {
    const { rows } = await tx.query<{ sku: string; units: string | number }>(
      'select sku, sum(units) as units from stock_allocations where event_id = $1 group by sku',
      [eventId],
    );
    return new Map(rows.map((row) => [row.sku, Number(row.units)]));
  }

  /** Records a SKU's allocation at a location (`''`: the event's unlocated pool). */
  async setAllocation(tx: SqlExecutor, eventId: string, sku: string, units: number, locationId = ''): Promise<void> {
    await tx.query(
      `insert into stock_allocations (event_id, sku, location_id, units) values ($1, $2, $3, $4)
       on conflict (event_id, sku, location_id) do update set units = excluded.units, updated_at = now()`,
      [eventId, sku, locationId, units],
    );
  }

  /** Each SKU's units per location (not the unlocated pool), as last set. */
  async locatedAllocations(tx: SqlExecutor, eventId: string): Promise<Map<string, Map<string, number>>> {
    const { rows } = await tx.query<{ sku: string; location_id: string; units: string | number }>(
      `select sku, location_id, units from stock_allocations where event_id = $1 and location_id <> ''`,
      [eventId],
    );
    const bySku = new Map<string, Map<string, number>>();
    for (const row of rows) {
      const places = bySku.get(row.sku) ?? new Map<string, number>();
      places.set(row.location_id, Number(row.units));
      bySku.set(row.sku, places);
    }
    return bySku;
  }

  /** A SKU's units at locations (not the unlocated pool), as last set. */
  async locatedUnits(tx: SqlExecutor, eventId: string, sku: string): Promise<number> {
    const { rows } = await tx.query<{ units: string | number | null }>(
      `select sum(units) as units from stock_allocations where event_id = $1 and sku = $2 and location_id <> ''`,
      [eventId, sku],
    );
    return Number(rows[0]?.units ?? 0);
  }

  /** A stock generation newer than every one drawn before, in any process (a sequence: never rolled back). */
  async nextGeneration(tx: SqlExecutor): Promise<number> {
    const { rows } = await tx.query<{ generation: string | number }>(
      "select nextval('stock_generation') as generation",
    );
    return Number(rows[0]!.generation);
  }

  async setStatus(id: string, status: EventStatus, db: SqlExecutor = this.db): Promise<boolean> {
    const { rows } = await db.query(
      `update events set status = $2, updated_at = now(),
         started_at = case when $2::text <> 'scheduled' then coalesce(started_at, now()) else started_at end,
         ended_at = case when $2::text = 'ended' then now() else null end
       where id = $1 returning id`,
      [id, status],
    );
    return rows.length > 0;
  }

  /**
   * Events whose holds may still need sweeping, whatever their status: every one not ended (a
   * host may set a live event back to scheduled with units held), and ones ended within the last day.
   */
  async listSweepable(): Promise<string[]> {
    const { rows } = await this.db.query<{ id: string }>(
      `select id from events where status <> 'ended' or updated_at > now() - interval '1 day'`,
    );
    return rows.map((row) => row.id);
  }

  /** Events not ended whose stock follows the POS (shared or exclusive), with their modes. */
  async listPosEvents(): Promise<{ id: string; inventory: InventoryMode }[]> {
    const { rows } = await this.db.query<{ id: string; inventory: string }>(
      `select id, inventory from events where status <> 'ended' and inventory not like '{"mode":"manual"%'`,
    );
    const events: { id: string; inventory: InventoryMode }[] = [];
    for (const row of rows) {
      const inventory = inventoryModeSchema.safeParse(JSON.parse(row.inventory));
      if (inventory.success && inventory.data.mode !== 'manual') events.push({ id: row.id, inventory: inventory.data });
    }
    return events;
  }

  /** Every event that is not ended, for restoring Redis configuration at start. */
  async listOpen(): Promise<string[]> {
    const { rows } = await this.db.query<{ id: string }>("select id from events where status <> 'ended'");
    return rows.map((row) => row.id);
  }
}

async function insertProducts(tx: SqlExecutor, eventId: string, products: Product[]): Promise<void> {
  for (const [position, product] of products.entries()) {
    await tx.query(
      `insert into products (event_id, sku, position, title, price_cents, currency, image_url, description, limit_per_shopper)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        eventId,
        product.sku,
        position,
        product.title,
        product.priceCents,
        product.currency,
        product.imageUrl ?? null,
        product.description ?? null,
        product.limitPerShopper,
      ],
    );
  }
}

function toEvent(row: EventRow): Omit<CatalogEvent, 'products'> {
  const event: Omit<CatalogEvent, 'products'> = {
    id: row.id,
    title: row.title,
    holdTtlSeconds: row.hold_ttl_seconds,
    maxQtyPerReserve: row.max_qty_per_reserve,
    status: row.status,
  };
  const inventory = inventoryModeSchema.safeParse(JSON.parse(row.inventory));
  if (inventory.success && inventory.data.mode !== 'manual') event.inventory = inventory.data;
  if (row.stream_url) event.streamUrl = row.stream_url;
  if (row.poster_url) event.posterUrl = row.poster_url;
  return event;
}

function toProduct(row: ProductRow): Product {
  const product: Product = {
    sku: row.sku,
    title: row.title,
    priceCents: Number(row.price_cents),
    currency: row.currency,
    limitPerShopper: row.limit_per_shopper,
  };
  if (row.image_url) product.imageUrl = row.image_url;
  if (row.description) product.description = row.description;
  return product;
}
