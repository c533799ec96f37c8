// pps: the document-type descriptor — codes, templateIds and sections in document.json, CI-SIS body
// rules in cda-rules.json, and the CDA ⇄ FHIR converters.
import { defineDocumentType } from '../define.js';
import data from './document.json' with { type: 'json' };
import rules from './cda-rules.json' with { type: 'json' };
import { cdaToFhir } from './to-fhir.js';
import { fhirToCda } from './from-fhir.js';

export const documentType = defineDocumentType('pps', data as Parameters<typeof defineDocumentType>[1], rules, cdaToFhir, () => fhirToCda);
