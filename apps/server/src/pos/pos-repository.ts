import type { InventoryMode, PosMappingsBody, PosProviderName } from '@liveshop/protocol';
import { inventoryModeSchema } from '@liveshop/protocol';
import type { SqlExecutor, SqlStore } from '../db/sql-store.js';

/** A rule id of the anomaly feed, as POS sync raises them. */
export type PosIncidentRule =
  'webhook_bad_signature' | 'pos_sync_failed' | 'allocation_clamped' | 'pos_negative_on_hand';

export interface PosIncident {
  rule: PosIncidentRule;
  severity: 'info' | 'warning' | 'critical';
  provider?: string;
  eventId?: string;
  sku?: string;
  message: string;
}

/** An event whose stock follows the POS, as the sync needs it. */
export interface PosEvent {
  id: string;
  inventory: Exclude<InventoryMode, { mode: 'manual' }>;
}

export interface OnHandRow {
  sku: string;
  locationId: string;
  onHand: number;
  occurredAt: number;
  provider: string;
}

/**
 * SQL of POS sync: mappings, the newest count per SKU and location, applied deliveries and the
 * incidents moderators see. Knows nothing of Redis.
 */
/** A counter sale as stored: the webhook's sale, its customer profile and its lines' SKUs. */
export interface StoredPosSale {
  provider: PosProviderName;
  orderRef: string;
  deliveryId: string;
  occurredAt: number;
  totalCents: number;
  currency: string;
  customerId?: number;
  posCustomerId?: string;
  posLocationId?: string;
  lines: { posItemId: string; qty: number; sku?: string }[];
  test: boolean;
}

export class PosRepository {
  constructor(readonly db: SqlStore) {}

  async putMappings(body: PosMappingsBody): Promise<{ items: number; locations: number }> {
    await this.db.transaction(async (tx) => {
      for (const item of body.items) {
        await tx.query(
          `insert into pos_item_mappings (provider, pos_item_id, sku) values ($1, $2, $3)
           on conflict (provider, pos_item_id) do update set sku = excluded.sku, updated_at = now()`,
          [item.provider, item.posItemId, item.sku],
        );
      }
      for (const location of body.locations) {
        await tx.query(
          `insert into pos_location_mappings (provider, pos_location_id, location_id) values ($1, $2, $3)
           on conflict (provider, pos_location_id) do update set location_id = excluded.location_id, updated_at = now()`,
          [location.provider, location.posLocationId, location.locationId],
        );
      }
    });
    return { items: body.items.length, locations: body.locations.length };
  }

  async mappings(): Promise<PosMappingsBody> {
    const items = await this.db.query<{ provider: PosProviderName; pos_item_id: string; sku: string }>(
      'select provider, pos_item_id, sku from pos_item_mappings order by provider, sku, pos_item_id',
    );
    const locations = await this.db.query<{ provider: PosProviderName; pos_location_id: string; location_id: string }>(
      'select provider, pos_location_id, location_id from pos_location_mappings order by provider, location_id, pos_location_id',
    );
    return {
      items: items.rows.map((row) => ({ provider: row.provider, posItemId: row.pos_item_id, sku: row.sku })),
      locations: locations.rows.map((row) => ({
        provider: row.provider,
        posLocationId: row.pos_location_id,
        locationId: row.location_id,
      })),
    };
  }

  /** Records a delivery in `tx`; false when it was recorded before (a duplicate). */
  async recordDelivery(tx: SqlExecutor, provider: string, deliveryId: string): Promise<boolean> {
    const { rows } = await tx.query(
      `insert into pos_deliveries (provider, delivery_id) values ($1, $2) on conflict do nothing returning delivery_id`,
      [provider, deliveryId],
    );
    return rows.length > 0;
  }

  /**
   * Stores a counter sale once per POS order (provider, order ref); false when it was stored
   * before (a redelivery, or a second payment of the same Square order).
   */
  async storeSale(tx: SqlExecutor, sale: StoredPosSale): Promise<boolean> {
    const { rows } = await tx.query(
      `insert into pos_sales (provider, order_ref, delivery_id, occurred_at, total_cents, currency, customer_id,
         pos_customer_id, pos_location_id, lines, test)
       values ($1, $2, $3, to_timestamp($4::double precision / 1000), $5, $6, $7, $8, $9, $10, $11)
       on conflict do nothing returning order_ref`,
      [
        sale.provider,
        sale.orderRef,
        sale.deliveryId,
        sale.occurredAt,
        sale.totalCents,
        sale.currency,
        sale.customerId ?? null,
        sale.posCustomerId ?? null,
        sale.posLocationId ?? null,
        JSON.stringify(sale.lines),
        sale.test,
      ],
    );
    return rows.length > 0;
  }

