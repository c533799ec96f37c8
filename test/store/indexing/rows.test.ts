// Row extraction per parameter kind (search.html rules), on real-shaped resources, plus values
// that must yield no row rather than fail the write.
import type { Resource } from 'fhir/r4';
import { describe, expect, it } from 'vitest';
import { decimalRange, normaliseString, parseReference, rowsOf } from '../../../src/store/indexing/index.js';
import { bloodPressure, condition, patient } from './fixtures.js';

const rowsFor = (r: object, table: string, param: string) =>
  ((rowsOf(r as Resource) as Record<string, Record<string, unknown>[]>)[table] ?? []).filter((x) => x.param === param).map(({ param: _p, ...rest }) => rest);

describe('string', () => {
  it('indexes every HumanName and Address part', () => {
    expect(rowsFor(patient, 'idx_string', 'name')).toEqual([
      { norm: 'dupont', exact: 'Dupont' },
      { norm: 'helene marie', exact: 'Hélène  Marie' },
      { norm: 'mme', exact: 'Mme' },
    ]);
    expect(rowsFor(patient, 'idx_string', 'address').map((r) => r.norm)).toEqual(['12 rue de la paix', 'saint-etienne', '42000', 'fr']);
  });

  it.each([
    ['Élodie  DUPONT ', 'elodie dupont'],
    ['Ça\tva', 'ca va'],
    ['Zoë Œuvre', 'zoe œuvre'],
  ])('normalises %j to %j', (input, want) => {
    expect(normaliseString(input)).toBe(want);
  });
});

describe('token', () => {
  it('indexes each coding with its display, and CodeableConcept.text on its own row', () => {
    expect(rowsFor(bloodPressure, 'idx_token', 'code')).toEqual([
      { system: 'http://loinc.org', code: '85354-9', text: 'blood pressure panel' },
      { text: 'tension arterielle' },
    ]);
  });

  it('indexes code and boolean primitives without system', () => {
    expect(rowsFor(patient, 'idx_token', 'gender')).toEqual([{ code: 'female' }]);
    expect(rowsFor({ resourceType: 'Patient', deceasedBoolean: true }, 'idx_token', 'deceased')).toEqual([{ code: 'true' }]);
    expect(rowsFor({ resourceType: 'Patient', active: false }, 'idx_token', 'active')).toEqual([{ code: 'false' }]);
  });
});

describe('date', () => {
  it.each([
    ['2020', '2020-01-01T00:00:00.000Z', '2020-12-31T23:59:59.999Z'],
    ['2020-03', '2020-03-01T00:00:00.000Z', '2020-03-31T23:59:59.999Z'],
    ['2020-02-29', '2020-02-29T00:00:00.000Z', '2020-02-29T23:59:59.999Z'],
    ['2020-03-01T10:00:00', '2020-03-01T10:00:00.000Z', '2020-03-01T10:00:00.999Z'],
    ['2020-03-01T10:00:00+02:00', '2020-03-01T08:00:00.000Z', '2020-03-01T08:00:00.999Z'],
    ['2020-03-01T10:00:00.123Z', '2020-03-01T10:00:00.123Z', '2020-03-01T10:00:00.123Z'],
  ])('%s → [%s, %s]', (onset, lo, hi) => {
    expect(rowsFor({ resourceType: 'Condition', onsetDateTime: onset }, 'idx_date', 'onset-date')).toEqual([{ lo, hi }]);
  });

  it('stores a Period with open ends as infinite', () => {
    expect(rowsFor({ resourceType: 'Encounter', period: { end: '2021-06' } }, 'idx_date', 'date')).toEqual([{ lo: '-infinity', hi: '2021-06-30T23:59:59.999Z' }]);
  });

  it('stores the outer limits of a Timing', () => {
    const mr = { resourceType: 'MedicationRequest', dosageInstruction: [{ timing: { event: ['2021-01-05', '2021-01-02T10:00:00Z'] } }] };
    // MedicationRequest.date selects the events themselves (one row each); CarePlan selects the Timing.
    expect(rowsFor(mr, 'idx_date', 'date')).toHaveLength(2);
    const cp = { resourceType: 'CarePlan', activity: [{ detail: { scheduledTiming: { event: ['2021-01-05', '2021-01-02T10:00:00Z'] } } }] };
    expect(rowsFor(cp, 'idx_date', 'activity-date')).toEqual([{ lo: '2021-01-02T10:00:00.000Z', hi: '2021-01-05T23:59:59.999Z' }]);
  });
});

