// Planned and done acts, the inverse of src/cda/to-fhir/entries/plan.ts: an RCP proposal
// (ServiceRequest) → FR-Acte INT, FR-Rencontre ARQ or FR-Demande-d-examen-ou-de-suivi PRP by its kind;
// a PPS CarePlan → one FR-Acte per activity (INT when planned, EVN when done) whose code is the
// activity type with what is planned as code qualifier, planned dates as GEN-177, the administration
// mode as ORG-006, the description and progress as comments, reasons as RSON.
import type { CarePlan, CarePlanActivity, CodeableConcept, Coding, Period, ServiceRequest, Timing } from 'fhir/r4';
import { codeSystemUrl, structureDefinitionUrl } from '../../../documents/canonical.js';
import plan from '../../to-fhir/tables/plan.json' with { type: 'json' };
import statuses from '../../to-fhir/tables/statuses.json' with { type: 'json' };
import type { Located } from '../context.js';
import { cd, invert, ivlTs } from '../datatypes.js';
import { el, type XElement } from '../xml.js';
import { commentAct, comments, nestedAll, performers, relationship, statement, statusCode, TEMPLATES, type EntryCtx, type WriteRule } from './common.js';
import { professional, roleEl } from '../entities.js';

const REQUEST_STATUS = invert(statuses.request as Record<string, string>);
const CISIS = 'https://smt.esante.gouv.fr/fhir/CodeSystem/terminologie-cisis';

/** The act's CDA code: its type (a CI-SIS act type) with the act as code qualifier, or the act alone. */
function actCode(ctx: EntryCtx, type: CodeableConcept | undefined, act: CodeableConcept | undefined, path: string): XElement {
  const warn = ctx.w.warn;
  const sameAs = (a?: CodeableConcept, b?: CodeableConcept) => !!a && !!b && a.coding?.some((x) => b.coding?.some((y) => x.system === y.system && x.code === y.code));
  if (type?.coding?.length && act?.coding?.length && !sameAs(type, act)) {
    return cd('code', type, { path, warn, qualifiers: [el('qualifier', {}, cd('value', act, { path, warn }))] });
  }
  return cd('code', type?.coding?.length ? type : act, { path, warn });
}

/** The planned dates of an act as a GEN-177 sub-observation (CI-SIS 'Date(s) prévisionnelle(s)'). */
function plannedDates(ctx: EntryCtx, period: { start?: string; end?: string } | undefined): XElement | undefined {
  if (!period?.start && !period?.end) return undefined;
  return el('entryRelationship', { typeCode: 'COMP', inversionInd: 'false' }, statement('simpleObservation', ctx, undefined, [
    cd('code', { system: CISIS, code: plan.plannedDates[0], display: 'Date(s) prévisionnelle(s)' }),
    statusCode('completed'),
    ivlTs('effectiveTime', period),
    el('value', { 'xsi:type': 'CD', nullFlavor: 'NA' }),
  ]));
}

/** An RCP proposal: its template by the proposal kind (category), else by its code, else a planned procedure. */
export function proposal(loc: Located, ctx: EntryCtx, rule: WriteRule): XElement | undefined {
  const sr = (loc as Located<ServiceRequest>).resource;
  const kindSystem = codeSystemUrl((rule.options?.kindSystem as string | undefined) ?? 'rcp-proposal-kind');
  const kind = sr.category?.flatMap((c) => c.coding ?? []).find((c) => c.system === kindSystem)?.code;
  const byCode = (rule.options?.templatesByCode as Record<string, string> | undefined) ?? {};
  const codeTemplate = [...(sr.category ?? []), sr.code].flatMap((c) => c?.coding ?? []).map((c) => byCode[c.code ?? '']).find(Boolean);
  const tpl = (kind && ctx.cfg.proposalTemplates?.[kind]) || codeTemplate || 'plannedProcedure';
  const type = sr.category?.find((c) => !c.coding?.some((x) => x.system === kindSystem));
  const occurrence = sr.occurrencePeriod ?? (sr.occurrenceDateTime ? { start: sr.occurrenceDateTime } : undefined);
  const element = TEMPLATES[tpl].element;
  return statement(tpl, ctx, loc, [
    actCode(ctx, type, sr.code, `${loc.path}.code`),
    statusCode(REQUEST_STATUS[sr.status] ?? 'active'),
    ivlTs('effectiveTime', occurrence, 'UNK'),
    sr.priority ? el('priorityCode', { code: invert(statuses.priority as Record<string, string>)[sr.priority] ?? 'R', codeSystem: '2.16.840.1.113883.5.7' }) : undefined,
    element === 'observation' ? el('value', { 'xsi:type': 'CD', nullFlavor: 'NA' }) : undefined,
    ...(element === 'procedure' ? (sr.bodySite ?? []).map((b, i) => cd('targetSiteCode', b, { path: `${loc.path}.bodySite[${i}]`, warn: ctx.w.warn })) : []),
    ...performers(ctx, sr.performer, `${loc.path}.performer`),
    ...nestedAll(ctx, sr.supportingInfo, `${loc.path}.supportingInfo`, relationship('COMP')),
    ...comments(ctx, sr.note),
  ]);
}

/** Timing → the span of its planned dates (events, or the bounds of its repeat). */
function timingPeriod(t: Timing | undefined): Period | undefined {
  const events = [...(t?.event ?? [])].sort();
  if (events.length) return { start: events[0], end: events.length > 1 ? events[events.length - 1] : undefined };
  return t?.repeat?.boundsPeriod;
}

