import type { SqlStore } from '../db/sql-store.js';

/** Drops in PostgreSQL: when each product of an event goes on sale (restored into Redis when it loses them). */
export class DropStore {
  constructor(private readonly db: SqlStore) {}

  async set(eventId: string, sku: string, startsAt: number, actor: string): Promise<void> {
    await this.db.query(
      `insert into drops (event_id, sku, starts_at, actor) values ($1, $2, $3, $4)
       on conflict (event_id, sku) do update set starts_at = excluded.starts_at, actor = excluded.actor, set_at = now()`,
      [eventId, sku, startsAt, actor],
    );
  }

  /** The event's drops: SKU → epoch ms when it goes on sale. */
  async list(eventId: string): Promise<Map<string, number>> {
    const { rows } = await this.db.query<{ sku: string; starts_at: string | number }>(
      'select sku, starts_at from drops where event_id = $1',
      [eventId],
    );
    return new Map(rows.map((row) => [row.sku, Number(row.starts_at)]));
  }
}
