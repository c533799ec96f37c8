// PostgreSQL server through a `pg` connection pool.
import pg from 'pg';
import type { Db, Queryable, QueryResult } from './db.js';
import { RETRYABLE_SQLSTATES, sqlState } from './db.js';

// int8 and numeric come back as strings by default; bigint ids fit in JS numbers here.
pg.types.setTypeParser(20, (v) => Number(v));

const MAX_RETRIES = 5;

// The server's own statements (parameterised) are prepared once per connection, so PostgreSQL parses
// and plans them once rather than at every call: about a fifth of its CPU when documents are stored
// (HL7 v2 benchmark). Bounded: a text is prepared from its second use, at most PREPARED_MAX texts per
// process; one-off, utility and multi-statement texts run unnamed. DB_PREPARED_STATEMENTS=off turns
// this off (a transaction-mode pooler that does not keep prepared statements, e.g. PgBouncer < 1.21).
const PREPARED_MAX = 500;
const PREPARABLE = /^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b/i;
const statementNames = new Map<string, string | null>(); // text → name; null once seen
let prepared = 0;

function statementName(sql: string): string | undefined {
  const known = statementNames.get(sql);
  if (known) return known;
  if (known === undefined) {
    if (statementNames.size < PREPARED_MAX * 4) statementNames.set(sql, null);
    return undefined;
  }
  if (prepared >= PREPARED_MAX || !PREPARABLE.test(sql) || sql.includes(';')) return undefined;
  const name = `oncofhir_${++prepared}`;
  statementNames.set(sql, name);
  return name;
}

export async function openPgDb(url: string, poolSize: number, statementTimeoutMs?: number, prepare = true): Promise<Db> {
  // statement_timeout is sent in the startup packet of each connection: a runaway query is
  // cancelled by the server (SQLSTATE 57014, answered 503 at the HTTP door).
  const pool = new pg.Pool({ connectionString: url, max: poolSize, ...(statementTimeoutMs ? { statement_timeout: statementTimeoutMs } : {}) });
  pool.on('error', () => { /* idle client errors surface on the next query */ });
  const wrap = (c: pg.Pool | pg.PoolClient): Queryable => ({
    async query<T>(sql: string, params?: unknown[]): Promise<QueryResult<T>> {
      const name = prepare ? statementName(sql) : undefined;
      const r = name ? await c.query({ name, text: sql, values: params as unknown[] }) : await c.query(sql, params as unknown[]);
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
