// CDA document → FHIR document Bundle, driven by a volet mapping (src/documents/<key>/to-fhir.json):
// the header (header.ts), then every section of the structured body → Composition.section with its
// narrative as XHTML and its entries converted by the rule table (entries/). A volet may ask for a
// DiagnosticReport over its results (CR-ACP, CR-GM) and for a CarePlan per care-plan section (PPS).
// Entries that no rule maps are listed as warnings with their XPath; their text stays in the narrative.
import type { Bundle, BundleEntry, CarePlan, CodeableConcept, Coding, Composition, CompositionSection, DiagnosticReport, FhirResource, Period, Reference } from 'fhir/r4';
import { child, children, findClinicalDocument, first, text, type CdaElement } from '../dom.js';
import type { Converted } from '../../documents/types.js';
import { structureDefinitionUrl } from '../../documents/canonical.js';
import { DocumentBuilder } from './builder.js';
import { codeableConcept, systemUri } from './codes.js';
import { tsToDateTime, tsToInstant, identifier } from './datatypes.js';
import { convertHeader } from './header.js';
import { narrativeDiv, textDiv } from './narrative.js';
import { convertEntry, type EntryContext, type EntryRule } from './entries/index.js';
import shared from './entry-rules.json' with { type: 'json' };
import { compact } from './compact.js';

export interface VoletMapping {
  /** Profile ids (under the canonical base) of the header resources. */
  profiles: { bundle: string; composition: string; patient?: string; encounter?: string };
  /** The first serviceEvent code also types the Encounter (fiche RCP: the meeting). */
  encounterTypeFromServiceEvent?: boolean;
  /** Default observation-category code of the volet's Observations. */
  observationCategory?: string;
  /** The volet's own entry rules, tried before the shared ones. */
  rules?: EntryRule[];
  /** One CarePlan per section with one of these codes, holding the activities its entries made (PPS):
   *  its category is the section's CI-SIS part (a code translation in `parts`, or the part of its activity types). */
  carePlan?: { sections: string[]; profile?: string; parts: string[]; partByActivityType: Record<string, string> };
  /** A DiagnosticReport over the document's results (CR-ACP, CR-GM). */
  report?: { profile?: string; category: { system: string; code: string; display?: string }[]; conclusionSections: string[] };
}

export interface CdaConversion extends Converted<Bundle> {
  /** ClinicalDocument/id, setId and versionNumber, for storage and supersession. */
  documentId?: { system?: string; value?: string };
  setId?: { system?: string; value?: string };
  version?: number;
}

const SHARED_RULES = shared.rules as EntryRule[];

function sectionTitle(b: DocumentBuilder, sec: CdaElement): string | undefined {
  return text(child(sec, 'title')) ?? child(sec, 'code')?.attrs.displayName;
}

function carePlan(ctx: EntryContext, sec: CdaElement, cfg: NonNullable<VoletMapping['carePlan']>): Reference | undefined {
  const activity = ctx.collected.activities.get(sec.xpath);
  if (!activity?.length) return undefined;
  const periods = activity.map((a) => a.detail?.scheduledPeriod).filter((p): p is Period => !!p);
  const starts = periods.map((p) => p.start).filter((x): x is string => !!x).sort();
  const ends = periods.map((p) => p.end ?? p.start).filter((x): x is string => !!x).sort();
  const sectionCode = child(sec, 'code');
  const translated = children(sectionCode, 'translation').find((t) => cfg.parts.includes(t.attrs.code ?? ''));
  const typeCodes = activity.flatMap((a) => a.detail?.extension?.flatMap((e) => e.valueCodeableConcept?.coding?.map((c) => c.code) ?? []) ?? []);
  const inferred = typeCodes.map((c) => cfg.partByActivityType[c ?? '']).find(Boolean);
  const part = translated ? codeableConcept(translated) : inferred ? { coding: [{ system: systemUri('1.2.250.1.213.1.1.4.322'), code: inferred }] } : undefined;
  if (!part) ctx.b.warn('The care-plan section says neither its part (MED-566 / MED-567) nor activity types that tell it', sec, 'warning', 'incomplete');
  const plan: CarePlan = compact({
    resourceType: 'CarePlan' as const,
    ...(cfg.profile ? { meta: { profile: [ctx.profileUrl(cfg.profile)] } } : {}),
    status: 'active' as const,
    intent: 'plan' as const,
    category: part ? [part] : undefined,
    title: sectionTitle(ctx.b, sec),
    subject: ctx.patient,
    encounter: ctx.encounter,
    period: starts.length ? compact({ start: starts[0], end: ends[ends.length - 1] }) : undefined,
    created: ctx.documentDate,
    author: ctx.authors[0],
    addresses: ctx.collected.conditions.length ? ctx.collected.conditions : undefined,
    activity,
  });
  return ctx.b.add(`CarePlan|${sec.xpath}`, plan);
}

