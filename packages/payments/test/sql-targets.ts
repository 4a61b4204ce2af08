import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { installTestProviderSchema, type SqlExecutor } from '@liveshop/payments';

export const TEST_DATABASE_URL = process.env.LIVESHOP_TEST_DATABASE_URL;

/** One database a test runs against, with the test provider's tables installed. */
export interface SqlTarget {
  sql: SqlExecutor;
  /** Another connection (pool) to the same data, as a second process would open it. */
  openAnother(): Promise<{ sql: SqlExecutor; close(): Promise<void> }>;
  /** PostgreSQL only: the URL and schema a child process connects with. */
  connection?: { url: string; schema: string };
  close(): Promise<void>;
}

export const randomSchema = () => `test_payments_${randomBytes(5).toString('hex')}`;

export function pgliteExecutor(db: PGlite): SqlExecutor {
  return { query: async (sql, params) => ({ rows: (await db.query(sql, params)).rows as never[] }) };
}

export function poolExecutor(pool: pg.Pool): SqlExecutor {
  return { query: async (sql, params) => ({ rows: (await pool.query(sql, params)).rows }) };
}

export const openPool = (url: string, schema: string) =>
  new pg.Pool({ connectionString: url, max: 10, options: `-c search_path=${schema}` });

/** In-memory PGlite: the embedded database the server uses when no `DATABASE_URL` is set. */
export async function openPgliteTarget(): Promise<SqlTarget> {
  const db = new PGlite('memory://');
  const sql = pgliteExecutor(db);
  await installTestProviderSchema(sql);
  return {
    sql,
    // PGlite belongs to one process; its one handle is what any other caller would share.
    openAnother: async () => ({ sql, close: async () => undefined }),
    close: () => db.close(),
  };
}

/** A random schema on the shared PostgreSQL, dropped on close. */
export async function openPostgresTarget(url: string): Promise<SqlTarget> {
  const schema = randomSchema();
  const admin = new pg.Pool({ connectionString: url, max: 1 });
  await admin.query(`create schema "${schema}"`);
  const pool = openPool(url, schema);
  const sql = poolExecutor(pool);
  await installTestProviderSchema(sql);
  const others = new Set<pg.Pool>();
  return {
    sql,
    connection: { url, schema },
    async openAnother() {
      const other = openPool(url, schema);
      others.add(other);
      return { sql: poolExecutor(other), close: () => other.end() };
    },
    async close() {
      await pool.end();
      for (const other of others) await other.end().catch(() => undefined);
      await admin.query(`drop schema if exists "${schema}" cascade`);
      await admin.end();
    },
  };
}

/** PGlite always; PostgreSQL when the test command found one (`LIVESHOP_TEST_DATABASE_URL`). */
export const sqlTargets: { name: string; open: () => Promise<SqlTarget>; skip: boolean }[] = [
  { name: 'PGlite', open: openPgliteTarget, skip: false },
  { name: 'PostgreSQL', open: () => openPostgresTarget(TEST_DATABASE_URL ?? ''), skip: !TEST_DATABASE_URL },
];
