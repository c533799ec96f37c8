// Research exports (FHIR Bulk Data style): a job row per kick-off, processed by whichever node
// claims it (a lease, so a node that dies mid-export hands it over), written as NDJSON files in
// the database so that any node can serve them. Persons are identified by the project's pseudonym
// (an HMAC with the project key: two projects cannot link their extracts); tumours likewise.
// Persons who restricted processing are left out; Provenance is not exported (it names documents).
import type { Resource } from 'fhir/r4';
import type { Db } from '../../store/db.js';
import { projectPseudonym, type ProjectKeys } from '../pseudonyms.js';
import { bodyStructureOf, conditionOf, patientOf, type CaseRow, type PersonRow } from '../http/resources.js';
import { restrictedPersonKeys } from './restricted.js';

export const EXPORT_TYPES = ['Patient', 'Condition', 'BodyStructure'] as const;
export type ExportType = (typeof EXPORT_TYPES)[number];
const LEASE_SECONDS = 300;
const PAGE = 5000;

export interface ExportJob { id: string; project: string; types: ExportType[]; status: string; requested_by: string; request_url: string; progress: string | null; error: string | null; transaction_time: string | Date | null }

/** Claims one job that is queued, or running with an expired lease; undefined when there is none. */
export async function claimExport(db: Db, id?: string): Promise<ExportJob | undefined> {
  const { rows } = await db.query<ExportJob>(
    `UPDATE registry_export SET status = 'running', lease_until = now() + interval '${LEASE_SECONDS} seconds', transaction_time = COALESCE(transaction_time, now())
     WHERE id = (SELECT id FROM registry_export WHERE (status = 'queued' OR (status = 'running' AND lease_until < now())) ${id ? 'AND id = $1' : ''}
                 ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
     RETURNING *`, id ? [id] : []);
  return rows[0];
}

export async function runExport(db: Db, job: ExportJob, keys: ProjectKeys): Promise<void> {
  try {
    await db.query('DELETE FROM registry_export_file WHERE export_id = $1', [job.id]); // a taken-over job starts again
    const restricted = [...(await restrictedPersonKeys(db))];
    const pseudo = (kind: string, key: string) => projectPseudonym(keys, job.project, kind === 'person' ? key : `${kind}|${key}`).value;
    for (const type of job.types) {
      let part = 0, offset = 0;
      for (;;) {
        const rows = await page(db, type, restricted, offset);
        if (!rows.length) break;
        const lines = rows.map((r) => JSON.stringify(pseudonymise(type, r, pseudo)));
        await db.query('INSERT INTO registry_export_file (export_id, name, type, count, content) VALUES ($1, $2, $3, $4, $5)',
          [job.id, `${type}.${++part}.ndjson`, type, lines.length, lines.join('\n') + '\n']);
        offset += rows.length;
        await db.query(`UPDATE registry_export SET progress = $2, lease_until = now() + interval '${LEASE_SECONDS} seconds' WHERE id = $1`, [job.id, `${type}: ${offset} written`]);
      }
    }
    await db.query(`UPDATE registry_export SET status = 'completed', completed_at = now(), progress = 'completed', lease_until = NULL WHERE id = $1`, [job.id]);
  } catch (e) {
    await db.query(`UPDATE registry_export SET status = 'failed', error = $2, lease_until = NULL WHERE id = $1`, [job.id, e instanceof Error ? e.message.slice(0, 300) : 'export failed']);
  }
}

async function page(db: Db, type: ExportType, restricted: string[], offset: number): Promise<unknown[]> {
  const sql = type === 'Patient'
    ? 'SELECT person_key, sex, birth_date, departement FROM registry_person WHERE NOT (person_key = ANY($1)) ORDER BY person_key LIMIT $2 OFFSET $3'
    : 'SELECT id, person_key, tumour, updated_at FROM registry_case WHERE NOT (person_key = ANY($1)) ORDER BY id LIMIT $2 OFFSET $3';
  return (await db.query(sql, [restricted, PAGE, offset])).rows;
}

/** The resource with every registry key replaced by its project pseudonym, and no link to documents. */
function pseudonymise(type: ExportType, row: unknown, pseudo: (kind: string, key: string) => string): Resource {
  if (type === 'Patient') {
    const p = row as PersonRow;
    return { ...patientOf(p), id: pseudo('person', p.person_key) };
  }
  const c = row as CaseRow;
  const tumour = typeof c.tumour === 'string' ? JSON.parse(c.tumour) : c.tumour;
  const r: CaseRow = { ...c, id: pseudo('case', c.id), person_key: pseudo('person', c.person_key), tumour: { ...tumour, sources: [], fieldSources: {}, conflicts: [], notes: [] } };
  return type === 'Condition' ? conditionOf(r) : bodyStructureOf(r);
}
