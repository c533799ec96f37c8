// Persons who asked for restriction of processing (GDPR art. 18), read at the time of each use so
// that a restriction takes effect at once: exports, indicators and the review queue skip them. The
// label is found through the _security search index, so the cost follows the restricted persons only.
import { RIGHTS } from '../../patient-rights/rights.js';
import type { Queryable } from '../../store/db.js';

const RESTRICTED_PATIENTS = `SELECT r.id FROM idx_token t JOIN resource r ON r.rid = t.rid
  WHERE t.rtype = 'Patient' AND t.param = '_security' AND t.code = 'restricted' AND t.system = $1 AND NOT r.deleted`;

/** Identity records whose clinical Patient is restricted. */
export async function restrictedRecordIds(q: Queryable): Promise<Set<string>> {
  const { rows } = await q.query<{ record_id: string }>(
    `SELECT i.record_id FROM registry_identity i WHERE i.patient_id IN (${RESTRICTED_PATIENTS})`, [RIGHTS.system]);
  return new Set(rows.map((r) => r.record_id));
}

/** Registry persons with at least one restricted record. */
export async function restrictedPersonKeys(q: Queryable): Promise<Set<string>> {
  const { rows } = await q.query<{ person_key: string }>(
    `SELECT DISTINCT i.person_key FROM registry_identity i WHERE i.person_key IS NOT NULL AND i.patient_id IN (${RESTRICTED_PATIENTS})`, [RIGHTS.system]);
  return new Set(rows.map((r) => r.person_key));
}
