// ITI-65 Provide Document Bundle, PDSm comprehensive (pdsm-comprehensive-provide-document-bundle):
// a transaction Bundle holding the SubmissionSet List, the DocumentReference (comprehensive
// metadata, its author and patient contained, as PDSm requires) and the CDA as a Binary.
//   provide  new document: List + DocumentReference + Binary, all POST
//   replace  the same, the DocumentReference relatesTo replaces the earlier one (by its masterIdentifier)
//   delete   List + the DocumentReference with status entered-in-error, as a conditional PUT on its
//            masterIdentifier (PDSm: a deletion is a metadata update of the status)
// Pure: everything it needs is passed in (load.ts reads it from the store).
import { createHash } from 'node:crypto';
import type { Binary, Bundle, BundleEntry, DocumentReference, FhirResource, Identifier, List, Patient, Reference, Resource } from 'fhir/r4';
import { PDSM } from './codes.js';
import type { XdsMetadata } from './metadata.js';

export type Action = 'provide' | 'replace' | 'delete';

export interface ProvideInput {
  action: Action;
  /** The DocumentReference as stored by $submit-cda. */
  docRef: DocumentReference;
  /** The CDA bytes (provide / replace). */
  cda?: Buffer;
  meta: XdsMetadata;
  patient: Patient;
  /** Stored resources behind docRef.author and docRef.authenticator, by 'Type/id'. */
  actors: Map<string, Resource>;
  /** masterIdentifier of the document this one replaces. */
  replaces?: Identifier;
  /** SubmissionSet sourceId: the OID of this document source (MHD_SOURCE_OID). */
  sourceOid: string;
  /** Stable uuids (the same on every retry of one delivery). */
  ids: { bundle: string; list: string; doc: string; binary: string };
  now: string;
}

export const sha1Base64 = (b: Buffer) => createHash('sha1').update(b).digest('base64');

/** An OID under 2.25 (ISO/IEC 9834-8) derived from a UUID: the SubmissionSet uniqueId. */
export const uuidOid = (uuid: string) => `2.25.${BigInt(`0x${uuid.replace(/-/g, '')}`).toString()}`;

const urn = (id: string) => `urn:uuid:${id}`;

/** A stored resource made contained: its local id, no meta, references to other contained ones rewritten. */
function contain(r: Resource, id: string, local: Map<string, string>): Resource {
  const { meta: _m, text: _t, ...rest } = r as Resource & { text?: unknown };
  const walk = (n: unknown): unknown => {
    if (Array.isArray(n)) return n.map(walk);
    if (n && typeof n === 'object') {
      const o = n as Record<string, unknown>;
      if (typeof o.reference === 'string' && !o.reference.startsWith('#')) {
        const to = local.get(o.reference);
        const { reference: _r, ...other } = o;
        return to ? { ...other, reference: `#${to}` } : Object.keys(other).length ? other : undefined;
      }
      return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, walk(v)]).filter(([, v]) => v !== undefined));
    }
    return n;
  };
  return { ...(walk(rest) as Resource), id };
}

/** The author / authenticator resources to contain, with the references between them. */
function containedActors(input: ProvideInput): { contained: Resource[]; local: Map<string, string> } {
  const local = new Map<string, string>();
  const wanted: string[] = [];
  const add = (ref: string | undefined) => {
    if (!ref || local.has(ref) || !input.actors.has(ref)) return;
    local.set(ref, `${ref.split('/')[0].toLowerCase()}-${local.size + 1}`);
    wanted.push(ref);
    const r = input.actors.get(ref) as { practitioner?: Reference; organization?: Reference };
    add(r.practitioner?.reference);
    add(r.organization?.reference);
  };
  for (const a of input.docRef.author ?? []) add(a.reference);
  add(input.docRef.authenticator?.reference);
  local.set(input.docRef.subject?.reference ?? 'Patient', 'patient');
  const contained = wanted.map((ref) => contain(input.actors.get(ref)!, local.get(ref)!, local));
  contained.push(contain(input.patient, 'patient', local));
  return { contained, local };
}

const insOf = (p: Patient) => p.identifier?.find((i) => PDSM.insSystems.includes(i.system ?? '')) ?? p.identifier?.[0];

