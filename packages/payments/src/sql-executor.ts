/**
 * Runs one SQL statement with `$1` parameters. The same shape as the server's store over `pg` and
 * PGlite, so either can be passed as is. Each call may run on another connection: the test
 * provider never relies on a transaction spanning two calls.
 */
export interface SqlExecutor {
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: Row[] }>;
}
