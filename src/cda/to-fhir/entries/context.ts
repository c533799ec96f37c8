// What an entry mapper sees: the document builder, the header references, the rule table of its
// volet, and collectors that document-level parts (DiagnosticReport, CarePlan) read at the end.
import type { Annotation, CarePlanActivity, CodeableConcept, Observation, Reference } from 'fhir/r4';
import { child, templateIds, type CdaElement } from '../../dom.js';
import type { DocumentBuilder } from '../builder.js';
import { codeableConcept } from '../codes.js';
import { effective } from '../datatypes.js';
import obsTable from '../tables/observation.json' with { type: 'json' };
import statuses from '../tables/statuses.json' with { type: 'json' };

export interface EntryRule {
  /** Mapper name (entries/index.ts). */
  mapper: string;
  /** Matches when the element carries one of these templateIds. */
  templateId?: string | string[];
  /** Matches on the element's code (code, or codeSystemOID|code). */
  code?: string | string[];
  /** Matches on the element name (observation, procedure, act, organizer, encounter…). */
  element?: string | string[];
  moodCode?: string | string[];
  /** Matches only in sections with one of these codes. */
  section?: string | string[];
  /** Profile id (under the canonical base) given to the resource made. */
  profile?: string;
  /** observation-category code for Observations. */
  category?: string;
  /** Free parameters of a mapper. */
  options?: Record<string, unknown>;
}

export interface Collected {
  /** Specimens by the CDA specimen id (root|extension) and in order. */
  specimens: Map<string, Reference>;
  conditions: Reference[];
  /** CarePlan activities by the XPath of their section (PPS). */
  activities: Map<string, CarePlanActivity[]>;
}

export interface EntryContext {
  b: DocumentBuilder;
  patient: Reference;
  encounter?: Reference;
  authors: Reference[];
  rules: EntryRule[];
  /** The section being converted and its code. */
  section: CdaElement;
  sectionCode?: string;
  /** Default observation category of the volet. */
  category?: string;
  /** Profile URL of a profile id. */
  profileUrl: (id: string) => string;
  collected: Collected;
  /** The document's date, for observations that carry none. */
  documentDate?: string;
  /** The Condition nested observations are about (TNM of a cancer diagnosis). */
  focus?: Reference;
  /** The concern act around a problem (its dates and status apply to the problem). */
  concern?: CdaElement;
  /** The Procedure nested observations are part of. */
  partOf?: Reference;
  /** The Specimen nested observations describe. */
  specimen?: Reference;
}

export interface MapResult {
  /** Resources made (top-level ones, for section.entry or hasMember). */
  refs: Reference[];
  /** Text to attach to the parent as a note (comments). */
  note?: string;
}

export type Mapper = (el: CdaElement, ctx: EntryContext, rule: EntryRule) => MapResult;

export const pick = <T>(table: Record<string, T>, key: string | undefined): T => table[key ?? ''] ?? table['*'];

/** The nested entries of an element (entryRelationship, component), in document order. */
export function nested(el: CdaElement): CdaElement[] {
  const out: CdaElement[] = [];
  for (const c of el.children) {
    if (c.name !== 'entryRelationship' && c.name !== 'component') continue;
    for (const x of c.children) if (!['templateId', 'sequenceNumber', 'seperatableInd', 'priorityNumber', 'contextConductionInd'].includes(x.name)) out.push(x);
  }
  return out;
}

export function isComment(el: CdaElement): boolean {
  return (el.name === 'act' || el.name === 'observation') && obsTable.commentCodes.includes(child(el, 'code')?.attrs.code ?? '') && !child(el, 'value')?.attrs.code;
}

/** The text of a comment entry (its narrative reference, or its own text/value). */
export function commentText(el: CdaElement, ctx: EntryContext): string | undefined {
  return ctx.b.resolveText(child(el, 'text')) ?? ctx.b.resolveText(child(el, 'value'));
}

export function categoryConcept(code: string | undefined): CodeableConcept[] | undefined {
  return code ? [{ coding: [{ system: obsTable.categorySystem, code }] }] : undefined;
}

/** Fields shared by every Observation made from a CDA observation: status, category, code, subject, effective, text. */
export function observationBase(el: CdaElement, ctx: EntryContext, category?: string): Observation {
  const codeEl = child(el, 'code');
  const code = codeableConcept(codeEl, ctx.b.resolveText) ?? { text: ctx.b.resolveText(child(el, 'text')) ?? 'Observation non codée' };
  const isVital = codeEl?.attrs.codeSystem === '2.16.840.1.113883.6.1' && obsTable.vitalSigns.includes(codeEl.attrs.code ?? '');
  const eff = effective(child(el, 'effectiveTime'));
  return {
    resourceType: 'Observation',
    status: pick(statuses.observation, child(el, 'statusCode')?.attrs.code) as Observation['status'],
    ...(categoryConcept(isVital ? 'vital-signs' : category ?? ctx.category) ? { category: categoryConcept(isVital ? 'vital-signs' : category ?? ctx.category) } : {}),
    code,
    subject: ctx.patient,
    ...(ctx.partOf ? { partOf: [ctx.partOf] } : {}),
    ...(ctx.encounter ? { encounter: ctx.encounter } : {}),
    ...(eff.effectiveDateTime || eff.effectivePeriod ? eff : isVital && ctx.documentDate ? { effectiveDateTime: ctx.documentDate } : {}),
  };
}

/** Notes from nested comment entries, plus the entry's own narrative text when it says more than the code. */
export function notes(texts: (string | undefined)[]): Annotation[] | undefined {
  const list = texts.filter((t): t is string => !!t && t.trim().length > 0).map((t) => ({ text: t }));
  return list.length ? list : undefined;
}

const UNMAPPED_PARTS = ['participant', 'author', 'performer', 'informant', 'reference', 'precondition', 'subject'];

/** Notes (information) the parts of a mapped entry that have no FHIR home here (who took part, external references). */
export function noteUnmappedParts(el: CdaElement, ctx: EntryContext, except: string[] = []): void {
  for (const c of el.children) {
    if (UNMAPPED_PARTS.includes(c.name) && !except.includes(c.name)) ctx.b.warn(`The ${c.name} of this ${el.name} is not mapped (its narrative, if any, is kept)`, c, 'information');
  }
}

/** Whether an element carries a templateId (any of the given ones). */
export const hasTemplate = (el: CdaElement, ids: string[]): boolean => templateIds(el).some((t) => ids.includes(t));

