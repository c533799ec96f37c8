// Groups one person's source records into tumours (IARC/IACR 2004 multiple-primary rules), then picks each
// consolidated value by its rule: ENCR incidence date, most valid basis, most specific codes, latest document
// for the rest — and lists every disagreement as a conflict instead of overwriting it.
import basisTable from './rules/basis-of-diagnosis.json' with { type: 'json' };
import {
  formatTopography, isPairedOrgan, mapIcd10, morphologyGroup, morphologySpecificity, organ, parseMorphology,
  topographySpecificity,
} from './codes.js';
import { multiplePrimary } from './multiple-primary.js';
import { incidenceDate } from './incidence.js';
import { checkTumour } from './checks.js';
import { rareCancerNetworks } from './rare.js';
import type { Conflict, Person, SourceRecord, Tumour, TumourWarning } from './types.js';

/** A record with its codes normalised to ICD-O-3. */
interface Norm { rec: SourceRecord; topography: string; morphology: number; behaviour: 0 | 1 | 2 | 3; notes: string[] }

const basisRank = new Map(basisTable.codes.map((c, i) => [c.code, i]));

export function normalise(rec: SourceRecord): Norm {
  const notes: string[] = [];
  let topography: string | undefined;
  let defaultMorph: number | undefined;
  let defaultBehaviour: number | undefined;
  if (rec.topography && rec.topographySystem === 'icd-10') {
    const m = mapIcd10(rec.topography);
    if (m) {
      ({ topography, morphology: defaultMorph, behaviour: defaultBehaviour } = m);
      if (m.note) notes.push(`${rec.recordId}: ${m.note}`);
    } else notes.push(`${rec.recordId}: ICD-10 ${rec.topography} has no ICD-O-3 topography; counted as unknown primary C80.9`);
  } else if (rec.topography) {
    topography = formatTopography(rec.topography);
    if (!topography?.startsWith('C')) {
      notes.push(`${rec.recordId}: topography ${rec.topography} is not ICD-O-3; counted as unknown primary C80.9`);
      topography = undefined;
    }
  }
  const parsed = rec.morphology === undefined ? undefined : parseMorphology(rec.morphology);
  if (rec.morphology !== undefined && !parsed) notes.push(`${rec.recordId}: morphology ${rec.morphology} is not ICD-O-3; counted as 8000`);
  const morphology = parsed?.code ?? defaultMorph ?? 8000;
  let behaviour = rec.behaviour ?? parsed?.behaviour ?? defaultBehaviour ?? 3;
  if (behaviour === 6 || behaviour === 9) {
    // ICD-O-3: registries code the primary's behaviour; a metastatic (/6) or uncertain (/9) mention is a malignancy.
    notes.push(`${rec.recordId}: behaviour /${behaviour} recorded as /3`);
    behaviour = 3;
  }
  return { rec, topography: topography ?? 'C80.9', morphology, behaviour: behaviour as Norm['behaviour'], notes };
}

/** Later documents come later; records without a date keep their input order. */
function byDocumentOrder(records: SourceRecord[]): SourceRecord[] {
  return records.map((r, i) => ({ r, i }))
    .sort((a, b) => (a.r.documentDate ?? '').localeCompare(b.r.documentDate ?? '') || a.i - b.i)
    .map((x) => x.r);
}

export function consolidate(records: SourceRecord[], person: Person): Tumour[] {
  const keys = new Set(records.map((r) => r.personKey));
  if (keys.size > 1) throw new RangeError(`consolidate() takes one person's records; got person keys ${[...keys].join(', ')}`);
  const clusters: Norm[][] = [];
  const mergeNotes = new Map<Norm[], string[]>();
  for (const rec of byDocumentOrder(records)) {
    const n = normalise(rec);
    const verdicts = clusters.map((c) => multiplePrimary(n, { topography: pickTopography(c).value, morphology: pickMorphology(c).value }));
    let i = verdicts.indexOf('same');
    if (i < 0) {
      // Unknown primary site (C80) with a compatible morphology: the same cancer seen before its site was known.
      i = verdicts.indexOf('unknown-topography');
      if (i >= 0) (mergeNotes.get(clusters[i]) ?? mergeNotes.set(clusters[i], []).get(clusters[i])!)
        .push(`${rec.recordId}: unknown primary site merged with the tumour of compatible morphology`);
    }
    if (i >= 0) clusters[i].push(n);
    else clusters.push([n]);
  }
  return clusters.map((c) => buildTumour(c, person, mergeNotes.get(c) ?? []));
}

interface Pick<T> { value: T; recordId: string; conflict?: Conflict }

/**
 * The value of the most specific rank, and among equals the latest document's. Distinct values at the kept
 * rank make a conflict; values of lower rank are refinements (NOS → specific), not conflicts.
 */
