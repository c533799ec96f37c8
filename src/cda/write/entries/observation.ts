// Generic entries, the inverse of src/cda/to-fhir/entries/observation.ts: Observation → simple
// observation (FR-Simple-Observation, APSR observation, vital sign… by section and code) with its
// value, interpretation, method, body site, specimen, reference ranges, members (entryRelationship
// COMP) and notes (comments); a grouping Observation (members, no value) → organizer (BATTERY /
// CLUSTER) where the volet groups; a comment Observation → comment act; Condition → FR-Probleme;
// Procedure → FR-Acte (EVN).
import type { Condition, Observation, Procedure, Specimen } from 'fhir/r4';
import obsTable from '../../to-fhir/tables/observation.json' with { type: 'json' };
import statuses from '../../to-fhir/tables/statuses.json' with { type: 'json' };
import type { Located } from '../context.js';
import { cd, invert, ivlPq, ivlTs, ts, value } from '../datatypes.js';
import { el, type XElement } from '../xml.js';
import { absentValue, codesOf, commentAct, comments, effectiveTime, nestedAll, obsStatus, performers, relationship, statement, statusCode, type EntryCtx, type WriteRule } from './common.js';

const PROCEDURE_STATUS = invert(statuses.procedure as Record<string, string>);

/** The specimen(s) an observation was made on, by their identifier. */
export function specimenEls(ctx: EntryCtx, loc: Located<Observation>): XElement[] {
  const s = ctx.w.resolve<Specimen>(loc.resource.specimen, `${loc.path}.specimen`);
  if (!s) return [];
  const ids = (s.resource.identifier ?? []).map((id) => ctx.w.idOf({ ...s, resource: { ...s.resource, identifier: [id] } } as Located));
  return [el('specimen', { typeCode: 'SPC' }, el('specimenRole', { classCode: 'SPEC' }, ids.length ? ids : [ctx.w.idOf(s as Located)]))];
}

/** Which observation template: by the observation's code, its LOINC vital sign, then the section. */
export function observationTemplate(ctx: EntryCtx, o: Observation, explicit?: string): string {
  if (explicit) return explicit;
  const codes = codesOf(o.code);
  const byCode = codes.map((c) => ctx.cfg.templatesByCode?.[c]).find(Boolean);
  if (byCode) return byCode;
  if (o.code.coding?.some((c) => c.system === 'http://loinc.org' && obsTable.vitalSigns.includes(c.code ?? ''))) return 'vitalSign';
  return ctx.cfg.observationTemplates?.[ctx.sectionCode] ?? ctx.cfg.observationTemplates?.['*'] ?? 'simpleObservation';
}

/** The parts of a CDA observation from a FHIR Observation (everything but members). */
export function observationParts(ctx: EntryCtx, loc: Located<Observation>): XElement[] {
  const o = loc.resource;
  const warn = ctx.w.warn;
  const v = value(o, loc.path, warn);
  return [
    cd('code', o.code, { path: `${loc.path}.code`, warn }),
    statusCode(obsStatus(o.status)),
    effectiveTime(o.effectiveDateTime ?? o.effectiveInstant, o.effectivePeriod),
    v ?? absentValue(o),
    ...(o.interpretation ?? []).map((c, i) => cd('interpretationCode', c, { path: `${loc.path}.interpretation[${i}]`, warn, translations: true })),
    o.method ? cd('methodCode', o.method, { path: `${loc.path}.method`, warn }) : undefined,
    o.bodySite ? cd('targetSiteCode', o.bodySite, { path: `${loc.path}.bodySite`, warn }) : undefined,
    ...specimenEls(ctx, loc),
    ...performers(ctx, o.performer, `${loc.path}.performer`),
    ...comments(ctx, o.note),
    ...(o.referenceRange ?? []).map((r) => el('referenceRange', {}, el('observationRange', {},
      r.text ? el('text', {}, r.text) : undefined,
      ivlPq('value', { low: r.low, high: r.high }, 'IVL_PQ')))),
  ].filter((x): x is XElement => !!x);
}

/** Components that are not part of a known pattern: sub-observations (entryRelationship COMP). */
function componentObservations(ctx: EntryCtx, loc: Located<Observation>): XElement[] {
  return (loc.resource.component ?? []).map((c, i) => {
    const v = value(c, `${loc.path}.component[${i}]`, ctx.w.warn);
    return el('entryRelationship', { typeCode: 'COMP' }, statement('simpleObservation', ctx, undefined, [
      cd('code', c.code, { path: `${loc.path}.component[${i}].code`, warn: ctx.w.warn }),
      statusCode('completed'),
      effectiveTime(loc.resource.effectiveDateTime, loc.resource.effectivePeriod),
      v ?? el('value', { 'xsi:type': 'CD', nullFlavor: 'NA' }),
    ]));
  });
}

