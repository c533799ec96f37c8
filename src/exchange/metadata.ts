// XDS / PDSm metadata read from the CDA header, as the CI-SIS mapping defines it
// (IG-hl7v2-volet-transmission-document-cda-r2 mapping.md): classCode from the document type,
// healthcareFacilityTypeCode ← encompassingEncounter/location/healthCareFacility/code,
// practiceSettingCode ← serviceEvent/performer/…/representedOrganization/standardIndustryClassCode,
// confidentiality ← confidentialityCode, serviceStart/Stop ← serviceEvent/effectiveTime.
import type { CodeableConcept, Coding, Period } from 'fhir/r4';
import { first, parseCda, type CdaElement } from '../cda/dom.js';
import { coding as cdaCoding } from '../cda/to-fhir/codes.js';
import { ivlTsToPeriod } from '../cda/to-fhir/datatypes.js';
import { detectFromCda } from '../documents/registry.js';
import type { DocumentType } from '../documents/types.js';
import { classCoding, contentTypeCoding, PDSM } from './codes.js';

export interface XdsMetadata {
  type: DocumentType;
  category?: CodeableConcept;
  facilityType: CodeableConcept;
  practiceSetting: CodeableConcept;
  confidentiality: Coding;
  /** SubmissionSet designationType (contentTypeCode). */
  contentType: Coding;
  period?: Period;
}

const cc = (c: Coding | undefined): CodeableConcept | undefined => (c ? { coding: [c] } : undefined);

const SYSTEMS = PDSM.systemsByOid as Record<string, string>;
/** A CDA code as a Coding, with the metadata systems' FHIR URIs. */
function coding(el: CdaElement | undefined): Coding | undefined {
  const c = cdaCoding(el);
  const oid = c?.system?.startsWith('urn:oid:') ? c.system.slice(8) : undefined;
  return c && oid && SYSTEMS[oid] ? { ...c, system: SYSTEMS[oid] } : c;
}

/** The metadata of a ClinicalDocument element whose volet is known. */
export function xdsMetadata(doc: CdaElement, type: DocumentType): XdsMetadata {
  const facility = coding(first(doc, 'componentOf/encompassingEncounter/location/healthCareFacility/code'));
  const setting = coding(first(doc, 'documentationOf/serviceEvent/performer/assignedEntity/representedOrganization/standardIndustryClassCode'));
  const conf = first(doc, 'confidentialityCode')?.attrs.code ?? PDSM.confidentiality.default;
  return {
    type,
    category: cc(classCoding(type.key)),
    facilityType: cc(facility) ?? { coding: [PDSM.facilityType.default] },
    practiceSetting: cc(setting) ?? { coding: [PDSM.practiceSetting.default] },
    confidentiality: { system: PDSM.confidentiality.system, code: conf },
    contentType: contentTypeCoding(first(doc, 'componentOf/encompassingEncounter/code')?.attrs.code),
    period: ivlTsToPeriod(first(doc, 'documentationOf/serviceEvent/effectiveTime')),
  };
}

/** The same, from the raw CDA (as stored in the Binary); undefined when it is none of our volets. */
export function xdsMetadataOf(xml: string): XdsMetadata | undefined {
  const detected = detectFromCda(parseCda(xml));
  return detected && xdsMetadata(detected.doc, detected.type);
}

/** The stored DocumentReference with the same classification (category, facility type, practice
 *  setting), so ITI-67 searches on category, facility and setting find it. */
export function withXdsMetadata<T extends { category?: CodeableConcept[]; context?: { facilityType?: CodeableConcept; practiceSetting?: CodeableConcept } }>(d: T, m: XdsMetadata): T {
  return { ...d, ...(m.category ? { category: [m.category] } : {}), context: { ...d.context, facilityType: m.facilityType, practiceSetting: m.practiceSetting } };
}
