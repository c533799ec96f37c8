// IARC-style consistency checks on a consolidated tumour, every rule read from rules/checks.json.
import rules from './rules/checks.json' with { type: 'json' };
import basisTable from './rules/basis-of-diagnosis.json' with { type: 'json' };
import { morphInRanges, siteMatches, type SitePattern } from './codes.js';
import type { Person, Tumour, TumourWarning } from './types.js';

type Ranges = number[][];
const microscopic = new Set(basisTable.codes.filter((c) => c.microscopic).map((c) => c.code));

/** Age in whole years at `date` (ISO dates). */
export function ageAt(birthDate: string, date: string): number {
  const [by, bm, bd] = birthDate.slice(0, 10).split('-').map(Number);
  const [y, m, d] = date.slice(0, 10).split('-').map(Number);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

type Checked = Pick<Tumour, 'topography' | 'morphology' | 'behaviour' | 'basis' | 'incidenceDate'>;

export function checkTumour(t: Checked, person: Person): TumourWarning[] {
  const out: TumourWarning[] = [];
  const warn = (id: string, check: TumourWarning['check'], message: string, expression: string[]) =>
    out.push({ id, check, severity: 'warning', message, expression });

  for (const r of rules.sexSite) {
    if (person.sex === r.sex && siteMatches(t.topography, r.sites as SitePattern[]))
      warn(r.id, 'sex-site', `${r.message} (sex ${person.sex}, ${t.topography})`, ['Tumour.topography', 'Person.sex']);
  }

  if (t.incidenceDate && person.birthDate) {
    const age = ageAt(person.birthDate, t.incidenceDate);
    for (const r of rules.ageSite as { id: string; ageBelow?: number; ageAbove?: number; sites: SitePattern[]; morphology?: Ranges; notMorphology?: Ranges; message: string }[]) {
      const outOfAge = (r.ageBelow !== undefined && age < r.ageBelow) || (r.ageAbove !== undefined && age > r.ageAbove);
      if (!outOfAge || !siteMatches(t.topography, r.sites) || !morphInRanges(t.morphology, r.morphology)) continue;
      if (r.notMorphology && morphInRanges(t.morphology, r.notMorphology)) continue;
      warn(r.id, 'age-site', `${r.message} (age ${age}, ${t.topography}, ${t.morphology})`, ['Tumour.topography', 'Tumour.morphology', 'Tumour.incidenceDate', 'Person.birthDate']);
    }
  }

  for (const r of rules.siteMorphology as { id: string; morphology: Ranges; allowedSites: SitePattern[]; message: string }[]) {
    if (morphInRanges(t.morphology, r.morphology) && !siteMatches(t.topography, r.allowedSites))
      warn(r.id, 'site-morphology', `${r.message} (${t.topography}, ${t.morphology})`, ['Tumour.topography', 'Tumour.morphology']);
  }

  for (const r of rules.behaviourSite as { id: string; behaviours: number[]; sites?: SitePattern[]; exceptSites?: SitePattern[]; message: string }[]) {
    if (!r.behaviours.includes(t.behaviour)) continue;
    if (r.sites && !siteMatches(t.topography, r.sites)) continue;
    if (r.exceptSites && siteMatches(t.topography, r.exceptSites)) continue;
    warn(r.id, 'behaviour-site', `${r.message} (${t.topography}, /${t.behaviour})`, ['Tumour.topography', 'Tumour.behaviour']);
  }

  for (const r of rules.basisMorphology as { id: string; whenBasisNotMicroscopic?: boolean; whenBasisIn?: number[]; morphology?: Ranges; exceptMorphology?: Ranges; exceptMorphologyAtSites?: { morphology: Ranges; sites: SitePattern[] }[]; message: string }[]) {
    if (r.whenBasisNotMicroscopic && microscopic.has(t.basis)) continue;
    if (r.whenBasisIn && !r.whenBasisIn.includes(t.basis)) continue;
    if (!morphInRanges(t.morphology, r.morphology)) continue;
    if (r.exceptMorphology && morphInRanges(t.morphology, r.exceptMorphology)) continue;
    if (r.exceptMorphologyAtSites?.some((e) => morphInRanges(t.morphology, e.morphology) && siteMatches(t.topography, e.sites))) continue;
    warn(r.id, 'basis-morphology', `${r.message} (basis ${t.basis}, ${t.morphology})`, ['Tumour.basis', 'Tumour.morphology']);
  }
  return out;
}
