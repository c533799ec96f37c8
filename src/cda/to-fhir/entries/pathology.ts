// Pathology (APSR) entries: the specimen procedure (FR-Prelevement-APSR) → Specimen, with its
// collection (date, method, body site, collector), reception time (SPRECEIVE) and the observations
// made on the specimen (length, fixative…) as Observations pointing to it.
import type { CodeableConcept, Identifier, Reference, Specimen } from 'fhir/r4';
import { all, child, children, first, templateIds, type CdaElement } from '../../dom.js';
import { codeableConcept } from '../codes.js';
import { identifier, ivlTsToPeriod, tsToDateTime } from '../datatypes.js';
import { practitionerRole } from '../header.js';
import { commentText, isComment, nested, notes, noteUnmappedParts, type EntryContext, type EntryRule, type MapResult } from './context.js';
import { convertEntry } from './dispatch.js';
import { compact } from '../compact.js';
import table from '../tables/pathology.json' with { type: 'json' };

const RECEIVE = table.receiveTemplate;

/** The value of the document's 'specimen type' observation (66746-9), for a specimen that has no type of its own. */
function documentSpecimenType(ctx: EntryContext): CodeableConcept | undefined {
  const obs = ctx.b.find('observation', (e) => table.specimenTypeCodes.includes(child(e, 'code')?.attrs.code ?? '') && !!child(e, 'value')?.attrs.code);
  return codeableConcept(child(obs, 'value'), ctx.b.resolveText);
}

export function specimenProcedure(el: CdaElement, ctx: EntryContext, rule: EntryRule): MapResult {
  const roles = [...all(el, 'specimen/specimenRole'), ...all(el, 'participant/participantRole').filter((r) => r.attrs.classCode === 'SPEC')];
  const ids = roles.flatMap((r) => children(r, 'id')).map((i) => ({ el: i, id: identifier(i) })).filter((x): x is { el: CdaElement; id: Identifier } => !!x.id);
  const own = roles.map((r) => codeableConcept(first(r, 'specimenPlayingEntity/code') ?? first(r, 'playingEntity/code'), ctx.b.resolveText)).find(Boolean);
  const type = own ?? documentSpecimenType(ctx);
  if (!type) ctx.b.warn('The specimen has no type (specimenPlayingEntity/code) and the document no specimen-type observation: Specimen.type says "non précisé"', el, 'information', 'incomplete');
  const key = `Specimen|${el.xpath}`;
  const self = ctx.b.refFor(key);
  let received: string | undefined;
  const observations: Reference[] = [];
  const texts: string[] = [];
  for (const c of nested(el)) {
    if (templateIds(c).includes(RECEIVE)) {
      received = tsToDateTime(child(c, 'effectiveTime')?.attrs.value) ?? ivlTsToPeriod(child(c, 'effectiveTime'))?.start;
      continue;
    }
    if (isComment(c)) {
      const t = commentText(c, ctx);
      if (t) texts.push(t);
      continue;
    }
    const r = convertEntry(c, { ...ctx, specimen: self });
    observations.push(...r.refs);
    if (r.note) texts.push(r.note);
  }
  const eff = child(el, 'effectiveTime');
  const period = ivlTsToPeriod(eff);
  const collectedAt = eff?.attrs.value ? tsToDateTime(eff.attrs.value) : undefined;
  const method = codeableConcept(child(el, 'code'), ctx.b.resolveText);
  const collector = practitionerRole(ctx.b, first(el, 'performer/assignedEntity'));
  const specimen: Specimen = compact({
    resourceType: 'Specimen' as const,
    ...(rule.profile ? { meta: { profile: [ctx.profileUrl(rule.profile)] } } : {}),
    identifier: ids.map((x) => x.id),
    accessionIdentifier: ids[0]?.id,
    status: 'available' as const,
    type: type ?? { text: 'Type de prélèvement non précisé' },
    subject: ctx.patient,
    receivedTime: received,
    collection: compact({
      collector,
      ...(collectedAt ? { collectedDateTime: collectedAt } : period?.end ? { collectedPeriod: period } : period?.start ? { collectedDateTime: period.start } : {}),
      method,
      bodySite: codeableConcept(child(el, 'targetSiteCode'), ctx.b.resolveText),
    }),
    // The act's narrative, unless it only repeats the method.
    note: notes([ctx.b.resolveText(child(el, 'text')), ...texts].filter((t) => t !== method?.coding?.[0]?.display && t !== method?.text)),
  });
  if (!Object.keys(specimen.collection ?? {}).length) delete specimen.collection;
  noteUnmappedParts(el, ctx, ['performer', 'participant']);
  ctx.b.add(key, specimen);
  for (const x of ids) ctx.collected.specimens.set(`${x.el.attrs.root ?? ''}|${x.el.attrs.extension ?? ''}`, self);
  if (!ids.length) ctx.collected.specimens.set(`${el.xpath}|`, self);
  return { refs: [self, ...observations] };
}