  /**
   * Stores a count unless a later one is stored for the SKU and location (equal times replace);
   * false when it is older.
   */
  async storeOnHand(db: SqlExecutor, row: OnHandRow): Promise<boolean> {
    const { rows } = await db.query(
      `insert into pos_on_hand (sku, location_id, on_hand, occurred_at, provider) values ($1, $2, $3, $4, $5)
       on conflict (sku, location_id) do update
         set on_hand = excluded.on_hand, occurred_at = excluded.occurred_at, provider = excluded.provider, updated_at = now()
         where pos_on_hand.occurred_at <= excluded.occurred_at
       returning sku`,
      [row.sku, row.locationId, row.onHand, row.occurredAt, row.provider],
    );
    return rows.length > 0;
  }

  /** Lowers the stored count by units the POS was just told of (its time stays: a newer report still replaces it). */
  async subtractOnHand(sku: string, locationId: string, qty: number): Promise<void> {
    await this.db.query(
      'update pos_on_hand set on_hand = on_hand - $3, updated_at = now() where sku = $1 and location_id = $2',
      [sku, locationId, qty],
    );
  }

  /** The newest counts of the SKUs (every location). */
  async onHandOf(skus: string[]): Promise<OnHandRow[]> {
    if (skus.length === 0) return [];
    const { rows } = await this.db.query<{
      sku: string;
      location_id: string;
      on_hand: number;
      occurred_at: string | number;
      provider: string;
    }>(
      'select sku, location_id, on_hand, occurred_at, provider from pos_on_hand where sku = any($1) order by sku, location_id',
      [skus],
    );
    return rows.map((row) => ({
      sku: row.sku,
      locationId: row.location_id,
      onHand: Number(row.on_hand),
      occurredAt: Number(row.occurred_at),
      provider: row.provider,
    }));
  }

  /** The provider whose count of the SKU at the location is the newest stored (the one the event counts). */
  async countingProvider(sku: string, locationId: string): Promise<string | undefined> {
    const { rows } = await this.db.query<{ provider: string }>(
      'select provider from pos_on_hand where sku = $1 and location_id = $2',
      [sku, locationId],
    );
    return rows[0]?.provider;
  }

  /** Events not ended that follow the POS and sell the SKU. */
  async posEventsSelling(db: SqlExecutor, sku: string): Promise<PosEvent[]> {
    const { rows } = await db.query<{ id: string; inventory: string }>(
      `select e.id, e.inventory from events e join products p on p.event_id = e.id
        where p.sku = $1 and e.status <> 'ended' and e.inventory not like '{"mode":"manual"%'`,
      [sku],
    );
    return rows.flatMap((row) => {
      const parsed = inventoryModeSchema.safeParse(JSON.parse(row.inventory));
      return parsed.success && parsed.data.mode !== 'manual' ? [{ id: row.id, inventory: parsed.data }] : [];
    });
  }

  /** Events not ended whose stock follows the POS. */
  async openPosEvents(): Promise<string[]> {
    const { rows } = await this.db.query<{ id: string }>(
      `select id from events where status <> 'ended' and inventory not like '{"mode":"manual"%' order by id`,
    );
    return rows.map((row) => row.id);
  }

  /** Told of each incident once it is recorded (the server raises it as an anomaly for moderators). */
  onIncident: (incident: PosIncident) => void = () => undefined;

  async recordIncident(incident: PosIncident): Promise<void> {
    await this.db.query(
      'insert into pos_incidents (rule, severity, provider, event_id, sku, message) values ($1, $2, $3, $4, $5, $6)',
      [
        incident.rule,
        incident.severity,
        incident.provider ?? null,
        incident.eventId ?? null,
        incident.sku ?? null,
        incident.message,
      ],
    );
    this.onIncident(incident);
  }

  /** The latest incidents, newest first (for the moderator console and `GET /api/admin/pos/incidents`). */
  async incidents(limit = 100): Promise<(PosIncident & { id: number; at: string })[]> {
    const { rows } = await this.db.query<{
      id: string | number;
      rule: PosIncidentRule;
      severity: PosIncident['severity'];
      provider: string | null;
      event_id: string | null;
      sku: string | null;
      message: string;
      at: Date | string;
    }>('select id, rule, severity, provider, event_id, sku, message, at from pos_incidents order by id desc limit $1', [
      limit,
    ]);
    return rows.map((row) => {
      const incident: PosIncident & { id: number; at: string } = {
        id: Number(row.id),
        rule: row.rule,
        severity: row.severity,
        message: row.message,
        at: new Date(row.at).toISOString(),
      };
      if (row.provider) incident.provider = row.provider;
      if (row.event_id) incident.eventId = row.event_id;
      if (row.sku) incident.sku = row.sku;
      return incident;
    });
  }

  /** Deletes delivery ids older than `days` (providers stop retrying long before). */
  async pruneDeliveries(days = 7): Promise<void> {
    await this.db.query(`delete from pos_deliveries where received_at < now() - ($1 || ' days')::interval`, [
      String(days),
    ]);
  }
}