function convertSection(sec: CdaElement, base: Omit<EntryContext, 'section' | 'sectionCode'>, mapping: VoletMapping, topRefs: Reference[]): CompositionSection {
  const sectionCode = child(sec, 'code')?.attrs.code;
  const ctx: EntryContext = { ...base, section: sec, sectionCode };
  let refs: Reference[] = [];
  for (const entry of children(sec, 'entry')) {
    for (const el of entry.children) {
      if (el.name === 'templateId') continue;
      const r = convertEntry(el, ctx);
      refs.push(...r.refs);
      if (r.note) {
        // A comment at the top of a section with nothing to attach to: the narrative keeps it.
        ctx.b.warn('A section-level comment is kept in the section narrative only', el, 'information');
      }
    }
  }
  refs = refs.filter((r, i) => refs.findIndex((x) => x.reference === r.reference) === i);
  let part: Coding | undefined;
  if (mapping.carePlan?.sections.includes(sectionCode ?? '')) {
    const plan = carePlan(ctx, sec, mapping.carePlan);
    if (plan) refs = [plan, ...refs];
    part = ctx.b.resolve<CarePlan>(plan)?.category?.[0]?.coding?.[0];
  }
  topRefs.push(...refs);
  const subsections = children(sec, 'component').map((c) => child(c, 'section')).filter((s): s is CdaElement => !!s).map((s) => convertSection(s, base, mapping, topRefs));
  const div = narrativeDiv(child(sec, 'text'));
  const code = codeableConcept(child(sec, 'code'), ctx.b.resolveText);
  // The CarePlan's part (MED-566 / MED-567) also tells the two care-plan sections apart, as the profile slices them.
  if (code && part && !code.coding?.some((c) => c.system === part!.system && c.code === part!.code)) code.coding = [...(code.coding ?? []), part];
  const out: CompositionSection = compact({
    title: sectionTitle(ctx.b, sec),
    code,
    text: div ? { status: 'additional' as const, div } : undefined,
    entry: refs,
    section: subsections,
  });
  if (!out.text && !out.entry && !out.section) {
    // cmp-1: a section needs text, entries or sub-sections; an empty CDA section says so.
    out.text = { status: 'empty', div: textDiv('Section vide dans le document source.') };
    out.emptyReason = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/list-empty-reason', code: 'unavailable', display: 'Unavailable' }] };
  }
  return out;
}

function report(b: DocumentBuilder, doc: CdaElement, base: Omit<EntryContext, 'section' | 'sectionCode'>, mapping: VoletMapping, sections: CdaElement[], results: Reference[], composition: Composition): Reference | undefined {
  const cfg = mapping.report!;
  const observations = results.filter((r) => b.resolve<FhirResource>(r)?.resourceType === 'Observation');
  const conclusion = sections
    .filter((s) => cfg.conclusionSections.includes(child(s, 'code')?.attrs.code ?? ''))
    .map((s) => text(child(s, 'text')))
    .filter(Boolean)
    .join('\n');
  const rep: DiagnosticReport = compact({
    resourceType: 'DiagnosticReport' as const,
    ...(cfg.profile ? { meta: { profile: [base.profileUrl(cfg.profile)] } } : {}),
    identifier: identifier(child(doc, 'id')) ? [identifier(child(doc, 'id'))!] : undefined,
    status: composition.status === 'final' ? ('final' as const) : ('preliminary' as const),
    category: cfg.category.map((c) => ({ coding: [c] })) as CodeableConcept[],
    code: composition.type,
    subject: base.patient,
    encounter: base.encounter,
    effectiveDateTime: tsToDateTime(first(doc, 'documentationOf/serviceEvent/effectiveTime/low')?.attrs.value) ?? composition.date,
    issued: tsToInstant(child(doc, 'effectiveTime')?.attrs.value),
    performer: base.authors,
    resultsInterpreter: composition.attester?.map((a) => a.party).filter((p): p is Reference => !!p),
    specimen: [...new Map([...base.collected.specimens.values()].map((r) => [r.reference, r])).values()],
    result: observations,
    conclusion: conclusion || undefined,
  });
  return b.add('DiagnosticReport|document', rep);
}

