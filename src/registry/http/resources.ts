// The registry's FHIR view of its pseudonymous tables: a Patient per person (sex, birth year and
// département only), and per consolidated tumour a Condition, a BodyStructure and a Provenance that
// names every contributing document. Built on read; the tables are the truth.
import type { BodyStructure, Condition, Extension, Patient, Provenance } from 'fhir/r4';
import type { Tumour } from '../tumours/types.js';
import basis from '../tumours/rules/basis-of-diagnosis.json' with { type: 'json' };
import S from './fhir-systems.json' with { type: 'json' };

export interface PersonRow { person_key: string; sex: string; birth_date: string; departement: string | null }
export interface CaseRow { id: string; person_key: string; tumour: Tumour; updated_at: string | Date }

const meta = (type: string, updated?: string | Date) => {
  const profile = (S.profiles as Record<string, string>)[type];
  return { ...(profile ? { profile: [profile] } : {}), tag: [S.registryTag], ...(updated ? { lastUpdated: new Date(updated).toISOString() } : {}) };
};
const basisLabel = (code: number) => basis.codes.find((c) => c.code === code)?.label;

export function patientOf(p: PersonRow): Patient {
  return {
    resourceType: 'Patient',
    id: p.person_key,
    meta: meta('Patient'),
    gender: (S.gender as Record<string, 'male' | 'female'>)[p.sex] ?? 'unknown',
    birthDate: p.birth_date.slice(0, 4), // the year is enough for ages and keeps re-identification harder
    ...(p.departement ? { address: [{ district: p.departement, country: 'FRA' }] } : {}),
  };
}

export function conditionOf(c: CaseRow): Condition {
  const t = c.tumour;
  const ext: Extension[] = [
    { url: S.morphologyExtension, valueCodeableConcept: { coding: [{ system: S.icdO3, code: `${t.morphology}/${t.behaviour}` }] } },
    { url: S.bodySiteExtension, valueReference: { reference: `BodyStructure/${c.id}` } },
    { url: S.basisExtension, valueCoding: { system: S.basisOfDiagnosis, code: String(t.basis), display: basisLabel(t.basis) } },
    ...(t.incidenceEvent ? [{ url: S.incidenceEventExtension, valueCode: t.incidenceEvent }] : []),
    ...t.rareCancer.map((r) => ({ url: S.rareCancerNetworkExtension, valueString: `${r.entity}: ${r.network}` })),
    ...t.warnings.map((w) => ({ url: S.checkWarningExtension, valueString: `${w.severity} ${w.check}: ${w.message}` })),
  ];
  return {
    resourceType: 'Condition',
    id: c.id,
    meta: meta('Condition', c.updated_at),
    extension: ext,
    verificationStatus: { coding: [S.verification] },
    category: [{ coding: [S.conditionCategory] }],
    code: { coding: [{ system: S.icdO3, code: t.topography }] },
    subject: { reference: `Patient/${c.person_key}` },
    ...(t.incidenceDate ? { onsetDateTime: t.incidenceDate } : {}),
    ...(t.stage ? { stage: [{ summary: { text: `${t.stage.system} ${t.stage.value}` } }] } : {}),
    ...(t.conflicts.length ? { note: t.conflicts.map((k) => ({ text: `Conflict on ${k.field}: ${k.values.map((v) => JSON.stringify(v.value)).join(' vs ')} (kept ${JSON.stringify(k.kept)}; ${k.reason})` })) } : {}),
  };
}

export function bodyStructureOf(c: CaseRow): BodyStructure {
  const t = c.tumour;
  const side = t.laterality ? (S.laterality as Record<string, { system: string; code: string; display: string }>)[t.laterality] : undefined;
  return {
    resourceType: 'BodyStructure',
    id: c.id,
    meta: meta('BodyStructure', c.updated_at),
    morphology: { coding: [{ system: S.icdO3, code: `${t.morphology}/${t.behaviour}` }] },
    location: { coding: [{ system: S.icdO3, code: t.topography }] },
    ...(side ? { locationQualifier: [{ coding: [side] }] } : {}),
    patient: { reference: `Patient/${c.person_key}` },
  };
}

export function provenanceOf(c: CaseRow): Provenance {
  const t = c.tumour;
  return {
    resourceType: 'Provenance',
    id: c.id,
    meta: meta('Provenance', c.updated_at),
    target: [{ reference: `Condition/${c.id}` }, { reference: `BodyStructure/${c.id}` }],
    recorded: new Date(c.updated_at).toISOString(),
    activity: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-DataOperation', code: 'DERIVE' }], text: 'IARC/IACR 2004 multiple-primary consolidation' },
    agent: [{ who: { display: 'oncofhir registry' } }],
    entity: t.sources.map((s) => ({ role: 'source' as const, what: { reference: s.documentRef, display: [s.producer, s.documentDate].filter(Boolean).join(', ') } })),
  };
}
