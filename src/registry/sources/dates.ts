// Incidence-date candidates: each dated event of the document with its ENCR event type (mapping.json
// incidenceEvents). Malformed dates are reported and skipped.
import type { Encounter, Observation, Specimen } from 'fhir/r4';
import mapping from './mapping.json' with { type: 'json' };
import { datePart, hasAnyCode, type DocumentView, type Located } from './document.js';
import type { IncidenceCandidate, IncidenceEvent } from '../tumours/types.js';

const E = mapping.incidenceEvents;
type Source = 'specimenCollected' | 'specimenReceived' | 'reportIssued' | 'conditionOnset' | 'rcpMeeting' | 'rcpDateObservation' | 'inpatientEncounter';

export class Candidates {
  readonly list: IncidenceCandidate[] = [];
  constructor(private readonly doc: DocumentView) {}

  add(source: Source, value: unknown, path: string): void {
    if (value === undefined || value === null) return;
    const date = datePart(value);
    if (!date) {
      this.doc.warn(`The date ${JSON.stringify(value)} is malformed; it is not an incidence-date candidate`, path, 'value');
      return;
    }
    const event = E[source] as IncidenceEvent;
    if (!this.list.some((c) => c.date === date && c.event === event)) this.list.push({ date, event });
  }
}

export function specimenDates(s: Located<Specimen>, out: Candidates): void {
  const col = s.res.collection;
  if (col?.collectedDateTime !== undefined) out.add('specimenCollected', col.collectedDateTime, `${s.path}.collection.collectedDateTime`);
  else if (col?.collectedPeriod) {
    const key = col.collectedPeriod.start !== undefined ? 'start' : 'end';
    out.add('specimenCollected', col.collectedPeriod[key], `${s.path}.collection.collectedPeriod.${key}`);
  }
  out.add('specimenReceived', s.res.receivedTime, `${s.path}.receivedTime`);
}

function encounterDates(enc: Located<Encounter>, out: Candidates): void {
  const isRcp = (enc.res.type ?? []).some((t) => hasAnyCode(t, [E.rcpMeetingType]));
  const inpatient = E.inpatientClasses.includes(enc.res.class?.code ?? '');
  if (isRcp) out.add('rcpMeeting', enc.res.period?.start, `${enc.path}.period.start`);
  else if (inpatient) out.add('inpatientEncounter', enc.res.period?.start, `${enc.path}.period.start`);
}

/** The document's candidates that are not a specimen's (report, encounter, RCP), for a one-specimen record. */
export const withoutSpecimenDates = (list: IncidenceCandidate[]): IncidenceCandidate[] =>
  list.filter((c) => c.event !== E.specimenCollected && c.event !== E.specimenReceived);

/** The dates the whole document gives: specimens, pathology/genetics report, encounter, 'date de la RCP'. */
export function documentCandidates(doc: DocumentView, encounter: Located<Encounter> | undefined, out: Candidates): void {
  for (const s of doc.all('Specimen')) specimenDates(s, out);
  for (const r of doc.all('DiagnosticReport')) {
    const pathology = (r.res.category ?? []).some((c) => hasAnyCode(c, E.reportCategories));
    if (pathology) out.add('reportIssued', r.res.issued, `${r.path}.issued`);
  }
  if (encounter) encounterDates(encounter, out);
  for (const o of doc.all('Observation') as Located<Observation>[]) {
    if (!hasAnyCode(o.res.code, mapping.observations.rcpDate)) continue;
    const key = o.res.valueDateTime !== undefined ? 'valueDateTime' : 'effectiveDateTime';
    out.add('rcpDateObservation', o.res[key], `${o.path}.${key}`);
  }
}