/** Converts a CDA document (root element, or one wrapping a self-presenting document) with a volet mapping. */
export function convertCda(root: CdaElement, mapping: VoletMapping): CdaConversion {
  const doc = findClinicalDocument(root) ?? root;
  const setIdEl = child(doc, 'setId') ?? child(doc, 'id');
  const seed = `${setIdEl?.attrs.root ?? ''}|${setIdEl?.attrs.extension ?? ''}`;
  const b = new DocumentBuilder(doc, seed);
  const profileUrl = structureDefinitionUrl;
  const header = convertHeader(b, doc, {
    patient: mapping.profiles.patient ? profileUrl(mapping.profiles.patient) : undefined,
    encounter: mapping.profiles.encounter ? profileUrl(mapping.profiles.encounter) : undefined,
    encounterTypeFromServiceEvent: mapping.encounterTypeFromServiceEvent,
  });
  const composition = header.composition;
  const base: Omit<EntryContext, 'section' | 'sectionCode'> = {
    b,
    patient: header.patient,
    encounter: header.encounter,
    authors: composition.author.filter((a) => a.reference),
    rules: [...(mapping.rules ?? []), ...SHARED_RULES],
    category: mapping.observationCategory,
    profileUrl,
    collected: { specimens: new Map(), conditions: [], activities: new Map() },
    documentDate: composition.date,
  };
  const body = first(doc, 'component/structuredBody');
  const sectionEls = children(body, 'component').map((c) => child(c, 'section')).filter((s): s is CdaElement => !!s);
  const topRefs: Reference[] = [];
  const sections = sectionEls.map((s) => convertSection(s, base, mapping, topRefs));
  if (!body) {
    const nonXml = first(doc, 'component/nonXMLBody');
    b.warn(nonXml ? 'The document has an unstructured body (nonXMLBody): only its header is converted' : 'The document has no body', nonXml ?? doc, 'warning', 'incomplete');
  }
  if (mapping.report) {
    const allSections = sectionEls.flatMap(function walk(s: CdaElement): CdaElement[] {
      return [s, ...children(s, 'component').map((c) => child(c, 'section')).filter((x): x is CdaElement => !!x).flatMap(walk)];
    });
    const rep = report(b, doc, base, mapping, allSections, topRefs, composition);
    const target = sections.find((s, i) => mapping.report!.conclusionSections.includes(child(sectionEls[i], 'code')?.attrs.code ?? '')) ?? sections[sections.length - 1];
    if (rep && target) target.entry = [rep, ...(target.entry ?? [])];
    if (target?.emptyReason && target.entry?.length) delete target.emptyReason;
  }
  composition.meta = { profile: [profileUrl(mapping.profiles.composition)] };
  composition.section = sections;
  const compRef = b.add('Composition', composition);
  const entries: BundleEntry[] = [b.entries.find((e) => e.fullUrl === compRef.reference)!, ...b.entries.filter((e) => e.fullUrl !== compRef.reference)];
  const docId = identifier(child(doc, 'id'));
  const bundle: Bundle = compact({
    resourceType: 'Bundle' as const,
    meta: { profile: [profileUrl(mapping.profiles.bundle)] },
    identifier: docId,
    type: 'document' as const,
    timestamp: tsToInstant(child(doc, 'effectiveTime')?.attrs.value),
    entry: entries,
  });
  return { result: bundle, warnings: b.warnings, documentId: header.documentId, setId: header.setId, version: header.version };
}