/** A grouping Observation (members and no value of its own, or a classification) is an organizer where the volet groups. */
export function isGrouping(o: Observation): boolean {
  const hasValue = Object.keys(o).some((k) => k.startsWith('value') && k !== 'valueCodeableConcept');
  return !!o.hasMember?.length && !hasValue && !o.component?.length;
}

export function organizerEntry(ctx: EntryCtx, loc: Located<Observation>, tplName: string): XElement {
  const o = loc.resource;
  const qualifier = o.valueCodeableConcept
    ? [el('qualifier', {}, ctx.cfg.organizerQualifierName ? cd('name', ctx.cfg.organizerQualifierName) : undefined, cd('value', o.valueCodeableConcept, { path: `${loc.path}.valueCodeableConcept`, warn: ctx.w.warn }))]
    : undefined;
  const members = nestedAll(ctx, o.hasMember, `${loc.path}.hasMember`, (x) => el('component', { typeCode: 'COMP' }, x));
  const notes = (o.note ?? []).map((n) => el('component', { typeCode: 'COMP' }, commentAct(ctx, n.text)));
  return statement(tplName, ctx, loc, [
    o.code?.coding?.length ? cd('code', o.code, { path: `${loc.path}.code`, warn: ctx.w.warn, qualifiers: qualifier }) : undefined,
    statusCode(obsStatus(o.status)),
    o.effectiveDateTime ? el('effectiveTime', { value: ts(o.effectiveDateTime) }) : undefined,
    ...specimenEls(ctx, loc),
    ...members,
    ...notes,
  ]);
}

export function observation(loc: Located, ctx: EntryCtx, rule: WriteRule): XElement | undefined {
  const obs = loc as Located<Observation>;
  const o = obs.resource;
  const group = ctx.cfg.organizerSections?.[ctx.sectionCode];
  if (group && isGrouping(o)) return organizerEntry(ctx, obs, group);
  const tpl = observationTemplate(ctx, o, rule.options?.template as string | undefined);
  return statement(tpl, ctx, obs, [
    ...observationParts(ctx, obs),
    ...componentObservations(ctx, obs),
    ...nestedAll(ctx, o.hasMember, `${obs.path}.hasMember`, relationship('COMP')),
  ]);
}

/** A comment Observation (48767-8, a text value) → FR-Commentaire-ER act. */
export function comment(loc: Located, ctx: EntryCtx): XElement | undefined {
  const o = loc.resource as Observation;
  const text = o.valueString ?? o.note?.map((n) => n.text).join('\n') ?? o.code.text;
  return text ? commentAct(ctx, text) : undefined;
}

/** A Condition that is not a cancer diagnosis → FR-Probleme: the problem is the value. */
export function problem(loc: Located, ctx: EntryCtx): XElement | undefined {
  const c = (loc as Located<Condition>).resource;
  const onset = c.onsetDateTime ?? c.onsetPeriod?.start;
  const end = c.abatementDateTime ?? c.onsetPeriod?.end;
  return statement('problem', ctx, loc, [
    statusCode('completed'),
    ivlTs('effectiveTime', { start: onset, end }),
    cd('value', c.code, { xsiType: 'CD', path: `${loc.path}.code`, warn: ctx.w.warn, nullFlavor: 'OTH' }),
    ...(c.evidence ?? []).flatMap((e, i) => nestedAll(ctx, e.detail, `${loc.path}.evidence[${i}].detail`, relationship('SPRT'))),
    ...comments(ctx, c.note),
  ]);
}

/** A Procedure (done, moodCode EVN) → FR-Acte; a CI-SIS act type (category) keeps the act as code qualifier. */
export function procedure(loc: Located, ctx: EntryCtx): XElement | undefined {
  const p = (loc as Located<Procedure>).resource;
  const warn = ctx.w.warn;
  const code = p.category
    ? cd('code', p.category, { path: `${loc.path}.category`, warn, qualifiers: [el('qualifier', {}, cd('value', p.code, { path: `${loc.path}.code`, warn }))] })
    : cd('code', p.code, { path: `${loc.path}.code`, warn });
  return statement('procedure', ctx, loc, [
    code,
    statusCode(PROCEDURE_STATUS[p.status] ?? 'completed'),
    p.performedPeriod ? ivlTs('effectiveTime', p.performedPeriod) : effectiveTime(p.performedDateTime),
    ...(p.bodySite ?? []).map((b, i) => cd('targetSiteCode', b, { path: `${loc.path}.bodySite[${i}]`, warn })),
    ...performers(ctx, (p.performer ?? []).map((x) => x.actor), `${loc.path}.performer`),
    ...nestedAll(ctx, p.reasonReference, `${loc.path}.reasonReference`, relationship('RSON')),
    ...comments(ctx, p.note),
  ]);
}
