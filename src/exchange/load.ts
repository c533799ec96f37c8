// Reads what one delivery needs from the store and builds its ITI-65 Bundle.
import type { Binary, DocumentReference, Identifier, Patient, Reference, Resource } from 'fhir/r4';
import type { Queryable } from '../store/db.js';
import { currentRow } from '../store/resource-store.js';
import { stableUuid } from '../cda/to-fhir/builder.js';
import { xdsMetadataOf } from './metadata.js';
import { buildProvideBundle, sha1Base64, type Action } from './provide-bundle.js';
import type { Bundle } from 'fhir/r4';

/** A delivery that can never succeed (the document or its content is gone or inconsistent). */
export class UndeliverableError extends Error {}

async function read<T extends Resource>(q: Queryable, ref: string | undefined): Promise<T | undefined> {
  const m = ref?.match(/^([A-Za-z]+)\/([^/]+)$/);
  if (!m) return undefined;
  const row = await currentRow(q, m[1], m[2]);
  return row && !row.deleted && row.content ? (JSON.parse(row.content) as T) : undefined;
}

export async function loadProvideBundle(q: Queryable, row: { id: number; document_ref: string; action: Action }, sourceOid: string, now: Date): Promise<Bundle> {
  const docRef = await read<DocumentReference>(q, `DocumentReference/${row.document_ref}`);
  if (!docRef) throw new UndeliverableError(`DocumentReference/${row.document_ref} no longer exists`);
  const binaryRef = docRef.content[0]?.attachment?.url;
  const binary = await read<Binary>(q, binaryRef);
  if (!binary?.data) throw new UndeliverableError(`${binaryRef ?? 'the CDA Binary'} no longer exists`);
  const cda = Buffer.from(binary.data, 'base64');
  const stored = docRef.content[0].attachment.hash;
  if (stored && stored !== sha1Base64(cda)) throw new UndeliverableError(`${binaryRef} does not match the hash of DocumentReference/${docRef.id}`);
  const meta = xdsMetadataOf(cda.toString('utf8'));
  if (!meta) throw new UndeliverableError(`${binaryRef} is none of the cancer documents`);
  const patient = await read<Patient>(q, docRef.subject?.reference);
  if (!patient) throw new UndeliverableError(`the patient ${docRef.subject?.reference ?? '(none)'} no longer exists`);
  const actors = new Map<string, Resource>();
  const load = async (ref: Reference | undefined) => {
    if (!ref?.reference || actors.has(ref.reference)) return;
    const r = await read<Resource>(q, ref.reference);
    if (!r) return;
    actors.set(ref.reference, r);
    const role = r as { practitioner?: Reference; organization?: Reference };
    await load(role.practitioner);
    await load(role.organization);
  };
  for (const a of docRef.author ?? []) await load(a);
  await load(docRef.authenticator);
  await load(docRef.custodian);
  let replaces: Identifier | undefined;
  if (row.action === 'replace') {
    const prev = await read<DocumentReference>(q, docRef.relatesTo?.find((r) => r.code === 'replaces')?.target?.reference);
    replaces = prev?.masterIdentifier;
  }
  const key = `mhd|${row.document_ref}|${row.action}`;
  return buildProvideBundle({
    action: row.action,
    docRef,
    cda: row.action === 'delete' ? undefined : cda,
    meta,
    patient,
    actors,
    replaces,
    sourceOid,
    ids: { bundle: stableUuid(key, 'Bundle'), list: stableUuid(key, 'List'), doc: docRef.id!, binary: stableUuid(key, 'Binary') },
    now: now.toISOString(),
  });
}
