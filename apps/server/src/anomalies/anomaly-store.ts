import type { Anomaly, AnomalyRule, AnomalySeverity } from '@liveshop/protocol';
import type { SqlStore } from '../db/sql-store.js';

interface AnomalyRow {
  id: string;
  event_id: string;
  rule: AnomalyRule;
  severity: AnomalySeverity;
  sku: string | null;
  message: string;
  at: Date | string;
  acked_at: Date | string | null;
  acked_by: string | null;
}

/** The anomaly feed in PostgreSQL, so a moderator who joins late sees what was raised before. */
export class AnomalyStore {
  constructor(private readonly db: SqlStore) {}

  /**
   * Stores an anomaly; resolves to it, or to null when one with the same `dedupeKey` is stored
   * already (the same finding raised twice).
   */
  async insert(anomaly: Omit<Anomaly, 'at'> & { data: object; dedupeKey?: string }): Promise<Anomaly | null> {
    const { rows } = await this.db.query<AnomalyRow>(
      `insert into anomalies (id, event_id, rule, severity, sku, message, data, dedupe_key)
       values ($1, $2, $3, $4, $5, $6, $7, $8)
       on conflict (dedupe_key) do nothing
       returning *`,
      [
        anomaly.id,
        anomaly.eventId,
        anomaly.rule,
        anomaly.severity,
        anomaly.sku ?? null,
        anomaly.message,
        JSON.stringify(anomaly.data),
        anomaly.dedupeKey ?? null,
      ],
    );
    return rows[0] ? toAnomaly(rows[0]) : null;
  }

  /** The event's most recent anomalies, newest first. */
  async recent(eventId: string, limit = 50): Promise<Anomaly[]> {
    const { rows } = await this.db.query<AnomalyRow>(
      'select * from anomalies where event_id = $1 order by at desc, id desc limit $2',
      [eventId, limit],
    );
    return rows.map(toAnomaly);
  }

  /** Records who acknowledged the anomaly (the first acknowledgement stands); null when the event has no such anomaly. */
  async ack(eventId: string, id: string, by: string): Promise<Anomaly | null> {
    await this.db.query(
      'update anomalies set acked_at = now(), acked_by = $3 where event_id = $1 and id = $2 and acked_at is null',
      [eventId, id, by],
    );
    const { rows } = await this.db.query<AnomalyRow>('select * from anomalies where event_id = $1 and id = $2', [
      eventId,
      id,
    ]);
    return rows[0] ? toAnomaly(rows[0]) : null;
  }
}

function toAnomaly(row: AnomalyRow): Anomaly {
  const anomaly: Anomaly = {
    id: row.id,
    eventId: row.event_id,
    rule: row.rule,
    severity: row.severity,
    message: row.message,
    at: new Date(row.at).getTime(),
  };
  if (row.sku) anomaly.sku = row.sku;
  if (row.acked_at) anomaly.ackedAt = new Date(row.acked_at).getTime();
  if (row.acked_by) anomaly.ackedBy = row.acked_by;
  return anomaly;
}
