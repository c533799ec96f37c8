// Restriction of processing and opposition to sharing: Patient/{id}/$restrict-processing,
// $lift-restriction, $oppose-sharing, $withdraw-opposition set or clear a security label on the
// Patient (a new version, with a Provenance). Other modules ask isRestricted / opposesSharing.
import type { Coding, Parameters, Patient, Provenance } from 'fhir/r4';
import { createRequire } from 'node:module';
import type { Call, FhirResponse } from '../api/types.js';
import type { OperationTarget } from '../api/operations.js';
import { create, inTx, update } from '../api/write.js';
import { notFound } from '../fhir/errors.js';
import type { Queryable } from '../store/db.js';
import { currentRow } from '../store/resource-store.js';

interface RightsTable {
  system: string;
  labels: Record<string, string>;
  operations: Record<string, { label: string; set: boolean; reason: string }>;
}
export const RIGHTS = createRequire(import.meta.url)('./rights.json') as RightsTable;

const hasLabel = (p: Patient, code: string) => (p.meta?.security ?? []).some((s) => s.system === RIGHTS.system && s.code === code);

export async function changeRight(call: Call, target: OperationTarget, name: string): Promise<FhirResponse> {
  const op = RIGHTS.operations[name];
  const id = target.id!;
  const note = ((call.req.body as Parameters | undefined)?.parameter ?? []).find((p) => p.name === 'reason')?.valueString;
  return inTx(call, async (tx) => {
    const inner: Call = { ...call, tx, req: { ...call.req, headers: {}, query: [] } };
    const row = await currentRow(tx, 'Patient', id, true);
    if (!row || row.deleted || !row.content) throw notFound(`Patient/${id} is not known`);
    const patient = JSON.parse(row.content) as Patient;
    if (hasLabel(patient, op.label) === op.set) return { status: 200, resource: patient, versionId: String(row.version), lastModified: row.lastUpdated };
    const label: Coding = { system: RIGHTS.system, code: op.label, display: RIGHTS.labels[op.label] };
    const security = (patient.meta?.security ?? []).filter((s) => !(s.system === RIGHTS.system && s.code === op.label));
    const labels = op.set ? [...security, label] : security;
    const { security: _old, ...meta } = patient.meta ?? {};
    const next: Patient = { ...patient, meta: labels.length ? { ...meta, security: labels } : meta };
    const out = await update(inner, 'Patient', id, next);
    const provenance: Provenance = {
      resourceType: 'Provenance',
      target: [{ reference: out.location! }],
      recorded: new Date().toISOString(),
      activity: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-DataOperation', code: 'UPDATE' }], text: op.reason },
      reason: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'PATRQT', display: 'patient requested' }], ...(note ? { text: note.slice(0, 500) } : {}) }],
      agent: [{ who: { display: `client ${call.auth?.clientId ?? 'oncofhir'}` } }],
    };
    await create({ ...inner, req: { ...inner.req, method: 'POST' } }, 'Provenance', provenance);
    return out;
  });
}

async function label(q: Queryable, patientId: string, code: string): Promise<boolean> {
  const row = await currentRow(q, 'Patient', patientId);
  return !!row?.content && !row.deleted && hasLabel(JSON.parse(row.content) as Patient, code);
}

/** Whether the person asked for restriction of processing (exports, indicators, linkage skip them). */
export const isRestricted = (q: Queryable, patientId: string) => label(q, patientId, 'restricted');
/** Whether the person opposes sharing with Mon espace santé (the exchange channel skips them). */
export const opposesSharing = (q: Queryable, patientId: string) => label(q, patientId, 'dmp-opposition');
