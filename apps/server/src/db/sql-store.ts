/** A row set as both drivers return it. */
export interface QueryResult<Row> {
  rows: Row[];
}

/** Runs SQL; implemented over `pg` (PostgreSQL) and PGlite with the same SQL text and `$1` parameters. */
export interface SqlExecutor {
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<Row>>;
}

/** The durable store: PostgreSQL or embedded PGlite, chosen by {@link openSqlStore}. */
export interface SqlStore extends SqlExecutor {
  /** `postgres` or `pglite`, for logs and `/healthz`. */
  readonly kind: 'postgres' | 'pglite';
  /** Runs `work` in one transaction; commits when it resolves, rolls back when it throws. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Runs several `;`-separated statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /** Holds a cross-process lock while `work` runs (PostgreSQL advisory lock; PGlite is single-process). */
  withLock<T>(work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
