// Keeps the planner statistics of the searched tables fresh. PGlite runs no autovacuum, and on a
// PostgreSQL server autovacuum lags behind bulk imports (it wakes once a minute), so without this the
// first searches after an import can pick plans that are orders of magnitude slower.
// A table is analysed once its changes since the last ANALYZE reach its size then (it doubled), with a
// floor: the work stays proportional to the data written. On a server the counts are PostgreSQL's own
// (pg_stat_user_tables, shared by every node and reset by autovacuum's analyses too); PGlite keeps no
// such counts, so its single process counts its own writes.
import type { Db } from './db.js';
import { describeError, log } from '../log.js';

/** Writes (resources) a process makes between two looks at the statistics. */
const CHECK_EVERY = 2_000;
/** A table is analysed when its changes since its last ANALYZE exceed max(FLOOR, GROWTH × its rows). */
const FLOOR = 1_000;
const GROWTH = 1;
/** The tables searches plan on. */
const SEARCHED = ['resource', 'idx_string', 'idx_token', 'idx_date', 'idx_number', 'idx_quantity', 'idx_reference', 'idx_uri', 'idx_composite'];

interface State { sinceCheck: number; analysedRows: number; running: boolean }
const states = new WeakMap<Db, State>();

/** Counts written resources; past a threshold, analyses in the background the searched tables that grew enough. */
export function noteWrites(db: Db, n: number): void {
  let s = states.get(db);
  if (!s) states.set(db, (s = { sinceCheck: 0, analysedRows: 0, running: false }));
  s.sinceCheck += n;
  const threshold = db.kind === 'pglite' ? Math.max(CHECK_EVERY, GROWTH * s.analysedRows) : CHECK_EVERY;
  if (s.running || s.sinceCheck < threshold) return;
  s.running = true;
  const written = s.sinceCheck;
  s.sinceCheck = 0;
  setImmediate(() => {
    (db.kind === 'pglite' ? analyze(db).then(() => { s.analysedRows += written; }) : analyseGrown(db))
      .catch((err) => log.warn('ANALYZE failed', describeError(err)))
      .finally(() => { s.running = false; });
  });
}

async function analyseGrown(db: Db): Promise<void> {
  for (const table of await grownTables(db)) await db.query(`ANALYZE ${table}`);
}

/** The searched tables of the current schema whose changes since their last ANALYZE reached the threshold. */
export async function grownTables(db: Db): Promise<string[]> {
  // reltuples: the rows counted by the table's last ANALYZE (-1 before the first one).
  const { rows } = await db.query<{ relname: string }>(
    `SELECT s.relname FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
      WHERE s.schemaname = current_schema() AND s.relname = ANY($1::text[])
        AND s.n_mod_since_analyze >= GREATEST($2::float8, $3::float8 * c.reltuples)
      ORDER BY s.relname`,
    [SEARCHED, FLOOR, GROWTH],
  );
  return rows.map((r) => r.relname);
}

/** ANALYZE of the searched tables (after an import, or from the PGlite path above). */
export async function analyze(db: Db): Promise<void> {
  for (const table of SEARCHED) await db.query(`ANALYZE ${table}`);
}