describe('number and quantity', () => {
  it.each([
    [1.5, '1.5', '1.45', '1.55'],
    [100, '100', '99.5', '100.5'],
    [-2.25, '-2.25', '-2.255', '-2.245'],
    [1e-7, '0.0000001', '0.00000005', '0.00000015'],
    ['1.50', '1.50', '1.495', '1.505'],
  ])('%s has range [%s, %s)', (v, value, lo, hi) => {
    expect(decimalRange(v)).toEqual({ value, lo, hi });
  });

  it('indexes a number parameter', () => {
    const ra = { resourceType: 'RiskAssessment', prediction: [{ probabilityDecimal: 0.25 }] };
    expect(rowsFor(ra, 'idx_number', 'probability')).toEqual([{ value: '0.25', lo: '0.245', hi: '0.255' }]);
  });

  it('indexes Money with the ISO 4217 system, and a Range with null value', () => {
    expect(rowsFor({ resourceType: 'Invoice', totalGross: { value: 12.5, currency: 'EUR' } }, 'idx_quantity', 'totalgross')).toEqual([
      { value: '12.5', lo: '12.45', hi: '12.55', system: 'urn:iso:std:iso:4217', code: 'EUR', unit: 'EUR' },
    ]);
    const vs = { resourceType: 'ValueSet', useContext: [{ code: { code: 'age' }, valueRange: { low: { value: 18, system: 'http://unitsofmeasure.org', code: 'a' } } }] };
    expect(rowsFor(vs, 'idx_quantity', 'context-quantity')).toEqual([{ lo: '18', hi: 'Infinity', system: 'http://unitsofmeasure.org', code: 'a' }]);
  });

  it('converts UCUM units to canonical form (including special units)', () => {
    const obs = (value: number, code: string) => ({ resourceType: 'Observation', valueQuantity: { value, system: 'http://unitsofmeasure.org', code } });
    expect(rowsFor(obs(1.5, 'mg'), 'idx_quantity', 'value-quantity')[0]).toMatchObject({ canon_value: 0.0015, canon_code: 'g' });
    expect(rowsFor(obs(37, 'Cel'), 'idx_quantity', 'value-quantity')[0]).toMatchObject({ canon_value: 310.15, canon_code: 'K' });
    expect(rowsFor(obs(5, 'not-a-unit'), 'idx_quantity', 'value-quantity')[0]).not.toHaveProperty('canon_code');
  });
});

describe('reference and uri', () => {
  it.each([
    ['Patient/123', { target_type: 'Patient', target_id: '123', url: null }],
    ['Patient/123/_history/2', { target_type: 'Patient', target_id: '123', url: null }],
    ['http://other.org/fhir/Patient/9/_history/1', { target_type: 'Patient', target_id: null, url: 'http://other.org/fhir/Patient/9' }],
    ['urn:uuid:0f4b8a52-2d0a-4b4e-9d1a-1a2b3c4d5e6f', { target_type: null, target_id: null, url: 'urn:uuid:0f4b8a52-2d0a-4b4e-9d1a-1a2b3c4d5e6f' }],
    ['#missing', { target_type: null, target_id: null, url: '#missing' }],
  ])('parses %s', (ref, want) => {
    expect(parseReference(ref)).toEqual(want);
  });

  it('types contained references from the contained resource, and keeps Reference.identifier', () => {
    const obs = {
      resourceType: 'Observation',
      contained: [{ resourceType: 'Patient', id: 'p1' }],
      subject: { reference: '#p1' },
      performer: [{ identifier: { system: 'urn:oid:1.2.250.1.71.4.2.1', value: '810000000001' }, type: 'Practitioner' }],
    };
    expect(rowsFor(obs, 'idx_reference', 'subject')).toEqual([{ target_type: 'Patient', url: '#p1' }]);
    expect(rowsFor(obs, 'idx_reference', 'performer')).toEqual([{ target_type: 'Practitioner', ident_system: 'urn:oid:1.2.250.1.71.4.2.1', ident_value: '810000000001' }]);
  });

  it('strips the version of canonical references but not of uri values', () => {
    const q = { resourceType: 'QuestionnaireResponse', questionnaire: 'http://example.org/Questionnaire/rcp|2.0' };
    expect(rowsFor(q, 'idx_reference', 'questionnaire')).toEqual([{ url: 'http://example.org/Questionnaire/rcp' }]);
    expect(rowsFor(condition, 'idx_uri', '_profile')).toEqual([{ value: 'http://interop.esante.gouv.fr/ig/fhir/onco/StructureDefinition/onco-condition' }]);
  });

  it('fills patient only for references that point to a Patient', () => {
    expect(rowsFor({ resourceType: 'Observation', subject: { reference: 'Group/g1' } }, 'idx_reference', 'patient')).toEqual([]);
    expect(rowsFor({ resourceType: 'Observation', subject: { reference: 'Patient/p1' } }, 'idx_reference', 'patient')).toEqual([{ target_type: 'Patient', target_id: 'p1' }]);
  });
});

