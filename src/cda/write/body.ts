// The structured body: each Composition.section → CDA section with its code, the templateIds the
// volet's descriptor gives for that section (told apart by title when two share a code), its title,
// its narrative (XHTML → CDA narrative block, or one generated from the entries when FHIR has none)
// and its entries; sub-sections nest as component/section. Mandatory sections the Composition lacks
// are written empty ("non renseigné", after the others) with a warning, so that the document keeps
// the volet's shape.
import type { CompositionSection } from 'fhir/r4';
import type { DocumentType, SectionDef } from '../../documents/types.js';
import { documentTypes } from '../../documents/registry.js';
import type { WriteContext } from './context.js';
import { cd, type Warn } from './datatypes.js';
import { narrativeBlock, textBlock } from './narrative.js';
import { el, type XElement } from './xml.js';
import { codesOf, TEMPLATES, type EntryCtx, type VoletWriteConfig, type WriteRule } from './entries/common.js';
import { nestedWriter, writeEntry } from './entries/index.js';
import shared from './entry-rules.json' with { type: 'json' };

const SHARED_RULES = shared.rules as WriteRule[];
const LOINC = 'http://loinc.org';

/** Every section any volet defines, by code (sub-sections included): templateIds for sections a volet does not list. */
let catalogue: Map<string, SectionDef> | undefined;
function sectionCatalogue(): Map<string, SectionDef> {
  if (!catalogue) {
    catalogue = new Map();
    const walk = (defs: SectionDef[]) => defs.forEach((d) => {
      if (!catalogue!.has(d.code)) catalogue!.set(d.code, d);
      if (d.subsections) walk(d.subsections);
    });
    for (const t of documentTypes) walk(t.sections);
  }
  return catalogue;
}

