// Pathology and laboratory parts, the inverse of src/cda/to-fhir/entries/pathology.ts and of the
// DiagnosticReport that CDA → FHIR builds over a report's results: Specimen → the APSR specimen
// procedure (collection date, method, body site, collector, reception time, the specimen with its
// ids and type); DiagnosticReport → its results that no section lists (the report itself is the CDA
// document, its conclusion the conclusion section).
import type { DiagnosticReport, Specimen } from 'fhir/r4';
import type { Located } from '../context.js';
import { cd, ivlTs, ts } from '../datatypes.js';
import { professional, roleEl } from '../entities.js';
import { el, type XElement } from '../xml.js';
import { comments, statement, statusCode, type EntryCtx } from './common.js';

export function specimen(loc: Located, ctx: EntryCtx): XElement | undefined {
  const s = (loc as Located<Specimen>).resource;
  const col = s.collection;
  const warn = ctx.w.warn;
  const ids = (s.identifier ?? []).map((id) => ctx.w.idOf({ ...loc, resource: { ...s, identifier: [id] } } as Located));
  const collector = professional(ctx.w, col?.collector, `${loc.path}.collection.collector`);
  const received = ts(s.receivedTime);
  const collected = col?.collectedPeriod;
  return statement('specimenProcedure', ctx, undefined, [
    col?.method ? cd('code', col.method, { path: `${loc.path}.collection.method`, warn }) : undefined,
    statusCode('completed'),
    collected ? ivlTs('effectiveTime', collected) : col?.collectedDateTime ? el('effectiveTime', { value: ts(col.collectedDateTime) }) : el('effectiveTime', { nullFlavor: 'UNK' }),
    col?.bodySite ? cd('targetSiteCode', col.bodySite, { path: `${loc.path}.collection.bodySite`, warn }) : undefined,
    el('specimen', { typeCode: 'SPC' }, el('specimenRole', { classCode: 'SPEC' },
      ids.length ? ids : [ctx.w.idOf(loc)],
      s.type?.coding?.length ? el('specimenPlayingEntity', {}, cd('code', s.type, { path: `${loc.path}.type`, warn })) : undefined)),
    collector ? el('performer', { typeCode: 'PRF' }, roleEl(ctx.w, collector, { role: 'assignedEntity', person: 'assignedPerson', organization: 'representedOrganization' })) : undefined,
    received ? el('entryRelationship', { typeCode: 'COMP' }, statement('specimenReceive', ctx, undefined, [statusCode('completed'), el('effectiveTime', { value: received })])) : undefined,
    ...comments(ctx, s.note),
  ]);
}

/** The report's results that nothing else wrote, in the report's section. */
export function report(loc: Located, ctx: EntryCtx): XElement[] {
  const r = (loc as Located<DiagnosticReport>).resource;
  const out: XElement[] = [];
  (r.result ?? []).forEach((ref, i) => {
    const target = ctx.w.resolve(ref, `${loc.path}.result[${i}]`);
    if (!target || ctx.written.has(target.path)) return;
    const x = ctx.nested(ref, `${loc.path}.result[${i}]`);
    if (x) out.push(x);
  });
  if (r.conclusion) ctx.w.warn('DiagnosticReport.conclusion is the narrative of the conclusion section in CDA; it is not repeated as an entry', `${loc.path}.conclusion`, 'information');
  return out;
}