function documentReference(input: ProvideInput, binaryUrl: string | undefined): DocumentReference {
  const d = input.docRef;
  const { contained, local } = containedActors(input);
  const ins = insOf(input.patient);
  const subject: Reference = { type: 'Patient', ...(ins ? { identifier: { system: ins.system, value: ins.value } } : {}) };
  const custodian = d.custodian?.reference ? input.actors.get(d.custodian.reference) as { identifier?: Identifier[]; name?: string } | undefined : undefined;
  const attachment = d.content[0].attachment;
  const deleting = input.action === 'delete';
  return {
    resourceType: 'DocumentReference',
    meta: { profile: [PDSM.profiles.documentReference] },
    contained,
    ...(d.masterIdentifier ? { masterIdentifier: d.masterIdentifier } : {}),
    identifier: [{ use: 'official', system: 'urn:ietf:rfc:3986', value: urn(input.ids.doc) }, ...(d.identifier ?? []).map((i) => ({ ...i, use: 'secondary' as const }))],
    status: deleting ? 'entered-in-error' : 'current',
    ...(d.docStatus ? { docStatus: d.docStatus } : {}),
    type: d.type,
    ...(input.meta.category ? { category: [input.meta.category] } : {}),
    subject,
    date: d.date ?? input.now,
    author: (d.author ?? []).map((a) => (a.reference && local.has(a.reference) ? { reference: `#${local.get(a.reference)}` } : { display: a.display })).filter((a) => a.reference || a.display),
    ...(d.authenticator?.reference && local.has(d.authenticator.reference) ? { authenticator: { reference: `#${local.get(d.authenticator.reference)}` } } : {}),
    ...(custodian ? { custodian: { type: 'Organization', ...(custodian.identifier?.[0] ? { identifier: custodian.identifier[0] } : {}), ...(custodian.name ? { display: custodian.name } : {}) } } : {}),
    ...(input.action === 'replace' && input.replaces ? { relatesTo: [{ code: 'replaces', target: { type: 'DocumentReference', identifier: input.replaces } }] } : {}),
    ...(d.description ? { description: d.description } : {}),
    securityLabel: [{ coding: [input.meta.confidentiality] }],
    content: [{
      attachment: {
        contentType: PDSM.attachmentContentType,
        ...(attachment.language ? { language: attachment.language } : {}),
        ...(binaryUrl ? { url: binaryUrl } : {}),
        size: input.cda ? input.cda.length : attachment.size,
        hash: input.cda ? sha1Base64(input.cda) : attachment.hash,
        title: attachment.title ?? d.description ?? input.meta.type.label,
        ...(attachment.creation ? { creation: attachment.creation } : {}),
      },
      ...(d.content[0].format ? { format: d.content[0].format } : {}),
    }],
    context: {
      ...(d.context?.event ? { event: d.context.event } : {}),
      period: input.meta.period ?? d.context?.period ?? { start: attachment.creation ?? d.date ?? input.now },
      facilityType: input.meta.facilityType,
      practiceSetting: input.meta.practiceSetting,
      sourcePatientInfo: { reference: '#patient' },
    },
  } as DocumentReference;
}

/** The SubmissionSet source: the first author as a logical reference (its national identifier). */
function source(input: ProvideInput): Reference {
  const ref = input.docRef.author?.find((a) => a.reference && input.actors.has(a.reference))?.reference;
  let actor = ref ? (input.actors.get(ref) as { resourceType: string; identifier?: Identifier[]; practitioner?: Reference; name?: unknown }) : undefined;
  if (actor?.resourceType === 'PractitionerRole' && actor.practitioner?.reference) actor = input.actors.get(actor.practitioner.reference) as typeof actor;
  const id = actor?.identifier?.[0];
  return id ? { type: actor!.resourceType, identifier: { system: id.system, value: id.value } } : { display: 'oncofhir' };
}

function submissionSet(input: ProvideInput, doc: DocumentReference, docUrl: string): List {
  return {
    resourceType: 'List',
    meta: { profile: [PDSM.profiles.submissionSet] },
    extension: [
      { url: PDSM.extensions.designationType, valueCodeableConcept: { coding: [input.meta.contentType] } },
      { url: PDSM.extensions.sourceId, valueIdentifier: { value: `urn:oid:${input.sourceOid}` } },
    ],
    identifier: [
      { use: 'official', system: 'urn:ietf:rfc:3986', value: urn(input.ids.list) },
      { use: 'usual', system: 'urn:ietf:rfc:3986', value: `urn:oid:${uuidOid(input.ids.list)}` },
    ],
    status: 'current',
    mode: 'working',
    title: `${input.meta.type.label}${input.action === 'delete' ? ' (suppression)' : input.action === 'replace' ? ' (remplacement)' : ''}`,
    code: { coding: [{ system: PDSM.listTypes.system, code: PDSM.listTypes.code, display: PDSM.listTypes.display }] },
    subject: doc.subject,
    date: input.now,
    source: source(input),
    entry: [{ item: { reference: docUrl } }],
  } as List;
}

/** The ITI-65 transaction Bundle for one delivery. */
export function buildProvideBundle(input: ProvideInput): Bundle {
  if (input.action !== 'delete' && !input.cda) throw new Error('provide and replace need the CDA');
  const docUrl = urn(input.ids.doc);
  const binaryUrl = input.action === 'delete' ? undefined : urn(input.ids.binary);
  const doc = documentReference(input, binaryUrl);
  const list = submissionSet(input, doc, docUrl);
  const entries: BundleEntry<FhirResource>[] = [{ fullUrl: urn(input.ids.list), resource: list, request: { method: 'POST', url: 'List' } }];
  if (input.action === 'delete') {
    const m = doc.masterIdentifier!;
    entries.push({ fullUrl: docUrl, resource: doc, request: { method: 'PUT', url: `DocumentReference?identifier=${encodeURIComponent(`${m.system}|${m.value}`)}` } });
  } else {
    entries.push({ fullUrl: docUrl, resource: doc, request: { method: 'POST', url: 'DocumentReference' } });
    const binary: Binary = { resourceType: 'Binary', contentType: PDSM.attachmentContentType, data: input.cda!.toString('base64') };
    entries.push({ fullUrl: binaryUrl!, resource: binary, request: { method: 'POST', url: 'Binary' } });
  }
  return {
    resourceType: 'Bundle',
    id: input.ids.bundle,
    meta: { profile: [PDSM.profiles.bundle] },
    type: 'transaction',
    timestamp: input.now,
    entry: entries,
  };
}
