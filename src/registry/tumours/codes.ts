// ICD-O-3 code handling driven by the rule tables: topography normalisation and ICD-10 mapping,
// morphology groups, organ groups, and the small range-matching language the tables use.
import morph from './rules/morphology-groups.json' with { type: 'json' };
import topo from './rules/topography-groups.json' with { type: 'json' };
import icd10 from './rules/icd10-to-icdo3.json' with { type: 'json' };

/** A site pattern: a prefix ('C50', 'C50.4') or an inclusive range of 3-character codes (['C51','C58']). */
export type SitePattern = string | string[];
export type MorphRange = number[];

export function siteMatches(topography: string, patterns: SitePattern[] | undefined): boolean {
  if (!patterns) return true;
  const site3 = topography.slice(0, 3);
  return patterns.some((p) => (Array.isArray(p) ? site3 >= p[0] && site3 <= p[1] : topography.startsWith(p)));
}

export function morphInRanges(code: number, ranges: MorphRange[] | undefined): boolean {
  if (!ranges) return true;
  return ranges.some(([lo, hi]) => code >= lo && code <= hi);
}

/** 'c504' / 'C50.4' / 'C50' → 'C50.4' / 'C50'; undefined when not a C-code. */
export function formatTopography(code: string): string | undefined {
  const m = /^([CD])(\d\d)\.?(\d)?$/.exec(code.trim().toUpperCase());
  if (!m) return undefined;
  return m[3] === undefined ? `${m[1]}${m[2]}` : `${m[1]}${m[2]}.${m[3]}`;
}

export interface MappedTopography { topography: string; morphology?: number; behaviour?: number; note?: string }

/** ICD-10 → ICD-O-3 topography (with the default morphology/behaviour the ICD-10 code implies). */
export function mapIcd10(code: string): MappedTopography | undefined {
  const c = formatTopography(code);
  if (!c) return undefined;
  const hit = icd10.mappings.find((m) => m.icd10 === c) ?? icd10.mappings.find((m) => m.icd10 === c.slice(0, 3));
  if (hit) {
    const keepSubsite = hit.icd10.length === 3 && c.length > 3 && c.startsWith('D') === false && hit.topography.slice(0, 3) === c.slice(0, 3);
    return { topography: keepSubsite ? c : hit.topography, morphology: hit.morphology, behaviour: hit.behaviour, note: `ICD-10 ${c} mapped to ICD-O-3 ${hit.topography} (${hit.why})` };
  }
  const site3 = c.slice(0, 3);
  if (icd10.identityRanges.some(([lo, hi]) => site3 >= lo && site3 <= hi)) return { topography: c };
  return undefined;
}

const groupOf = new Map<number, number>();
for (const g of morph.groups) for (const [lo, hi] of g.ranges) for (let c = lo; c <= hi; c++) groupOf.set(c, g.group);

/** IARC Table 2 group; codes the table does not list are "other specified types" (16). */
export function morphologyGroup(code: number): number {
  return groupOf.get(code) ?? 16;
}

export const SYSTEMIC = new Set(morph.systemicGroups);
export const HAEMATOLOGICAL = new Set(morph.haematologicalGroups);

/** True when group `nos` is an unspecified group covering `other` (rule 4.2). */
export function nosCovers(nos: number, other: number): boolean {
  const e = morph.nosGroups.find((g) => g.group === nos);
  if (!e || nos === other) return false;
  return e.covers === 'all' || (e.covers as number[]).includes(other);
}

/** 0 = unspecified cancer, 1 = unspecified group (carcinoma NOS, haematopoietic NOS), 2 = NOS of its group, 3 = specific. */
export function morphologySpecificity(code: number): number {
  const g = morphologyGroup(code);
  if (g === 17) return 0;
  if (morph.nosGroups.some((n) => n.group === g)) return 1;
  if (morph.nosWithinGroup.includes(code)) return 2;
  return 3;
}

const organOf = new Map<string, string>();
for (const g of topo.groups) for (const s of g.sites) organOf.set(s, g.id);

/** The organ the multiple-primary rules compare: a Table 1 group or the 3-character site. */
export function organ(topography: string): string {
  const site3 = topography.slice(0, 3);
  return organOf.get(site3) ?? site3;
}

export function isUnknownPrimary(topography: string): boolean {
  return topo.unknownPrimary.includes(topography.slice(0, 3));
}

/** 0 = unknown primary, 1 = organ without subsite (Cxx or Cxx.9), 2 = subsite. */
export function topographySpecificity(topography: string): number {
  if (isUnknownPrimary(topography)) return 0;
  return topography.length === 3 || topography.endsWith('.9') ? 1 : 2;
}

export function isPairedOrgan(topography: string): boolean {
  return topo.pairedOrgans.some((p) => topography.startsWith(p));
}

/** '8140/3' → { code: 8140, behaviour: 3 }; '81403' likewise; undefined when not 4 digits in 8000–9999. */
export function parseMorphology(value: string | number): { code: number; behaviour?: number } | undefined {
  const m = /^(\d{4})(?:\/?(\d))?$/.exec(String(value).trim());
  if (!m) return undefined;
  const code = Number(m[1]);
  if (code < 8000) return undefined;
  return { code, behaviour: m[2] === undefined ? undefined : Number(m[2]) };
}
