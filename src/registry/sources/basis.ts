// Basis of diagnosis of a tumour mention: the first rule of mapping.json basis that fits the document
// type and what the document shows (report category, pathological TNM, quoted CR-ACP conclusion).
import mapping from './mapping.json' with { type: 'json' };
import { hasAnyCode, type DocumentView } from './document.js';
import type { BasisOfDiagnosis } from '../tumours/types.js';

interface Rule {
  documentTypes: string[];
  when?: { reportCategory?: string[]; pathologicalTnm?: boolean; observationCodes?: string[] };
  basis: number;
}

export interface BasisFacts { documentType: string; doc: DocumentView; pathologicalTnm: boolean }

function holds(when: Rule['when'], f: BasisFacts): boolean {
  if (!when) return true;
  if (when.reportCategory && !f.doc.all('DiagnosticReport').some((r) => (r.res.category ?? []).some((c) => hasAnyCode(c, when.reportCategory!)))) return false;
  if (when.pathologicalTnm && !f.pathologicalTnm) return false;
  if (when.observationCodes && !f.doc.all('Observation').some((o) => hasAnyCode(o.res.code, when.observationCodes!))) return false;
  return true;
}

export function basisOf(f: BasisFacts): BasisOfDiagnosis | undefined {
  const rule = (mapping.basis.rules as Rule[]).find((r) => r.documentTypes.includes(f.documentType) && holds(r.when, f));
  return rule?.basis as BasisOfDiagnosis | undefined;
}
