import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqlStore } from '../db/open.js';
import type { SqlStore } from '../db/sql-store.js';
import { CustomerResolver } from './customer-resolver.js';

const TEST_DATABASE_URL = process.env.LIVESHOP_TEST_DATABASE_URL;

const targets: { name: string; url: string }[] = [{ name: 'PGlite', url: 'memory://' }];
if (TEST_DATABASE_URL) targets.push({ name: 'PostgreSQL', url: TEST_DATABASE_URL });

describe.each(targets)('customer resolver on $name', ({ url }) => {
  let db: SqlStore;
  let resolver: CustomerResolver;
  const schema = `test_identity_${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    db = await openSqlStore({
      databaseUrl: url,
      dataDir: '',
      dbSchema: url.startsWith('postgres') ? schema : 'public',
    });
    resolver = new CustomerResolver(db, { defaultCallingCode: '1' });
  });
  afterAll(async () => {
    await db.close();
    if (url.startsWith('postgres')) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`drop schema if exists "${schema}" cascade`);
      await client.end();
    }
  });

  const identifiersOf = async (customerId: number) =>
    (
      await db.query<{ kind: string; value: string }>(
        'select kind, value from customer_identifiers where customer_id = $1 order by kind, value',
        [customerId],
      )
    ).rows.map((row) => `${row.kind}:${row.value}`);

  it('matches the same e-mail written in another case and with spaces', async () => {
    const first = await resolver.resolve({ email: 'Ana.Lopez@Example.com', name: 'Ana' });
    const second = await resolver.resolve({ email: '  ana.lopez@EXAMPLE.COM ' });
    expect(first?.created).toBe(true);
    expect(second).toEqual({ customerId: first!.customerId, created: false, merged: [], keptApart: [] });
    expect(await identifiersOf(first!.customerId)).toEqual(['email:ana.lopez@example.com']);
  });

  it('matches one phone number however it is written', async () => {
    const first = await resolver.resolve({ phone: '(415) 555-0100' });
    for (const written of ['+1 415 555 0100', '415.555.0100', '1-415-555-0100']) {
      expect((await resolver.resolve({ phone: written }))?.customerId, written).toBe(first!.customerId);
    }
    expect(await identifiersOf(first!.customerId)).toEqual(['phone:+14155550100']);
  });

  it('matches on a loyalty id alone, and a loyalty id outranks an e-mail', async () => {
    const card = await resolver.resolve({ loyaltyId: ' LOY-77 ' });
    expect((await resolver.resolve({ loyaltyId: 'LOY-77' }))?.customerId).toBe(card!.customerId);
    // The card now shows an e-mail, which joins its profile.
    const withEmail = await resolver.resolve({ loyaltyId: 'LOY-77', email: 'card@example.com' });
    expect(withEmail).toMatchObject({ customerId: card!.customerId, created: false, merged: [] });
    expect(await identifiersOf(card!.customerId)).toEqual(['email:card@example.com', 'loyalty:LOY-77']);
  });

  it('merges the profile of a phone into the profile of an e-mail named by one purchase, and records it', async () => {
    const byEmail = await resolver.resolve({ email: 'bo@example.com' });
    const byPhone = await resolver.resolve({ phone: '+1 212 555 0199' });
    expect(byPhone!.customerId).not.toBe(byEmail!.customerId);
    const both = await resolver.resolve({ email: 'BO@example.com', phone: '212-555-0199' });
    expect(both).toEqual({
      customerId: byEmail!.customerId,
      created: false,
      merged: [byPhone!.customerId],
      keptApart: [],
    });
    expect(await identifiersOf(byEmail!.customerId)).toEqual(['email:bo@example.com', 'phone:+12125550199']);
    expect((await resolver.resolve({ phone: '2125550199' }))?.customerId).toBe(byEmail!.customerId);
    expect(await resolver.current(byPhone!.customerId)).toBe(byEmail!.customerId);
    const { rows } = await db.query<{ kept_id: string; other_id: string; outcome: string; linked_by: string }>(
      'select kept_id, other_id, outcome, linked_by from customer_merges where other_id = $1',
      [byPhone!.customerId],
    );
    expect(rows.map((row) => ({ ...row, kept_id: Number(row.kept_id), other_id: Number(row.other_id) }))).toEqual([
      {
        kept_id: byEmail!.customerId,
        other_id: byPhone!.customerId,
        outcome: 'merged',
        linked_by: 'phone:+12125550199',
      },
    ]);
  });

  it('keeps two e-mail profiles sharing a phone apart, and records why', async () => {
    const carol = await resolver.resolve({ email: 'carol@example.com', phone: '+1 646 555 0111' });
    const dan = await resolver.resolve({ email: 'dan@example.com', phone: '646 555 0111' });
    // Dan's e-mail is new and Carol's profile holds another one: the shared phone does not join them.
    expect(dan).toMatchObject({ created: true, merged: [], keptApart: [carol!.customerId] });
    expect(dan!.customerId).not.toBe(carol!.customerId);
    expect(await identifiersOf(carol!.customerId)).toEqual(['email:carol@example.com', 'phone:+16465550111']);
    expect(await identifiersOf(dan!.customerId)).toEqual(['email:dan@example.com']);
    // A purchase naming Dan's e-mail and the shared phone again keeps them apart again.
    const again = await resolver.resolve({ email: 'dan@example.com', phone: '+16465550111' });
    expect(again).toEqual({ customerId: dan!.customerId, created: false, merged: [], keptApart: [carol!.customerId] });
    const { rows } = await db.query<{ outcome: string }>(
      `select outcome from customer_merges where other_id = $1 and kept_id = $2`,
      [carol!.customerId, dan!.customerId],
    );
    expect(rows.map((row) => row.outcome)).toEqual(['kept_apart', 'kept_apart']);
  });

  it('answers nothing for a purchase without a usable identifier', async () => {
    expect(await resolver.resolve({ email: 'not-an-email', phone: '555-SHIP' })).toBeUndefined();
    expect(await resolver.resolve({})).toBeUndefined();
  });

  it('gives concurrent purchases of one new customer one profile', async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => resolver.resolve({ email: i % 2 ? 'Eve@Example.com' : 'eve@example.com' })),
    );
    expect(new Set(results.map((r) => r!.customerId)).size).toBe(1);
  });
});
