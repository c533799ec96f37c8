// Cancer entries, the inverse of src/cda/to-fhir/entries/cancer.ts: the primary cancer Condition →
// FR-Liste-des-problemes concern holding FR-Diagnostic-du-cancer (code 282291009, ICD-O-3 morphology
// as value, topography as targetSiteCode with its laterality qualifier, date of diagnosis) and its
// staging; the stage group → TNM holder (75620-5 with the stage and edition as qualifiers, or the
// APSR pTNM 21902-2) with the T/N/M categories nested; WHO performance status → MED-239 with the
// CI-SIS grade and the LOINC answer. LOINC ⇄ CDA codes come from src/cda/to-fhir/tables/tnm.json read
// backwards.
import type { CodeableConcept, Coding, Condition, Observation } from 'fhir/r4';
import cancerMap from '../../to-fhir/tables/cancer.json' with { type: 'json' };
import obsTable from '../../to-fhir/tables/observation.json' with { type: 'json' };
import tnm from '../../to-fhir/tables/tnm.json' with { type: 'json' };
import statuses from '../../to-fhir/tables/statuses.json' with { type: 'json' };
import type { Located } from '../context.js';
import { cd, invert, ivlTs } from '../datatypes.js';
import { el, type XElement } from '../xml.js';
import { absentValue, codesOf, comments, effectiveTime, nestedAll, obsStatus, relationship, statement, statusCode, TEMPLATES, type EntryCtx } from './common.js';

type Category = { loinc: string; display: string; category: string; setting: string; prefix?: string };
const CATEGORIES = tnm.categories as Record<string, Category>;
const GROUPS = tnm.groups as Record<string, { loinc: string; display: string; setting: string }>;
const CATEGORY_LOINCS = new Set(Object.values(CATEGORIES).map((c) => c.loinc));
const GROUP_LOINCS = new Set(Object.values(GROUPS).map((g) => g.loinc));
const CONDITION_STATUS = invert(statuses.conditionClinical as Record<string, string>);
const PS_ANSWERS = invert(Object.fromEntries(Object.entries(obsTable.performanceStatus.answers).map(([k, v]) => [k, String(v)])));
const LOINC = 'http://loinc.org';
const TNM_SYSTEM = 'urn:oid:2.16.840.1.113883.15.6';

const isStageGroup = (o: Observation): boolean => codesOf(o.code).some((c) => GROUP_LOINCS.has(c) || c in GROUPS);
const isCategory = (o: Observation): boolean => codesOf(o.code).some((c) => CATEGORY_LOINCS.has(c) || c in CATEGORIES);

/** The TNM edition a stage or category names: its value's version, or the number in the method text. */
function edition(...obs: (Observation | undefined)[]): string | undefined {
  for (const o of obs) {
    const v = o?.valueCodeableConcept?.coding?.find((c) => c.version)?.version;
    if (v) return v;
    const m = /(\d+)/.exec(o?.method?.text ?? o?.method?.coding?.find((c) => c.system?.endsWith('tnm-edition'))?.code ?? '');
    if (m) return m[1];
  }
  return undefined;
}

/** The CDA code of a T/N/M category: the CI-SIS code FHIR kept next to the LOINC one (APSR ypT…), else the LOINC one. */
function categoryCode(o: Observation): Coding | undefined {
  const cisis = o.code.coding?.find((c) => c.code && CATEGORIES[c.code] && c.system !== LOINC);
  return cisis ?? o.code.coding?.find((c) => c.system === LOINC && c.code && CATEGORIES[c.code]) ?? o.code.coding?.[0];
}

