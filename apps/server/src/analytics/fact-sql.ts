import type { SqlExecutor } from '../db/sql-store.js';
import {
  CLICK_CAP,
  type ClickFact,
  type Fact,
  type ImpressionFact,
  type PinFact,
  type SessionFact,
  type StockSampleFact,
  type ViewerSampleFact,
} from './facts.js';

/** Rows per statement: well under PostgreSQL's 65,535 parameters for the widest row (7 columns). */
const ROWS_PER_STATEMENT = 500;

const ts = (ms: number | null): Date | null => (ms === null ? null : new Date(ms));

/** Runs one multi-row statement per chunk of `rows`: `values` placeholders are built for each row. */
async function insertRows<R>(
  db: SqlExecutor,
  rows: R[],
  head: string,
  tail: string,
  columns: (row: R) => unknown[],
): Promise<void> {
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    const params: unknown[] = [];
    const tuples: string[] = [];
    for (const row of rows.slice(start, start + ROWS_PER_STATEMENT)) {
      const values = columns(row);
      tuples.push(`(${values.map((value) => `$${params.push(value)}`).join(', ')})`);
    }
    await db.query(`${head} values ${tuples.join(', ')} ${tail}`, params);
  }
}

const SESSIONS_UPSERT = `on conflict (id) do update set
  started_at = least(viewer_sessions.started_at, excluded.started_at),
  last_seen_at = greatest(viewer_sessions.last_seen_at, excluded.last_seen_at),
  ended_at = case when excluded.last_seen_at >= viewer_sessions.last_seen_at
    then excluded.ended_at else viewer_sessions.ended_at end,
  device = case when viewer_sessions.device = 'unknown' then excluded.device else viewer_sessions.device end`;

const SAMPLES_UPSERT = `on conflict (event_id, minute, node_id) do update set
  viewers = excluded.viewers,
  peak_viewers = greatest(viewer_samples.peak_viewers, excluded.peak_viewers)`;

const CLICKS_UPSERT = `on conflict (session_id, sku) do update set
  clicks = least(${CLICK_CAP}, product_clicks.clicks + excluded.clicks),
  first_clicked_at = least(product_clicks.first_clicked_at, excluded.first_clicked_at),
  last_clicked_at = greatest(product_clicks.last_clicked_at, excluded.last_clicked_at)`;

/**
 * Writes facts of one kind, each kind as multi-row upserts keyed by the row's identity, so that a
 * batch written twice (a retry after a lost reply, two processes recording one visit) counts once.
 */
export async function writeFacts(db: SqlExecutor, kind: Fact['kind'], facts: Fact[]): Promise<void> {
  switch (kind) {
    case 'session':
      return insertRows(
        db,
        facts as SessionFact[],
        'insert into viewer_sessions (id, event_id, shopper_id, device, started_at, last_seen_at, ended_at)',
        SESSIONS_UPSERT,
        (f) => [f.id, f.eventId, f.shopperId, f.device, ts(f.startedAt), ts(f.lastSeenAt), ts(f.endedAt)],
      );
    case 'viewers':
      return insertRows(
        db,
        facts as ViewerSampleFact[],
        'insert into viewer_samples (event_id, minute, node_id, viewers, peak_viewers)',
        SAMPLES_UPSERT,
        (f) => [f.eventId, ts(f.minute), f.nodeId, f.viewers, f.peakViewers],
      );
    case 'impression':
      return insertRows(
        db,
        facts as ImpressionFact[],
        'insert into product_impressions (session_id, event_id, sku, first_seen_at)',
        'on conflict (session_id, sku) do update set first_seen_at = least(product_impressions.first_seen_at, excluded.first_seen_at)',
        (f) => [f.sessionId, f.eventId, f.sku, ts(f.at)],
      );
    case 'click':
      return insertRows(
        db,
        facts as ClickFact[],
        'insert into product_clicks (session_id, event_id, sku, clicks, first_clicked_at, last_clicked_at)',
        CLICKS_UPSERT,
        (f) => [f.sessionId, f.eventId, f.sku, Math.min(CLICK_CAP, f.clicks), ts(f.firstAt), ts(f.lastAt)],
      );
    case 'stock':
      return insertRows(
        db,
        facts as StockSampleFact[],
        'insert into stock_samples (event_id, sku, minute, available)',
        'on conflict (event_id, sku, minute) do update set available = excluded.available',
        (f) => [f.eventId, f.sku, ts(f.minute), f.available],
      );
    case 'pin':
      for (const fact of facts as PinFact[]) await writePinChange(db, fact);
  }
}

/**
 * Makes the event's open pins the fact's SKUs: closes the others, opens the new ones. Written from
 * the whole list, so applying a change twice changes nothing.
 */
async function writePinChange(db: SqlExecutor, fact: PinFact): Promise<void> {
  const at = ts(fact.at);
  await db.query(
    `update pin_history set unpinned_at = $3
     where event_id = $1 and unpinned_at is null and not (sku = any($2::text[]))`,
    [fact.eventId, fact.skus, at],
  );
  if (fact.skus.length > 0) {
    await db.query(
      `insert into pin_history (event_id, sku, pinned_at)
       select $1, sku, $3 from unnest($2::text[]) as sku
       on conflict (event_id, sku) where unpinned_at is null do nothing`,
      [fact.eventId, fact.skus, at],
    );
  }
}
