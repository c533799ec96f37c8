// One coded value → one registry item: topography (ICD-O-3, or ICD-10 left for consolidation to map),
// morphology and behaviour (ICD-O-3), grade, laterality. Codes of other systems go through the small
// tables of mapping.json; anything else is reported as unmapped, never guessed.
import type { CodeableConcept, Extension } from 'fhir/r4';
import mapping from './mapping.json' with { type: 'json' };
import { formatTopography, mapIcd10 } from '../tumours/codes.js';
import type { Behaviour, Laterality } from '../tumours/types.js';
import { codeIn, codingsIn, familyOf, type DocumentView } from './document.js';

export interface Topography { topography: string; topographySystem: 'icd-o-3' | 'icd-10' }
export interface Morphology { morphology: number; behaviour?: Behaviour }

const TOPO_MAPS = mapping.topographyMaps as unknown as Record<'ncit' | 'adicap', Record<string, string>>;
const MORPH_MAPS = mapping.morphologyMaps as unknown as Record<'ncit' | 'adicap', Record<string, string>>;
const BEHAVIOURS = new Set([0, 1, 2, 3, 6, 9]);

function unmapped(cc: CodeableConcept, what: string, doc: DocumentView, path: string): void {
  const codes = (cc.coding ?? []).filter((c) => c.code).map((c) => `${c.system ?? '(no system)'}|${c.code}`);
  if (codes.length) doc.inform(`No ${what} in ${codes.join(', ')}: code system or code not in src/registry/sources/mapping.json`, path, 'code-invalid');
}

/** ICD-O-3 topography first, then ICD-10, then a mapped local code. Undefined (and an issue) when none fits. */
export function topographyOf(cc: CodeableConcept | undefined, doc: DocumentView, path: string, report = true): Topography | undefined {
  if (!cc) return undefined;
  for (const c of codingsIn(cc, 'icdo3')) {
    const t = formatTopography(c.code!);
    if (t?.startsWith('C')) return { topography: t, topographySystem: 'icd-o-3' };
  }
  const icd10 = codingsIn(cc, 'icd10').map((c) => formatTopography(c.code!)).find(Boolean);
  if (icd10) {
    // Kept as ICD-10: consolidation maps it (src/registry/tumours/rules/icd10-to-icdo3.json), with its note.
    if (mapIcd10(icd10)) doc.inform(`ICD-10 ${icd10} is kept as an ICD-10 topography; consolidation maps it to ICD-O-3`, path);
    else doc.warn(`ICD-10 ${icd10} has no ICD-O-3 topography (not a malignant or in situ neoplasm code the table maps); consolidation counts it as unknown primary C80.9`, path, 'code-invalid');
    return { topography: icd10, topographySystem: 'icd-10' };
  }
  for (const family of ['ncit', 'adicap'] as const) {
    const hit = codingsIn(cc, family).map((c) => TOPO_MAPS[family][c.code!]).find(Boolean);
    if (hit) return { topography: hit, topographySystem: 'icd-o-3' };
  }
  if (report) unmapped(cc, 'ICD-O-3 or ICD-10 topography', doc, path);
  return undefined;
}

/** '8500/3' → 8500 and behaviour 3; '8500' → 8500. */
function parseIcdo3Morphology(code: string): Morphology | undefined {
  const m = /^([89]\d{3})(?:\/(\d))?/.exec(code.trim());
  if (!m) return undefined;
  const behaviour = m[2] === undefined ? undefined : Number(m[2]);
  return { morphology: Number(m[1]), ...(behaviour !== undefined && BEHAVIOURS.has(behaviour) ? { behaviour: behaviour as Behaviour } : {}) };
}

export function morphologyOf(cc: CodeableConcept | undefined, doc: DocumentView, path: string): Morphology | undefined {
  if (!cc) return undefined;
  for (const c of codingsIn(cc, 'icdo3')) {
    const m = parseIcdo3Morphology(c.code!);
    if (m) return m;
  }
  for (const family of ['ncit', 'adicap'] as const) {
    const hit = codingsIn(cc, family).map((c) => MORPH_MAPS[family][c.code!]).find(Boolean);
    if (hit) return parseIcdo3Morphology(hit);
  }
  unmapped(cc, 'ICD-O-3 morphology', doc, path);
  return undefined;
}

/** The grade as the registry keeps it: a mapped code or text (mapping.json grade), else the document's code or text. */
export function gradeOf(cc: CodeableConcept | undefined, text: string | undefined): string | undefined {
  const codes = mapping.grade.codes as Record<string, string>;
  const mapped = (cc?.coding ?? []).map((c) => codes[c.code ?? '']).find(Boolean);
  if (mapped) return mapped;
  const label = (cc?.text ?? text ?? cc?.coding?.[0]?.display)?.trim().toLowerCase();
  const byText = label ? mapping.grade.textPrefixes.find((p) => label.startsWith(p.prefix))?.grade : undefined;
  return byText ?? cc?.coding?.find((c) => c.code)?.code ?? cc?.text ?? text;
}

export function lateralityOf(exts: Extension[] | undefined): Laterality | undefined {
  const value = exts?.find((e) => e.url === mapping.condition.lateralityExtension)?.valueCodeableConcept;
  const code = codeIn(value, 'snomed');
  return code ? (mapping.laterality.codes as Record<string, Laterality>)[code] : undefined;
}

/** Whether a concept names a cancer: an ICD-O-3 topography or an ICD-10 neoplasm code (mapping.json condition). */
export function isCancerCode(cc: CodeableConcept | undefined): boolean {
  return (cc?.coding ?? []).some((c) => {
    const family = familyOf(c.system);
    const code = formatTopography(c.code ?? '');
    if (!code) return false;
    if (family === 'icdo3') return code.startsWith('C');
    if (family !== 'icd10') return false;
    const site3 = code.slice(0, 3);
    return mapping.condition.cancerIcd10Ranges.some(([lo, hi]) => site3 >= lo && site3 <= hi);
  });
}
