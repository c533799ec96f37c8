import { describe, expect, it } from 'vitest';
import { checkStructure } from '../../src/fhir/structure.js';
import { hasSynthea, syntheaBundles, syntheaResources } from './corpus.js';

const obs = (extra: Record<string, unknown>) => ({ resourceType: 'Observation', status: 'final', code: { text: 'x' }, ...extra });
const pat = (extra: Record<string, unknown>) => ({ resourceType: 'Patient', ...extra });

// [case, resource, expected issue code, expected FHIRPath location]
const bad: Array<[string, unknown, 'structure' | 'value', string]> = [
  ['not an object', 'Patient', 'structure', 'Resource'],
  ['missing resourceType', { id: 'x' }, 'structure', 'Resource'],
  ['unknown resourceType', { resourceType: 'Patients' }, 'structure', 'Resource'],
  ['unknown property', pat({ nickname: 'x' }), 'structure', 'Patient.nickname'],
  ['unknown nested property', pat({ name: [{ family: 'a', nick: 'b' }] }), 'structure', 'Patient.name[0].nick'],
  ['choice name without type', obs({ value: 1 }), 'structure', 'Observation.value'],
  ['unknown choice type', obs({ valueAge: { value: 1 } }), 'structure', 'Observation.valueAge'],
  ['two choice values', obs({ valueString: 'a', valueBoolean: true }), 'structure', 'Observation.valueBoolean'],
  ['number for a string', pat({ gender: 1 }), 'value', 'Patient.gender'],
  ['string for a boolean', pat({ active: 'true' }), 'value', 'Patient.active'],
  ['string for a decimal', obs({ valueQuantity: { value: '1.5' } }), 'value', 'Observation.valueQuantity.value'],
  ['fraction for an integer', obs({ valueInteger: 1.5 }), 'value', 'Observation.valueInteger'],
  ['integer out of range', obs({ valueInteger: 2 ** 31 }), 'value', 'Observation.valueInteger'],
  ['positiveInt zero', obs({ valueSampledData: { origin: { value: 0 }, period: 1, dimensions: 0 } }), 'value', 'Observation.valueSampledData.dimensions'],
  ['unsignedInt negative', { resourceType: 'Bundle', type: 'searchset', total: -1 }, 'value', 'Bundle.total'],
  ['object for a primitive', pat({ gender: { code: 'male' } }), 'structure', 'Patient.gender'],
  ['primitive for an object', pat({ maritalStatus: 'M' }), 'structure', 'Patient.maritalStatus'],
  ['single where an array is expected', pat({ name: { family: 'x' } }), 'structure', 'Patient.name'],
  ['array where a single value is expected', pat({ gender: ['male'] }), 'structure', 'Patient.gender'],
  ['empty array', pat({ name: [] }), 'structure', 'Patient.name'],
  ['empty object', pat({ maritalStatus: {} }), 'structure', 'Patient.maritalStatus'],
  ['empty string', pat({ name: [{ given: ['a', ''] }] }), 'value', 'Patient.name[0].given[1]'],
  ['bad id', pat({ id: 'a b' }), 'value', 'Patient.id'],
  ['id too long', pat({ id: 'x'.repeat(65) }), 'value', 'Patient.id'],
  ['bad date', pat({ birthDate: '2000-02-30x' }), 'value', 'Patient.birthDate'],
  ['bad month', pat({ birthDate: '2000-13' }), 'value', 'Patient.birthDate'],
  ['dateTime with hours but no timezone', obs({ effectiveDateTime: '2020-01-01T10:00:00' }), 'value', 'Observation.effectiveDateTime'],
  ['instant without seconds', obs({ issued: '2020-01-01T10:00Z' }), 'value', 'Observation.issued'],
  ['time out of range', obs({ valueTime: '24:00:00' }), 'value', 'Observation.valueTime'],
  ['uri with spaces', pat({ implicitRules: 'http://a b' }), 'value', 'Patient.implicitRules'],
  ['code with leading space', pat({ gender: ' male' }), 'value', 'Patient.gender'],
  ['bad uuid in valueUuid', pat({ extension: [{ url: 'http://x', valueUuid: 'urn:uuid:XYZ' }] }), 'value', 'Patient.extension[0].valueUuid'],
  ['bad base64', pat({ photo: [{ data: 'not base64!' }] }), 'value', 'Patient.photo[0].data'],
  ['narrative not a div', pat({ text: { status: 'generated', div: '<p>x</p>' } }), 'value', 'Patient.text.div'],
  ['null value', pat({ gender: null }), 'structure', 'Patient.gender'],
  ['null in a complex array', pat({ name: [null] }), 'structure', 'Patient.name[0]'],
  ['null in a primitive array without _ entry', pat({ name: [{ given: ['a', null] }] }), 'structure', 'Patient.name[0].given[1]'],
  ['_ companion of a complex element', pat({ _name: [{}] }), 'structure', 'Patient._name'],
  ['_ companion with an unknown property', pat({ birthDate: '2000', _birthDate: { value: 'x' } }), 'structure', 'Patient.birthDate.value'],
  ['_ array of the wrong length', pat({ name: [{ given: ['a', 'b'], _given: [{ id: 'x' }] }] }), 'structure', 'Patient.name[0].given'],
  ['_ array with a double null', pat({ name: [{ given: ['a', null], _given: [null, null] }] }), 'structure', 'Patient.name[0].given[1]'],
  ['_ companion not an object', pat({ birthDate: '2000', _birthDate: 'x' }), 'structure', 'Patient.birthDate'],
  ['bad contained resource', pat({ contained: [{ resourceType: 'Organization', name: 1 }] }), 'value', 'Patient.contained[0].name'],
  ['contained without resourceType', pat({ contained: [{ id: 'x' }] }), 'structure', 'Patient.contained[0]'],
  ['bad resource inside a Bundle', { resourceType: 'Bundle', type: 'collection', entry: [{ resource: pat({ active: 1 }) }] }, 'value', 'Bundle.entry[0].resource.active'],
  ['bad value inside an extension', pat({ extension: [{ url: 'http://x', valueBoolean: 'no' }] }), 'value', 'Patient.extension[0].valueBoolean'],
  ['bad content reference child', { resourceType: 'Questionnaire', status: 'draft', item: [{ linkId: '1', type: 'group', item: [{ linkId: '2', type: 'string', item: [{ foo: 1 }] }] }] }, 'structure', 'Questionnaire.item[0].item[0].item[0].foo'],
];

