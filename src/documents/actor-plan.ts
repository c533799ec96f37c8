// What $submit-cda does with each actor of a document, decided from one look-up (actor-lookup.ts):
//   - the Patient: matched by its INS; without an INS (or none stored yet), by its other identifiers,
//     but never onto a person with a different INS; a match gets the identifiers it lacked;
//   - a shared actor (with identifiers, or a PractitionerRole): matched by identifier, or kept if
//     already stored under its id, else created;
//   - an actor without an identifier belongs to the document (its id derives from the setId): written.
// Creating a person or a shared actor, or completing a person, must not race with another submission
// doing the same: those decisions name the advisory lock to take before deciding again.
import type { Identifier, Patient, Resource } from 'fhir/r4';
import type { Issue } from '../fhir/errors.js';
import type { ActorLookup } from './actor-lookup.js';
import policy from './submit-policy.json' with { type: 'json' };

const INS = new Set(policy.insSystems);

export type ActorDecision =
  | { kind: 'matched'; id: string }
  | { kind: 'complete'; id: string; resource: Patient; lock: string }
  | { kind: 'write'; shared: boolean; lock?: string };

export interface ActorPlan {
  decisions: ActorDecision[];
  /** Advisory locks to hold before acting on this plan (then decide again). */
  locks: string[];
  warnings: Issue[];
}

export const insOf = (p: Patient | undefined) => p?.identifier?.find((i) => INS.has(i.system ?? ''));
const key = (i: Identifier) => `${i.system}|${i.value}`;

function patientDecision(patient: Patient, look: ActorLookup, warnings: Issue[]): ActorDecision {
  const ins = insOf(patient);
  const lockId = ins ?? patient.identifier?.[0];
  const lock = `patient|${lockId?.system}|${lockId?.value}`;
  let found = ins ? look.byIdentifier('Patient', ins) : undefined;
  if (!found) {
    const candidate = look.firstMatch('Patient', (patient.identifier ?? []).filter((i) => !INS.has(i.system ?? '')));
    const storedIns = insOf(candidate?.resource as Patient | undefined);
    if (candidate && ins && storedIns && key(storedIns) !== key(ins)) {
      warnings.push({ severity: 'warning', code: 'conflict', diagnostics: `A local identifier of the patient already names Patient/${candidate.id}, whose INS differs (${storedIns.value} ≠ ${ins.value}): they are kept as two people`, expression: ['/ClinicalDocument/recordTarget/patientRole/id'] });
    } else found = candidate;
  }
  if (!found) return { kind: 'write', shared: false, lock };
  const existing = found.resource as Patient;
  const known = new Set((existing.identifier ?? []).map(key));
  const added = (patient.identifier ?? []).filter((i) => !known.has(key(i)));
  if (!added.length) return { kind: 'matched', id: found.id };
  return { kind: 'complete', id: found.id, resource: { ...existing, identifier: [...(existing.identifier ?? []), ...added] }, lock };
}

/** One decision per actor, in the order given. */
export function planActors(actors: Resource[], look: ActorLookup): ActorPlan {
  const warnings: Issue[] = [];
  const decisions = actors.map((r): ActorDecision => {
    const t = r.resourceType;
    if (t === 'Patient') return patientDecision(r as Patient, look, warnings);
    const identifiers = (r as { identifier?: Identifier[] }).identifier;
    if (!identifiers?.length && t !== 'PractitionerRole') return { kind: 'write', shared: false };
    const found = look.firstMatch(t, identifiers) ?? look.byId(t, r.id!);
    return found ? { kind: 'matched', id: found.id } : { kind: 'write', shared: true, lock: `actor|${t}/${r.id}` };
  });
  const locks = [...new Set(decisions.flatMap((d) => (d.kind !== 'matched' && d.lock ? [d.lock] : [])))].sort();
  return { decisions, locks, warnings };
}
