// Scheduled retention runs. Every server process arms a timer (RETENTION_INTERVAL_HOURS; the first
// run comes one interval after start-up); when it fires, the process tries a PostgreSQL advisory
// lock held by one dedicated transaction for the whole run, so only one node runs at a time, and
// skips the run if another node finished one less than an interval ago (retention_run). Nothing
// is shared in memory between nodes. The timer is unref'd: it never keeps a process alive.
import { idleJob, repeat, type RepeatingJob } from '../jobs/repeat.js';
import type { Config } from '../config.js';
import type { Db } from '../store/db.js';
import { describeError, log } from '../log.js';
import { withClusterLock, type Locked } from '../jobs/cluster-lock.js';
import { runRetention, type RetentionOptions, type RetentionSummary } from './run.js';

const LOCK_KEY = 74_658_212; // constant for oncofhir retention (migrations use 74_658_211)
const MAX_TIMER_MS = 2 ** 31 - 1; // setTimeout's ceiling (~24.8 days)

/** Runs fn while holding the cluster-wide retention lock, or not at all if another process holds it. */
export const withRetentionLock = <T>(db: Db, fn: () => Promise<T>): Promise<Locked<T>> => withClusterLock(db, LOCK_KEY, fn);

/** One scheduled attempt: locked, and skipped if a run finished less than minGapMs ago. */
export async function scheduledRun(db: Db, config: Config, minGapMs: number, opts: RetentionOptions = {}): Promise<Locked<RetentionSummary | null>> {
  return withRetentionLock(db, async () => {
    const now = opts.now ?? new Date();
    const { rows } = await db.query<{ finished: unknown }>('SELECT finished FROM retention_run WHERE id = 1');
    const last = rows[0] ? new Date(rows[0].finished as string | Date).getTime() : -Infinity;
    if (now.getTime() - last < minGapMs) return null;
    const summary = await runRetention(db, config, { ...opts, now, dryRun: false });
    await db.query('INSERT INTO retention_run (id, finished) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET finished = EXCLUDED.finished', [new Date().toISOString()]);
    return summary;
  });
}

export type RetentionSchedule = RepeatingJob;

export function startRetentionSchedule(ctx: { db: Db; config: Config }): RetentionSchedule {
  const hours = ctx.config.retentionIntervalHours;
  if (!hours) return idleJob;
  const intervalMs = Math.min(hours * 3_600_000, MAX_TIMER_MS);
  return repeat(intervalMs, async () => {
    try {
      const r = await scheduledRun(ctx.db, ctx.config, intervalMs * 0.9);
      if (r.ran && r.value) log.info('retention run', { ...r.value });
      else log.debug('retention run skipped: another node holds the lock or ran recently');
    } catch (err) {
      log.error('retention run failed', describeError(err));
    }
  });
}