function pick<T>(members: Norm[], field: string, get: (n: Norm) => T | undefined, rank: (v: T) => number = () => 0,
  reason = 'records disagree; the latest document is kept'): Pick<T> | undefined {
  const present = members.map((n) => ({ n, v: get(n) })).filter((x) => x.v !== undefined) as { n: Norm; v: T }[];
  if (present.length === 0) return undefined;
  const top = Math.max(...present.map((x) => rank(x.v)));
  const best = present.filter((x) => rank(x.v) === top);
  const last = best[best.length - 1];
  const groups = new Map<string, { value: T; recordIds: string[] }>();
  for (const x of best) {
    const k = JSON.stringify(x.v);
    (groups.get(k) ?? groups.set(k, { value: x.v, recordIds: [] }).get(k)!).recordIds.push(x.n.rec.recordId);
  }
  const conflict = groups.size > 1 ? { field, kept: last.v, values: [...groups.values()], reason } : undefined;
  return { value: last.v, recordId: last.n.rec.recordId, conflict };
}

const pickTopography = (c: Norm[]) => pick(c, 'topography', (n) => n.topography, topographySpecificity,
  'different sites within one organ; the latest document is kept')!;
const pickMorphology = (c: Norm[]) => pick(c, 'morphology', (n) => n.morphology, morphologySpecificity,
  'different specific morphologies of one group; the latest document is kept')!;

const SIDES = new Set(['right', 'left', 'bilateral', 'midline']);
const UNKNOWN_GRADES = new Set(['9', 'X', 'x', 'unknown']);
const TNM_RANK = { y: 1, c: 2, p: 3 } as const;

function buildTumour(members: Norm[], person: Person, mergeNotes: string[]): Tumour {
  const conflicts: Conflict[] = [];
  const fieldSources: Record<string, string> = {};
  const take = <T>(field: string, p: Pick<T> | undefined): T | undefined => {
    if (!p) return undefined;
    fieldSources[field] = p.recordId;
    if (p.conflict) conflicts.push(p.conflict);
    return p.value;
  };
  const topography = take('topography', pickTopography(members))!;
  const morphology = take('morphology', pickMorphology(members))!;
  // In situ then invasive is progression of one tumour: the most malignant behaviour is kept.
  const behaviour = take('behaviour', pick(members, 'behaviour', (n) => n.behaviour, (b) => b))!;
  const benign = members.filter((n) => n.behaviour <= 1);
  if (benign.length && behaviour >= 2) conflicts.push({
    field: 'behaviour', kept: behaviour, reason: 'benign/uncertain and malignant behaviour reported for one tumour',
    values: [...new Set(members.map((n) => n.behaviour))].map((b) => ({ value: b, recordIds: members.filter((n) => n.behaviour === b).map((n) => n.rec.recordId) })),
  });
  const grade = take('grade', pick(members, 'grade', (n) => (n.rec.grade && !UNKNOWN_GRADES.has(n.rec.grade) ? n.rec.grade : undefined)));
  const paired = isPairedOrgan(topography);
  const laterality = take('laterality', pick(members, 'laterality', (n) => (n.rec.laterality && SIDES.has(n.rec.laterality) ? n.rec.laterality : undefined), () => 0,
    paired ? 'both sides of a paired organ with the same morphology group: one tumour under IARC rule 3; the latest document is kept'
      : 'records disagree; the latest document is kept'))
    ?? members.map((n) => n.rec.laterality).filter(Boolean).pop();
  const basis = take('basis', pick(members, 'basis', (n) => n.rec.basis, (b) => basisRank.get(b) ?? -1)) ?? 9;
  const tnm = take('tnm', pick(members, 'tnm', (n) => n.rec.tnm, (t) => TNM_RANK[t.certainty] ?? 0,
    'different TNM of the same certainty (c/p/y); the latest document is kept'));
  const stage = take('stage', pick(members, 'stage', (n) => n.rec.stage));
  const inc = incidenceDate(members.flatMap((n) => n.rec.incidenceCandidates.map((c) => ({ ...c, recordId: n.rec.recordId }))));
  if (inc?.recordId) fieldSources.incidenceDate = inc.recordId;

  const group = morphologyGroup(morphology);
  const core = { topography, morphology, behaviour, basis, incidenceDate: inc?.date.slice(0, 10) };
  const warnings: TumourWarning[] = checkTumour(core, person);
  const sides = new Set(members.map((n) => n.rec.laterality));
  if (paired && sides.has('left') && sides.has('right')) warnings.push({
    id: 'W-MPMT', check: 'multiple-primary', severity: 'warning',
    message: `left and right ${topography} with the same morphology group counted as one tumour (IARC rule 3): check for a second primary`,
    expression: ['Tumour.laterality', 'Tumour.topography'],
  });
  const first = members[0].rec;
  return {
    tumourId: `${first.personKey}/${first.recordId}`,
    personKey: first.personKey,
    ...core,
    organ: organ(topography),
    morphologyGroup: group,
    incidenceEvent: inc?.event,
    grade, laterality, tnm, stage,
    sources: members.map(({ rec }) => ({ recordId: rec.recordId, documentRef: rec.documentRef, producer: rec.producer, documentDate: rec.documentDate })),
    fieldSources,
    updatedBy: members[members.length - 1].rec.recordId,
    conflicts,
    warnings,
    rareCancer: rareCancerNetworks({ topography, morphology, morphologyGroup: group }),
    notes: [...members.flatMap((n) => n.notes), ...mergeNotes],
  };
}
