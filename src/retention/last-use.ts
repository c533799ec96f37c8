// When a person was last used, and who is due. Last use = the latest of the last_updated of the
// Patient and of its current compartment resources, and of the audit records naming the patient
// (retention purges excluded). Once pseudonymised, a person's clock is frozen at the last use
// recorded in retention_state (reads of pseudonymised data do not restart it); only a new write
// into the compartment after that last use makes the person active again.
import type { Config } from '../config.js';
import type { Queryable } from '../store/db.js';
import { COMPARTMENT_LAST_UPDATED, PAIR_PARAMS, PAIR_TYPES } from './compartment.js';

export type RetentionAction = 'pseudonymise' | 'erase';

export interface DuePerson {
  id: string;
  rid: number;
  lastUse: Date;
  action: RetentionAction;
  /** Already pseudonymised and not written since: its clock is the stored last use. */
  frozen: boolean;
}

export interface Cutoffs {
  /** Persons last used before this are pseudonymised. */
  identifying: Date;
  /** Persons last used before this are erased. */
  pseudonymised: Date;
}

export function cutoffsOf(config: Pick<Config, 'retentionIdentifyingMonths' | 'retentionPseudonymisedYears'>, now: Date): Cutoffs {
  const identifying = new Date(now);
  identifying.setUTCMonth(identifying.getUTCMonth() - config.retentionIdentifyingMonths);
  const pseudonymised = new Date(now);
  pseudonymised.setUTCFullYear(pseudonymised.getUTCFullYear() - config.retentionPseudonymisedYears);
  return { identifying, pseudonymised };
}

const toDate = (v: unknown): Date | null => (v === null || v === undefined ? null : v instanceof Date ? v : new Date(String(v)));
const AUDIT_BATCH = 1000;

/** Persons due for pseudonymisation or erasure at these cutoffs, in rid order. */
export async function duePersons(q: Queryable, cut: Cutoffs): Promise<DuePerson[]> {
  // Cheap pass on the data alone: a person written to recently is not due, whatever the audit says.
  const { rows } = await q.query<{ id: string; rid: number; data_use: unknown; last_use: unknown; pseudonymised_at: unknown }>(
    `SELECT * FROM (
       SELECT p.id, p.rid, GREATEST(p.last_updated, ${COMPARTMENT_LAST_UPDATED}) AS data_use, s.last_use, s.pseudonymised_at
         FROM resource p LEFT JOIN retention_state s ON s.patient_id = p.id
        WHERE p.type = 'Patient') t
      WHERE CASE WHEN t.pseudonymised_at IS NOT NULL AND t.data_use <= t.last_use THEN t.last_use < $3 ELSE t.data_use < $4 END
      ORDER BY t.rid`,
    [PAIR_TYPES, PAIR_PARAMS, cut.pseudonymised.toISOString(), cut.identifying.toISOString()],
  );
  const due: DuePerson[] = [];
  const open: { id: string; rid: number; dataUse: Date }[] = [];
  for (const r of rows) {
    const dataUse = toDate(r.data_use)!;
    const lastUse = toDate(r.last_use);
    const frozen = r.pseudonymised_at !== null && r.pseudonymised_at !== undefined && lastUse !== null && dataUse <= lastUse;
    if (frozen) {
      if (lastUse < cut.pseudonymised) due.push({ id: r.id, rid: Number(r.rid), lastUse, action: 'erase', frozen });
    } else if (dataUse < cut.identifying) {
      open.push({ id: r.id, rid: Number(r.rid), dataUse });
    }
  }
  // Then the audit trail, only for those whose data are old enough.
  for (let i = 0; i < open.length; i += AUDIT_BATCH) {
    const batch = open.slice(i, i + AUDIT_BATCH);
    const used = await auditUse(q, batch.map((b) => b.id));
    for (const b of batch) {
      const audit = used.get(b.id);
      const lastUse = audit && audit > b.dataUse ? audit : b.dataUse;
      if (lastUse < cut.pseudonymised) due.push({ id: b.id, rid: b.rid, lastUse, action: 'erase', frozen: false });
      else if (lastUse < cut.identifying) due.push({ id: b.id, rid: b.rid, lastUse, action: 'pseudonymise', frozen: false });
    }
  }
  return due.sort((a, b) => a.rid - b.rid);
}

/** Latest audit record naming each patient, retention purges excluded. */
export async function auditUse(q: Queryable, patientIds: string[]): Promise<Map<string, Date>> {
  const { rows } = await q.query<{ pid: string; used: unknown }>(
    `SELECT p AS pid, max(a.recorded) AS used
       FROM audit_event a CROSS JOIN LATERAL unnest(a.patient) AS p
      WHERE a.patient && $1::text[] AND a.subtype <> 'retention-purge' AND p = ANY($1::text[])
      GROUP BY p`,
    [patientIds],
  );
  return new Map(rows.map((r) => [r.pid, toDate(r.used)!]));
}

/** The person's data use now (inside the purge transaction, after locking the Patient row). */
export async function dataUseOf(q: Queryable, patientId: string): Promise<Date | null> {
  const { rows } = await q.query<{ data_use: unknown }>(
    `SELECT GREATEST(p.last_updated, ${COMPARTMENT_LAST_UPDATED}) AS data_use FROM resource p WHERE p.type = 'Patient' AND p.id = $3`,
    [PAIR_TYPES, PAIR_PARAMS, patientId],
  );
  return rows.length ? toDate(rows[0].data_use) : null;
}
