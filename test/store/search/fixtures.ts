// A small oncology-flavoured data set covering every search parameter kind.
import type { Resource } from 'fhir/r4';
import { BASE } from './helper.js';

export const INS = 'urn:oid:1.2.250.1.213.1.4.8';
const LOINC = 'http://loinc.org', UCUM = 'http://unitsofmeasure.org';
const V2 = 'http://terminology.hl7.org/CodeSystem/v2-0203';

const quantity = (value: number, code: string) => ({ value, unit: code, system: UCUM, code });
const loinc = (code: string, display?: string) => ({ coding: [{ system: LOINC, code, ...(display ? { display } : {}) }] });

export const DATA = [
  { resourceType: 'Organization', id: 'org1', name: 'Centre Léon Bérard', partOf: { reference: 'Organization/org0' } },
  { resourceType: 'Organization', id: 'org2', name: 'Institut Curie' },
  { resourceType: 'Organization', id: 'org0', name: 'Unicancer' },
  { resourceType: 'Practitioner', id: 'pr1', name: [{ family: 'Martin', given: ['Paul'] }] },
  {
    resourceType: 'Patient', id: 'p1', active: true, gender: 'female', birthDate: '1961-03-15',
    meta: { tag: [{ system: 'http://example.org/tags', code: 'vip' }], profile: ['http://example.org/StructureDefinition/onco-patient'], source: 'http://example.org/source#a' },
    identifier: [{ system: INS, value: '111', type: { coding: [{ system: V2, code: 'NH' }], text: 'INS' } }, { system: 'urn:ipp', value: 'IPP-1', type: { coding: [{ system: V2, code: 'MR' }] } }],
    name: [{ family: 'Dupont', given: ['Hélène'] }],
    address: [{ city: 'Saint-Étienne', postalCode: '42000' }],
    telecom: [{ system: 'email', value: 'helene@example.org' }],
    managingOrganization: { reference: 'Organization/org1' },
    generalPractitioner: [{ reference: 'Practitioner/pr1' }],
  },
  {
    resourceType: 'Patient', id: 'p2', active: true, gender: 'male', birthDate: '1975-07-01',
    identifier: [{ system: INS, value: '222' }], name: [{ family: 'Durand', given: ['Marc'] }],
    managingOrganization: { reference: 'Organization/org2' },
  },
  { resourceType: 'Patient', id: 'p3', active: false, gender: 'female', name: [{ family: 'Dupond-Martin', given: ['Anne'] }], meta: { security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' }] } },
  {
    resourceType: 'Observation', id: 'o1', status: 'final', code: loinc('8480-6', 'Systolic blood pressure'), subject: { reference: 'Patient/p1' },
    effectiveDateTime: '2023-05-02T08:15:00Z', valueQuantity: quantity(120, 'mm[Hg]'),
  },
  {
    resourceType: 'Observation', id: 'o2', status: 'amended', code: loinc('29463-7', 'Body weight'), subject: { reference: 'Patient/p1' },
    effectiveDateTime: '2022-01-10', valueQuantity: quantity(72.5, 'kg'),
  },
  {
    resourceType: 'Observation', id: 'o3', status: 'final', code: loinc('8480-6', 'Systolic blood pressure'), subject: { reference: 'Patient/p2' },
    effectiveDateTime: '2024-02-01T10:00:00+01:00', valueQuantity: quantity(145, 'mm[Hg]'), performer: [{ reference: 'Practitioner/pr1' }],
  },
  {
    resourceType: 'Observation', id: 'o4', status: 'final', code: loinc('29463-7'), subject: { reference: 'Patient/p2' },
    effectiveDateTime: '2021', valueQuantity: quantity(80000, 'g'),
  },
  {
    resourceType: 'Observation', id: 'o5', status: 'final', code: loinc('85354-9', 'Blood pressure panel'), subject: { reference: 'Patient/p3' },
    effectivePeriod: { start: '2023-01-01', end: '2023-01-31' },
    component: [{ code: loinc('8480-6'), valueQuantity: quantity(131, 'mm[Hg]') }, { code: loinc('8462-4'), valueQuantity: quantity(82, 'mm[Hg]') }],
  },
  { resourceType: 'Observation', id: 'o6', status: 'preliminary', code: { text: 'Note libre sur la douleur' }, subject: { reference: `${BASE}/Patient/p3` }, valueString: 'douleur' },
  { resourceType: 'Observation', id: 'o7', status: 'final', code: loinc('8302-2'), subject: { identifier: { system: INS, value: '333' } }, valueQuantity: { value: 170, unit: 'cm' } },
  { resourceType: 'Observation', id: 'o8', status: 'final', code: loinc('8302-2'), subject: { reference: 'http://elsewhere.org/fhir/Patient/x9' } },
  { resourceType: 'RiskAssessment', id: 'ra1', status: 'final', subject: { reference: 'Patient/p1' }, prediction: [{ probabilityDecimal: 0.8 }] },
  { resourceType: 'RiskAssessment', id: 'ra2', status: 'final', subject: { reference: 'Patient/p2' }, prediction: [{ probabilityDecimal: 0.25 }] },
  { resourceType: 'RiskAssessment', id: 'ra3', status: 'final', subject: { reference: 'Patient/p3' }, prediction: [{ probabilityDecimal: 100 }] },
  { resourceType: 'ValueSet', id: 'vs1', status: 'active', url: 'http://example.org/fhir/ValueSet/onco' },
  { resourceType: 'ValueSet', id: 'vs2', status: 'active', url: 'http://example.org/fhir/ValueSet/onco/sub' },
  { resourceType: 'ValueSet', id: 'vs3', status: 'active', url: 'http://other.org/vs' },
  { resourceType: 'QuestionnaireResponse', id: 'qr1', status: 'completed', questionnaire: 'http://example.org/Questionnaire/q1|1.0' },
  { resourceType: 'Provenance', id: 'prov1', target: [{ reference: 'Observation/o3' }], recorded: '2024-02-01T12:00:00Z', agent: [{ who: { reference: 'Practitioner/pr1' } }] },
] as unknown as Resource[];
