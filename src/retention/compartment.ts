// A person's data for retention: the Patient and every resource of its patient compartment (R4
// CompartmentDefinition "patient", via the idx_reference rows of its parameters), plus deleted
// resources whose stored versions belonged to it (their index rows are gone, their history is not).
import type { Queryable } from '../store/db.js';
import { compartmentPairs, patientsOf } from '../security/compartment.js';
import type { Resource } from 'fhir/r4';

// Other Patients (Patient.link) are persons of their own, with their own clock: never included.
const PAIRS = compartmentPairs().filter(([type]) => type !== 'Patient');
export const PAIR_TYPES = PAIRS.map((p) => p[0]);
export const PAIR_PARAMS = PAIRS.map((p) => p[1]);
const COMPARTMENT_TYPES = [...new Set(PAIR_TYPES)];

/** SQL: the latest last_updated of the current compartment resources of Patient p ($1, $2 = pairs). */
export const COMPARTMENT_LAST_UPDATED = `(SELECT max(r.last_updated) FROM idx_reference x
      JOIN unnest($1::text[], $2::text[]) AS c(rtype, param) ON c.rtype = x.rtype AND c.param = x.param
      JOIN resource r ON r.rid = x.rid
     WHERE x.target_type = 'Patient' AND x.target_id = p.id)`;

/** rids of the current (not deleted) compartment resources of a patient, the Patient excluded. */
export async function currentCompartment(q: Queryable, patientId: string): Promise<number[]> {
  const { rows } = await q.query<{ rid: number }>(
    `SELECT DISTINCT x.rid FROM idx_reference x
       JOIN unnest($1::text[], $2::text[]) AS c(rtype, param) ON c.rtype = x.rtype AND c.param = x.param
      WHERE x.target_type = 'Patient' AND x.target_id = $3`,
    [PAIR_TYPES, PAIR_PARAMS, patientId],
  );
  return rows.map((r) => Number(r.rid));
}

/**
 * Deleted resources (of compartment types) with a version that references one of these patients,
 * by patient id: one scan per run. Candidates only: confirm with belongsTo() on their versions.
 */
export async function deletedCandidates(q: Queryable, patientIds: string[]): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  if (!patientIds.length) return out;
  const { rows } = await q.query<{ rid: number; pid: string }>(
    `SELECT DISTINCT v.rid, m[1] AS pid
       FROM resource r JOIN resource_version v ON v.rid = r.rid
       CROSS JOIN LATERAL regexp_matches(v.content, '"reference":"Patient/([A-Za-z0-9.-]{1,64})[/"]', 'g') AS m
      WHERE r.deleted AND r.type = ANY($1::text[]) AND v.content IS NOT NULL AND m[1] = ANY($2::text[])`,
    [COMPARTMENT_TYPES, patientIds],
  );
  for (const r of rows) {
    const list = out.get(r.pid) ?? [];
    list.push(Number(r.rid));
    out.set(r.pid, list);
  }
  return out;
}

/** Whether this stored content belongs to the patient's compartment. */
export function belongsTo(content: string | null, patientId: string): boolean {
  if (!content) return false;
  try {
    return patientsOf(JSON.parse(content) as Resource).includes(patientId);
  } catch {
    return false;
  }
}

/** The patients, other than this one, whose compartment the content also belongs to. */
export function otherPatients(content: string | null, patientId: string): string[] {
  if (!content) return [];
  try {
    const r = JSON.parse(content) as Resource;
    return r.resourceType === 'Patient' ? [] : patientsOf(r).filter((p) => p !== patientId);
  } catch {
    return [];
  }
}
