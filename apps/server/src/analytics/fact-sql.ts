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

const ts = (ms: number): Date => new Date(ms);

/** Rows per statement. */
const ROWS_PER_STATEMENT = 5_000;

/** A column of a fact table and how a fact fills it (`ms`: epoch ms, stored as timestamptz). */
interface Column<R> {
  name: string;
  type: 'text' | 'int4' | 'ms';
  value: (row: R) => string | number | null;
}

/**
 * Upserts `rows` with one statement per chunk whose parameters are one array per column, unnested
 * into rows: a handful of parameters instead of one per value, and one statement text whatever
 * the number of rows.
 */
async function upsertRows<R>(
  db: SqlExecutor,
  rows: R[],
  table: string,
  columns: Column<R>[],
  conflict: string,
): Promise<void> {
  const names = columns.map((column) => column.name).join(', ');
  const arrays = columns.map((column, i) => `$${i + 1}::${column.type === 'ms' ? 'float8' : column.type}[]`).join(', ');
  const aliases = columns.map((_, i) => `c${i}`);
  const values = columns
    .map((column, i) => (column.type === 'ms' ? `to_timestamp(c${i} / 1000.0)` : `c${i}`))
    .join(', ');
  const sql = `insert into ${table} (${names}) select ${values} from unnest(${arrays}) as u(${aliases.join(', ')}) ${conflict}`;
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(start, start + ROWS_PER_STATEMENT);
    await db.query(
      sql,
      columns.map((column) => chunk.map(column.value)),
    );
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
      return upsertRows(
        db,
        facts as SessionFact[],
        'viewer_sessions',
        [
          { name: 'id', type: 'text', value: (f) => f.id },
          { name: 'event_id', type: 'text', value: (f) => f.eventId },
          { name: 'shopper_id', type: 'text', value: (f) => f.shopperId },
          { name: 'device', type: 'text', value: (f) => f.device },
          { name: 'started_at', type: 'ms', value: (f) => f.startedAt },
          { name: 'last_seen_at', type: 'ms', value: (f) => f.lastSeenAt },
          { name: 'ended_at', type: 'ms', value: (f) => f.endedAt },
        ],
        SESSIONS_UPSERT,
      );
    case 'viewers':
      return upsertRows(
        db,
        facts as ViewerSampleFact[],
        'viewer_samples',
        [
          { name: 'event_id', type: 'text', value: (f) => f.eventId },
          { name: 'minute', type: 'ms', value: (f) => f.minute },
          { name: 'node_id', type: 'text', value: (f) => f.nodeId },
          { name: 'viewers', type: 'int4', value: (f) => f.viewers },
          { name: 'peak_viewers', type: 'int4', value: (f) => f.peakViewers },
        ],
        SAMPLES_UPSERT,
      );
    case 'impression':
      return upsertRows(
        db,
        facts as ImpressionFact[],
        'product_impressions',
        [
          { name: 'session_id', type: 'text', value: (f) => f.sessionId },
          { name: 'event_id', type: 'text', value: (f) => f.eventId },
          { name: 'sku', type: 'text', value: (f) => f.sku },
          { name: 'first_seen_at', type: 'ms', value: (f) => f.at },
        ],
        'on conflict (session_id, sku) do update set first_seen_at = least(product_impressions.first_seen_at, excluded.first_seen_at)',
      );
    case 'click':
      return upsertRows(
        db,
        facts as ClickFact[],
        'product_clicks',
        [
          { name: 'session_id', type: 'text', value: (f) => f.sessionId },
          { name: 'event_id', type: 'text', value: (f) => f.eventId },
          { name: 'sku', type: 'text', value: (f) => f.sku },
          { name: 'clicks', type: 'int4', value: (f) => Math.min(CLICK_CAP, f.clicks) },
          { name: 'first_clicked_at', type: 'ms', value: (f) => f.firstAt },
          { name: 'last_clicked_at', type: 'ms', value: (f) => f.lastAt },
        ],
        CLICKS_UPSERT,
      );
    case 'stock':
      return upsertRows(
        db,
        facts as StockSampleFact[],
        'stock_samples',
        [
          { name: 'event_id', type: 'text', value: (f) => f.eventId },
          { name: 'sku', type: 'text', value: (f) => f.sku },
          { name: 'minute', type: 'ms', value: (f) => f.minute },
          { name: 'available', type: 'int4', value: (f) => f.available },
        ],
        'on conflict (event_id, sku, minute) do update set available = excluded.available',
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
