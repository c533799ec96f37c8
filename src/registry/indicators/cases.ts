// Consolidated registry cases → the dimension values indicators are counted by (year, sex, age group, département,
// cancer site). Code tables are data: age-groups.json, departements.json, site-groups.json.
import ageGroups from './age-groups.json' with { type: 'json' };
import departements from './departements.json' with { type: 'json' };
import siteGroups from './site-groups.json' with { type: 'json' };

export interface IndicatorCase {
  year: number;                 // year of incidence
  sex: string;                  // M | F
  birthDate?: string;           // YYYY-MM-DD (or YYYY-MM, YYYY)
  diagnosisDate?: string;       // YYYY-MM-DD: exact age when present with birthDate
  ageAtDiagnosis?: number;
  departement: string;          // of residence at diagnosis, INSEE code (2A, 2B, 971…)
  siteGroup?: string;           // a group of site-groups.json, or derived from:
  topography?: string;          // ICD-O-3, e.g. C50.4
  morphology?: string;          // ICD-O-3, e.g. 8500/3
  restricted?: boolean;         // the person restricted processing (GDPR art. 18/21): never counted
}

export const DIMENSIONS = ['year', 'sex', 'ageGroup', 'departement', 'site'] as const;
export type Dimension = (typeof DIMENSIONS)[number];
export type DimensionValues = Record<Dimension, string>;

const SEXES = ['M', 'F'];
const DEPARTEMENTS = new Set(departements.codes);
const SITE_ORDER = [...new Set(siteGroups.rules.map((r) => r.group))];

/** Display order of each dimension's values (tables list rows and columns in this order). */
export function compareValues(dim: Dimension, a: string, b: string): number {
  const rank = (v: string) => dim === 'sex' ? SEXES.indexOf(v)
    : dim === 'ageGroup' ? ageGroups.groups.findIndex((g) => g.code === v)
    : dim === 'site' ? SITE_ORDER.indexOf(v)
    : dim === 'departement' ? departements.codes.indexOf(v) : Number(v);
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

const inRange = (v: string, ranges: string[][]) => ranges.some(([lo, hi]) => v >= lo && v <= hi);

/** ICD-O-3 topography (+ morphology) → site group; undefined when the topography is not C00–C80. */
export function siteGroupOf(topography: string | undefined, morphology?: string): string | undefined {
  const topo = topography?.toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 3);
  const morph = morphology?.replace(/\D/g, '').slice(0, 4);
  for (const rule of siteGroups.rules as { group: string; topography?: string[][]; morphology?: string[][] }[]) {
    if (rule.morphology && !(morph?.length === 4 && inRange(morph, rule.morphology))) continue;
    if (rule.topography && !(topo && /^C\d\d$/.test(topo) && inRange(topo, rule.topography))) continue;
    return rule.group;
  }
  return undefined;
}

export function ageGroupOf(age: number): string | undefined {
  return ageGroups.groups.find((g) => age >= g.min && (g.max === null || age <= g.max))?.code;
}

/**
 * Age at diagnosis: given, or exact from birth and diagnosis dates, else the INSEE "âge atteint dans l'année"
 * (year of incidence − year of birth) when only the incidence year is known.
 */
export function ageOf(c: IndicatorCase): number | undefined {
  if (typeof c.ageAtDiagnosis === 'number') return c.ageAtDiagnosis;
  if (!c.birthDate || !/^\d{4}/.test(c.birthDate)) return undefined;
  const by = Number(c.birthDate.slice(0, 4));
  if (c.diagnosisDate && /^\d{4}-\d\d-\d\d$/.test(c.diagnosisDate) && /^\d{4}-\d\d-\d\d$/.test(c.birthDate)) {
    return Number(c.diagnosisDate.slice(0, 4)) - by - (c.diagnosisDate.slice(5) < c.birthDate.slice(5) ? 1 : 0);
  }
  return c.year - by;
}

/** The dimension values of a case, or the reason it cannot be counted. */
export function classify(c: IndicatorCase): DimensionValues | string {
  if (!Number.isInteger(c.year) || c.year < 1900 || c.year > 2100) return `year ${JSON.stringify(c.year)} is not a year`;
  if (!SEXES.includes(c.sex)) return `sex ${JSON.stringify(c.sex)} is not M or F`;
  const age = ageOf(c);
  const ageGroup = age === undefined || !Number.isInteger(age) ? undefined : ageGroupOf(age);
  if (!ageGroup) return 'no valid age at diagnosis (ageAtDiagnosis, or birthDate)';
  if (!DEPARTEMENTS.has(c.departement)) return `departement ${JSON.stringify(c.departement)} is not an INSEE département code`;
  const site = c.siteGroup ?? siteGroupOf(c.topography, c.morphology);
  if (!site || !SITE_ORDER.includes(site)) return c.siteGroup ? `siteGroup ${JSON.stringify(c.siteGroup)} is not in site-groups.json` : `topography ${JSON.stringify(c.topography)} is not an ICD-O-3 topography C00–C80`;
  return { year: String(c.year), sex: c.sex, ageGroup, departement: c.departement, site };
}
