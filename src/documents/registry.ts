// The cancer document types (one module each) and how a CDA document is recognised: by its
// document-level templateIds first (with the version from @extension), then by its type code.
import { children, findClinicalDocument, type CdaElement } from '../cda/dom.js';
import type { DocumentKey, DocumentType } from './types.js';
import { documentType as rcp } from './rcp/index.js';
import { documentType as pps } from './pps/index.js';
import { documentType as crgm } from './crgm/index.js';
import { documentType as cracp } from './cracp/index.js';

export const documentTypes: readonly DocumentType[] = [rcp, pps, crgm, cracp];

/** The document keys, as a list for messages and help texts ('rcp, pps, crgm, cracp'). */
export const DOCUMENT_KEYS = documentTypes.map((t) => t.key).join(', ');

export function byKey(key: string): DocumentType | undefined {
  return documentTypes.find((t) => t.key === (key as DocumentKey));
}

export interface DetectedDocument {
  type: DocumentType;
  /** Template version ('2021.01', '2022.01', 'current' for the CR-ACP .57 model), when known. */
  version?: string;
  /** How the volet was recognised: a document templateId, or only the ClinicalDocument/code. */
  by: 'templateId' | 'code';
  /** The ClinicalDocument element (the root, or the one inside a self-presenting document). */
  doc: CdaElement;
}

/** Recognises the volet of a CDA document (root element or ClinicalDocument); undefined if none. */
export function detectFromCda(root: CdaElement): DetectedDocument | undefined {
  const doc = findClinicalDocument(root);
  if (!doc) return undefined;
  const tids = children(doc, 'templateId').map((t) => ({ root: t.attrs.root, ext: t.attrs.extension }));
  for (const type of documentTypes) {
    const versions = Object.entries(type.cdaTemplateIds);
    const hits = tids.filter((t) => versions.some(([, roots]) => roots.includes(t.root)));
    if (!hits.length) continue;
    // The version is the templateId's @extension when it names one of ours; otherwise the latest
    // version owning a root that no other version lists (e.g. the CR-ACP 1.2.250.1.213.1.1.1.57).
    const exact = hits.find((h) => h.ext && type.cdaTemplateIds[h.ext]?.includes(h.root));
    if (exact) return { type, version: exact.ext, by: 'templateId', doc };
    const owners = (root: string) => versions.filter(([, roots]) => roots.includes(root)).map(([v]) => v);
    const unique = versions.map(([v]) => v).reverse().find((v) => hits.some((h) => owners(h.root).length === 1 && owners(h.root)[0] === v));
    return { type, version: unique ?? hits.find((h) => h.ext)?.ext, by: 'templateId', doc };
  }
  const code = children(doc, 'code')[0]?.attrs.code;
  const type = code ? documentTypes.find((t) => t.loinc === code || t.legacyLoincs?.includes(code)) : undefined;
  return type ? { type, version: undefined, by: 'code', doc } : undefined;
}
