import pg from 'pg';

/** The PostgreSQL the benches use: LIVESHOP_BENCH_DATABASE_URL, else the local `test` database. */
export const benchPostgresUrl = process.env.LIVESHOP_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Whether {@link benchPostgresUrl} answers within 2 s. */
export async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: benchPostgresUrl, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}