const words = (s: string | undefined): Set<string> => new Set((s ?? '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length > 2));

/** The descriptor section a FHIR section stands for: same code, not used yet, closest title. */
function matchSection(fs: CompositionSection, defs: SectionDef[], used: Set<SectionDef>): SectionDef | undefined {
  const code = fs.code?.coding?.find((c) => c.system === LOINC)?.code ?? fs.code?.coding?.[0]?.code;
  const candidates = defs.filter((d) => d.code === code);
  if (!candidates.length) return undefined;
  const free = candidates.filter((d) => !used.has(d) || d.max === '*' || (typeof d.max === 'number' && d.max > 1));
  const pool = free.length ? free : candidates;
  const title = words(fs.title);
  const score = (d: SectionDef) => [...words(`${d.title} ${d.name ?? ''}`)].filter((w) => title.has(w)).length;
  return pool.reduce((best, d) => (score(d) > score(best) ? d : best), pool[0]);
}

/** A short generated narrative when FHIR gives none: one line per entry (its code and value). */
function generatedText(w: WriteContext, fs: CompositionSection): XElement | undefined {
  const lines = (fs.entry ?? []).map((ref) => {
    const r = w.resolve(ref)?.resource as { code?: { text?: string; coding?: { display?: string; code?: string }[] }; valueString?: string; valueCodeableConcept?: { text?: string; coding?: { display?: string; code?: string }[] } } | undefined;
    if (!r) return ref.display ?? '';
    const label = r.code?.text ?? r.code?.coding?.[0]?.display ?? r.code?.coding?.[0]?.code ?? '';
    const v = r.valueString ?? r.valueCodeableConcept?.text ?? r.valueCodeableConcept?.coding?.[0]?.display ?? r.valueCodeableConcept?.coding?.[0]?.code;
    return v ? `${label} : ${v}` : label;
  });
  return textBlock(lines);
}

interface SectionWriter {
  w: WriteContext;
  cfg: VoletWriteConfig;
  rules: WriteRule[];
  written: Set<string>;
  ids: Set<string>;
}

function writeSection(sw: SectionWriter, fs: CompositionSection, path: string, def: SectionDef | undefined, warn: Warn): XElement {
  const code = fs.code?.coding?.find((c) => c.system === LOINC)?.code ?? fs.code?.coding?.[0]?.code ?? '';
  const ctx = { w: sw.w, cfg: sw.cfg, rules: sw.rules, sectionCode: code, written: sw.written } as EntryCtx;
  ctx.nested = nestedWriter(ctx);
  const entries: XElement[] = [];
  (fs.entry ?? []).forEach((ref, i) => {
    const loc = sw.w.resolve(ref, `${path}.entry[${i}]`);
    if (loc) entries.push(...writeEntry(loc, ctx, { topLevel: true }));
  });
  // Sections whose top-level statements the volet groups in an organizer (APSR): loose observations
  // are gathered in one organizer of the volet's code.
  const group = sw.cfg.organizerSections?.[code];
  let wrapped = entries;
  if (group && entries.some((e) => e.name !== 'organizer' && e.name !== 'procedure')) {
    const loose = entries.filter((e) => e.name !== 'organizer' && e.name !== 'procedure');
    const tpl = TEMPLATES[group];
    const organizer = el(tpl.element, { classCode: tpl.classCode, moodCode: tpl.moodCode },
      tpl.templateIds.map((root) => el('templateId', { root })),
      sw.w.idOf(undefined, `organizer|${path}`),
      sw.cfg.organizerCode ? cd('code', sw.cfg.organizerCode) : undefined,
      el('statusCode', { code: 'completed' }),
      loose.map((x) => el('component', { typeCode: 'COMP' }, x)));
    wrapped = [...entries.filter((e) => !loose.includes(e)), organizer];
  }
  const subDefs = def?.subsections ?? [];
  const usedSub = new Set<SectionDef>();
  const subs = (fs.section ?? []).map((s, i) => {
    const d = matchSection(s, subDefs, usedSub) ?? sectionCatalogue().get(codesOf(s.code)[0] ?? '');
    if (d) usedSub.add(d);
    return el('component', {}, writeSection(sw, s, `${path}.section[${i}]`, d, warn));
  });
  if (!def) warn(`The section ${code || '(no code)'} is not a section of this volet and no other volet defines it: it is written without CI-SIS templateIds`, `${path}.code`, 'warning');
  // No narrative in FHIR: one generated from the entries; an empty one for a section that only holds sub-sections.
  const text = narrativeBlock(fs.text?.div, { ids: sw.ids, warn, path: `${path}.text.div` }) ?? generatedText(sw.w, fs) ?? (fs.section?.length ? el('text', {}) : undefined);
  const x = el('section', {},
    (def?.templateIds ?? []).map((root) => el('templateId', { root })),
    fs.code ? cd('code', fs.code, { path: `${path}.code`, warn }) : undefined,
    el('title', {}, fs.title ?? def?.title ?? ''),
    text ?? el('text', {}, fs.emptyReason ? 'Section vide.' : 'Non renseigné.'),
    wrapped.map((e) => el('entry', {}, e)),
    subs,
  );
  x.comment = def?.name;
  return x;
}

/** An empty section for a mandatory one the Composition lacks. */
function placeholder(def: SectionDef): XElement {
  const x = el('section', {},
    def.templateIds.map((root) => el('templateId', { root })),
    cd('code', { system: def.system ?? LOINC, code: def.code, display: def.title }),
    el('title', {}, def.title),
    el('text', {}, 'Non renseigné.'),
  );
  x.comment = def.name;
  return x;
}

/** component/structuredBody from the Composition's sections. */
export function writeBody(w: WriteContext, type: DocumentType, cfg: VoletWriteConfig): XElement {
  const comp = w.composition;
  const sw: SectionWriter = { w, cfg, rules: [...(cfg.rules ?? []), ...SHARED_RULES], written: new Set(), ids: new Set() };
  const used = new Set<SectionDef>();
  const sections: { def?: SectionDef; x: XElement }[] = (comp.resource.section ?? []).map((fs, i) => {
    const path = `${comp.path}.section[${i}]`;
    const def = matchSection(fs, type.sections, used) ?? sectionCatalogue().get(codesOf(fs.code)[0] ?? '');
    if (def && type.sections.includes(def)) used.add(def);
    else if (def) w.warn(`The section ${def.code} (${def.name ?? def.title}) is not a section of the ${type.label}: written with the templateIds other volets give it`, `${path}.code`, 'information');
    return { def, x: writeSection(sw, fs, path, def, w.warn) };
  });
  for (const def of type.sections) {
    if (def.min > 0 && !used.has(def)) {
      w.warn(`The Composition has no section ${def.code} (${def.name ?? def.title}), which the ${type.label} requires: an empty section is written`, `${comp.path}.section`, 'warning');
      sections.push({ def, x: placeholder(def) });
    }
  }
  return el('component', {}, el('structuredBody', {}, sections.map((s) => el('component', {}, s.x))));
}
