import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { migrate } from '../db/migrate.js';
import { openPgliteStore } from '../db/pglite-store.js';
import type { SqlStore } from '../db/sql-store.js';
import { FactWriter } from './fact-writer.js';
import type { SessionFact } from './facts.js';

/** A session fact of `id` seen at `at` (ended then when `ended`). */
const session = (id: string, at: number, ended = false): SessionFact => ({
  kind: 'session',
  id,
  eventId: 'ev',
  shopperId: `shopper-${id}`,
  device: 'phone',
  startedAt: at,
  lastSeenAt: at,
  endedAt: ended ? at : null,
});

describe('FactWriter', () => {
  let db: SqlStore;
  const writers: FactWriter[] = [];
  const writer = (options: Partial<ConstructorParameters<typeof FactWriter>[1]> = {}) => {
    const created = new FactWriter(db, { flushMs: 60_000, flushRows: 1_000, maxRows: 1_000, ...options });
    writers.push(created);
    return created;
  };
  const ids = async () =>
    (await db.query<{ id: string }>('select id from viewer_sessions order by id')).rows.map((row) => row.id);

  // Starting PGlite and migrating it takes seconds, far more on a busy machine.
  beforeAll(async () => {
    db = await openPgliteStore('memory://');
    await migrate(db, 'public');
  }, 120_000);
  beforeEach(() => db.query('truncate viewer_sessions, product_clicks, pin_history'));
  afterEach(async () => {
    for (const created of writers.splice(0)) await created.close();
    vi.restoreAllMocks();
  });
  afterAll(() => db.close());

  it('merges facts about one row and writes each kind as one statement', async () => {
    const facts = writer();
    facts.add(session('a', 1_000));
    facts.add(session('a', 5_000, true));
    facts.add(session('a', 3_000));
    facts.add(session('b', 2_000));
    facts.add({ kind: 'click', sessionId: 'a', eventId: 'ev', sku: 'TEE', clicks: 7, firstAt: 1_000, lastAt: 1_000 });
    facts.add({ kind: 'click', sessionId: 'a', eventId: 'ev', sku: 'TEE', clicks: 7, firstAt: 2_000, lastAt: 2_000 });
    expect(facts.pending).toBe(3);
    const query = vi.spyOn(db, 'query');
    await facts.flush();
    expect(query).toHaveBeenCalledTimes(2);
    const { rows } = await db.query<{ id: string; started_at: Date; last_seen_at: Date; ended_at: Date | null }>(
      'select id, started_at, last_seen_at, ended_at from viewer_sessions order by id',
    );
    expect(
      rows.map((row) => [row.id, row.started_at.getTime(), row.last_seen_at.getTime(), row.ended_at?.getTime()]),
    ).toEqual([
      ['a', 1_000, 5_000, 5_000],
      ['b', 2_000, 2_000, undefined],
    ]);
    const clicks = await db.query<{ clicks: number }>('select clicks from product_clicks');
    expect(clicks.rows).toEqual([{ clicks: 10 }]);
  });

  it('stores times to the millisecond and 5,000 sessions in one statement', async () => {
    const facts = writer({ flushRows: 10_000, maxRows: 10_000 });
    const at = 1_796_058_204_607;
    for (let i = 0; i < 5_000; i += 1) facts.add(session(`s${i}`, at + i));
    const query = vi.spyOn(db, 'query');
    await facts.flush();
    expect(query).toHaveBeenCalledTimes(1);
    const { rows } = await db.query<{ id: string; started_at: Date; ended_at: Date | null }>(
      "select id, started_at, ended_at from viewer_sessions where id in ('s0', 's4999') order by id",
    );
    expect(rows.map((row) => [row.id, row.started_at.getTime(), row.ended_at])).toEqual([
      ['s0', at, null],
      ['s4999', at + 4_999, null],
    ]);
  });

  it('keeps the newest facts while the database fails, counts the dropped ones, logs once, and writes the rest after', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const dropped: number[] = [];
    const facts = writer({ maxRows: 3, onDropped: (count) => dropped.push(count) });
    // A real failure of the database: the table is gone while the facts are written.
    await db.query('alter table viewer_sessions rename to viewer_sessions_away');
    for (const id of ['a', 'b']) facts.add(session(id, 1_000));
    await facts.flush();
    for (const id of ['c', 'd', 'e']) facts.add(session(id, 2_000));
    await facts.flush();
    expect(facts.pending).toBe(3);
    expect(dropped.reduce((sum, count) => sum + count, 0)).toBe(2);
    expect(errors).toHaveBeenCalledTimes(1);
    expect(String(errors.mock.calls[0]?.[0])).toMatch(/writing analytics facts failed/);

    await db.query('alter table viewer_sessions_away rename to viewer_sessions');
    await facts.flush();
    expect(facts.pending).toBe(0);
    expect(await ids()).toEqual(['c', 'd', 'e']);
  });

  it('writes by itself every flush interval and as soon as it holds flushRows', async () => {
    const timed = writer({ flushMs: 50 });
    timed.add(session('t', 1_000));
    await vi.waitFor(async () => expect(await ids()).toEqual(['t']), { timeout: 2_000 });
    const full = writer({ flushRows: 2 });
    full.add(session('u', 1_000));
    full.add(session('v', 1_000));
    await vi.waitFor(async () => expect(await ids()).toEqual(['t', 'u', 'v']), { timeout: 2_000 });
  });

  it('writes what is left when closed, and takes nothing after', async () => {
    const facts = writer();
    facts.add(session('z', 1_000));
    await facts.close();
    expect(await ids()).toEqual(['z']);
    facts.add(session('y', 1_000));
    expect(facts.pending).toBe(0);
  });

  it('applies pin changes in order, each from the whole list', async () => {
    const facts = writer();
    facts.add({ kind: 'pin', eventId: 'ev', skus: ['TEE', 'MUG'], at: 1_000 });
    facts.add({ kind: 'pin', eventId: 'ev', skus: ['MUG'], at: 2_000 });
    facts.add({ kind: 'pin', eventId: 'ev', skus: ['MUG'], at: 2_500 });
    facts.add({ kind: 'pin', eventId: 'ev', skus: [], at: 3_000 });
    facts.add({ kind: 'pin', eventId: 'ev', skus: ['TEE'], at: 4_000 });
    await facts.flush();
    const { rows } = await db.query<{ sku: string; pinned_at: Date; unpinned_at: Date | null }>(
      'select sku, pinned_at, unpinned_at from pin_history order by id',
    );
    expect(rows.map((row) => [row.sku, row.pinned_at.getTime(), row.unpinned_at?.getTime()])).toEqual([
      ['TEE', 1_000, 2_000],
      ['MUG', 1_000, 3_000],
      ['TEE', 4_000, undefined],
    ]);
  });
});
