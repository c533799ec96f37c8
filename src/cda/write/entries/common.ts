// What every FHIR → CDA entry writer shares: the volet configuration, the rule table that picks a
// writer for a resource (the inverse of the CDA → FHIR entry rules), the template shells (element,
// classCode, moodCode, templateIds from entry-templates.json, children in schema order), comments
// from notes, and the set of resources already written (a TNM nested under its cancer is not written
// again as its own entry).
import type { Annotation, CodeableConcept, Coding, FhirResource, Observation, Reference } from 'fhir/r4';
import statuses from '../../to-fhir/tables/statuses.json' with { type: 'json' };
import templates from '../entry-templates.json' with { type: 'json' };
import type { Located, WriteContext } from '../context.js';
import { cd, invert, ivlTs, ts } from '../datatypes.js';
import { el, type Attrs, type XElement } from '../xml.js';
import { professional, roleEl } from '../entities.js';

export interface Template {
  element: string;
  classCode: string;
  moodCode: string;
  templateIds: string[];
  code?: Coding;
}

export const TEMPLATES = templates as unknown as Record<string, Template> & { tnmCategoryTemplates: Record<string, string[]> };

/** One rule of the writer table: the first rule matching a resource names its writer. */
export interface WriteRule {
  writer: string;
  resourceType: string | string[];
  /** Profile id (under the canonical base) in meta.profile. */
  profile?: string | string[];
  /** One of the resource's codes (code.coding[].code). */
  code?: string | string[];
  /** Only in sections with one of these codes. */
  section?: string | string[];
  /** The resource carries an extension whose URL ends with this. */
  extension?: string;
  options?: Record<string, unknown>;
}

/** A volet's FHIR → CDA configuration (src/documents/<key>/from-fhir.json). */
export interface VoletWriteConfig {
  /** Which cdaTemplateIds version of the descriptor to write ('2022.01', 'current'…). */
  version: string;
  /** serviceEvent/code when Composition.event has none. */
  serviceEventCode?: Coding;
  /** encompassingEncounter/code when the Encounter has no class. */
  encounterCode?: Coding;
  /** Observation template by section code ('*' = default). */
  observationTemplates?: Record<string, string>;
  /** Sections whose top-level observations are grouped in an organizer (template name by section code). */
  organizerSections?: Record<string, string>;
  /** The code an organizer takes when the FHIR grouping has none, and its qualifier name. */
  organizerCode?: Coding;
  organizerQualifierName?: Coding;
  /** Observation template by observation code (e.g. GEN-065 document status). */
  templatesByCode?: Record<string, string>;
  /** TNM categories the cancer diagnosis must carry (FRCP: clinical T, N, M), written nullFlavor when FHIR has none. */
  requiredTnm?: Coding[];
  /** RCP proposals: the entry template of each proposal kind (category code). */
  proposalTemplates?: Record<string, string>;
  /** The volet's own writer rules, tried before the shared ones. */
  rules?: WriteRule[];
  /** Any other volet option read by a writer. */
  [k: string]: unknown;
}

export interface EntryCtx {
  w: WriteContext;
  cfg: VoletWriteConfig;
  rules: WriteRule[];
  sectionCode: string;
  /** Resources written so far (by Bundle path). */
  written: Set<string>;
  /** Writes a referenced resource where the caller nests it (entryRelationship, component). */
  nested(ref: Reference | undefined, from: string): XElement | undefined;
}

export type Writer = (loc: Located, ctx: EntryCtx, rule: WriteRule) => XElement | XElement[] | undefined;

const OBS_STATUS = invert(statuses.observation as Record<string, string>);
/** CDA statusCode of a FHIR Observation status. */
export const obsStatus = (s: string | undefined): string => (s === 'final' || s === 'amended' || s === 'corrected' ? 'completed' : OBS_STATUS[s ?? ''] ?? 'completed');

/** Codes of a concept (or of a list of concepts). */
export const codesOf = (cc: CodeableConcept | CodeableConcept[] | undefined): string[] =>
  (Array.isArray(cc) ? cc : cc ? [cc] : []).flatMap((c) => c.coding?.map((x) => x.code ?? '') ?? []);

