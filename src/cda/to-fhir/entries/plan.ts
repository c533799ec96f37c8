// Planned acts → ServiceRequest: FR-Acte (moodCode INT), FR-Rencontre (ARQ) and
// FR-Demande-d-examen-ou-de-suivi (PRP). Used for the RCP proposals and for the PPS activities,
// which the section's CarePlan then lists (src/cda/to-fhir/convert.ts). When a CI-SIS act type
// carries the actual act as code qualifier (PPS: MED-568 Traitement → C15313 Radiothérapie), the
// type is the category and the act the code. Planned dates (GEN-177) become the occurrence; the other
// nested entries stay as supportingInfo Observations.
import type { CarePlanActivity, CarePlanActivityDetail, CodeableConcept, Period, Reference, ServiceRequest } from 'fhir/r4';
import { all, child, type CdaElement } from '../../dom.js';
import { codeableConcept } from '../codes.js';
import { ivlTsToPeriod, tsToDateTime, value } from '../datatypes.js';
import { practitionerRole } from '../header.js';
import { codeSystemUrl, structureDefinitionUrl } from '../../../documents/canonical.js';
import plan from '../tables/plan.json' with { type: 'json' };
import statuses from '../tables/statuses.json' with { type: 'json' };
import { commentText, isComment, nested, notes, pick, type EntryContext, type EntryRule, type MapResult } from './context.js';
import { convertEntry } from './dispatch.js';
import { compact } from '../compact.js';


/** The act type and the act: code + code qualifier value, or the code alone. */
export function actCodes(el: CdaElement, ctx: EntryContext): { category?: CodeableConcept; code?: CodeableConcept } {
  const codeEl = child(el, 'code');
  const code = codeableConcept(codeEl, ctx.b.resolveText);
  const qualified = codeableConcept(child(child(codeEl, 'qualifier'), 'value'), ctx.b.resolveText);
  return qualified ? { category: code, code: qualified } : { code };
}

interface Kind { code?: string[]; element?: string[]; kind: string; display?: string }

/** The kind of a proposal (options.kinds, first match by code or element) as a category. */
function kindOf(el: CdaElement, rule: EntryRule): CodeableConcept | undefined {
  const kinds = rule.options?.kinds as Kind[] | undefined;
  const code = child(el, 'code')?.attrs.code ?? '';
  const k = kinds?.find((x) => (!x.code || x.code.includes(code)) && (!x.element || x.element.includes(el.name)));
  return k ? { coding: [{ system: codeSystemUrl(rule.options!.kindSystem as string), code: k.kind, ...(k.display ? { display: k.display } : {}) }] } : undefined;
}

export function plannedAct(el: CdaElement, ctx: EntryContext, rule: EntryRule): MapResult {
  const { category: actType, code } = actCodes(el, ctx);
  const kind = kindOf(el, rule);
  const categories = [kind, actType].filter((c): c is CodeableConcept => !!c);
  const supporting: Reference[] = [];
  const texts: string[] = [];
  let planned: Period | undefined;
  for (const c of nested(el)) {
    if (isComment(c)) {
      const t = commentText(c, ctx);
      if (t) texts.push(t);
      continue;
    }
    if (plan.plannedDates.includes(child(c, 'code')?.attrs.code ?? '')) {
      planned = ivlTsToPeriod(child(c, 'effectiveTime')) ?? planned;
      const t = ctx.b.resolveText(child(c, 'text'));
      if (t) texts.push(t);
      continue;
    }
    const r = convertEntry(c, ctx);
    supporting.push(...r.refs);
    if (r.note) texts.push(r.note);
  }
  const eff = child(el, 'effectiveTime');
  const period = planned ?? ivlTsToPeriod(eff);
  const intent = (rule.options?.intent as ServiceRequest['intent'] | undefined) ?? (pick(plan.moodIntent, el.attrs.moodCode) as ServiceRequest['intent']);
  const own = ctx.b.resolveText(child(el, 'text'));
  const sr: ServiceRequest = compact({
    resourceType: 'ServiceRequest' as const,
    ...(rule.profile ? { meta: { profile: [ctx.profileUrl(rule.profile)] } } : {}),
    status: pick(statuses.request, child(el, 'statusCode')?.attrs.code) as ServiceRequest['status'],
    intent,
    category: categories,
    priority: child(el, 'priorityCode')?.attrs.code ? (pick(statuses.priority, child(el, 'priorityCode')?.attrs.code) as ServiceRequest['priority']) : undefined,
    code: code ?? { text: own ?? 'Acte non codé' },
    subject: ctx.patient,
    encounter: ctx.encounter,
    ...(period?.end ? { occurrencePeriod: period } : period?.start ? { occurrenceDateTime: period.start } : eff?.attrs.value ? { occurrenceDateTime: tsToDateTime(eff.attrs.value) } : {}),
    authoredOn: ctx.documentDate,
    requester: ctx.authors[0],
    bodySite: codeableConcept(child(el, 'targetSiteCode'), ctx.b.resolveText) ? [codeableConcept(child(el, 'targetSiteCode'), ctx.b.resolveText)!] : undefined,
    reasonReference: rule.options?.reasonConditions ? ctx.collected.conditions : undefined,
    supportingInfo: supporting,
    note: notes([own && own !== code?.coding?.[0]?.display ? own : undefined, ...texts]),
  });
  if (!code) ctx.b.warn('A planned act without a code is kept with its narrative text only', el, 'information', 'incomplete');
  return { refs: [ctx.b.add(`ServiceRequest|${el.xpath}`, sr)] };
}

