// Cancer entries: the FR-Liste-des-problemes concern and its FR-Diagnostic-du-cancer → primary
// cancer Condition (ICD-O-3 morphology/behaviour, topography, laterality, date of diagnosis);
// TNM (clinical 75620-5 holder, APSR pTNM 21902-2) → stage group and T/N/M category Observations;
// WHO performance status → performance status Observation. Codes come from tables/tnm.json.
import type { CodeableConcept, Coding, Condition, Extension, Observation, Reference } from 'fhir/r4';
import { child, children, type CdaElement } from '../../dom.js';
import { codeableConcept, coding } from '../codes.js';
import { ivlTsToPeriod, tsToDateTime, value } from '../datatypes.js';
import obsTable from '../tables/observation.json' with { type: 'json' };
import statuses from '../tables/statuses.json' with { type: 'json' };
import tnm from '../tables/tnm.json' with { type: 'json' };
import cancerMap from '../tables/cancer.json' with { type: 'json' };
import { codeSystemUrl, structureDefinitionUrl } from '../../../documents/canonical.js';
import { isComment, commentText, nested, notes, observationBase, pick, type EntryContext, type EntryRule, type MapResult } from './context.js';
import { convertEntry } from './dispatch.js';
import { compact } from '../compact.js';

type Category = { loinc: string; display: string; category: string; setting: string; prefix?: string };
type Group = { loinc: string; display: string; setting: string };
const CATEGORIES = tnm.categories as Record<string, Category>;
const GROUPS = tnm.groups as Record<string, Group>;

/** FR-Liste-des-problemes (concern act): its problems, with the concern's dates as fallback. */
export function concern(el: CdaElement, ctx: EntryContext): MapResult {
  const refs: Reference[] = [];
  const texts: string[] = [];
  for (const c of nested(el)) {
    const r = convertEntry(c, { ...ctx, concern: el });
    refs.push(...r.refs);
    if (r.note) texts.push(r.note);
  }
  if (texts.length) for (const ref of refs) {
    const res = ctx.b.resolve<Condition>(ref);
    if (res?.resourceType === 'Condition') res.note = [...(res.note ?? []), ...notes(texts)!];
  }
  return { refs };
}

/** The qualifier values of a CD (name code → value element). */
function qualifiers(cd: CdaElement | undefined): Map<string, CdaElement> {
  const out = new Map<string, CdaElement>();
  for (const q of children(cd, 'qualifier')) {
    const name = child(q, 'name')?.attrs.code;
    const v = child(q, 'value');
    if (name && v) out.set(name, v);
  }
  return out;
}