/** One T, N or M observation (FR-Simple-Observation, or the APSR pT/pN/pM part templates). */
export function tnmCategory(loc: Located, ctx: EntryCtx): XElement | undefined {
  const o = (loc as Located<Observation>).resource;
  const code = categoryCode(o);
  const apsr = code?.code ? TEMPLATES.tnmCategoryTemplates[code.code] : undefined;
  const parts = [
    cd('code', code, { path: `${loc.path}.code` }),
    statusCode(obsStatus(o.status)),
    effectiveTime(o.effectiveDateTime, o.effectivePeriod),
    o.valueCodeableConcept ? cd('value', o.valueCodeableConcept, { xsiType: 'CD', path: `${loc.path}.valueCodeableConcept`, warn: ctx.w.warn }) : absentValue(o),
    ...comments(ctx, o.note),
  ];
  if (!apsr) return statement('simpleObservation', ctx, loc, parts);
  const x = statement('simpleObservation', ctx, loc, parts);
  return { ...x, children: [...apsr.map((root) => el('templateId', { root })), ...x.children.filter((c) => typeof c === 'string' || c.name !== 'templateId')] };
}

/** A T/N/M placeholder (nullFlavor value) for a category the volet requires and FHIR lacks. */
function missingCategory(ctx: EntryCtx, coding: Coding, from: string): XElement {
  ctx.w.warn(`The cancer has no ${coding.display ?? coding.code} (${coding.code}): written with value nullFlavor UNK, as the volet requires it`, from, 'warning');
  return statement('simpleObservation', ctx, undefined, [cd('code', coding), statusCode('completed'), el('effectiveTime', { nullFlavor: 'UNK' }), el('value', { 'xsi:type': 'CD', nullFlavor: 'UNK' })]);
}

/** The stage group with its categories: TNM holder 75620-5 (clinical, qualifiers stage 21909-7 and
 *  edition 21917-0) or APSR pTNM 21902-2 (pathological, categories as SPRT parts). */
export function tnmGroup(loc: Located, ctx: EntryCtx, opts: { extraMembers?: Located[]; required?: Coding[] } = {}): XElement | undefined {
  const o = (loc as Located<Observation>).resource;
  const loinc = o.code.coding?.find((c) => c.system === LOINC && GROUP_LOINCS.has(c.code ?? ''))?.code;
  const pathological = loinc === GROUPS['21902-2'].loinc && ctx.cfg.pathologicalTnm === true;
  const members = [...(o.hasMember ?? []).map((r, i) => ({ r, path: `${loc.path}.hasMember[${i}]` }))];
  const written: XElement[] = [];
  const seenCodes = new Set<string>();
  for (const m of members) {
    const x = ctx.nested(m.r, m.path);
    if (x) written.push(x);
    const res = ctx.w.resolve<Observation>(m.r);
    for (const c of codesOf(res?.resource.code)) seenCodes.add(c);
  }
  for (const extra of opts.extraMembers ?? []) {
    const x = ctx.nested({ reference: extra.fullUrl ?? extra.path }, extra.path);
    if (x) written.push(x);
    for (const c of codesOf((extra.resource as Observation).code)) seenCodes.add(c);
  }
  for (const req of opts.required ?? []) if (!seenCodes.has(req.code!)) written.push(missingCategory(ctx, req, `${loc.path}.hasMember`));
  const firstMember = members.map((m) => ctx.w.resolve<Observation>(m.r)?.resource).find(Boolean);
  const ed = edition(o, firstMember);
  if (pathological) {
    return statement('tnmPathological', ctx, loc, [
      statusCode(obsStatus(o.status)),
      effectiveTime(o.effectiveDateTime, o.effectivePeriod),
      o.valueCodeableConcept ? cd('value', o.valueCodeableConcept, { xsiType: 'CD', path: `${loc.path}.valueCodeableConcept`, warn: ctx.w.warn }) : undefined,
      ...written.map(relationship('SPRT')),
      ...comments(ctx, o.note),
    ]);
  }
  const qualifiers: XElement[] = [];
  if (o.valueCodeableConcept) qualifiers.push(el('qualifier', {}, cd('name', { system: LOINC, code: tnm.stageQualifier, display: 'Stade clinique' }), cd('value', o.valueCodeableConcept, { xsiType: 'CD', path: `${loc.path}.valueCodeableConcept`, warn: ctx.w.warn })));
  if (ed) qualifiers.push(el('qualifier', {}, cd('name', { system: LOINC, code: tnm.versionQualifier, display: 'Version TNM Classification' }), el('value', { 'xsi:type': 'CD', code: ed, codeSystem: TNM_SYSTEM.slice(8), codeSystemName: 'TNM_UICC', displayName: `TNM_UICC ${ed}ème édition` })));
  return statement('tnmClinical', ctx, loc, [
    statusCode(obsStatus(o.status)),
    effectiveTime(o.effectiveDateTime, o.effectivePeriod),
    qualifiers.length ? el('value', { 'xsi:type': 'CD' }, qualifiers) : el('value', { 'xsi:type': 'CD', nullFlavor: 'NA' }),
    ...written.map(relationship('COMP')),
    ...comments(ctx, o.note),
  ]);
}