describe('composite', () => {
  it('pairs code and value within each component only', () => {
    expect(rowsFor(bloodPressure, 'idx_composite', 'component-code-value-quantity').map((r) => [r.c1_code, r.c2_value])).toEqual([
      ['8480-6', '131.5'],
      ['8462-4', '82'],
    ]);
    expect(rowsFor(bloodPressure, 'idx_composite', 'code-value-quantity')).toEqual([]);
  });

  it('indexes code-value-date (whose definition says as(DateTime))', () => {
    const obs = { resourceType: 'Observation', code: { coding: [{ system: 'http://loinc.org', code: '21914-7' }] }, valueDateTime: '2019-05' };
    expect(rowsFor(obs, 'idx_composite', 'code-value-date')).toEqual([
      { c1_system: 'http://loinc.org', c1_code: '21914-7', c2_dlo: '2019-05-01T00:00:00.000Z', c2_dhi: '2019-05-31T23:59:59.999Z' },
    ]);
  });
});

describe('values that cannot be indexed yield no row and no error', () => {
  it.each([
    ['malformed date', { resourceType: 'Patient', birthDate: '03/1961' }, 'idx_date', 'birthdate'],
    ['impossible date', { resourceType: 'Patient', birthDate: '2021-02-30' }, 'idx_date', 'birthdate'],
    ['period with bad start', { resourceType: 'Encounter', period: { start: 'soon' } }, 'idx_date', 'date'],
    ['quantity without value', { resourceType: 'Observation', valueQuantity: { unit: 'mg' } }, 'idx_quantity', 'value-quantity'],
    ['quantity with string value', { resourceType: 'Observation', valueQuantity: { value: '12' } }, 'idx_quantity', 'value-quantity'],
    ['empty string', { resourceType: 'Patient', name: [{ family: '' }] }, 'idx_string', 'family'],
    ['coding without anything', { resourceType: 'Observation', code: { coding: [{}] } }, 'idx_token', 'code'],
    ['reference with display only', { resourceType: 'Observation', subject: { display: 'Mme X' } }, 'idx_reference', 'subject'],
    ['identifier without system or value', { resourceType: 'Patient', identifier: [{ use: 'official' }] }, 'idx_token', 'identifier'],
    ['null in an array', { resourceType: 'Patient', name: [null] }, 'idx_string', 'name'],
  ])('%s', (_label, resource, table, param) => {
    expect(rowsFor(resource, table, param)).toEqual([]);
  });

  it('skips special parameters (_text, _content) and parameters without expression', () => {
    const tables = rowsOf({ resourceType: 'Patient', text: { status: 'generated', div: '<div>x</div>' } } as Resource);
    for (const rows of Object.values(tables)) expect(rows!.filter((r) => r.param === '_text' || r.param === '_content')).toEqual([]);
  });

  it('cuts very long indexed strings', () => {
    const rows = rowsFor({ resourceType: 'Patient', name: [{ family: 'x'.repeat(5000) }] }, 'idx_string', 'family');
    expect((rows[0].norm as string).length).toBe(600);
    expect((rows[0].exact as string).length).toBe(5000);
  });
});
