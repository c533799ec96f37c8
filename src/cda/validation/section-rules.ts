// Our own section checks derived from a document type's section list (descriptor data): a section
// recognised by its CI-SIS templateId carries the section's LOINC code, and a section does not
// repeat beyond its cardinality. Warnings: the official schematrons do not check these.
import type { DocumentType, SectionDef } from '../../documents/types.js';
import type { CdaRule } from './rule-types.js';

const cache = new Map<string, CdaRule[]>();

/** The most specific templateId of a section: the French one (1.2.250.1.213…) when there is one. */
const keyTemplateId = (s: SectionDef): string => s.templateIds.find((t) => t.startsWith('1.2.250.1.213.')) ?? s.templateIds[s.templateIds.length - 1];

export function sectionRules(type: DocumentType): CdaRule[] {
  let rules = cache.get(type.key);
  if (rules) return rules;
  rules = [];
  const walk = (sections: SectionDef[], top: boolean) => {
    for (const s of sections) {
      const tid = keyTemplateId(s);
      const name = s.name ?? s.title;
      rules!.push({
        id: `OF-SECTION-CODE-${s.code}-${tid}`,
        severity: 'warning',
        source: 'oncofhir',
        context: `//section[templateId/@root='${tid}']`,
        check: { attr: 'code', path: 'code', equals: s.code },
        code: 'code-invalid',
        message: `The section ${name} (templateId ${tid}) should have the LOINC code ${s.code}.`,
      });
      if (top && typeof s.max === 'number') {
        rules!.push({
          id: `OF-SECTION-MAX-${s.code}-${tid}`,
          severity: 'warning',
          source: 'oncofhir',
          context: 'component/structuredBody',
          check: { count: `component/section[templateId/@root='${tid}']`, min: 0, max: s.max },
          code: 'structure',
          message: `The ${type.label} should have at most ${s.max} section${s.max > 1 ? 's' : ''} ${name} (templateId ${tid}).`,
        });
      }
      if (s.subsections) walk(s.subsections, false);
    }
  };
  walk(type.sections, true);
  cache.set(type.key, rules);
  return rules;
}
