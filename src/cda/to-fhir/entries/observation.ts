// Generic entries: simple observations (FR-Simple-Observation, APSR observations), organizers
// (BATTERY/CLUSTER → grouping Observation), comments (→ notes of their parent), problems
// (FR-Probleme → Condition) and past procedures. Nested entries are converted recursively.
import type { CodeableConcept, Condition, Observation, Procedure, Reference } from 'fhir/r4';
import { all, child, children, type CdaElement } from '../../dom.js';
import { practitionerRole } from '../header.js';
import { codeableConcept } from '../codes.js';
import { ivlTsToPeriod, quantity, range, tsToDateTime, value } from '../datatypes.js';
import statuses from '../tables/statuses.json' with { type: 'json' };
import { commentText, isComment, nested, notes, noteUnmappedParts, observationBase, pick, type EntryContext, type EntryRule, type MapResult } from './context.js';
import { convertEntry } from './dispatch.js';
import { compact } from '../compact.js';


/** Converts an element's nested entries: comments become notes, the rest resources. */
export function convertNested(el: CdaElement, ctx: EntryContext, skip: (c: CdaElement) => boolean = () => false): { refs: Reference[]; notes: string[] } {
  const refs: Reference[] = [];
  const texts: string[] = [];
  for (const c of nested(el)) {
    if (skip(c)) continue;
    const r = convertEntry(c, ctx);
    refs.push(...r.refs);
    if (r.note) texts.push(r.note);
  }
  return { refs, notes: texts };
}

/** The specimen of an observation (CDA specimen/specimenRole/id), when the document describes it. */
function specimenRef(el: CdaElement, ctx: EntryContext): Reference | undefined {
  for (const s of children(el, 'specimen')) {
    const id = child(child(s, 'specimenRole'), 'id');
    const key = id ? `${id.attrs.root ?? ''}|${id.attrs.extension ?? ''}` : undefined;
    if (key && ctx.collected.specimens.has(key)) return ctx.collected.specimens.get(key);
  }
  return ctx.collected.specimens.size === 1 && children(el, 'specimen').length ? [...ctx.collected.specimens.values()][0] : undefined;
}

/** An Observation from a CDA observation: code, value, effective, interpretation, method, body site,
 *  reference ranges, specimen; nested observations become hasMember, nested comments notes. */
export function observationResource(el: CdaElement, ctx: EntryContext, rule: EntryRule, extra: Partial<Observation> = {}): { obs: Observation; members: Reference[] } {
  const obs = observationBase(el, ctx, rule.category);
  const valueEl = child(el, 'value');
  const v = value(valueEl, ctx.b.resolveText);
  // A CD value with qualifiers but no code (e.g. TNM stage holder) keeps its qualifiers as components.
  const { refs, notes: nestedNotes } = convertNested(el, ctx);
  const interpretation = children(el, 'interpretationCode').map((i) => codeableConcept(i, ctx.b.resolveText)).filter((c): c is CodeableConcept => !!c);
  const method = codeableConcept(child(el, 'methodCode'), ctx.b.resolveText);
  const bodySite = codeableConcept(child(el, 'targetSiteCode'), ctx.b.resolveText);
  const ranges = children(el, 'referenceRange').map((r) => {
    const rv = child(child(r, 'observationRange'), 'value');
    const rg = range(rv);
    return rg ? compact({ low: rg.low, high: rg.high, text: ctx.b.resolveText(child(child(r, 'observationRange'), 'text')) }) : undefined;
  }).filter((r) => !!r);
  const ownText = ctx.b.resolveText(child(el, 'text'));
  const codeText = obs.code.coding?.[0]?.display;
  const hasValue = Object.keys(v).length > 0;
  const resource: Observation = compact({
    ...obs,
    ...v,
    ...(!hasValue && !refs.length ? { dataAbsentReason: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/data-absent-reason', code: valueEl?.attrs.nullFlavor === 'NA' ? 'not-applicable' : 'unknown' }] } } : {}),
    interpretation,
    method,
    bodySite,
    referenceRange: ranges as Observation['referenceRange'],
    specimen: ctx.specimen ?? specimenRef(el, ctx),
    performer: all(el, 'performer/assignedEntity').map((a) => practitionerRole(ctx.b, a)).filter((r): r is Reference => !!r),
    // The entry's narrative is kept when it adds to the coded value (free text of the sender).
    note: notes([...(ownText && ownText !== codeText && ownText !== (v as { valueString?: string }).valueString ? [ownText] : []), ...nestedNotes]),
    hasMember: refs.filter((r) => r.reference),
    ...extra,
  });
  if (rule.profile) resource.meta = { profile: [ctx.profileUrl(rule.profile)] };
  noteUnmappedParts(el, ctx, ['performer']);
  return { obs: resource, members: refs };
}

export function simpleObservation(el: CdaElement, ctx: EntryContext, rule: EntryRule): MapResult {
  if (!child(el, 'code')?.attrs.code && !child(el, 'value') && !nested(el).length) {
    ctx.b.warn('An observation with neither code nor value is not mapped; it stays in the section narrative', el);
    return { refs: [] };
  }
  const { obs } = observationResource(el, ctx, rule);
  const ref = ctx.b.add(`Observation|${el.xpath}`, obs);
  return { refs: [ref] };
}

/** A comment: a note of its parent; at the top of a section an Observation 48767-8 with its text. */
export function comment(el: CdaElement, ctx: EntryContext, rule: EntryRule): MapResult {
  const t = commentText(el, ctx);
  const topLevel = el.parent?.name === 'entry';
  if (!topLevel) return { refs: [], note: t };
  if (!t) return { refs: [] };
  const obs: Observation = { ...observationBase(el, ctx, rule.category), valueString: t };
  return { refs: [ctx.b.add(`Observation|${el.xpath}`, obs)] };
}

/** BATTERY/CLUSTER organizer → a grouping Observation with its components as members. Its code is the
 *  organizer's (or the section's), its value the classification carried as a code qualifier. */
export function organizer(el: CdaElement, ctx: EntryContext, rule: EntryRule): MapResult {
  const { refs, notes: texts } = convertNested(el, ctx);
  if (!refs.length && !texts.length) return { refs: [] };
  const codeEl = child(el, 'code');
  const qualifier = child(codeEl, 'qualifier');
  const qualName = codeableConcept(child(qualifier, 'name'), ctx.b.resolveText);
  const qualValue = codeableConcept(child(qualifier, 'value'), ctx.b.resolveText);
  const sectionTitle = ctx.b.resolveText(child(ctx.section, 'title'));
  const code = (codeEl?.attrs.code ? codeableConcept(codeEl, ctx.b.resolveText) : undefined)
    ?? qualName
    ?? { ...(codeableConcept(child(ctx.section, 'code')) ?? {}), ...(sectionTitle ? { text: sectionTitle } : {}) };
  const base = observationBase(el, ctx, rule.category);
  const obs: Observation = compact({
    ...base,
    code,
    ...(qualValue ? { valueCodeableConcept: qualValue } : {}),
    hasMember: refs,
    note: notes(texts),
  });
  if (rule.profile) obs.meta = { profile: [ctx.profileUrl(rule.profile)] };
  const ref = ctx.b.add(`Observation|${el.xpath}`, obs);
  return { refs: [ref] };
}

/** FR-Probleme (not a cancer diagnosis): a Condition coded by the observation's value. */
export function problem(el: CdaElement, ctx: EntryContext, rule: EntryRule): MapResult {
  const code = codeableConcept(child(el, 'value'), ctx.b.resolveText);
  if (!code) {
    ctx.b.warn('A problem entry without a coded or described problem (value nullFlavor) is not mapped; it stays in the section narrative', el);
    return { refs: [] };
  }
  const { refs, notes: texts } = convertNested(el, ctx);
  const onset = ivlTsToPeriod(child(el, 'effectiveTime'));
  const cond: Condition = compact({
    resourceType: 'Condition' as const,
    ...(rule.profile ? { meta: { profile: [ctx.profileUrl(rule.profile)] } } : {}),
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: onset?.end ? 'resolved' : 'active' }] },
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'problem-list-item' }] }],
    code,
    subject: ctx.patient,
    encounter: ctx.encounter,
    onsetDateTime: onset?.start,
    abatementDateTime: onset?.end,
    evidence: refs.length ? [{ detail: refs }] : undefined,
    note: notes(texts),
  });
  return { refs: [ctx.b.add(`Condition|${el.xpath}`, cond)] };
}

