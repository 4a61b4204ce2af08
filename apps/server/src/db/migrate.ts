import { readdir, readFile } from 'node:fs/promises';
import createDebug from 'debug';
import type { SqlStore } from './sql-store.js';

const debug = createDebug('liveshop:db');
const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);

/**
 * Applies every `migrations/NNNN-name.sql` not yet recorded in `schema_migrations`, in order,
 * each in its own transaction, under a lock so processes starting together apply each once.
 */
export async function migrate(store: SqlStore): Promise<string[]> {
  const files = (await readdir(MIGRATIONS_DIR)).filter((name) => /^\d{4}-[\w-]+\.sql$/.test(name)).sort();
  return store.withLock(async () => {
    await store.exec(
      'create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())',
    );
    const { rows } = await store.query<{ name: string }>('select name from schema_migrations');
    const applied = new Set(rows.map((row) => row.name));
    const pending = files.filter((name) => !applied.has(name));
    for (const name of pending) {
      const sql = await readFile(new URL(name, MIGRATIONS_DIR), 'utf8');
      await store.transaction(async (tx) => {
        for (const statement of splitStatements(sql)) await tx.query(statement);
        await tx.query('insert into schema_migrations (name) values ($1)', [name]);
      });
      debug('applied migration %s', name);
    }
    return pending;
  });
}

/** Migrations hold plain DDL; statements end with `;` at the end of a line. */
function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*$/m)
    .map((statement) => statement.replace(/^\s*--.*$/gm, '').trim())
    .filter(Boolean);
}
