// cracp: the document-type descriptor (codes, templateIds, sections as data in document.json; CI-SIS
// body rules in cda-rules.json). Converters are added here by the CDA ⇄ FHIR conversion.
import type { DocumentType, SectionDef } from '../types.js';
import type { CdaRuleSet } from '../../cda/validation/rule-types.js';
import { structureDefinitionUrl } from '../canonical.js';
import data from './document.json' with { type: 'json' };
import rules from './cda-rules.json' with { type: 'json' };
import { cdaToFhir } from './to-fhir.js';
import { fhirToCda } from './from-fhir.js';

export const documentType: DocumentType = {
  ...data,
  key: 'cracp',
  sections: data.sections as SectionDef[],
  cdaRules: rules as CdaRuleSet,
  toFhir: cdaToFhir,
  fromFhir: (bundle) => fhirToCda(bundle), // called late: from-fhir.ts imports this descriptor back
  profiles: {
    bundle: structureDefinitionUrl('onco-bundle-cracp'),
    composition: structureDefinitionUrl('onco-composition-cracp'),
  },
};
