// Persons who asked for restriction of processing (GDPR art. 18), read at the time of each use so
// that a restriction takes effect at once: exports, indicators and the review queue skip them.
import { RIGHTS } from '../../patient-rights/rights.js';
import type { Queryable } from '../../store/db.js';

const RESTRICTED = JSON.stringify([{ system: RIGHTS.system, code: 'restricted' }]);

/** Identity records whose clinical Patient is restricted. */
export async function restrictedRecordIds(q: Queryable): Promise<Set<string>> {
  const { rows } = await q.query<{ record_id: string }>(
    `SELECT i.record_id FROM registry_identity i JOIN resource r ON r.type = 'Patient' AND r.id = i.patient_id
     WHERE NOT r.deleted AND (r.content::jsonb -> 'meta' -> 'security') @> $1::jsonb`, [RESTRICTED]);
  return new Set(rows.map((r) => r.record_id));
}

/** Registry persons with at least one restricted record. */
export async function restrictedPersonKeys(q: Queryable): Promise<Set<string>> {
  const { rows } = await q.query<{ person_key: string }>(
    `SELECT DISTINCT i.person_key FROM registry_identity i JOIN resource r ON r.type = 'Patient' AND r.id = i.patient_id
     WHERE i.person_key IS NOT NULL AND NOT r.deleted AND (r.content::jsonb -> 'meta' -> 'security') @> $1::jsonb`, [RESTRICTED]);
  return new Set(rows.map((r) => r.person_key));
}
