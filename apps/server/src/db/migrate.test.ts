import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from './migrate.js';
import { openPgliteStore } from './pglite-store.js';
import { openPostgresStore } from './postgres-store.js';
import type { SqlStore } from './sql-store.js';

const TEST_DATABASE_URL = process.env.LIVESHOP_TEST_DATABASE_URL;

/** A plpgsql function whose body holds `;` at line ends, and a trigger using it. */
const FUNCTION_MIGRATION = `-- A function and a trigger: statements inside a $$ body end with ; at line ends.
create table prices (sku text primary key, cents integer not null, changed integer not null default 0);

create function count_price_change() returns trigger language plpgsql as $$
begin
  new.changed := old.changed + 1;
  return new;
end;
$$;

create trigger prices_changed before update on prices
  for each row execute function count_price_change();
`;

/** The first statement would apply; the second fails, so the whole file must roll back. */
const FAILING_MIGRATION = `create table half_done (id integer primary key);

select no_such_function();
`;

interface Target {
  name: string;
  open(): Promise<{ store: SqlStore; schema: string; drop(): Promise<void> }>;
}

const targets: Target[] = [
  {
    name: 'PGlite',
    open: async () => ({ store: await openPgliteStore('memory://'), schema: 'public', drop: async () => undefined }),
  },
];
if (TEST_DATABASE_URL) {
  targets.push({
    name: 'PostgreSQL',
    open: async () => {
      const schema = `test_migrate_${randomBytes(4).toString('hex')}`;
      const store = await openPostgresStore(TEST_DATABASE_URL, schema);
      return {
        store,
        schema,
        drop: () => dropSchema(schema),
      };
    },
  });
}

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  await client.query(`drop schema if exists "${schema}" cascade`);
  await client.end();
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'liveshop-migrations-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function migrationsDir(files: Record<string, string>): Promise<string> {
  const folder = await mkdtemp(path.join(dir, 'set-'));
  for (const [name, sql] of Object.entries(files)) await writeFile(path.join(folder, name), sql);
  return folder;
}

describe.each(targets)('migrations on $name', (target) => {
  it("applies the package's migrations once, and nothing on the next start", async () => {
    const { store, schema, drop } = await target.open();
    try {
      expect(await migrate(store, schema)).toEqual([
        '0001-catalog',
        '0002-durable-stock',
        '0003-reserve-cap',
        '0010-orders',
        '0011-pending-refunds',
        '0020-consoles',
        '0050-pos-sync',
        '0051-pos-outbox-unapplied',
        '0140-analytics-facts',
        '0145-customer-identity',
        '0146-pos-sales',
        '0147-holds-and-show-times',
      ]);
      expect(await migrate(store, schema)).toEqual([]);
      const { rows } = await store.query<{ column_name: string }>(
        `select column_name from information_schema.columns
         where table_schema = $1 and table_name = 'events' and column_name = 'max_qty_per_reserve'`,
        [schema],
      );
      expect(rows).toHaveLength(1);
    } finally {
      await store.close();
      await drop();
    }
  }, 60_000);

  it('keeps a plpgsql function whole, and rolls a failing file back entirely', async () => {
    const { store, schema, drop } = await target.open();
    try {
      const folder = await migrationsDir({
        '0001-prices.sql': FUNCTION_MIGRATION,
        '0002-broken.sql': FAILING_MIGRATION,
      });
      await expect(migrate(store, schema, folder)).rejects.toThrow(/no_such_function/);
      await store.query(`insert into prices (sku, cents) values ('tee', 2500)`);
      await store.query(`update prices set cents = 2400 where sku = 'tee'`);
      await store.query(`update prices set cents = 2300 where sku = 'tee'`);
      const { rows } = await store.query<{ changed: number }>(`select changed from prices where sku = 'tee'`);
      expect(rows[0]?.changed).toBe(2);
      const halfDone = await store.query<{ found: string | null }>(`select to_regclass('half_done')::text as found`);
      expect(halfDone.rows[0]?.found).toBeNull();
      const applied = await store.query<{ name: string }>('select name from pgmigrations order by id');
      expect(applied.rows.map((row) => row.name)).toEqual(['0001-prices']);
    } finally {
      await store.close();
      await drop();
    }
  });

  it('takes over the names an earlier ledger (schema_migrations) recorded, and runs only the rest', async () => {
    const { store, schema, drop } = await target.open();
    try {
      const folder = await migrationsDir({
        '0001-prices.sql': FUNCTION_MIGRATION,
        '0002-stock.sql': 'create table stock (sku text primary key);\n',
      });
      await store.query(`create table prices (sku text primary key)`);
      await store.query(
        `create table schema_migrations (name text primary key, applied_at timestamptz not null default now())`,
      );
      await store.query(`insert into schema_migrations (name) values ('0001-prices.sql')`);
      expect(await migrate(store, schema, folder)).toEqual(['0002-stock']);
      const earlier = await store.query<{ found: string | null }>(
        `select to_regclass('schema_migrations')::text as found`,
      );
      expect(earlier.rows[0]?.found).toBeNull();
    } finally {
      await store.close();
      await drop();
    }
  });
});

describe.runIf(TEST_DATABASE_URL)('migrations from processes starting together', () => {
  it('apply each migration once', async () => {
    const schema = `test_migrate_${randomBytes(4).toString('hex')}`;
    const opened = await Promise.allSettled([1, 2, 3].map(() => openPostgresStore(TEST_DATABASE_URL!, schema)));
    const stores = opened.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    try {
      expect(opened.filter((result) => result.status === 'rejected')).toEqual([]);
      const applied = await Promise.all(stores.map((store) => migrate(store, schema)));
      expect(applied.flat().sort()).toEqual([
        '0001-catalog',
        '0002-durable-stock',
        '0003-reserve-cap',
        '0010-orders',
        '0011-pending-refunds',
        '0020-consoles',
        '0050-pos-sync',
        '0051-pos-outbox-unapplied',
        '0140-analytics-facts',
        '0145-customer-identity',
        '0146-pos-sales',
        '0147-holds-and-show-times',
      ]);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
      await dropSchema(schema);
    }
  });
});
