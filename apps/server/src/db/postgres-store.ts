import pg from 'pg';
import { redactUrl } from '../config/options.js';
import type { SqlExecutor, SqlStore } from './sql-store.js';

/** Arbitrary constant identifying the migration lock among other advisory locks. */
const MIGRATION_LOCK_ID = 0x11e5_0a01;

/**
 * Opens a PostgreSQL pool whose connections all use `schema` (created when missing), so tests
 * can isolate themselves with a random schema on one shared database.
 */
export async function openPostgresStore(url: string, schema: string): Promise<SqlStore> {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    connectionTimeoutMillis: 5_000,
    options: `-c search_path=${schema}`,
  });
  // An idle client that errors (server restart) must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  try {
    await pool.query(`create schema if not exists "${schema}"`);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new Error(`PostgreSQL unreachable at ${redactUrl(url)}: ${(error as Error).message}`, { cause: error });
  }

  const query: SqlExecutor['query'] = async (sql, params) => {
    const result = await pool.query(sql, params as unknown[]);
    return { rows: result.rows };
  };

  return {
    kind: 'postgres',
    query,
    async exec(sql) {
      await pool.query(sql);
    },
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const result = await work({
          query: async (sql, params) => ({ rows: (await client.query(sql, params as unknown[])).rows }),
        });
        await client.query('commit');
        return result;
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async withLock(work) {
      const client = await pool.connect();
      try {
        await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
        try {
          return await work();
        } finally {
          await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]);
        }
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
