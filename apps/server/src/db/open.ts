import type { ResolvedOptions } from '../config/options.js';
import { migrate } from './migrate.js';
import { openPgliteStore } from './pglite-store.js';
import { openPostgresStore } from './postgres-store.js';
import type { SqlStore } from './sql-store.js';

/** Opens the store the options select and brings its schema up to date. */
export async function openSqlStore(
  options: Pick<ResolvedOptions, 'databaseUrl' | 'dataDir' | 'dbSchema'>,
): Promise<SqlStore> {
  const { databaseUrl } = options;
  const postgres = databaseUrl?.startsWith('postgres');
  const store = postgres
    ? await openPostgresStore(databaseUrl!, options.dbSchema)
    : await openPgliteStore(databaseUrl === 'memory://' ? 'memory://' : { dataDir: options.dataDir });
  try {
    await migrate(store, postgres ? options.dbSchema : 'public');
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
  return store;
}