/** The stagings of a cancer: Condition.stage assessments, then stage groups and loose categories whose focus is the Condition. */
function stagingOf(ctx: EntryCtx, cond: Located<Condition>): { groups: Located[]; loose: Located[] } {
  const groups: Located[] = [];
  const add = (l: Located | undefined) => {
    if (l && !groups.some((g) => g.path === l.path)) groups.push(l);
  };
  (cond.resource.stage ?? []).forEach((s, i) => (s.assessment ?? []).forEach((a, j) => add(ctx.w.resolve(a, `${cond.path}.stage[${i}].assessment[${j}]`))));
  const focusOn = (o: Observation) => o.focus?.some((f) => ctx.w.resolve(f)?.path === cond.path);
  const all = (ctx.w.bundle.entry ?? []).map((e, i) => ({ resource: e.resource!, path: `Bundle.entry[${i}].resource`, fullUrl: e.fullUrl }) as Located).filter((l) => l.resource?.resourceType === 'Observation' && !ctx.written.has(l.path));
  for (const l of all) if (isStageGroup(l.resource as Observation) && focusOn(l.resource as Observation)) add(l);
  // Categories that focus on the cancer but that no stage group lists.
  const members = new Set(groups.flatMap((g) => ((g.resource as Observation).hasMember ?? []).map((m) => ctx.w.resolve(m)?.path)));
  const loose = all.filter((l) => isCategory(l.resource as Observation) && focusOn(l.resource as Observation) && !members.has(l.path));
  return { groups, loose };
}

/** The primary cancer Condition → concern act (FR-Liste-des-problemes) holding FR-Diagnostic-du-cancer. */
export function cancer(loc: Located, ctx: EntryCtx): XElement | undefined {
  const cond = loc as Located<Condition>;
  const c = cond.resource;
  const warn = ctx.w.warn;
  const morphology = c.extension?.find((e) => e.url === cancerMap.morphologyExtension || e.url.endsWith('histology-morphology-behavior'))?.valueCodeableConcept;
  const site = c.bodySite?.[0] ?? (c.code?.coding?.some((x) => x.system === 'http://hl7.org/fhir/sid/icd-10') ? c.code : undefined);
  const laterality = site?.extension?.find((e) => e.url === cancerMap.lateralityExtension || e.url.endsWith('laterality'))?.valueCodeableConcept;
  const lateralityQualifier = laterality
    ? [el('qualifier', {}, cd('name', { system: LOINC, code: cancerMap.lateralityQualifier, display: 'Latéralité' }), cd('value', laterality, { path: `${loc.path}.bodySite[0].extension`, warn }))]
    : undefined;
  const onset = c.onsetDateTime ?? c.onsetPeriod?.start;
  if (!morphology) warn('The cancer has no ICD-O-3 morphology (histology-morphology-behavior extension): FR-Diagnostic-du-cancer value is nullFlavor with the diagnosis text', `${loc.path}.extension`, 'information');
  const { groups, loose } = stagingOf(ctx, cond);
  const staging: XElement[] = [];
  groups.forEach((g, i) => {
    ctx.written.add(g.path);
    ctx.w.markUsed(g);
    const x = tnmGroup(g, ctx, { extraMembers: i === 0 ? loose : [], required: i === 0 ? ctx.cfg.requiredTnm : undefined });
    if (x) staging.push(x);
  });
  if (!groups.length && (loose.length || ctx.cfg.requiredTnm?.length)) {
    // No stage group: the categories (or the placeholders the volet requires) under an empty TNM holder.
    const holder: Located = { resource: { resourceType: 'Observation', status: 'final', code: { coding: [{ system: LOINC, code: '21908-9' }] } } as Observation, path: `${loc.path}.stage` };
    const x = tnmGroup(holder, ctx, { extraMembers: loose, required: ctx.cfg.requiredTnm });
    if (x) staging.push(x);
  }
  const diagnosis = statement('cancerDiagnosis', ctx, loc, [
    statusCode('completed'),
    ivlTs('effectiveTime', { start: onset }, 'UNK'),
    cd('value', morphology ?? { text: c.code?.text ?? c.code?.coding?.[0]?.display ?? 'Cancer' }, { xsiType: 'CD', path: `${loc.path}.extension`, warn, nullFlavor: 'OTH' }),
    site ? cd('targetSiteCode', site, { path: `${loc.path}.bodySite[0]`, warn, qualifiers: lateralityQualifier }) : undefined,
    ...staging.map((s) => el('entryRelationship', { typeCode: 'SUBJ', inversionInd: 'false' }, s)),
    ...(c.evidence ?? []).flatMap((e, i) => nestedAll(ctx, e.detail, `${loc.path}.evidence[${i}].detail`, (x) => el('entryRelationship', { typeCode: 'SUBJ', inversionInd: 'false' }, x))),
    ...comments(ctx, c.note),
  ], { negationInd: c.verificationStatus?.coding?.some((x) => x.code === 'refuted') ? 'true' : 'false' });
  const status = CONDITION_STATUS[c.clinicalStatus?.coding?.[0]?.code ?? ''] ?? 'active';
  return statement('concern', ctx, undefined, [
    el('code', { nullFlavor: 'NA' }),
    statusCode(status === 'suspended' ? 'suspended' : status),
    ivlTs('effectiveTime', { start: onset }, 'UNK'),
    el('entryRelationship', { typeCode: 'SUBJ', inversionInd: 'false' }, diagnosis),
  ]);
}