/** FR-Diagnostic-du-cancer → primary cancer Condition. Nested TNM → Condition.stage; other nested entries are evidence. */
export function primaryCancer(el: CdaElement, ctx: EntryContext, rule: EntryRule): MapResult {
  const morphologyEl = child(el, 'value');
  const siteEl = child(el, 'targetSiteCode');
  const morphology = codeableConcept(morphologyEl, ctx.b.resolveText);
  const site = codeableConcept(siteEl, ctx.b.resolveText);
  const laterality = codeableConcept(qualifiers(siteEl).get(cancerMap.lateralityQualifier), ctx.b.resolveText);
  const concernEl = ctx.concern;
  const onset = ivlTsToPeriod(child(el, 'effectiveTime'))?.start ?? ivlTsToPeriod(child(concernEl, 'effectiveTime'))?.start;
  const key = `Condition|${el.xpath}`;
  // Stages point to the condition, which is added after them.
  const condRef = ctx.b.refFor(key);
  const stages: { summary?: CodeableConcept; assessment: Reference[]; type?: CodeableConcept }[] = [];
  const evidence: Reference[] = [];
  const texts: string[] = [];
  for (const c of nested(el)) {
    if (isComment(c)) {
      const t = commentText(c, ctx);
      if (t) texts.push(t);
      continue;
    }
    const r = convertEntry(c, { ...ctx, focus: condRef });
    for (const ref of r.refs) {
      const res = ctx.b.resolve<Observation>(ref);
      const loinc = res?.code?.coding?.find((x) => x.system === 'http://loinc.org')?.code;
      if (res?.resourceType === 'Observation' && loinc && Object.values(GROUPS).some((g) => g.loinc === loinc)) {
        stages.push(compact({ summary: res.valueCodeableConcept, assessment: [ref], type: res.method }));
      } else evidence.push(ref);
    }
    if (r.note) texts.push(r.note);
  }
  // The diagnosis code: the topography in ICD-10 (a C-code names the cancer), else the morphology, else the narrative.
  const narrative = ctx.b.resolveText(child(el, 'text'));
  const code: CodeableConcept = site?.coding?.length ? { ...site } : morphology?.coding?.length ? { ...morphology } : { text: narrative ?? site?.text ?? morphology?.text ?? 'Cancer (non codé)' };
  if (!site?.coding?.length && !morphology?.coding?.length) {
    ctx.b.warn('The cancer diagnosis has no coded topography or morphology (nullFlavor); the Condition carries the narrative text only', el, 'warning', 'incomplete');
  }
  const extension: Extension[] = morphology ? [{ url: structureDefinitionUrl(cancerMap.morphologyExtension), valueCodeableConcept: morphology }] : [];
  const bodySite = site ? [{ ...site, ...(laterality ? { extension: [{ url: structureDefinitionUrl(cancerMap.lateralityExtension), valueCodeableConcept: laterality }] } : {}) }] : undefined;
  const condition: Condition = compact({
    resourceType: 'Condition' as const,
    ...(rule.profile ? { meta: { profile: [ctx.profileUrl(rule.profile)] } } : {}),
    extension,
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: pick(statuses.conditionClinical, child(concernEl, 'statusCode')?.attrs.code) }] },
    verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: el.attrs.negationInd === 'true' ? 'refuted' : 'confirmed' }] },
    category: [{ coding: [cancerMap.category] }],
    code,
    bodySite,
    subject: ctx.patient,
    encounter: ctx.encounter,
    onsetDateTime: onset,
    recordedDate: ctx.documentDate,
    stage: stages,
    evidence: evidence.length ? [{ detail: evidence }] : undefined,
    note: notes([narrative && narrative !== code.coding?.[0]?.display ? narrative : undefined, ...texts]),
  });
  ctx.b.add(key, condition);
  ctx.collected.conditions.push(condRef);
  return { refs: [condRef] };
}

/** The staging system edition (tnm-edition code system) from the edition the document names
 *  (qualifier 21917-0, or the codeSystemVersion of the values); undefined when it says none. */
function tnmMethod(edition: string | undefined): CodeableConcept | undefined {
  const code = edition ? (tnm.editions as Record<string, string>)[edition.trim()] : undefined;
  return code ? { coding: [{ system: codeSystemUrl(tnm.editionSystem), code }] } : undefined;
}

