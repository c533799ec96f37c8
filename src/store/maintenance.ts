// Keeps planner statistics fresh. PGlite runs no autovacuum, and on a PostgreSQL server
// autovacuum lags behind bulk imports, so without this the first searches after an import
// can pick plans that are orders of magnitude slower. Per-process counters are a heuristic:
// several nodes may each trigger an ANALYZE, which is harmless.
import type { Db } from './db.js';
import { describeError, log } from '../log.js';

const MIN_WRITES = 2_000;
const GROWTH = 0.2;

interface State { sinceAnalyze: number; analyzedAt: number; running: boolean }
const states = new WeakMap<Db, State>();

/** Counts written resources and runs ANALYZE in the background once the data grew enough. */
export function noteWrites(db: Db, n: number): void {
  let s = states.get(db);
  if (!s) states.set(db, (s = { sinceAnalyze: 0, analyzedAt: 0, running: false }));
  s.sinceAnalyze += n;
  if (s.running || s.sinceAnalyze < Math.max(MIN_WRITES, s.analyzedAt * GROWTH)) return;
  s.running = true;
  const grown = s.sinceAnalyze;
  s.sinceAnalyze = 0;
  setImmediate(() => {
    analyze(db)
      .then(() => { s.analyzedAt += grown; })
      .catch((err) => log.warn('ANALYZE failed', describeError(err)))
      .finally(() => { s.running = false; });
  });
}

export async function analyze(db: Db): Promise<void> {
  await db.query('ANALYZE');
}
