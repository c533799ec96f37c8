// The tumours a document mentions, one source record each. A tumour is a primary cancer Condition with
// the observations about it (focus, stage assessment, evidence; all of the document's when it names one
// cancer only). A pathology or genetics report without a Condition (CR-ACP, CR-GM) is about one tumour:
// its specimen site, site and histology observations and pTNM — or, when its specimens show different
// primary tumours (site or histology), one record per tumour with its specimens' findings.
import type { Condition, Observation, Reference } from 'fhir/r4';
import mapping from './mapping.json' with { type: 'json' };
import { hasAnyCode, type DocumentView, type Located } from './document.js';
import { gradeOf, isCancerCode, lateralityOf, morphologyOf, topographyOf, type Morphology, type Topography } from './codes.js';
import { tnmAndStage } from './tnm.js';
import { basisOf } from './basis.js';
import { Candidates, specimenDates, withoutSpecimenDates } from './dates.js';
import { findingsBySpecimen, type SpecimenFindings } from './specimens.js';
import type { Behaviour, IncidenceCandidate } from '../tumours/types.js';
import type { ExtractedTumour } from './types.js';

export interface DocumentFacts {
  documentType: string;
  documentRef: string;
  producer: string;
  documentDate?: string;
  /** Incidence candidates of the whole document (specimens, report, encounter, RCP date). */
  candidates: IncidenceCandidate[];
}

const O = mapping.observations;
const C = mapping.condition;

function isTumourCondition(c: Condition): boolean {
  const verification = c.verificationStatus?.coding?.map((x) => x.code) ?? [];
  if (verification.some((v) => v && C.excludedVerification.includes(v))) return false;
  const profiled = (c.meta?.profile ?? []).some((p) => C.profiles.includes(p.replace(/\|.*$/, '')));
  const morphology = (c.extension ?? []).some((e) => e.url === C.morphologyExtension);
  return profiled || morphology || isCancerCode(c.code) || (c.bodySite ?? []).some(isCancerCode);
}

/** Observations reached from the Condition: focus, stage assessments, evidence, and their members. */
function linkedObservations(cond: Located<Condition>, doc: DocumentView): Located<Observation>[] {
  const refs: Reference[] = [
    ...(cond.res.stage ?? []).flatMap((s) => s.assessment ?? []),
    ...(cond.res.evidence ?? []).flatMap((e) => e.detail ?? []),
  ];
  const found = new Set<Located>(doc.all('Observation').filter((o) => (o.res.focus ?? []).some((f) => doc.refersTo(f, cond))));
  const queue = [...refs.map((r) => doc.resolve(r)).filter((l): l is Located => !!l), ...found];
  while (queue.length) {
    const l = queue.pop()!;
    if (l.res.resourceType !== 'Observation') continue;
    found.add(l);
    for (const m of l.res.hasMember ?? []) {
      const next = doc.resolve(m);
      if (next && !found.has(next)) queue.push(next);
    }
  }
  return (doc.all('Observation') as Located<Observation>[]).filter((o) => found.has(o));
}

const withCode = (obs: Located<Observation>[], codes: readonly string[]) => obs.filter((o) => hasAnyCode(o.res.code, codes));

function firstOf<T>(items: Located<Observation>[], pick: (o: Located<Observation>) => T | undefined): T | undefined {
  for (const o of items) {
    const v = pick(o);
    if (v !== undefined) return v;
  }
  return undefined;
}

/** Histology from the observations; several different types are reported (one record keeps the first). */
function morphologyFromObservations(obs: Located<Observation>[], doc: DocumentView): Morphology | undefined {
  const coded = withCode(obs, O.morphology).filter((o) => o.res.valueCodeableConcept?.coding?.length);
  const found = coded.map((o) => ({ o, m: morphologyOf(o.res.valueCodeableConcept, doc, `${o.path}.value`) })).filter((x) => x.m);
  const distinct = new Set(found.map((x) => x.m!.morphology));
  if (distinct.size > 1) doc.inform(`${distinct.size} different histological types (${[...distinct].join(', ')}); the record keeps the first, ${found[0].m!.morphology}`, `${found[1].o.path}.value`);
  return found[0]?.m;
}

function gradeFrom(obs: Located<Observation>[]): string | undefined {
  return firstOf(withCode(obs, O.grade), (o) => gradeOf(o.res.valueCodeableConcept, o.res.valueString));
}

/** Site of a report-only tumour: specimen body site, then site observations, then the lesion code (ICD-10). */
function reportTopography(obs: Located<Observation>[], doc: DocumentView): Topography | undefined {
  for (const s of doc.all('Specimen')) {
    const t = topographyOf(s.res.collection?.bodySite, doc, `${s.path}.collection.bodySite`);
    if (t) return t;
  }
  const sites = [...withCode(obs, O.site), ...withCode(obs, O.lesionCode)];
  return firstOf(sites, (o) => topographyOf(o.res.valueCodeableConcept, doc, `${o.path}.value`));
}

function conditionTopography(cond: Located<Condition>, doc: DocumentView): Topography | undefined {
  for (const [i, site] of (cond.res.bodySite ?? []).entries()) {
    const t = topographyOf(site, doc, `${cond.path}.bodySite[${i}]`);
    if (t) return t;
  }
  return topographyOf(cond.res.code, doc, `${cond.path}.code`, false);
}

function conditionMorphology(cond: Located<Condition>, doc: DocumentView): Morphology | undefined {
  const i = (cond.res.extension ?? []).findIndex((e) => e.url === C.morphologyExtension);
  return i < 0 ? undefined : morphologyOf(cond.res.extension![i].valueCodeableConcept, doc, `${cond.path}.extension[${i}].value`);
}