/** A procedure that took place (moodCode EVN): Procedure. */
export function procedure(el: CdaElement, ctx: EntryContext, rule: EntryRule): MapResult {
  const key = `Procedure|${el.xpath}`;
  const self = ctx.b.refFor(key);
  // Nested entries: reasons (typeCode RSON) are reasonReference, the others observations part of the act.
  const reasons: Reference[] = [];
  const parts: Reference[] = [];
  const texts: string[] = [];
  for (const c of nested(el)) {
    const r = convertEntry(c, { ...ctx, partOf: self });
    (c.parent?.attrs.typeCode === 'RSON' ? reasons : parts).push(...r.refs);
    if (r.note) texts.push(r.note);
  }
  const eff = child(el, 'effectiveTime');
  const period = ivlTsToPeriod(eff);
  const qualifier = codeableConcept(child(child(child(el, 'code'), 'qualifier'), 'value'), ctx.b.resolveText);
  const code = codeableConcept(child(el, 'code'), ctx.b.resolveText);
  const own = ctx.b.resolveText(child(el, 'text'));
  const proc: Procedure = compact({
    resourceType: 'Procedure' as const,
    ...(rule.profile ? { meta: { profile: [ctx.profileUrl(rule.profile)] } } : {}),
    status: pick(statuses.procedure, child(el, 'statusCode')?.attrs.code) as Procedure['status'],
    // A CI-SIS act type with the actual act as code qualifier: the act is the code, the type the category.
    category: qualifier ? code : undefined,
    code: qualifier ?? code ?? { text: own ?? 'Acte non codé' },
    subject: ctx.patient,
    encounter: ctx.encounter,
    ...(period?.end ? { performedPeriod: period } : period?.start ? { performedDateTime: period.start } : eff?.attrs.value ? { performedDateTime: tsToDateTime(eff.attrs.value) } : {}),
    bodySite: codeableConcept(child(el, 'targetSiteCode'), ctx.b.resolveText) ? [codeableConcept(child(el, 'targetSiteCode'), ctx.b.resolveText)!] : undefined,
    reasonReference: reasons,
    note: notes([own && own !== (qualifier ?? code)?.coding?.[0]?.display ? own : undefined, ...texts]),
  });
  ctx.b.add(key, proc);
  // The parts point to the Procedure; they are listed too, so every resource is reachable from the Composition.
  return { refs: [self, ...parts] };
}

/** Quantity helper re-exported for mappers that read PQ children. */
export { quantity };
