// Small real-shaped resources used by the indexing tests (French oncology flavour).

export const patient = {
  resourceType: 'Patient',
  id: 'pat-1',
  identifier: [
    {
      system: 'urn:oid:1.2.250.1.213.1.4.8',
      value: '2840375123456',
      type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'NH' }], text: 'INS' },
    },
    { system: 'urn:oid:1.2.250.1.71.4.2.7', value: 'IPP-42' },
  ],
  name: [{ family: 'Dupont', given: ['Hélène  Marie'], prefix: ['Mme'] }],
  telecom: [
    { system: 'phone', value: '+33 1 23 45 67 89' },
    { system: 'email', value: 'helene@example.org' },
  ],
  gender: 'female',
  birthDate: '1961-03',
  address: [{ line: ['12 rue de la Paix'], city: 'Saint-Étienne', postalCode: '42000', country: 'FR' }],
};

export const bloodPressure = {
  resourceType: 'Observation',
  id: 'bp-1',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '85354-9', display: 'Blood pressure panel' }], text: 'Tension artérielle' },
  subject: { reference: 'Patient/pat-1' },
  effectiveDateTime: '2023-05-02T08:15:00+02:00',
  component: [
    { code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] }, valueQuantity: { value: 131.5, unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } },
    { code: { coding: [{ system: 'http://loinc.org', code: '8462-4' }] }, valueQuantity: { value: 82, unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } },
  ],
};

export const condition = {
  resourceType: 'Condition',
  id: 'cond-1',
  meta: { lastUpdated: '2024-01-02T03:04:05.678Z', profile: ['http://interop.esante.gouv.fr/ig/fhir/onco/StructureDefinition/onco-condition'] },
  clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
  code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'C50.9', display: 'Tumeur maligne du sein' }] },
  subject: { reference: 'Patient/pat-1' },
  encounter: { reference: 'Encounter/enc-1' },
  onsetDateTime: '2023-04',
};

export const encounter = {
  resourceType: 'Encounter',
  id: 'enc-1',
  status: 'in-progress',
  class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
  subject: { reference: 'Patient/pat-1' },
  period: { start: '2023-05-02T08:00:00Z' },
};