interface Parts { topography?: Topography; morphology?: Morphology; laterality?: ExtractedTumour['laterality']; onset?: { value: unknown; path: string } }

function assemble(parts: Parts, obs: Located<Observation>[], staged: ReturnType<typeof tnmAndStage>, facts: DocumentFacts, doc: DocumentView): ExtractedTumour {
  const { tnm, stage, pathological } = staged;
  const candidates = new Candidates(doc);
  if (parts.onset) candidates.add('conditionOnset', parts.onset.value, parts.onset.path);
  for (const c of facts.candidates) if (!candidates.list.some((x) => x.date === c.date && x.event === c.event)) candidates.list.push(c);
  const grade = gradeFrom(obs);
  const basis = basisOf({ documentType: facts.documentType, doc, pathologicalTnm: pathological });
  return {
    documentRef: facts.documentRef,
    producer: facts.producer,
    ...(facts.documentDate ? { documentDate: facts.documentDate } : {}),
    ...(parts.topography ?? {}),
    ...(parts.morphology ?? {}),
    ...(grade ? { grade } : {}),
    ...(parts.laterality ? { laterality: parts.laterality } : {}),
    incidenceCandidates: candidates.list,
    ...(basis !== undefined ? { basis } : {}),
    ...(tnm ? { tnm } : {}),
    ...(stage ? { stage } : {}),
  };
}

/** Behaviours of a primary tumour; a specimen showing only benign, uncertain or metastatic disease is not one. */
const PRIMARY: ReadonlySet<Behaviour | undefined> = new Set([2, 3, undefined]);

/** One record per distinct primary (site + histology) among the specimens, or undefined when they show at most one. */
function perSpecimenTumours(allObs: Located<Observation>[], facts: DocumentFacts, doc: DocumentView): ExtractedTumour[] | undefined {
  if (doc.all('Specimen').length < 2) return undefined;
  const mark = doc.issues.length;
  const groups = new Map<string, { topography: Topography; morphology: Morphology; found: SpecimenFindings[] }>();
  for (const f of findingsBySpecimen(doc, allObs)) {
    const topography = topographyOf(f.specimen.res.collection?.bodySite, doc, `${f.specimen.path}.collection.bodySite`, false);
    const morphology = morphologyFromObservations(f.obs, doc);
    if (!topography || !morphology || !PRIMARY.has(morphology.behaviour)) continue;
    const key = `${topography.topography} ${morphology.morphology}/${morphology.behaviour ?? '?'}`;
    const group = groups.get(key) ?? groups.set(key, { topography, morphology, found: [] }).get(key)!;
    group.found.push(f);
  }
  if (groups.size < 2) {
    doc.issues.length = mark; // the whole report is read as one tumour below, with its own findings
    return undefined;
  }
  doc.inform(`The specimens show ${groups.size} different primary tumours (${[...groups.keys()].join('; ')}): one record each, with its specimens' findings; findings on no specimen or on another one are not attributed`, 'Bundle.entry.resource.ofType(Specimen)');
  return [...groups.values()].map(({ topography, morphology, found }) => {
    const obs = allObs.filter((o) => found.some((f) => f.obs.includes(o)));
    const candidates = new Candidates(doc);
    for (const f of found) specimenDates(f.specimen, candidates);
    const laterality = found.map((f) => lateralityOf(f.specimen.res.collection?.bodySite?.extension)).find(Boolean);
    const dated = { ...facts, candidates: [...candidates.list, ...withoutSpecimenDates(facts.candidates)] };
    return assemble({ topography, morphology, laterality }, obs, tnmAndStage(obs, doc), dated, doc);
  });
}

export function extractTumours(doc: DocumentView, facts: DocumentFacts): ExtractedTumour[] {
  const allObs = doc.all('Observation') as Located<Observation>[];
  const conditions = doc.all('Condition').filter((c) => isTumourCondition(c.res));
  if (conditions.length) {
    return conditions.map((cond) => {
      const obs = conditions.length === 1 ? allObs : linkedObservations(cond, doc);
      const topography = conditionTopography(cond, doc);
      if (!topography) doc.warn('The cancer has no ICD-O-3 or ICD-10 topography (bodySite, code)', `${cond.path}.bodySite`);
      const onset = cond.res.onsetDateTime !== undefined ? { value: cond.res.onsetDateTime, path: `${cond.path}.onsetDateTime` } : undefined;
      return assemble({
        topography,
        morphology: conditionMorphology(cond, doc) ?? morphologyFromObservations(obs, doc),
        laterality: (cond.res.bodySite ?? []).map((b) => lateralityOf(b.extension)).find(Boolean),
        onset,
      }, obs, tnmAndStage(obs, doc), facts, doc);
    });
  }
  const perSpecimen = perSpecimenTumours(allObs, facts, doc);
  if (perSpecimen) return perSpecimen;
  const topography = reportTopography(allObs, doc);
  const morphology = morphologyFromObservations(allObs, doc);
  const staged = tnmAndStage(allObs, doc);
  if (!topography && !morphology && !staged.tnm) {
    doc.inform('The document names no tumour: no primary cancer Condition and no coded site, histology or TNM', 'Bundle.entry.resource');
    return [];
  }
  if (!topography) doc.warn('The report gives no topography the registry can use (specimen body site, tumour site or lesion code)', 'Bundle.entry.resource.ofType(Specimen).collection.bodySite');
  const laterality = doc.all('Specimen').map((s) => lateralityOf(s.res.collection?.bodySite?.extension)).find(Boolean);
  return [assemble({ topography, morphology, laterality }, allObs, staged, facts, doc)];
}
