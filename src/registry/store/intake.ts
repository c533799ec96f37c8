// Registry intake: every stored cancer document (a FHIR document Bundle, whichever door it came
// through: FHIR REST, $submit-cda, HL7 v2) yields its source records in the transaction that
// stores it, so no accepted document is missed. A new version of the same document replaces its
// records (the late document updates the case at the next run); a deleted or entered-in-error
// document withdraws them.
import type { Bundle, Composition, DocumentReference } from 'fhir/r4';
import { onWrite } from '../../api/write-hooks.js';
import type { Queryable } from '../../store/db.js';
import { extractSourceRecords } from '../sources/extract.js';

const recordIdOf = (bundleId: string) => `Bundle/${bundleId}`;

function patientIdOf(bundle: Bundle): string | undefined {
  const comp = bundle.entry?.[0]?.resource as Composition | undefined;
  const ref = comp?.subject?.reference;
  const direct = ref?.match(/^Patient\/([^/]+)$/)?.[1];
  if (direct) return direct;
  const entry = bundle.entry?.find((e) => e.fullUrl === ref && e.resource?.resourceType === 'Patient');
  return entry?.resource?.id;
}

/** Writes (or replaces) the registry records of a stored document Bundle; false when it is not a cancer document. */
export async function recordDocument(q: Queryable, bundle: Bundle): Promise<boolean> {
  if (bundle.type !== 'document' || !bundle.id) return false;
  const ex = extractSourceRecords(bundle);
  if (!ex.person) return false; // nothing to link: the document profiles make the person mandatory
  const recordId = recordIdOf(bundle.id);
  const documentRef = `Bundle/${bundle.id}${bundle.meta?.versionId ? `/_history/${bundle.meta.versionId}` : ''}`;
  await q.query(
    `INSERT INTO registry_identity (record_id, document_ref, patient_id, traits) VALUES ($1, $2, $3, $4)
     ON CONFLICT (record_id) DO UPDATE SET document_ref = excluded.document_ref, patient_id = excluded.patient_id,
       traits = excluded.traits, withdrawn = false, updated_at = now()`,
    [recordId, documentRef, patientIdOf(bundle) ?? null, JSON.stringify(ex.person)],
  );
  await q.query('DELETE FROM registry_source WHERE record_id = $1', [recordId]);
  if (ex.tumours.length) {
    await q.query(
      `INSERT INTO registry_source (source_id, record_id, document_type, item)
       SELECT $1 || '#' || n, $1, $2, item FROM unnest($3::jsonb[]) WITH ORDINALITY AS t(item, n)`,
      [recordId, ex.documentType, ex.tumours.map((t) => JSON.stringify({ ...t, documentRef }))],
    );
  }
  return true;
}

export async function withdrawDocument(q: Queryable, bundleId: string): Promise<void> {
  await q.query('UPDATE registry_identity SET withdrawn = true, updated_at = now() WHERE record_id = $1', [recordIdOf(bundleId)]);
}

/** The document Bundle a CDA DocumentReference was stored with ($submit-cda sets context.related). */
const relatedBundleId = (d: DocumentReference) =>
  d.context?.related?.map((r) => r.reference?.match(/^Bundle\/([^/]+)/)?.[1]).find((x): x is string => !!x);

let installed = false;

export function installRegistryIntakeHook(): void {
  if (installed) return;
  installed = true;
  onWrite(async (q, _call, resource, method) => {
    if (resource.resourceType === 'Bundle') {
      if (method === 'DELETE') await withdrawDocument(q, resource.id!);
      else await recordDocument(q, resource as Bundle);
    } else if (resource.resourceType === 'DocumentReference' && method !== 'DELETE') {
      const d = resource as DocumentReference;
      const bundleId = d.status === 'entered-in-error' ? relatedBundleId(d) : undefined;
      if (bundleId) await withdrawDocument(q, bundleId);
    }
  });
}
