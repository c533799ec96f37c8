// One module per document type (fiche RCP, PPS, CR-GM, CR-ACP) declares everything about it as
// data: codes, template ids, profiles, sections, CDA body rules and the CDA ⇄ FHIR mappings. Adding
// a fifth document type means adding one module (and its FSH), nothing else.
import type { Bundle } from 'fhir/r4';
import type { CdaElement } from '../cda/dom.js';
import type { Issue } from '../fhir/errors.js';
import type { CdaRuleSet } from '../cda/validation/rule-types.js';

export type DocumentKey = 'rcp' | 'pps' | 'crgm' | 'cracp';

export interface SectionDef {
  /** CI-SIS section template name, e.g. 'FR-Diagnostic-du-cancer'. */
  name?: string;
  /** LOINC (or CI-SIS) code of the section. */
  code: string;
  system?: string;
  title: string;
  /** CDA section templateIds (any version). */
  templateIds: string[];
  min: 0 | 1;
  max?: number | '*';
  /** Nested sections (component/section) with their own codes and templateIds. */
  subsections?: SectionDef[];
}

export interface DocumentType {
  key: DocumentKey;
  /** Display label, e.g. 'Fiche RCP'. */
  label: string;
  /** CI-SIS volet name, e.g. 'CANCER-FRCP'. */
  volet: string;
  /** Document type code (LOINC) and accepted legacy codes (e.g. 11526-1 for the APSR CR-ACP). */
  loinc: string;
  legacyLoincs?: string[];
  /** Document-level CDA templateIds that identify the volet, per version ('2021.01', '2022.01'…). */
  cdaTemplateIds: Record<string, string[]>;
  /** XDS / PDSm formatCode (system and code). */
  formatCode?: { system: string; code: string };
  /** formatCode of older template versions, by version (e.g. the APSR 2021.01 CR-ACP). */
  legacyFormatCodes?: Record<string, { system: string; code: string }>;
  /** Display of the LOINC type code. */
  display?: string;
  /** CI-SIS body rules of the volet (src/documents/<key>/cda-rules.json), run by src/cda/validation. */
  cdaRules?: CdaRuleSet;
  /** Canonical URLs of the FHIR profiles (document Bundle and Composition). */
  profiles: { bundle: string; composition: string };
  sections: SectionDef[];
  /** CDA → FHIR document Bundle (src/documents/<key>/to-fhir.ts). */
  toFhir?: CdaToFhir;
  /** FHIR document Bundle → CDA (src/documents/<key>/from-fhir.ts). */
  fromFhir?: FhirToCda;
}

export interface Converted<T> {
  result: T;
  /** What could not be mapped (kept as narrative), with its location (XPath or FHIRPath). */
  warnings: Issue[];
}

/** CDA → FHIR document Bundle for one document type. */
export type CdaToFhir = (doc: CdaElement) => Converted<Bundle>;
/** FHIR document Bundle → CDA XML for one document type. */
export type FhirToCda = (bundle: Bundle) => Converted<string>;
