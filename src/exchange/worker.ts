// The delivery worker: every MHD_POLL_MS each node claims due outbox rows with
// SELECT … FOR UPDATE SKIP LOCKED (PostgreSQL and PGlite), so nodes never claim the same row.
// A claim is a lease: it counts the attempt and moves next_attempt_at past the HTTP timeout, in a
// short transaction of its own (no lock is held while waiting for the recipient, and a node that
// dies mid-delivery leaves its rows due again once the lease ends). The result is written only if
// the row is still the one claimed (same attempt count). Rows of one document set go out in order.
// All state is in the database: a restart resumes where it stopped.
import { idleJob, repeat, type RepeatingJob } from '../jobs/repeat.js';
import type { ApiContext } from '../api/types.js';
import { describeError, log } from '../log.js';
import { auditSafely } from '../security/audit-hook.js';
import type { Queryable } from '../store/db.js';
import { backoffDelay, type MhdConfig } from './config.js';
import { postBundle, type Outcome } from './deliver.js';
import { loadProvideBundle, UndeliverableError } from './load.js';
import { normalise, sharingBlocked, type OutboxRow } from './outbox.js';

const LEASE_MARGIN_MS = 5000;

export interface PollSummary {
  claimed: number;
  sent: number;
  retried: number;
  failed: number;
  withheld: number;
}

async function claim(q: Queryable, now: Date, leaseUntil: Date, limit: number): Promise<OutboxRow[]> {
  const { rows } = await q.query<OutboxRow>(
    `UPDATE mhd_outbox SET attempts = attempts + 1, next_attempt_at = $2, updated_at = $1
      WHERE id IN (
        SELECT o.id FROM mhd_outbox o
         WHERE o.status = 'queued' AND o.next_attempt_at <= $1
           AND NOT EXISTS (SELECT 1 FROM mhd_outbox p WHERE p.set_key = o.set_key AND p.id < o.id AND p.status = 'queued')
         ORDER BY o.next_attempt_at, o.id
         LIMIT $3
         FOR UPDATE SKIP LOCKED)
      RETURNING *`,
    [now.toISOString(), leaseUntil.toISOString(), limit],
  );
  return rows.map(normalise).sort((a, b) => a.id - b.id);
}

type Result = { status: 'queued' | 'sent' | 'failed' | 'withheld'; error?: string; httpStatus?: number; location?: string; next?: Date };

async function finish(q: Queryable, row: OutboxRow, r: Result, now: Date): Promise<boolean> {
  const out = await q.query(
    `UPDATE mhd_outbox SET status = $3, last_error = $4, response_status = $5, response_location = $6,
            sent_at = $7, next_attempt_at = $8, updated_at = $9
      WHERE id = $1 AND attempts = $2 AND status = 'queued'`,
    [row.id, row.attempts, r.status, r.error ?? null, r.httpStatus ?? null, r.location ?? null, r.status === 'sent' ? now.toISOString() : null, (r.next ?? now).toISOString(), now.toISOString()],
  );
  return (out.affectedRows ?? 1) > 0;
}

function resultOf(outcome: Outcome, row: OutboxRow, cfg: MhdConfig, now: Date): Result {
  if (outcome.kind === 'sent') return { status: 'sent', httpStatus: outcome.status, location: outcome.location };
  if (outcome.kind === 'failed') return { status: 'failed', httpStatus: outcome.status, error: outcome.error };
  if (row.attempts >= cfg.maxAttempts) return { status: 'failed', httpStatus: outcome.status, error: `gave up after ${row.attempts} attempts; last: ${outcome.error}` };
  return { status: 'queued', httpStatus: outcome.status, error: outcome.error, next: new Date(now.getTime() + backoffDelay(cfg, row.attempts)) };
}

async function deliverOne(ctx: ApiContext, cfg: MhdConfig, row: OutboxRow, now: Date): Promise<Result> {
  // Checked again now: the patient may have opposed sharing since the document was enqueued.
  const blocked = row.action === 'delete' ? undefined : await sharingBlocked(ctx.db, row.patient_id);
  if (blocked) return { status: 'withheld', error: blocked };
  let bundle;
  try {
    bundle = await loadProvideBundle(ctx.db, row, cfg.sourceOid, now);
  } catch (err) {
    if (err instanceof UndeliverableError) return { status: 'failed', error: err.message };
    throw err;
  }
  return resultOf(await postBundle(cfg, bundle), row, cfg, now);
}

/** One poll: claims the due rows and delivers them. `now` lets tests step through backoff delays. */
export async function pollOnce(ctx: ApiContext, cfg: MhdConfig, opts: { now?: Date } = {}): Promise<PollSummary> {
  const summary: PollSummary = { claimed: 0, sent: 0, retried: 0, failed: 0, withheld: 0 };
  if (!cfg.recipientUrl) return summary;
  const now = opts.now ?? new Date();
  const rows = await ctx.db.transaction((tx) => claim(tx, now, new Date(now.getTime() + cfg.timeoutMs + LEASE_MARGIN_MS), cfg.batchSize));
  summary.claimed = rows.length;
  for (const row of rows) {
    let r: Result;
    try {
      r = await deliverOne(ctx, cfg, row, now);
    } catch (err) {
      // Our own fault (database, bug): retried like a recipient failure, and logged.
      log.error('mhd delivery failed', { id: row.id, ...describeError(err) });
      r = resultOf({ kind: 'retry', error: 'internal error while building the delivery' }, row, cfg, now);
    }
    const written = await finish(ctx.db, row, r, now);
    if (!written) continue; // the lease ran out and another node took the row over
    summary[r.status === 'queued' ? 'retried' : r.status]++;
    await auditSafely(ctx, {
      subtype: 'export',
      action: 'R',
      status: r.status === 'sent' ? (r.httpStatus ?? 200) : r.status === 'withheld' ? 403 : (r.httpStatus ?? 503),
      outcomeDesc: r.status === 'sent' ? undefined : `Mon espace santé ${row.action} ${r.status}: ${r.error ?? ''}`.slice(0, 300),
      agent: { subject: 'mhd-delivery', clientId: 'oncofhir' },
      entities: [`DocumentReference/${row.document_ref}`],
      patients: row.patient_id ? [row.patient_id] : [],
    });
  }
  return summary;
}

export type DeliveryWorker = RepeatingJob;

/** Polls every MHD_POLL_MS (timer unref'd); nothing when no recipient is configured. */
export function startDeliveryWorker(ctx: ApiContext, cfg: MhdConfig): DeliveryWorker {
  if (!cfg.recipientUrl) {
    log.info('Mon espace santé delivery off (MHD_RECIPIENT_URL unset): documents stay queued');
    return idleJob;
  }
  return repeat(cfg.pollMs, async () => {
    try {
      const s = await pollOnce(ctx, cfg);
      if (s.claimed) log.info('mhd deliveries', { ...s });
    } catch (err) {
      log.error('mhd poll failed', describeError(err));
    }
  });
}
