// PostgreSQL server through a `pg` connection pool.
import pg from 'pg';
import type { Db, Queryable, QueryResult } from './db.js';
import { RETRYABLE_SQLSTATES, sqlState } from './db.js';

// int8 and numeric come back as strings by default; bigint ids fit in JS numbers here.
pg.types.setTypeParser(20, (v) => Number(v));

const MAX_RETRIES = 5;

export async function openPgDb(url: string, poolSize: number, statementTimeoutMs?: number): Promise<Db> {
  // statement_timeout is sent in the startup packet of each connection: a runaway query is
  // cancelled by the server (SQLSTATE 57014, answered 503 at the HTTP door).
  const pool = new pg.Pool({ connectionString: url, max: poolSize, ...(statementTimeoutMs ? { statement_timeout: statementTimeoutMs } : {}) });
  pool.on('error', () => { /* idle client errors surface on the next query */ });
  const wrap = (c: pg.Pool | pg.PoolClient): Queryable => ({
    async query<T>(sql: string, params?: unknown[]): Promise<QueryResult<T>> {
      const r = await c.query(sql, params as unknown[]);
      return { rows: r.rows as T[], affectedRows: r.rowCount ?? undefined };
    },
  });
  async function transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const out = await fn(wrap(client));
        await client.query('COMMIT');
        return out;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        if (attempt < MAX_RETRIES && RETRYABLE_SQLSTATES.has(sqlState(err) ?? '')) {
          await new Promise((r) => setTimeout(r, 5 * 2 ** attempt * Math.random()));
          continue;
        }
        throw err;
      } finally {
        client.release();
      }
    }
  }
  const base = wrap(pool);
  return { kind: 'pg', query: base.query, transaction, close: () => pool.end() };
}
