import { adjustmentKey, type PosProvider } from '@liveshop/pos';
import type { SqlExecutor } from '../db/sql-store.js';

/** One movement of live stock the POS must hear of: a live sale, or a refund's units put back. */
export interface OutboxMovement {
  kind: 'sale' | 'restock';
  eventId: string;
  sku: string;
  qty: number;
  /** The order (a sale) or the refund (a restock): shown in the POS's history. */
  referenceId: string;
  /** Epoch ms. */
  occurredAt: number;
  /** Parts naming the movement, from which the adjustment key derives (with the kind, event and provider). */
  keyParts: string[];
  /** The location the event counts the movement at; the first mapped location when absent. */
  locationId?: string;
}

/**
 * Writes outbox rows: one per movement and provider that maps the SKU and the location, keyed by
 * the adjustment key derived from the movement, so writing it twice (a redelivered ledger entry, a
 * second process) stores it once. Queries go through the executor given, so a row can be written
 * in the transaction that records its cause (a refund).
 */
export class PosOutboxRows {
  constructor(private readonly providers: () => Iterable<PosProvider>) {}

  /** Stores the rows; resolves to how many were new. */
  async write(db: SqlExecutor, movement: OutboxMovement): Promise<number> {
    const locationId = movement.locationId ?? (await firstMappedLocation(db));
    if (locationId === undefined) return 0;
    let stored = 0;
    for (const provider of this.providers()) {
      const posItemId = await lookup(
        db,
        'select pos_item_id as id from pos_item_mappings where provider = $1 and sku = $2 order by pos_item_id limit 1',
        [provider, movement.sku],
      );
      const posLocationId = await lookup(
        db,
        'select pos_location_id as id from pos_location_mappings where provider = $1 and location_id = $2 order by pos_location_id limit 1',
        [provider, locationId],
      );
      // Not a failure of the POS: this provider does not carry the SKU or the location.
      if (!posItemId || !posLocationId) continue;
      const key = adjustmentKey(movement.kind, movement.eventId, ...movement.keyParts, provider);
      const { rows } = await db.query(
        `insert into pos_outbox (key, provider, event_id, sku, location_id, kind, reference_id, qty, occurred_at, lines)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) on conflict (key) do nothing returning key`,
        [
          key,
          provider,
          movement.eventId,
          movement.sku,
          locationId,
          movement.kind,
          movement.referenceId,
          movement.qty,
          movement.occurredAt,
          JSON.stringify([{ posItemId, posLocationId, qty: movement.qty }]),
        ],
      );
      stored += rows.length;
    }
    return stored;
  }

  /**
   * The location a live movement of the event is adjusted at: the event's first location, or the
   * first mapped location when it counts all of them; undefined when the event does not follow the
   * POS (or nothing is mapped).
   */
  async locationOf(db: SqlExecutor, eventId: string): Promise<string | undefined> {
    const { rows } = await db.query<{ inventory: string }>('select inventory from events where id = $1', [eventId]);
    if (!rows[0]) return undefined;
    const inventory = JSON.parse(rows[0].inventory) as { mode: string; locations?: string[] };
    if (inventory.mode === 'manual') return undefined;
    return inventory.locations?.[0] ?? (await firstMappedLocation(db));
  }
}

async function firstMappedLocation(db: SqlExecutor): Promise<string | undefined> {
  return lookup(db, 'select distinct location_id as id from pos_location_mappings order by location_id limit 1', []);
}

async function lookup(db: SqlExecutor, sql: string, params: unknown[]): Promise<string | undefined> {
  const { rows } = await db.query<{ id: string }>(sql, params);
  return rows[0]?.id;
}
