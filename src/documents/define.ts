// Builds a document-type descriptor from its data files and converters: the four modules differ
// only in their data, so this is the one place that assembles them.
import type { CdaRuleSet } from '../cda/validation/rule-types.js';
import { structureDefinitionUrl } from './canonical.js';
import type { CdaToFhir, DocumentKey, DocumentType, FhirToCda, SectionDef } from './types.js';

type DocumentData = Omit<DocumentType, 'key' | 'sections' | 'cdaRules' | 'toFhir' | 'fromFhir' | 'profiles'> & { sections: unknown[] };

export function defineDocumentType(key: DocumentKey, data: DocumentData, rules: unknown, toFhir: CdaToFhir, fromFhir: () => FhirToCda): DocumentType {
  return {
    ...data,
    key,
    sections: data.sections as SectionDef[],
    cdaRules: rules as CdaRuleSet,
    toFhir,
    // Resolved at call time: from-fhir.ts imports this descriptor back.
    fromFhir: (bundle) => fromFhir()(bundle),
    profiles: { bundle: structureDefinitionUrl(`onco-bundle-${key}`), composition: structureDefinitionUrl(`onco-composition-${key}`) },
  };
}
