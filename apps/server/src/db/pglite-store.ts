import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { SqlExecutor, SqlStore } from './sql-store.js';

/**
 * Opens an embedded PGlite database: in `<dataDir>/pglite`, or in memory for `memory://`.
 * One process owns a PGlite directory; several server processes need PostgreSQL.
 */
export async function openPgliteStore(location: 'memory://' | { dataDir: string }): Promise<SqlStore> {
  let target = 'memory://';
  if (typeof location === 'object') {
    target = path.resolve(location.dataDir, 'pglite');
    await mkdir(target, { recursive: true });
  }
  const db = new PGlite(target);
  try {
    await db.waitReady;
  } catch (error) {
    throw new Error(`cannot open the embedded database in ${target}: ${(error as Error).message}`, { cause: error });
  }

  const query: SqlExecutor['query'] = async (sql, params) => {
    const result = await db.query(sql, params as unknown[]);
    return { rows: result.rows as never[] };
  };

  return {
    kind: 'pglite',
    query,
    async exec(sql) {
      await db.exec(sql);
    },
    transaction: (work) =>
      db.transaction((tx) =>
        work({ query: async (sql, params) => ({ rows: (await tx.query(sql, params as unknown[])).rows as never[] }) }),
      ),
    withLock: (work) => work(),
    close: () => db.close(),
  };
}