describe('checkStructure flags bad input with a code and a FHIRPath location', () => {
  it.each(bad)('%s', (_case, resource, code, location) => {
    const issues = checkStructure(resource);
    expect(issues.length, JSON.stringify(issues)).toBeGreaterThan(0);
    expect(issues[0]).toMatchObject({ severity: 'error', code, expression: [location] });
    expect(issues[0].diagnostics).toContain(location);
  });

  it('reports every problem, not just the first', () => {
    const issues = checkStructure(pat({ foo: 1, gender: 2, name: [{ given: [3] }] }));
    expect(issues.map((i) => i.expression![0])).toEqual(['Patient.foo', 'Patient.gender', 'Patient.name[0].given[0]']);
  });

  it('accepts R4 primitive forms at their edges', () => {
    const ok = [
      pat({ id: 'A-1.b', birthDate: '2000', deceasedDateTime: '2020-02-29T23:59:60.123+14:00', multipleBirthInteger: -2147483648 }),
      pat({ name: [{ given: ['a', null], _given: [null, { extension: [{ url: 'http://x', valueString: 'b' }] }] }] }),
      pat({ _birthDate: { extension: [{ url: 'http://x', valueCode: 'unknown' }] } }),
      obs({ valueQuantity: { value: 1e-7 }, issued: '2020-01-01T00:00:00Z' }),
      obs({ valueTime: '23:59:59.5', meta: { lastUpdated: '2020-01-01T00:00:00.000+00:00' } }),
      { resourceType: 'Patient' },
    ];
    for (const r of ok) expect(checkStructure(r), JSON.stringify(r)).toEqual([]);
  });
});

describe.skipIf(!hasSynthea)('checkStructure on the Synthea corpus', () => {
  it.each(syntheaBundles().map(([f, b]) => [f, b] as const))('%s has zero issues', (_f, bundle) => {
    expect(checkStructure(bundle)).toEqual([]);
    for (const r of syntheaResources(bundle)) expect(checkStructure(r)).toEqual([]);
  });
});
