import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { ClientBase } from 'pg';
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
    transaction: (work) =>
      db.transaction((tx) =>
        work({ query: async (sql, params) => ({ rows: (await tx.query(sql, params as unknown[])).rows as never[] }) }),
      ),
    withSession: (work) => work(sessionClient(db)),
    close: () => db.close(),
  };
}

/**
 * PGlite's one session as the part of a `pg` client node-pg-migrate uses (`query(text, values)`
 * resolving to `{ rows }`). Without parameters the text goes through the simple protocol, which
 * runs several `;`-separated statements as `pg` does; the extended protocol runs only one.
 */
function sessionClient(db: PGlite): ClientBase {
  const client = {
    async query(text: string, values?: unknown[]) {
      if (values && values.length > 0) return { rows: (await db.query(text, values)).rows };
      const results = await db.exec(text);
      return { rows: results.at(-1)?.rows ?? [] };
    },
  };
  return client as unknown as ClientBase;
}
