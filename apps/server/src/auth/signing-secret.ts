import { randomBytes } from 'node:crypto';
import type { SqlStore } from '../db/sql-store.js';

/**
 * The signing secret shared by every process on this database: the first process to ask creates
 * a random one, later ones read it. Used when no `LIVESHOP_SESSION_SECRET` is configured, so
 * sessions survive restarts and work across processes without configuration.
 */
export async function sharedSigningSecret(db: SqlStore): Promise<string> {
  await db.query("insert into settings (key, value) values ('signing_secret', $1) on conflict (key) do nothing", [
    randomBytes(32).toString('base64url'),
  ]);
  const { rows } = await db.query<{ value: string }>("select value from settings where key = 'signing_secret'");
  const secret = rows[0]?.value;
  if (!secret) throw new Error('the signing secret could not be stored');
  return secret;
}
