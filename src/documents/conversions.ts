// One document either way, whatever its volet: CDA XML → FHIR document Bundle (the volet's toFhir,
// recognised by its templateIds or type code) and FHIR document Bundle → CDA XML (the volet's
// fromFhir, recognised by the Composition type code, then by the Bundle's or Composition's profile).
// Used by `oncofhir convert` and the benchmark; the server's $submit-cda is src/documents/submit.ts.
import type { Bundle, Composition } from 'fhir/r4';
import { parseCda, findClinicalDocument } from '../cda/dom.js';
import type { Issue } from '../fhir/errors.js';
import { detectFromCda, documentTypes } from './registry.js';
import type { DocumentType } from './types.js';

export class ConversionError extends Error {}

export interface CdaToFhirResult {
  type: DocumentType;
  version?: string;
  bundle: Bundle;
  warnings: Issue[];
}

export interface FhirToCdaResult {
  type: DocumentType;
  xml: string;
  warnings: Issue[];
}

/** Parses and converts a CDA document (plain or self-presenting) to a FHIR document Bundle. */
export function cdaToFhir(xml: string): CdaToFhirResult {
  const root = parseCda(xml);
  if (!findClinicalDocument(root)) throw new ConversionError(`The XML root is ${root.name}, not an HL7 CDA ClinicalDocument (urn:hl7-org:v3)`);
  const detected = detectFromCda(root);
  if (!detected) throw new ConversionError('The CDA document is none of the cancer volets (fiche RCP, PPS, CR-GM, CR-ACP) by its templateIds or type code');
  if (!detected.type.toFhir) throw new ConversionError(`The ${detected.type.label} has no CDA → FHIR conversion`);
  const r = detected.type.toFhir(detected.doc);
  return { type: detected.type, version: detected.version, bundle: r.result, warnings: r.warnings };
}

/** The volet of a FHIR document Bundle: by the Composition's type code (LOINC, or a legacy one), else by profile. */
export function detectFromFhir(bundle: Bundle): DocumentType | undefined {
  const comp = bundle.entry?.[0]?.resource as Composition | undefined;
  if (comp?.resourceType !== 'Composition') return undefined;
  const codes = (comp.type?.coding ?? []).filter((c) => !c.system || c.system === 'http://loinc.org').map((c) => c.code);
  const byCode = documentTypes.find((t) => codes.includes(t.loinc) || t.legacyLoincs?.some((l) => codes.includes(l)));
  if (byCode) return byCode;
  const profiles = [...(bundle.meta?.profile ?? []), ...(comp.meta?.profile ?? [])].map((p) => p.replace(/\|.*$/, ''));
  return documentTypes.find((t) => profiles.includes(t.profiles.bundle) || profiles.includes(t.profiles.composition));
}

/** Converts a FHIR document Bundle to CI-SIS CDA XML. */
export function fhirToCda(bundle: Bundle): FhirToCdaResult {
  if (bundle?.resourceType !== 'Bundle') throw new ConversionError(`A FHIR document Bundle is expected, not ${(bundle as { resourceType?: string })?.resourceType ?? 'a non-resource'}`);
  if (bundle.type !== 'document') throw new ConversionError(`Only a document Bundle converts to CDA (this one is a ${bundle.type ?? 'Bundle without type'})`);
  if (bundle.entry?.[0]?.resource?.resourceType !== 'Composition') throw new ConversionError('The first entry of a FHIR document Bundle must be its Composition (Bundle.entry[0].resource)');
  const type = detectFromFhir(bundle);
  if (!type) throw new ConversionError('The Composition type is none of the cancer documents (34794-8 fiche RCP, 18776-5 PPS, 51969-4 CR-GM, 60568-3 / 11526-1 CR-ACP) and the Bundle declares none of their profiles');
  if (!type.fromFhir) throw new ConversionError(`The ${type.label} has no FHIR → CDA conversion`);
  try {
    const r = type.fromFhir(bundle);
    return { type, xml: r.result, warnings: r.warnings };
  } catch (e) {
    throw new ConversionError((e as Error).message);
  }
}
