// CR-GM gene results, the inverse of src/cda/to-fhir/entries/genomics.ts: a genomic variant
// Observation → the APSR gene observation (48018-6, value HGNC) with its CI-SIS sub-observations
// (reference sequence, c./p./g. HGVS, exon…), and the therapeutic implications derived from it as
// its impact and therapy-class sub-observations. Which CDA code carries each part is the volet's
// `geneDetails` table (from-fhir.json); the component codes are those of tables/genomics.json.
import type { CodeableConcept, Coding, Observation, ObservationComponent } from 'fhir/r4';
import g from '../../to-fhir/tables/genomics.json' with { type: 'json' };
import type { Located } from '../context.js';
import { cd, value } from '../datatypes.js';
import { el, type XElement } from '../xml.js';
import { codesOf, comments, effectiveTime, nestedAll, obsStatus, relationship, statement, statusCode, type EntryCtx, type WriteRule } from './common.js';
import { observationTemplate, specimenEls } from './observation.js';

const HGVS = g.hgvs as Record<string, Coding>;
const PREFIX_BY_LOINC = Object.fromEntries(Object.entries(HGVS).map(([prefix, c]) => [c.code, prefix]));
const IMPLICATION_BY_LOINC = Object.fromEntries(Object.entries(g.implicationComponents).map(([cdaCode, c]) => [(c as Coding).code, cdaCode]));

export interface GeneDetails {
  /** CDA code of the reference sequence, of each HGVS prefix and of each implication component (by its CDA code). */
  referenceSequence: Coding;
  hgvs: Record<string, Coding>;
  implications: Record<string, Coding>;
}

const text = (cc: CodeableConcept | undefined): string | undefined => cc?.text ?? cc?.coding?.[0]?.code;

function detail(ctx: EntryCtx, code: Coding, v: XElement | undefined): XElement {
  return el('entryRelationship', { typeCode: 'COMP' }, statement('geneDetail', ctx, undefined, [cd('code', code), statusCode('completed'), v ?? el('value', { 'xsi:type': 'ST' })]));
}

/** The implications (anywhere in the Bundle) derived from a variant. */
function implicationsOf(ctx: EntryCtx, variant: Located): Located<Observation>[] {
  return (ctx.w.bundle.entry ?? []).flatMap((e, i) => {
    const r = e.resource as Observation | undefined;
    const path = `Bundle.entry[${i}].resource`;
    if (r?.resourceType !== 'Observation' || ctx.written.has(path)) return [];
    return r.derivedFrom?.some((d) => ctx.w.resolve(d)?.path === variant.path) ? [{ resource: r, path, fullUrl: e.fullUrl }] : [];
  });
}

export function variant(loc: Located, ctx: EntryCtx, rule: WriteRule): XElement | undefined {
  const o = (loc as Located<Observation>).resource;
  const details = ctx.cfg.geneDetails as GeneDetails | undefined;
  if (!details) throw new Error('The volet writes genomic variants without a geneDetails table');
  const comps = o.component ?? [];
  const find = (code: string) => comps.filter((c) => codesOf(c.code).includes(code));
  const gene = find(g.geneStudied.code)[0]?.valueCodeableConcept;
  if (!gene) ctx.w.warn('The variant has no gene studied (component 48018-6): the gene observation value is nullFlavor', `${loc.path}.component`, 'warning');
  // The transcript: its own component, else the prefix of a c.HGVS written in full (NM_…:c.…), which
  // CI-SIS carries as a separate reference-sequence observation.
  const cFull = comps.filter((c) => codesOf(c.code).includes(HGVS['c.'].code ?? '')).map((c) => text(c.valueCodeableConcept) ?? c.valueString).find(Boolean);
  const refSeq = find(g.referenceSequence.component.code)[0]?.valueCodeableConcept?.coding?.[0]?.code ?? /^(N[MR]_[\d.]+):c\./.exec(cFull ?? '')?.[1];
  const parts: XElement[] = [];
  if (refSeq) parts.push(detail(ctx, details.referenceSequence, el('value', { 'xsi:type': 'ST' }, refSeq)));
  const handled = new Set([g.geneStudied.code, g.referenceSequence.component.code]);
  comps.forEach((c: ObservationComponent, i) => {
    const code = codesOf(c.code).find((x) => PREFIX_BY_LOINC[x]);
    if (code) {
      handled.add(code);
      let t = text(c.valueCodeableConcept) ?? c.valueString;
      if (t && refSeq && t.startsWith(`${refSeq}:`)) t = t.slice(refSeq.length + 1);
      const cdaCode = details.hgvs[PREFIX_BY_LOINC[code]];
      if (t && cdaCode) parts.push(detail(ctx, cdaCode, el('value', { 'xsi:type': 'ST' }, t)));
      return;
    }
    if (codesOf(c.code).some((x) => handled.has(x))) return;
    // Other components (exon number…) keep their own code.
    parts.push(detail(ctx, c.code.coding?.[0] ?? { code: 'unknown' }, value(c, `${loc.path}.component[${i}]`, ctx.w.warn)));
  });
  for (const impl of implicationsOf(ctx, loc)) {
    ctx.written.add(impl.path);
    ctx.w.markUsed(impl);
    (impl.resource.component ?? []).forEach((c, i) => {
      const loinc = codesOf(c.code).find((x) => IMPLICATION_BY_LOINC[x]);
      const cdaCode = loinc ? details.implications[IMPLICATION_BY_LOINC[loinc]] : c.code.coding?.[0];
      if (cdaCode) parts.push(detail(ctx, cdaCode, value(c, `${impl.path}.component[${i}]`, ctx.w.warn)));
    });
    parts.push(...comments(ctx, impl.resource.note));
  }
  const tpl = observationTemplate(ctx, o, rule.options?.template as string | undefined);
  return statement(tpl, ctx, loc, [
    cd('code', { system: 'http://loinc.org', code: g.geneStudied.code, display: 'Gene' }),
    statusCode(obsStatus(o.status)),
    effectiveTime(o.effectiveDateTime, o.effectivePeriod),
    gene ? cd('value', gene, { xsiType: 'CD', path: `${loc.path}.component`, warn: ctx.w.warn }) : el('value', { 'xsi:type': 'CD', nullFlavor: 'UNK' }),
    ...specimenEls(ctx, loc as Located<Observation>),
    ...parts,
    ...nestedAll(ctx, o.hasMember, `${loc.path}.hasMember`, relationship('COMP')),
    ...comments(ctx, o.note),
  ]);
}

/** An implication whose variant was not written (no derivedFrom in the Bundle): a simple observation of its components. */
export function implication(loc: Located, ctx: EntryCtx): XElement | undefined {
  const o = (loc as Located<Observation>).resource;
  const details = ctx.cfg.geneDetails as GeneDetails | undefined;
  return statement(observationTemplate(ctx, o), ctx, loc, [
    cd('code', o.code, { path: `${loc.path}.code`, warn: ctx.w.warn }),
    statusCode(obsStatus(o.status)),
    effectiveTime(o.effectiveDateTime, o.effectivePeriod),
    el('value', { 'xsi:type': 'CD', nullFlavor: 'NA' }),
    ...(o.component ?? []).map((c, i) => {
      const loinc = codesOf(c.code).find((x) => IMPLICATION_BY_LOINC[x]);
      const code = (loinc && details?.implications[IMPLICATION_BY_LOINC[loinc]]) || c.code.coding?.[0] || { code: 'unknown' };
      return detail(ctx, code, value(c, `${loc.path}.component[${i}]`, ctx.w.warn));
    }),
    ...comments(ctx, o.note),
  ]);
}