/** The rhythm of a Timing in words (CDA has no structured rhythm in the PPS): 'Rythme : 1 fois par 3 sem'. */
function timingText(t: Timing | undefined): string | undefined {
  const r = t?.repeat;
  if (t?.code?.text) return `Rythme : ${t.code.text}`;
  if (!r?.frequency && !r?.period) return undefined;
  return `Rythme : ${r.frequency ?? 1} fois par ${r.period ?? 1} ${r.periodUnit ?? ''}`.trim();
}

/** One PPS activity → FR-Acte (procedure INT or EVN), or MED-052 'arrêt de tous les traitements' (observation BL). */
function activity(ctx: EntryCtx, a: CarePlanActivity, path: string, cfg: { typeExtension: string; modeExtension: string; stopCode: string }): XElement | undefined {
  const d = a.detail;
  if (!d) {
    ctx.w.warn('A CarePlan activity without detail (a reference) has no CI-SIS form; it is left out', path, 'warning');
    return undefined;
  }
  const warn = ctx.w.warn;
  const type = d.extension?.find((e) => e.url === structureDefinitionUrl(cfg.typeExtension))?.valueCodeableConcept;
  const mode = d.extension?.find((e) => e.url === structureDefinitionUrl(cfg.modeExtension))?.valueCodeableConcept;
  const timing = timingText(d.scheduledTiming);
  const notes = [...(a.progress ?? []).map((p) => p.text), ...(d.description ? [d.description] : []), ...(timing ? [timing] : []), ...(d.scheduledString ? [`Dates prévues : ${d.scheduledString}`] : [])].filter(Boolean);
  const scheduled = d.scheduledPeriod ?? timingPeriod(d.scheduledTiming);
  if (type?.coding?.some((c) => c.code === cfg.stopCode)) {
    return statement('simpleObservation', ctx, undefined, [
      cd('code', type, { path: `${path}.detail.extension`, warn }),
      statusCode('completed'),
      ivlTs('effectiveTime', scheduled, 'UNK'),
      el('value', { 'xsi:type': 'BL', value: String(!d.doNotPerform) }),
      ...notes.map((t) => el('entryRelationship', { typeCode: 'SUBJ', inversionInd: 'true' }, commentAct(ctx, t))),
    ]);
  }
  const planned = ['scheduled', 'not-started', 'on-hold', 'unknown'].includes(d.status);
  const ownText = d.code?.text && d.code.text !== d.code.coding?.[0]?.display ? d.code.text : undefined;
  const act = d.code ? { ...d.code, text: undefined } : undefined;
  const performers = (d.performer ?? []).map((r, i) => professional(ctx.w, r, `${path}.detail.performer[${i}]`)).filter((p) => !!p);
  return statement(planned ? 'plannedProcedure' : 'procedure', ctx, undefined, [
    actCode(ctx, type, act, `${path}.detail.code`),
    ownText ? el('text', {}, ownText) : undefined,
    statusCode(planned ? 'active' : d.status === 'cancelled' ? 'cancelled' : d.status === 'stopped' ? 'aborted' : 'completed'),
    planned ? el('effectiveTime', { nullFlavor: 'UNK' }) : ivlTs('effectiveTime', scheduled, 'UNK'),
    ...performers.map((p) => el('performer', { typeCode: 'PRF' }, roleEl(ctx.w, p!, { role: 'assignedEntity', person: 'assignedPerson', organization: 'representedOrganization' }))),
    planned ? plannedDates(ctx, scheduled) : undefined,
    mode ? el('entryRelationship', { typeCode: 'COMP', inversionInd: 'false' }, statement('simpleObservation', ctx, undefined, [
      cd('code', { system: CISIS, code: 'ORG-006', display: 'Mode' } as Coding), statusCode('completed'), el('effectiveTime', { nullFlavor: 'NA' }),
      cd('value', mode, { xsiType: 'CD', path: `${path}.detail.extension`, warn }),
    ])) : undefined,
    ...notes.map((t) => el('entryRelationship', { typeCode: 'SUBJ', inversionInd: 'true' }, commentAct(ctx, t))),
    ...nestedAll(ctx, d.reasonReference, `${path}.detail.reasonReference`, relationship('RSON')),
  ], d.doNotPerform ? { negationInd: 'true' } : {});
}

/** A PPS CarePlan: one entry per activity (the section says which part of the PPS it is). Returns the
 *  first activity; the others follow as sibling entries (see the `entries` option of the dispatcher). */
export function carePlanActivities(loc: Located, ctx: EntryCtx, rule: WriteRule): XElement[] {
  const p = (loc as Located<CarePlan>).resource;
  const cfg = { typeExtension: 'pps-activity-type', modeExtension: 'administration-mode', stopCode: 'MED-052', ...(rule.options ?? {}) } as { typeExtension: string; modeExtension: string; stopCode: string };
  const out = (p.activity ?? []).map((a, i) => activity(ctx, a, `${loc.path}.activity[${i}]`, cfg)).filter((x): x is XElement => !!x);
  if (!out.length) ctx.w.warn('The CarePlan has no activity with a detail: nothing to write', `${loc.path}.activity`, 'warning');
  for (const n of p.note ?? []) if (n.text) out.push(commentAct(ctx, n.text));
  return out;
}

