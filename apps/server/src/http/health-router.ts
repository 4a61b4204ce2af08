import { Router } from 'express';
import type { RedisClient } from '../redis-connection.js';
import type { SqlStore } from '../db/sql-store.js';

const CHECK_TIMEOUT_MS = 2_000;

/** `GET /healthz`: 200 when Redis and the database answer, else 503. */
export function healthRouter(deps: { redis: RedisClient; db: SqlStore }): Router {
  const router = Router();

  router.get('/healthz', async (_req, res) => {
    const [redis, database] = await Promise.all([
      check(() => deps.redis.ping()),
      check(() => deps.db.query('select 1')),
    ]);
    const ok = redis === 'up' && database === 'up';
    res
      .status(ok ? 200 : 503)
      .set('cache-control', 'no-store')
      .json({ ok, redis, database, databaseKind: deps.db.kind });
  });

  return router;
}

/** `up`, or `down: <reason>` when the probe fails or takes longer than two seconds. */
async function check(probe: () => Promise<unknown>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS);
      }),
    ]);
    return 'up';
  } catch (error) {
    return `down: ${(error as Error).message}`;
  } finally {
    clearTimeout(timer);
  }
}
