import { fileURLToPath } from 'node:url';
import createDebug from 'debug';
import { PG_MIGRATE_LOCK_ID, runner } from 'node-pg-migrate';
import type { ClientBase } from 'pg';
import type { SqlStore } from './sql-store.js';

const debug = createDebug('liveshop:db');

/** The package's `migrations/` folder, beside `src/` and `dist/`. */
const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url));

/** Where node-pg-migrate records what it applied. */
const MIGRATIONS_TABLE = 'pgmigrations';

/**
 * Applies every `NNNN-name.sql` of `dir` (the package's `migrations/`) not yet applied, in order,
 * each file whole (functions and `$$` bodies included) in its own transaction, with
 * node-pg-migrate. Its advisory lock makes processes starting together wait for each other, so
 * each migration runs once. Returns the names of the migrations applied.
 */
export async function migrate(store: SqlStore, schema: string, dir = MIGRATIONS_DIR): Promise<string[]> {
  return store.withSession(async (session) => {
    // Taken here as well (advisory locks nest within a session), so adopting an earlier ledger
    // and running the migrations are one step for processes starting together.
    await session.query(`select pg_advisory_lock(${PG_MIGRATE_LOCK_ID})`);
    try {
      await adoptEarlierLedger(session);
      const applied = await runner({
        dbClient: session,
        dir,
        migrationsTable: MIGRATIONS_TABLE,
        schema,
        direction: 'up',
        singleTransaction: false,
        checkOrder: true,
        advisoryLockMode: 'wait',
        logger: { debug, info: debug, warn: debug, error: (message: string) => console.error(`liveshop: ${message}`) },
      });
      for (const migration of applied) debug('applied migration %s', migration.name);
      return applied.map((migration) => migration.name);
    } finally {
      // A failed migration leaves its transaction open and aborted on this session (node-pg-migrate
      // expects its own connection to be thrown away); the session goes back to the pool clean.
      await session.query('rollback');
      await session.query(`select pg_advisory_unlock(${PG_MIGRATE_LOCK_ID})`);
    }
  });
}

/**
 * Databases created before node-pg-migrate ran the migrations list them in `schema_migrations`
 * (`0001-catalog.sql`, …): those names move to node-pg-migrate's table, so nothing runs twice.
 */
async function adoptEarlierLedger(session: ClientBase): Promise<void> {
  const { rows } = await session.query<{ earlier: string | null; current: string | null }>(
    `select to_regclass('schema_migrations')::text as earlier, to_regclass('${MIGRATIONS_TABLE}')::text as current`,
  );
  if (!rows[0]?.earlier || rows[0].current) return;
  await session.query('begin');
  try {
    await session.query(
      `create table ${MIGRATIONS_TABLE} (id serial primary key, name varchar(255) not null, run_on timestamp not null)`,
    );
    await session.query(
      `insert into ${MIGRATIONS_TABLE} (name, run_on)
       select regexp_replace(name, '\\.sql$', ''), applied_at from schema_migrations order by name`,
    );
    await session.query('drop table schema_migrations');
    await session.query('commit');
  } catch (error) {
    await session.query('rollback');
    throw error;
  }
}
