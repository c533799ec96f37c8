// One holder across all server nodes: a transaction-level PostgreSQL advisory lock on one pooled
// connection, kept open while fn works through the other connections (so DB_POOL_SIZE must be at
// least 2). PGlite is one process with one connection, which an in-process guard covers.
import type { Db } from '../store/db.js';

export type Locked<T> = { ran: true; value: T } | { ran: false };

const runningHere = new WeakMap<Db, Set<number>>();

/** Runs fn while holding the cluster-wide lock `key`, or not at all if another process holds it. */
export async function withClusterLock<T>(db: Db, key: number, fn: () => Promise<T>): Promise<Locked<T>> {
  const held = runningHere.get(db) ?? runningHere.set(db, new Set()).get(db)!;
  if (held.has(key)) return { ran: false };
  held.add(key);
  try {
    if (db.kind === 'pglite') return { ran: true, value: await fn() };
    let failure: { error: unknown } | undefined;
    const out = await db.transaction(async (tx): Promise<Locked<T>> => {
      failure = undefined;
      const { rows } = await tx.query<{ got: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS got', [key]);
      if (!rows[0]?.got) return { ran: false };
      try {
        return { ran: true, value: await fn() };
      } catch (error) {
        failure = { error }; // not rethrown inside: a retryable SQLSTATE must not re-run the whole job
        return { ran: false };
      }
    });
    if (failure) throw failure.error;
    return out;
  } finally {
    held.delete(key);
  }
}
