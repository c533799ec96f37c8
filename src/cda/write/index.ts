// FHIR document Bundle → CI-SIS CDA R2, driven by a volet's descriptor (document type, sections and
// their templateIds: src/documents/<key>/document.json) and its writer configuration
// (src/documents/<key>/from-fhir.json): the header (header.ts), the structured body (body.ts), then
// the XML (xml.ts). What has no CDA form is listed as warnings with its FHIRPath; Bundle entries that
// nothing in the document refers to are reported too, never dropped silently. Owns nothing else:
// validation is src/cda/validation, CDA → FHIR is src/cda/to-fhir.
import type { Bundle, Coding } from 'fhir/r4';
import type { Converted, DocumentType } from '../../documents/types.js';
import { WriteContext } from './context.js';
import { writeHeader } from './header.js';
import { writeBody } from './body.js';
import { el, serialize } from './xml.js';
import type { VoletWriteConfig } from './entries/common.js';

export type { VoletWriteConfig } from './entries/common.js';

/** The document-level templateIds of a volet version (with the version as extension when it is one). */
function voletTemplateIds(type: DocumentType, version: string): { root: string; extension?: string }[] {
  const roots = type.cdaTemplateIds[version];
  if (!roots?.length) throw new Error(`The ${type.label} descriptor has no templateIds for version ${version}`);
  const ext = /^\d{4}\.\d{2}$/.test(version) ? version : undefined;
  // A family of organ-specific templates (APSR) would list many roots: the first is the generic one.
  return (roots.length > 3 ? roots.slice(0, 1) : roots).map((root) => ({ root, extension: ext }));
}

/** Converts a FHIR document Bundle of one volet to CDA XML. Throws on a Bundle that is not a document. */
export function writeCda(bundle: Bundle, type: DocumentType, cfg: VoletWriteConfig): Converted<string> {
  if (bundle.resourceType !== 'Bundle' || bundle.type !== 'document') throw new Error('Only a FHIR document Bundle (Bundle.type = document) converts to CDA');
  const w = new WriteContext(bundle);
  const typeCode: Coding = { system: 'http://loinc.org', code: type.loinc, display: type.display ?? type.label };
  const docCode = w.composition.resource.type?.coding?.find((c) => c.system === 'http://loinc.org')?.code;
  const replaceType = !!docCode && docCode !== type.loinc;
  if (replaceType) {
    w.warn(`The document code ${docCode} is ${type.legacyLoincs?.includes(docCode) ? 'the legacy code' : 'not the code'} of the ${type.label}: the CDA is written with ${type.loinc}, the code of the current model`, `${w.composition.path}.type`, 'warning');
  }
  const header = writeHeader(w, {
    templateIds: voletTemplateIds(type, cfg.version),
    typeCode,
    replaceType,
    serviceEventCode: cfg.serviceEventCode,
    encounterCode: cfg.encounterCode,
  });
  const body = writeBody(w, type, cfg);
  for (const loc of w.unused()) {
    w.warn(`This ${loc.resource.resourceType} is referenced by no section, header element or written entry: it has no place in the CDA`, loc.path, 'warning');
  }
  const stats = { dropped: 0 };
  const xml = serialize(el('ClinicalDocument', {}, header, body), stats);
  if (stats.dropped) w.warn(`${stats.dropped} character(s) that XML 1.0 cannot carry were dropped`, 'Bundle', 'warning');
  return { result: xml, warnings: w.warnings };
}
