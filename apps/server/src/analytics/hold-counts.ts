import type { LedgerEntry } from '@liveshop/protocol';
import type { SqlStore } from '../db/sql-store.js';

/** A ledger stream id as two numbers, for ordering ("10-0" sorts after "9-3"). */
function streamPosition(id: string): [ms: number, seq: number] {
  const [ms, seq] = id.split('-');
  return [Number(ms), Number(seq ?? 0)];
}

const after = (a: [number, number], b: [number, number]) => a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);

/**
 * Holds placed per event and SKU, counted from the ledger (every `reserve` entry is one hold of its
 * units) into `hold_counts`. The ledger's reader calls {@link record} with each batch before it
 * acknowledges it; the batch's counts and the event's mark (the newest entry counted) are one
 * transaction, and entries at or before the mark are skipped, so a batch read again after a crash
 * counts once.
 */
export class HoldCounts {
  constructor(private readonly db: SqlStore) {}

  async record(eventId: string, entries: readonly LedgerEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ last_ms: string | number; last_seq: string | number }>(
        'select last_ms, last_seq from ledger_marks where event_id = $1 for update',
        [eventId],
      );
      const mark: [number, number] = rows[0] ? [Number(rows[0].last_ms), Number(rows[0].last_seq)] : [-1, -1];
      const bySku = new Map<string, { holds: number; units: number }>();
      // A batch is in ledger order: the entries after the mark are a tail of it.
      let first = 0;
      while (first < entries.length && !after(streamPosition(entries[first]!.id), mark)) first += 1;
      if (first === entries.length) return;
      const newest = streamPosition(entries.at(-1)!.id);
      for (let i = first; i < entries.length; i += 1) {
        const entry = entries[i]!;
        if (entry.type !== 'reserve') continue;
        const counts = bySku.get(entry.sku) ?? { holds: 0, units: 0 };
        counts.holds += 1;
        counts.units += entry.qty;
        bySku.set(entry.sku, counts);
      }
      if (bySku.size > 0) {
        await tx.query(
          `insert into hold_counts (event_id, sku, holds, units)
           select $1, sku, holds, units from unnest($2::text[], $3::int[], $4::int[]) as c(sku, holds, units)
           on conflict (event_id, sku) do update
             set holds = hold_counts.holds + excluded.holds, units = hold_counts.units + excluded.units`,
          [
            eventId,
            [...bySku.keys()],
            [...bySku.values()].map((c) => c.holds),
            [...bySku.values()].map((c) => c.units),
          ],
        );
      }
      await tx.query(
        `insert into ledger_marks (event_id, last_ms, last_seq) values ($1, $2, $3)
         on conflict (event_id) do update set last_ms = excluded.last_ms, last_seq = excluded.last_seq`,
        [eventId, newest[0], newest[1]],
      );
    });
  }
}
