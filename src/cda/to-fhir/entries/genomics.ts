// CR-GM gene observations (48018-6, value HGNC) with their sub-observations → a genomic variant
// Observation (69548-6; components gene studied, c./p./g.HGVS, reference sequence, exon…) and, for
// the mutation impact and therapy class, a therapeutic implication Observation derived from it.
// HGVS strings are routed by prefix (c. p. g.), whatever CDA code carries them (tables/genomics.json).
import type { CodeableConcept, Coding, Observation, ObservationComponent, Reference } from 'fhir/r4';
import { child, type CdaElement } from '../../dom.js';
import { codeableConcept, coding } from '../codes.js';
import { value } from '../datatypes.js';
import g from '../tables/genomics.json' with { type: 'json' };
import { commentText, isComment, nested, notes, observationBase, type EntryContext, type EntryRule, type MapResult } from './context.js';
import { convertEntry } from './dispatch.js';
import { compact } from '../compact.js';

const SUB = g.subObservations as Record<string, string>;
const HGVS = g.hgvs as Record<string, Coding>;
const PRESENCE = g.presence as unknown as Record<string, Coding>;
const IMPLICATION = g.implicationComponents as Record<string, Coding>;

/** The lab's classification of the result (the enclosing organizer's code qualifier value). */
function classification(el: CdaElement): CdaElement | undefined {
  const org = el.parent?.parent?.name === 'organizer' ? el.parent.parent : undefined;
  return child(child(child(org, 'code'), 'qualifier'), 'value');
}

export function geneVariant(el: CdaElement, ctx: EntryContext, rule: EntryRule): MapResult {
  const gene = codeableConcept(child(el, 'value'), ctx.b.resolveText);
  const components: ObservationComponent[] = [];
  if (gene) components.push({ code: { coding: [g.geneStudied] }, valueCodeableConcept: gene });
  let refSeq: string | undefined;
  const hgvs: { prefix: string; text: string }[] = [];
  const implications: CdaElement[] = [];
  const texts: string[] = [];
  const others: Reference[] = [];
  for (const c of nested(el)) {
    if (isComment(c)) { const t = commentText(c, ctx); if (t) texts.push(t); continue; }
    const code = child(c, 'code')?.attrs.code ?? '';
    const kind = SUB[code];
    const v = value(child(c, 'value'), ctx.b.resolveText);
    const str = (v.valueString as string | undefined)?.trim();
    if (kind === 'referenceSequence' && str) refSeq = str;
    else if (kind === 'hgvs' && str) {
      const prefix = Object.keys(HGVS).find((p) => str.replace(/^[^:]*:/, '').startsWith(p));
      if (prefix) hgvs.push({ prefix, text: str });
      else texts.push(`${child(c, 'code')?.attrs.displayName ?? code} : ${str}`);
    } else if (kind === 'implication') implications.push(c);
    else if (kind === 'component' && Object.keys(v).length) components.push({ code: codeableConcept(child(c, 'code'))!, ...v } as ObservationComponent);
    else if (kind === 'hgvs' || kind === 'referenceSequence') continue; // empty value: nothing reported
    else others.push(...convertEntry(c, ctx).refs);
  }
  if (refSeq) components.push({ code: { coding: [g.referenceSequence.component] }, valueCodeableConcept: { coding: [{ system: g.referenceSequence.system, code: refSeq }] } });
  for (const h of hgvs) {
    const full = refSeq && !h.text.includes(':') && h.prefix === 'c.' ? `${refSeq}:${h.text}` : h.text;
    components.push({ code: { coding: [HGVS[h.prefix]] }, valueCodeableConcept: { coding: [{ system: g.hgvsSystem, code: full }], text: h.text } });
  }
  const cls = classification(el);
  const presence = hgvs.length ? PRESENCE.withVariant : cls?.attrs.code ? PRESENCE[cls.attrs.code] : undefined;
  const base = observationBase(el, ctx, rule.category ?? 'laboratory');
  const original = coding(child(el, 'code'));
  const key = `Observation|${el.xpath}`;
  const variant: Observation = compact({
    ...base,
    ...(rule.profile ? { meta: { profile: [ctx.profileUrl(rule.profile)] } } : {}),
    code: { coding: [g.variantCode, ...(original && original.code !== g.variantCode.code ? [original] : [])] },
    ...(presence ? { valueCodeableConcept: { coding: [presence] } } : { dataAbsentReason: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/data-absent-reason', code: 'unknown' }] } }),
    specimen: ctx.specimen,
    component: components,
    hasMember: others,
    note: notes([ctx.b.resolveText(child(el, 'text')), ...texts].filter((t) => t !== gene?.coding?.[0]?.code)),
  });
  const self = ctx.b.add(key, variant);
  const refs: Reference[] = [self];
  if (implications.length) {
    const comps: ObservationComponent[] = implications.map((c) => {
      const code = child(c, 'code')?.attrs.code ?? '';
      const v = value(child(c, 'value'), ctx.b.resolveText);
      return { code: IMPLICATION[code] ? { coding: [IMPLICATION[code]] } : codeableConcept(child(c, 'code'))!, ...v } as ObservationComponent;
    }).filter((c) => Object.keys(c).length > 1);
    const impl: Observation = compact({
      ...observationBase(implications[0], ctx, rule.category ?? 'laboratory'),
      ...(rule.options?.implicationProfile ? { meta: { profile: [ctx.profileUrl(rule.options.implicationProfile as string)] } } : {}),
      code: { coding: [g.implicationCode] } as CodeableConcept,
      derivedFrom: [self],
      component: comps,
    });
    const implRef = ctx.b.add(`Observation|${implications[0].xpath}|implication`, impl);
    refs.push(implRef);
  }
  return { refs };
}