/** A stage group that no cancer Condition claims: written on its own (TNM holder). */
export function standaloneStage(loc: Located, ctx: EntryCtx): XElement | undefined {
  return tnmGroup(loc, ctx);
}

/** WHO performance status: MED-239 with the CI-SIS grade as value and the LOINC answer as interpretation. */
export function performanceStatus(loc: Located, ctx: EntryCtx): XElement | undefined {
  const o = (loc as Located<Observation>).resource;
  const warn = ctx.w.warn;
  const code = o.code.coding?.find((c) => c.code === 'MED-239') ?? o.code.coding?.[0];
  const interp = [...(o.interpretation ?? [])];
  // to-fhir keeps the CI-SIS grade as the first interpretation when the value is the score.
  const grade = o.valueInteger !== undefined && interp[0]?.coding?.some((c) => c.code?.startsWith('MED-')) ? interp.shift() : undefined;
  const answer = o.valueInteger !== undefined ? PS_ANSWERS[String(o.valueInteger)] : undefined;
  const hasAnswer = interp.some((i) => codesOf(i).includes(answer ?? ''));
  const interpretations: CodeableConcept[] = [...(answer && !hasAnswer ? [{ coding: [{ system: LOINC, code: answer }] }] : []), ...interp];
  const v = grade ? cd('value', grade, { xsiType: 'CD', path: `${loc.path}.interpretation[0]`, warn })
    : o.valueCodeableConcept ? cd('value', o.valueCodeableConcept, { xsiType: 'CD', path: `${loc.path}.valueCodeableConcept`, warn })
    : o.valueInteger !== undefined ? el('value', { 'xsi:type': 'INT', value: String(o.valueInteger) }) : absentValue(o);
  return statement('performanceStatus', ctx, loc, [
    cd('code', code, { path: `${loc.path}.code`, warn }),
    statusCode(obsStatus(o.status)),
    effectiveTime(o.effectiveDateTime, o.effectivePeriod),
    v,
    ...interpretations.map((i, n) => cd('interpretationCode', i, { path: `${loc.path}.interpretation[${n}]`, warn })),
    ...comments(ctx, o.note),
  ]);
}

export { isStageGroup, isCategory };
