// Accepted cancer document (FHIR document Bundle; CDA arrives converted by src/documents/*/to-fhir) →
// registry source records: the person's traits and one record per tumour mentioned. Pure: no store,
// no clock; problems are issues located by FHIRPath, never exceptions.
import type { Bundle, Composition, Encounter, Identifier, Organization, Patient, PractitionerRole, Reference } from 'fhir/r4';
import mapping from './mapping.json' with { type: 'json' };
import { detectFromFhir } from '../../documents/conversions.js';
import { Candidates, documentCandidates } from './dates.js';
import { datePart, DocumentView, type Located } from './document.js';
import { extractPerson } from './person.js';
import { extractTumours } from './tumours.js';
import type { PersonRecord } from '../linkage/types.js';
import type { Extraction } from './types.js';

const identifierValue = (ids: Identifier[] | undefined): string | undefined => {
  const withValue = (ids ?? []).filter((i) => i.value?.trim());
  return (mapping.producer.identifierSystems.map((s) => withValue.find((i) => i.system === s)).find(Boolean) ?? withValue[0])?.value?.trim();
};

/** The producing organisation: the author's (itself or a PractitionerRole's), else the custodian. */
function producerOf(comp: Located<Composition>, doc: DocumentView): string {
  const orgOf = (ref: Reference | undefined): Organization | undefined => {
    const r = doc.resolve(ref)?.res;
    if (r?.resourceType === 'Organization') return r;
    if (r?.resourceType === 'PractitionerRole') return orgOf((r as PractitionerRole).organization);
    return undefined;
  };
  const orgs = [...(comp.res.author ?? []).map(orgOf), orgOf(comp.res.custodian)].filter((o): o is Organization => !!o);
  const found = orgs.map((o) => identifierValue(o.identifier) ?? o.name?.trim()).find(Boolean);
  if (found) return found;
  doc.warn('No author or custodian Organization with an identifier or a name: the producer is unknown', `${comp.path}.custodian`, 'required');
  return 'unknown';
}

function documentRefOf(bundle: Bundle, comp: Located<Composition>, doc: DocumentView): string {
  if (bundle.id) return `Bundle/${bundle.id}`;
  const id = comp.res.identifier?.value ?? bundle.identifier?.value;
  if (id) return id;
  doc.warn('The document has no Bundle.id, Composition.identifier or Bundle.identifier: its records cannot name their source', 'Bundle.id', 'required');
  return 'unknown';
}

function patientOf(comp: Located<Composition>, doc: DocumentView): Located<Patient> | undefined {
  const subject = doc.resolve(comp.res.subject);
  if (subject?.res.resourceType === 'Patient') return subject as Located<Patient>;
  const any = doc.all('Patient')[0];
  if (any) doc.inform('Composition.subject does not resolve to the Patient of the Bundle; the Bundle\'s Patient is used', `${comp.path}.subject`);
  else doc.warn('The document has no Patient: no person record', `${comp.path}.subject`, 'required');
  return any;
}

const stop = (doc: DocumentView, diagnostics: string, expression: string): Extraction => {
  doc.warn(diagnostics, expression, 'invalid');
  return { documentType: 'unknown', tumours: [], issues: doc.issues };
};

export function extractSourceRecords(bundle: Bundle): Extraction {
  const doc = new DocumentView(bundle && typeof bundle === 'object' ? bundle : ({} as Bundle));
  try {
    if (bundle?.resourceType !== 'Bundle') return stop(doc, 'Not a FHIR Bundle', 'Bundle');
    if (bundle.type !== 'document') return stop(doc, `A document Bundle is expected, not a ${bundle.type ?? 'Bundle without type'}`, 'Bundle.type');
    const first = doc.located[0];
    if (first?.res.resourceType !== 'Composition' || first.path !== 'Bundle.entry[0].resource') return stop(doc, 'The first entry of a document Bundle must be its Composition', 'Bundle.entry[0].resource');
    const comp = first as Located<Composition>;
    const documentType = detectFromFhir(bundle)?.key ?? 'unknown';
    if (documentType === 'unknown') doc.warn('The Composition type is none of the cancer documents (fiche RCP, PPS, CR-GM, CR-ACP): no basis of diagnosis', `${comp.path}.type`, 'code-invalid');
    // Composition.date, else the Bundle timestamp (when this version was assembled).
    const documentDate = datePart(comp.res.date) ?? datePart(bundle.timestamp);
    if (!datePart(comp.res.date)) doc.warn(`The document date ${JSON.stringify(comp.res.date ?? null)} is absent or malformed${documentDate ? '; Bundle.timestamp is used' : ''}`, `${comp.path}.date`, 'value');
    const encounter = doc.resolve(comp.res.encounter);
    const candidates = new Candidates(doc);
    documentCandidates(doc, encounter?.res.resourceType === 'Encounter' ? (encounter as Located<Encounter>) : undefined, candidates);
    const facts = { documentType, documentRef: documentRefOf(bundle, comp, doc), producer: producerOf(comp, doc), ...(documentDate ? { documentDate } : {}), candidates: candidates.list };
    const person = extractPerson(patientOf(comp, doc), doc);
    const tumours = extractTumours(doc, facts);
    return { documentType, ...(person ? { person } : {}), tumours, issues: doc.issues };
  } catch (e) {
    // A shape no profile allows (e.g. a string where an array is due): say so rather than fail the write.
    doc.warn(`The document could not be read for the registry: ${(e as Error).message}`, 'Bundle', 'exception');
    return { documentType: 'unknown', tumours: [], issues: doc.issues };
  }
}

/** The linkage input for the extracted person (the postal code is the residence's). */
export function extractPersonRecord(ex: Extraction, recordId: string): PersonRecord | undefined {
  const p = ex.person;
  if (!p) return undefined;
  const postalCode = p.postalCode ?? p.residenceCode;
  return {
    recordId,
    ...(p.ins ? { ins: p.ins } : {}),
    birthName: p.birthName,
    ...(p.usedName ? { usedName: p.usedName } : {}),
    givenNames: [...p.givenNames],
    birthDate: p.birthDate,
    sex: p.sex,
    ...(p.birthplaceCode ? { birthplaceCode: p.birthplaceCode } : {}),
    ...(postalCode ? { postalCode } : {}),
  };
}
