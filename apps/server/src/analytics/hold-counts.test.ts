import type { LedgerEntry } from '@liveshop/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqlStore } from '../db/open.js';
import type { SqlStore } from '../db/sql-store.js';
import { HoldCounts } from './hold-counts.js';

const entry = (id: string, type: LedgerEntry['type'], sku: string, qty: number): LedgerEntry => ({
  id,
  type,
  sku,
  qty,
  allocated: 10,
  available: 10,
  held: 0,
  sold: 0,
  availableBefore: 10,
  version: 1,
  generation: 0,
  source: 'shop',
  at: Number(id.split('-')[0]),
});

describe('hold counts from the ledger', () => {
  let db: SqlStore;
  let holds: HoldCounts;
  beforeAll(async () => {
    db = await openSqlStore({ databaseUrl: 'memory://', dataDir: '', dbSchema: 'public' });
    holds = new HoldCounts(db);
  });
  afterAll(() => db.close());

  const counts = async (eventId: string) =>
    (
      await db.query<{ sku: string; holds: number; units: number }>(
        'select sku, holds, units from hold_counts where event_id = $1 order by sku',
        [eventId],
      )
    ).rows;

  it('counts each reserve once with its units, whatever else the batch holds', async () => {
    await holds.record('e1', [
      entry('9-0', 'reserve', 'TEE', 2),
      entry('9-1', 'commit', 'TEE', 2),
      entry('10-0', 'reserve', 'MUG', 1),
      entry('10-1', 'release', 'MUG', 1),
      entry('11-0', 'reserve', 'TEE', 1),
    ]);
    expect(await counts('e1')).toEqual([
      { sku: 'MUG', holds: 1, units: 1 },
      { sku: 'TEE', holds: 2, units: 3 },
    ]);
  });

  it('skips entries already counted when a batch is read again after a crash (ids ordered as numbers)', async () => {
    await holds.record('e2', [entry('9-0', 'reserve', 'TEE', 1), entry('9-1', 'reserve', 'TEE', 1)]);
    // Read again with a newer entry: "10-0" sorts before "9-1" as text, not as a stream id.
    await holds.record('e2', [
      entry('9-0', 'reserve', 'TEE', 1),
      entry('9-1', 'reserve', 'TEE', 1),
      entry('10-0', 'reserve', 'TEE', 4),
    ]);
    await holds.record('e2', [entry('10-0', 'reserve', 'TEE', 4)]);
    expect(await counts('e2')).toEqual([{ sku: 'TEE', holds: 3, units: 6 }]);
  });
});