export const profileIds = (r: FhirResource): string[] => (r.meta?.profile ?? []).map((p) => p.replace(/\|.*$/, '').replace(/^.*\//, ''));

const ORDER = ['id', 'code', 'text', 'statusCode', 'effectiveTime', 'priorityCode', 'value', 'interpretationCode', 'methodCode', 'approachSiteCode', 'targetSiteCode', 'specimen', 'performer', 'author', 'participant', 'entryRelationship', 'component', 'referenceRange'];

/** The clinical statement of a template, its parts sorted in schema order. */
export function statement(tplName: string, ctx: EntryCtx, loc: Located | undefined, parts: (XElement | undefined)[], attrs: Attrs = {}): XElement {
  const tpl = TEMPLATES[tplName];
  if (!tpl) throw new Error(`Unknown CDA entry template ${tplName}`);
  const kids = parts.filter((p): p is XElement => !!p);
  if (!kids.some((k) => k.name === 'id')) kids.unshift(ctx.w.idOf(loc, tplName));
  if (!kids.some((k) => k.name === 'code') && tpl.code) kids.push(cd('code', tpl.code));
  kids.sort((a, b) => ORDER.indexOf(a.name) - ORDER.indexOf(b.name));
  return el(tpl.element, { classCode: tpl.classCode, moodCode: tpl.moodCode, ...attrs }, tpl.templateIds.map((root) => el('templateId', { root })), kids);
}

/** A FHIR dateTime or Period as an observation effectiveTime (low, or low/high); nullFlavor UNK when none. */
export function effectiveTime(dt: string | undefined, period?: { start?: string; end?: string }): XElement {
  if (period) return ivlTs('effectiveTime', period)!;
  const v = ts(dt);
  return v ? el('effectiveTime', {}, el('low', { value: v })) : el('effectiveTime', { nullFlavor: 'UNK' });
}

export const statusCode = (code: string): XElement => el('statusCode', { code });

/** A comment act (FR-Commentaire-ER) with its text. */
export function commentAct(ctx: EntryCtx, text: string): XElement {
  return statement('comment', ctx, undefined, [el('text', {}, text), statusCode('completed')]);
}

/** Notes → nested comments (entryRelationship SUBJ, inversionInd true, as the CI-SIS examples). */
export function comments(ctx: EntryCtx, notes: Annotation[] | undefined): XElement[] {
  return (notes ?? []).filter((n) => n.text?.trim()).map((n) => el('entryRelationship', { typeCode: 'SUBJ', inversionInd: 'true' }, commentAct(ctx, n.text)));
}

/** References written nested (entryRelationship of a type, or organizer component). */
export function nestedAll(ctx: EntryCtx, refs: Reference[] | undefined, from: string, wrap: (x: XElement) => XElement): XElement[] {
  return (refs ?? []).map((r, i) => ctx.nested(r, `${from}[${i}]`)).filter((x): x is XElement => !!x).map(wrap);
}

/** Who performed an act (Observation.performer, ServiceRequest.performer, Procedure.performer.actor) → performer/assignedEntity. */
export function performers(ctx: EntryCtx, refs: Reference[] | undefined, from: string): XElement[] {
  return (refs ?? []).map((r, i) => professional(ctx.w, r, `${from}[${i}]`)).filter((p) => !!p)
    .map((p) => el('performer', { typeCode: 'PRF' }, roleEl(ctx.w, p!, { role: 'assignedEntity', person: 'assignedPerson', organization: 'representedOrganization' })));
}

export const relationship = (typeCode: string) => (x: XElement): XElement => el('entryRelationship', { typeCode }, x);

/** The observation a FHIR Observation's data-absent reason stands for: a CD value with a nullFlavor. */
export function absentValue(o: Observation): XElement {
  const reason = o.dataAbsentReason?.coding?.[0]?.code;
  return el('value', { 'xsi:type': 'CD', nullFlavor: reason === 'not-applicable' ? 'NA' : reason === 'unknown' ? 'UNK' : reason ? 'NI' : 'NA' });
}