/** One PPS activity (FR-Acte INT/EVN, or MED-052 'stop all active treatments'), inline in the
 *  section's CarePlan (collected here, made by convert.ts): the act type is the pps-activity-type
 *  extension, the act the code; planned dates (GEN-177) the scheduled period; the mode (ORG-006) the
 *  administration-mode extension; other sub-observations are described in text or referenced as reasons. */
export function ppsActivity(el: CdaElement, ctx: EntryContext, rule: EntryRule): MapResult {
  const o = rule.options as { plannedDates: string[]; mode: string[]; typeExtension: string; modeExtension: string };
  const { category, code } = actCodes(el, ctx);
  const activityType = category ?? code;
  let planned: Period | undefined;
  let mode: CodeableConcept | undefined;
  const described: string[] = [];
  const progress: string[] = [];
  const reasons: Reference[] = [];
  for (const c of nested(el)) {
    const cCode = child(c, 'code')?.attrs.code ?? '';
    if (isComment(c)) {
      const t = commentText(c, ctx);
      if (t) progress.push(t);
    } else if (o.plannedDates.includes(cCode)) planned = ivlTsToPeriod(child(c, 'effectiveTime')) ?? planned;
    else if (o.mode.includes(cCode) && codeableConcept(child(c, 'value'), ctx.b.resolveText)) mode = codeableConcept(child(c, 'value'), ctx.b.resolveText);
    else if (c.parent?.attrs.typeCode === 'RSON') reasons.push(...convertEntry(c, ctx).refs);
    else {
      // Rhythm, side effects…: "label : narrative (or value)".
      const label = child(c, 'code')?.attrs.displayName ?? cCode;
      const v = value(child(c, 'value'), ctx.b.resolveText);
      const t = ctx.b.resolveText(child(c, 'text')) ?? (v.valueString as string | undefined) ?? (v.valueCodeableConcept as CodeableConcept | undefined)?.coding?.[0]?.display ?? (v.valueBoolean !== undefined ? (v.valueBoolean ? 'oui' : 'non') : undefined);
      if (t) described.push(`${label} : ${t}`);
    }
  }
  const eff = child(el, 'effectiveTime');
  const period = planned ?? ivlTsToPeriod(eff);
  const mood = el.name === 'observation' ? 'EVN' : el.attrs.moodCode ?? 'EVN';
  const own = ctx.b.resolveText(child(el, 'text'));
  const performers = all(el, 'performer/assignedEntity').map((a) => practitionerRole(ctx.b, a)).filter((r): r is Reference => !!r);
  const stopped = el.name === 'observation' && child(el, 'value')?.attrs.value === 'false';
  const activity: CarePlanActivity = {
    ...(progress.length ? { progress: progress.map((text) => ({ text })) } : {}),
    detail: compact({
      extension: [
        ...(activityType ? [{ url: structureDefinitionUrl(o.typeExtension), valueCodeableConcept: activityType }] : []),
        ...(mode ? [{ url: structureDefinitionUrl(o.modeExtension), valueCodeableConcept: mode }] : []),
      ],
      code: code ? { ...code, ...(own && own !== code.coding?.[0]?.display ? { text: own } : {}) } : { text: own ?? 'Activité non codée' },
      reasonReference: reasons,
      status: pick(statuses.carePlanActivity[mood === 'EVN' ? 'EVN' : 'INT'], child(el, 'statusCode')?.attrs.code) as CarePlanActivityDetail['status'],
      doNotPerform: stopped || el.attrs.negationInd === 'true' ? true : undefined,
      ...(period ? { scheduledPeriod: period } : {}),
      performer: performers,
      description: described.length ? described.join(' ; ') : undefined,
    }),
  };
  const list = ctx.collected.activities.get(ctx.section.xpath) ?? [];
  list.push(activity);
  ctx.collected.activities.set(ctx.section.xpath, list);
  return { refs: reasons };
}
