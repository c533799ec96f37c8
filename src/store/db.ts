// The database seam: everything above it sees query() and transaction(), never the driver.
// PGlite (embedded, default) and `pg` (a PostgreSQL server) run the same SQL.

export interface QueryResult<T> {
  rows: T[];
  affectedRows?: number;
}

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<T>>;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'pg';
  /** Runs fn in one SQL transaction; retries on serialization failures and deadlocks. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** SQLSTATEs after which a whole transaction may safely be retried. */
export const RETRYABLE_SQLSTATES = new Set(['40001', '40P01']);

export function sqlState(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}

/** statementTimeoutMs: PostgreSQL statement_timeout of every pool connection (pg only: PGlite cannot cancel a running statement). */
export async function openDb(opts: { databaseUrl?: string; dataDir?: string; poolSize?: number; statementTimeoutMs?: number; preparedStatements?: boolean }): Promise<Db> {
  if (opts.databaseUrl) {
    const { openPgDb } = await import('./pg-driver.js');
    return openPgDb(opts.databaseUrl, opts.poolSize ?? 10, opts.statementTimeoutMs, opts.preparedStatements ?? true);
  }
  const { openPgliteDb } = await import('./pglite-driver.js');
  return openPgliteDb(opts.dataDir);
}
