import pg from 'pg';
import { redactUrl } from '../config/options.js';
import type { SqlExecutor, SqlStore } from './sql-store.js';

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
    await pool.query(`create schema if not exists "${schema}"`).catch((error: { code?: string }) => {
      // Processes creating the schema at the same moment: the loser meets the winner's row.
      if (error.code !== '23505') throw error;
    });
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
    async withSession(work) {
      const client = await pool.connect();
      try {
        return await work(client);
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
