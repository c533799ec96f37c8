// The retention job (owned by src/retention): finds the persons past a retention limit, then
// pseudonymises (identifying data past RETENTION_IDENTIFYING_MONTHS) or erases (past
// RETENTION_PSEUDONYMISED_YEARS) each one in its own SQL transaction, and audits every purge
// (subtype retention-purge, which never counts as a use). A dry run does the same work in
// transactions that are rolled back, so its counts are exactly those of a real run.
// Logs and results carry counts and patient ids only, never names or identifiers.
import type { Config } from '../config.js';
import type { Db, Queryable } from '../store/db.js';
import { recordAudit } from '../security/audit/index.js';
import { deletedCandidates } from './compartment.js';
import { cutoffsOf, dataUseOf, duePersons, type DuePerson } from './last-use.js';
import { pseudonymisePerson, pseudonymSecret } from './pseudonymise.js';
import { erasePerson } from './erase.js';
import { pseudonymiseRegistryIdentities } from '../registry/store/retention.js';

export interface RetentionOptions {
  dryRun?: boolean;
  /** The run's notion of now (tests). */
  now?: Date;
  onProgress?: (done: number, total: number) => void;
}

export interface RetentionSummary {
  /** Persons pseudonymised (or, dry run, that would be). */
  pseudonymised: number;
  /** Persons erased. */
  erased: number;
  /** Resources whose current or stored versions were rewritten. */
  resourcesRewritten: number;
  /** Stored versions rewritten (resource_version rows). */
  versionsRewritten: number;
  /** Resources hard-deleted with all their versions. */
  resourcesErased: number;
  /** Compartment resources kept at erasure because they also belong to another stored person. */
  sharedKept: number;
  /** Registry identity records reduced to their person key (src/registry/store/retention.ts). */
  registryIdentities: number;
  dryRun: boolean;
}

const ROLLBACK = Symbol('dry run');

/**
 * fn in a transaction without DB_STATEMENT_TIMEOUT_MS (meant for requests, not for this batch job);
 * in a dry run the transaction is rolled back after fn.
 */
async function inTransaction<T>(db: Db, dryRun: boolean, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  const unbounded = async (tx: Queryable) => {
    await tx.query('SET LOCAL statement_timeout = 0');
    return fn(tx);
  };
  if (!dryRun) return db.transaction(unbounded);
  let out: T | undefined;
  try {
    await db.transaction(async (tx) => {
      out = await unbounded(tx);
      throw ROLLBACK;
    });
  } catch (e) {
    if (e !== ROLLBACK) throw e;
  }
  return out as T;
}

export async function runRetention(db: Db, config: Config, opts: RetentionOptions = {}): Promise<RetentionSummary> {
  const dryRun = !!opts.dryRun;
  const now = opts.now ?? new Date();
  const summary: RetentionSummary = { pseudonymised: 0, erased: 0, resourcesRewritten: 0, versionsRewritten: 0, resourcesErased: 0, sharedKept: 0, registryIdentities: 0, dryRun };
  const cutoffs = cutoffsOf(config, now);
  summary.registryIdentities = await inTransaction(db, dryRun, (tx) => pseudonymiseRegistryIdentities(tx, cutoffs.identifying));
  const due = await inTransaction(db, false, (tx) => duePersons(tx, cutoffs));
  opts.onProgress?.(0, due.length);
  if (!due.length) return summary;
  const deleted = await inTransaction(db, false, (tx) => deletedCandidates(tx, due.map((p) => p.id)));
  const secret = due.some((p) => p.action === 'pseudonymise')
    ? await inTransaction(db, dryRun, (tx) => pseudonymSecret(tx, config, !dryRun))
    : '';
  let done = 0;
  for (const person of due) {
    // Counted after the transaction: a retried transaction must not count twice.
    const counts = await inTransaction(db, dryRun, async (tx) => {
      if (!(await stillDue(tx, person))) return null;
      if (person.action === 'erase') return { erased: await erasePerson(tx, person, deleted.get(person.id) ?? []) };
      const rewritten = await pseudonymisePerson(tx, person, deleted.get(person.id) ?? [], secret);
      await tx.query(
        `INSERT INTO retention_state (patient_id, last_use, pseudonymised_at) VALUES ($1, $2, $3)
         ON CONFLICT (patient_id) DO UPDATE SET last_use = EXCLUDED.last_use, pseudonymised_at = EXCLUDED.pseudonymised_at`,
        [person.id, person.lastUse.toISOString(), now.toISOString()],
      );
      return { rewritten };
    });
    if (counts?.erased) {
      summary.erased++;
      summary.resourcesErased += counts.erased.resources;
      summary.sharedKept += counts.erased.shared;
    } else if (counts?.rewritten) {
      summary.pseudonymised++;
      summary.resourcesRewritten += counts.rewritten.resources;
      summary.versionsRewritten += counts.rewritten.versions;
    }
    // Audited once committed (recordAudit runs its own transaction). If the trail is unavailable
    // the run stops rather than purge more persons untraced.
    if (counts && !dryRun) await auditPurge(db, person, config);
    opts.onProgress?.(++done, due.length);
  }
  return summary;
}

/** Re-checked under the Patient row lock: another node may have purged it, or someone written since. */
async function stillDue(tx: Queryable, person: DuePerson): Promise<boolean> {
  const { rows } = await tx.query("SELECT 1 FROM resource WHERE rid = $1 AND type = 'Patient' FOR UPDATE", [person.rid]);
  if (!rows.length) return false;
  const use = await dataUseOf(tx, person.id);
  if (!use || use > person.lastUse) return false;
  if (person.action !== 'pseudonymise') return true;
  // Pseudonymised meanwhile by another run, and not written since: nothing left to do.
  const state = await tx.query<{ last_use: unknown; pseudonymised_at: unknown }>('SELECT last_use, pseudonymised_at FROM retention_state WHERE patient_id = $1', [person.id]);
  const s = state.rows[0];
  return !(s?.pseudonymised_at && s.last_use && new Date(s.last_use as string | Date) >= use);
}

async function auditPurge(db: Db, person: DuePerson, config: Config): Promise<void> {
  const erase = person.action === 'erase';
  await recordAudit(db, {
    subtype: 'retention-purge',
    action: erase ? 'D' : 'U',
    status: 200,
    outcomeDesc: erase
      ? `erased: no use for more than ${config.retentionPseudonymisedYears} years`
      : `pseudonymised: no use for more than ${config.retentionIdentifyingMonths} months`,
    agent: { subject: 'retention-job', clientId: 'oncofhir' },
    entities: [`Patient/${person.id}`],
    patients: [person.id],
  });
}