/** One T, N or M category. The CDA code is kept next to the LOINC one (e.g. ypT keeps MED-834). */
export function tnmCategory(el: CdaElement, ctx: EntryContext, rule: EntryRule, method?: CodeableConcept): MapResult {
  const codeEl = child(el, 'code');
  const def = CATEGORIES[codeEl?.attrs.code ?? ''];
  const base = observationBase(el, ctx, rule.category ?? 'exam');
  const original = coding(codeEl);
  const code: CodeableConcept = def
    ? { coding: [{ system: 'http://loinc.org', code: def.loinc, display: def.display }, ...(original && original.code !== def.loinc ? [original] : [])], ...(def.prefix && def.prefix !== 'p' ? { text: `${def.prefix}${def.category}` } : {}) }
    : base.code;
  const valueEl = child(el, 'value');
  const v = codeableConcept(valueEl, ctx.b.resolveText);
  const focus = ctx.focus;
  const obs: Observation = compact({
    ...base,
    ...(rule.profile ? { meta: { profile: [ctx.profileUrl(rule.profile)] } } : {}),
    code,
    focus: focus ? [focus] : undefined,
    ...(v ? { valueCodeableConcept: v } : { dataAbsentReason: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/data-absent-reason', code: 'unknown' }] } }),
    method: method ?? tnmMethod(child(el, 'value')?.attrs.codeSystemVersion),
    note: notes(nested(el).filter(isComment).map((c) => commentText(c, ctx))),
  });
  if (!def) ctx.b.warn(`TNM code ${codeEl?.attrs.code ?? '(none)'} is not in the TNM table; kept as a plain observation`, el, 'information');
  return { refs: [ctx.b.add(`Observation|${el.xpath}`, obs)] };
}

/** A TNM holder (clinical 75620-5 or pathological 21902-2): a stage group Observation with the
 *  T/N/M categories as members, the stage (qualifier 21909-7 or value) as value and the edition
 *  (qualifier 21917-0) as method. A pathological holder without a stage only groups its categories. */
export function tnmGroup(el: CdaElement, ctx: EntryContext, rule: EntryRule): MapResult {
  const codeEl = child(el, 'code');
  const group = GROUPS[codeEl?.attrs.code ?? ''] ?? GROUPS['75620-5'];
  const valueEl = child(el, 'value');
  const q = qualifiers(valueEl);
  const stageEl = q.get(tnm.stageQualifier) ?? (valueEl?.attrs.code ? valueEl : undefined);
  const version = q.get(tnm.versionQualifier);
  const method = tnmMethod(version?.attrs.code ?? stageEl?.attrs.codeSystemVersion);
  const memberRule: EntryRule = { mapper: 'tnmCategory', profile: (rule.options?.categoryProfile as string | undefined), category: rule.category };
  const members: Reference[] = [];
  const others: Reference[] = [];
  const texts: string[] = [];
  for (const c of nested(el)) {
    if (isComment(c)) { const t = commentText(c, ctx); if (t) texts.push(t); continue; }
    if (CATEGORIES[child(c, 'code')?.attrs.code ?? '']) members.push(...tnmCategory(c, ctx, memberRule, method).refs);
    else others.push(...convertEntry(c, ctx).refs);
  }
  const stage = codeableConcept(stageEl, ctx.b.resolveText);
  if (!stage && group.setting === 'pathological') return { refs: [...members, ...others] };
  const base = observationBase(el, ctx, rule.category ?? 'exam');
  const focus = ctx.focus;
  const obs: Observation = compact({
    ...base,
    ...(rule.profile ? { meta: { profile: [ctx.profileUrl(rule.profile)] } } : {}),
    code: { coding: [{ system: 'http://loinc.org', code: group.loinc, display: group.display }, ...(codeEl?.attrs.code !== group.loinc && coding(codeEl) ? [coding(codeEl)!] : [])] },
    focus: focus ? [focus] : undefined,
    ...(stage ? { valueCodeableConcept: stage } : { dataAbsentReason: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/data-absent-reason', code: 'unknown' }] } }),
    method,
    hasMember: [...members, ...others],
    note: notes(texts),
  });
  return { refs: [ctx.b.add(`Observation|${el.xpath}`, obs)] };
}

/** WHO performance status (MED-239): the score (0–5) from its LOINC answer, the CI-SIS grade kept. */
export function performanceStatus(el: CdaElement, ctx: EntryContext, rule: EntryRule): MapResult {
  const base = observationBase(el, ctx, rule.category ?? 'survey');
  const raw = value(child(el, 'value'), ctx.b.resolveText);
  const grade = raw.valueCodeableConcept as CodeableConcept | undefined;
  const interp = children(el, 'interpretationCode');
  const answer = interp.map((i) => i.attrs.code).find((c) => c && c in obsTable.performanceStatus.answers);
  const score = answer ? (obsTable.performanceStatus.answers as Record<string, number>)[answer] : (raw.valueInteger as number | undefined);
  const original = coding(child(el, 'code'));
  const obs: Observation = compact({
    ...base,
    ...(rule.profile ? { meta: { profile: [ctx.profileUrl(rule.profile)] } } : {}),
    code: { coding: [obsTable.performanceStatus.loinc, ...(original ? [original] : [])] },
    ...(score !== undefined ? { valueInteger: score } : grade ? { valueCodeableConcept: grade } : { dataAbsentReason: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/data-absent-reason', code: 'unknown' }] } }),
    interpretation: [...(grade && score !== undefined ? [grade] : []), ...interp.map((i) => codeableConcept(i, ctx.b.resolveText)).filter((c): c is CodeableConcept => !!c)],
    note: notes(nested(el).filter(isComment).map((c) => commentText(c, ctx))),
  });
  if (!obs.effectiveDateTime && !obs.effectivePeriod) {
    const d = tsToDateTime(child(el, 'effectiveTime')?.attrs.value) ?? ctx.documentDate;
    if (d) obs.effectiveDateTime = d;
  }
  return { refs: [ctx.b.add(`Observation|${el.xpath}`, obs)] };
}
