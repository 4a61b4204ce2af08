import type { ClientBase } from 'pg';

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
  /**
   * Runs `work` on one database session of its own (a pooled connection; PGlite's only one), as a
   * `pg` client: node-pg-migrate drives it. Its `begin`, locks and settings stay on that session; a
   * statement without parameters may be several `;`-separated ones.
   */
  withSession<T>(work: (client: ClientBase) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
