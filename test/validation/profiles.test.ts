// Profiles: snapshot generation from differentials, and the profile checks (cardinality, types,
// fixed/pattern, maxLength, min/max values, slicing with each discriminator and rule, extension
// slices, target profiles) with tables of bad inputs and their FHIRPath locations.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StructureDefinition } from 'fhir/r4';
import { addStructureDefinition, removeStructureDefinition, snapshotOf, validateResource } from '../../src/validation/index.js';

const B = 'http://oncofhir.test/StructureDefinition/';
const sd = (name: string, type: string, elements: object[], base = `http://hl7.org/fhir/StructureDefinition/${type}`): StructureDefinition => ({
  resourceType: 'StructureDefinition', url: B + name, name, status: 'draft', kind: type === 'Extension' ? 'complex-type' : 'resource', abstract: false,
  type, baseDefinition: base, derivation: 'constraint', differential: { element: [{ id: type, path: type }, ...elements] },
} as StructureDefinition);

const vitals = JSON.parse(readFileSync(join(import.meta.dirname, '../../examples/profiles/vital-signs-observation.json'), 'utf8')) as StructureDefinition;

const profiles: StructureDefinition[] = [
  vitals,
  sd('pat', 'Patient', [
    { id: 'Patient.identifier', path: 'Patient.identifier', min: 1, slicing: { discriminator: [{ type: 'value', path: 'system' }], rules: 'closed', ordered: true } },
    { id: 'Patient.identifier:nir', path: 'Patient.identifier', sliceName: 'nir', min: 1, max: '1' },
    { id: 'Patient.identifier:nir.system', path: 'Patient.identifier.system', fixedUri: 'urn:oid:1.2.250.1.213.1.4.8' },
    { id: 'Patient.identifier:nir.value', path: 'Patient.identifier.value', min: 1, maxLength: 15 },
    { id: 'Patient.identifier:local', path: 'Patient.identifier', sliceName: 'local', max: '1' },
    { id: 'Patient.identifier:local.system', path: 'Patient.identifier.system', fixedUri: 'http://hospital.example/ids' },
    { id: 'Patient.gender', path: 'Patient.gender', min: 1, fixedCode: 'female' },
    { id: 'Patient.name', path: 'Patient.name', max: '1' },
    { id: 'Patient.photo', path: 'Patient.photo', max: '0' },
    { id: 'Patient.extension', path: 'Patient.extension', slicing: { discriminator: [{ type: 'value', path: 'url' }], rules: 'open' } },
    { id: 'Patient.extension:birthPlace', path: 'Patient.extension', sliceName: 'birthPlace', min: 1, max: '1', type: [{ code: 'Extension', profile: ['http://hl7.org/fhir/StructureDefinition/patient-birthPlace'] }] },
    { id: 'Patient.generalPractitioner', path: 'Patient.generalPractitioner', type: [{ code: 'Reference', targetProfile: ['http://hl7.org/fhir/StructureDefinition/Practitioner'] }] },
  ]),
  sd('obs-types', 'Observation', [
    { id: 'Observation.value[x]', path: 'Observation.value[x]', type: [{ code: 'Quantity' }], minValueQuantity: { value: 0 }, maxValueQuantity: { value: 300 } },
    { id: 'Observation.component', path: 'Observation.component', slicing: { discriminator: [{ type: 'type', path: 'value' }], rules: 'openAtEnd' } },
    { id: 'Observation.component:q', path: 'Observation.component', sliceName: 'q', type: [{ code: 'BackboneElement' }] },
    { id: 'Observation.component:q.value[x]', path: 'Observation.component.value[x]', min: 1, type: [{ code: 'Quantity' }] },
    { id: 'Observation.hasMember', path: 'Observation.hasMember', slicing: { discriminator: [{ type: 'exists', path: 'display' }], rules: 'closed' } },
    { id: 'Observation.hasMember:named', path: 'Observation.hasMember', sliceName: 'named', max: '1' },
    { id: 'Observation.hasMember:named.display', path: 'Observation.hasMember.display', min: 1 },
    { id: 'Observation.note', path: 'Observation.note', slicing: { discriminator: [{ type: 'pattern', path: '$this' }], rules: 'closed' } },
    { id: 'Observation.note:fixed', path: 'Observation.note', sliceName: 'fixed', patternAnnotation: { text: 'checked' } },
  ]),
  sd('ext-score', 'Extension', [
    { id: 'Extension.url', path: 'Extension.url', fixedUri: B + 'ext-score' },
    { id: 'Extension.value[x]', path: 'Extension.value[x]', type: [{ code: 'integer' }], minValueInteger: 0, maxValueInteger: 10 },
  ], 'http://hl7.org/fhir/StructureDefinition/Extension'),
];
(profiles[3] as { context?: object[] }).context = [{ type: 'element', expression: 'Observation' }];

beforeAll(() => profiles.forEach(addStructureDefinition));
afterAll(() => profiles.forEach((p) => removeStructureDefinition(p.url)));

const errorsAgainst = (r: object, profile: string) => validateResource(JSON.parse(JSON.stringify(r)), { profiles: [B + profile] }).filter((i) => i.severity === 'error');

describe('snapshot generation from a differential', () => {
  it('walks the base, adds slices with their children and expands types below constrained elements', () => {
    const els = snapshotOf(vitals);
    const ids = els.map((e) => e.id);
    expect(ids).toContain('Observation.category:VSCat');
    expect(ids).toContain('Observation.component:systolic.code');
    expect(ids).toContain('Observation.code.coding.system');
    expect(ids).toContain('Observation.value[x].system');
    expect(els.find((e) => e.id === 'Observation.value[x]')?.type?.map((t) => t.code)).toEqual(['Quantity']);
    expect(els.find((e) => e.id === 'Observation.subject')?.min).toBe(1);
    // Base constraints survive and are not duplicated.
    expect(els[0].constraint?.filter((c) => c.key === 'obs-6')).toHaveLength(1);
    // Slices come right after their sliced element's children, before the next element.
    expect(ids.indexOf('Observation.category:VSCat')).toBeLessThan(ids.indexOf('Observation.code'));
  });

  it('ignores a differential element it cannot place, and says so when the profile is used', () => {
    const bad = sd('broken-element', 'Patient', [{ id: 'Patient.colour', path: 'Patient.colour', min: 1 }, { id: 'Patient.gender', path: 'Patient.gender', min: 1 }]);
    expect(snapshotOf(bad).find((e) => e.id === 'Patient.gender')?.min).toBe(1);
    addStructureDefinition(bad);
    try {
      const issues = validateResource({ resourceType: 'Patient' }, { profiles: [bad.url] });
      expect(issues.find((i) => i.severity === 'warning')?.diagnostics).toMatch(/Unknown element Patient\.colour \(ignored\)/);
      expect(issues.find((i) => i.severity === 'error')?.diagnostics).toMatch(/Patient\.gender: minimum required = 1/);
    } finally {
      removeStructureDefinition(bad.url);
    }
  });

  it('refuses a profile whose base is unknown, with a clear error', () => {
    expect(() => snapshotOf(sd('broken-base', 'Patient', [], 'http://nope'))).toThrow(/base http:\/\/nope is unknown/);
  });
});

const nir = { system: 'urn:oid:1.2.250.1.213.1.4.8', value: '270017512345678' };
const local = { system: 'http://hospital.example/ids', value: 'A1' };
const birthPlace = { url: 'http://hl7.org/fhir/StructureDefinition/patient-birthPlace', valueAddress: { city: 'Lyon' } };
const patient = { resourceType: 'Patient', identifier: [nir, local], gender: 'female', extension: [birthPlace] };

describe('a Patient profile: value slicing (closed, ordered), fixed values, maxLength, cardinality, extension slices', () => {
  it('accepts a conforming Patient', () => {
    expect(errorsAgainst(patient, 'pat')).toEqual([]);
  });
  it.each([
    ['a missing required slice', { identifier: [local] }, 'Patient', /Slice 'nir'.*minimum required = 1/],
    ['too many in a slice', { identifier: [nir, nir] }, 'Patient.identifier', /Slice 'nir'.*maximum allowed = 1/],
    ['an identifier outside the closed slicing', { identifier: [nir, { system: 'http://other', value: '1' }] }, 'Patient.identifier[1]', /does not match any known slice/],
    ['slices out of order', { identifier: [local, nir] }, 'Patient.identifier[1]', /out of order/],
    ['a fixed code that differs', { gender: 'male' }, 'Patient.gender', /must be exactly "female"/],
    ['a value longer than maxLength', { identifier: [{ ...nir, value: '2700175123456789999' }] }, 'Patient.identifier[0].value', /at most 15/],
    ['more than max', { name: [{ family: 'a' }, { family: 'b' }] }, 'Patient.name', /maximum allowed = 1, but found 2/],
    ['an element the profile removed (max 0)', { photo: [{ contentType: 'image/png' }] }, 'Patient.photo', /maximum allowed = 0/],
    ['a missing required extension slice', { extension: undefined }, 'Patient', /Slice 'birthPlace'/],
    ['an extension slice with a wrong value type', { extension: [{ url: birthPlace.url, valueString: 'Lyon' }] }, 'Patient.extension[0].value.ofType(string)', /type string is not allowed/],
    ['a reference outside the target profile', { generalPractitioner: [{ reference: 'Patient/x' }] }, 'Patient.generalPractitioner[0]', /not a valid target/],
  ])('%s', (_n, change, path, msg) => {
    const e = errorsAgainst({ ...patient, ...change }, 'pat');
    const hit = e.find((i) => msg.test(i.diagnostics));
    expect(hit, JSON.stringify(e, null, 1)).toBeDefined();
    expect(hit!.expression).toEqual([path]);
  });
});

const obs = { resourceType: 'Observation', status: 'final', code: { text: 'x' }, valueQuantity: { value: 5 } };
describe('an Observation profile: types, min/max values, type/exists/pattern discriminators, openAtEnd', () => {
  it('accepts a conforming Observation', () => {
    const ok = { ...obs, component: [{ code: { text: 'a' }, valueQuantity: { value: 1 } }, { code: { text: 'b' }, valueString: 'x' }], hasMember: [{ reference: 'Observation/1', display: 'one' }], note: [{ text: 'checked' }] };
    expect(errorsAgainst(ok, 'obs-types')).toEqual([]);
  });
  it.each([
    ['a choice type the profile removed', { valueQuantity: undefined, valueString: 'x' }, 'Observation.value.ofType(string)', /type string is not allowed/],
    ['a value below minValue', { valueQuantity: { value: -1 } }, 'Observation.value.ofType(Quantity)', /less than the minimum 0/],
    ['a value above maxValue', { valueQuantity: { value: 301 } }, 'Observation.value.ofType(Quantity)', /greater than the maximum 300/],
    ['a sliced element after unsliced ones (openAtEnd)', { component: [{ code: { text: 'b' }, valueString: 'x' }, { code: { text: 'a' }, valueQuantity: { value: 1 } }] }, 'Observation.component[1]', /open at the end/],
    ['a value failing the exists discriminator of a closed slicing', { hasMember: [{ reference: 'Observation/1' }] }, 'Observation.hasMember[0]', /does not match any known slice/],
    ['a value failing the pattern discriminator of a closed slicing', { note: [{ text: 'other' }] }, 'Observation.note[0]', /does not match any known slice/],
  ])('%s', (_n, change, path, msg) => {
    const e = errorsAgainst({ ...obs, ...change }, 'obs-types');
    const hit = e.find((i) => msg.test(i.diagnostics));
    expect(hit, JSON.stringify(e, null, 1)).toBeDefined();
    expect(hit!.expression).toEqual([path]);
  });
});

describe('profiles named in meta.profile, and extension definitions loaded at run time', () => {
  it('validates against meta.profile without options', () => {
    const e = validateResource({ ...patient, gender: 'male', meta: { profile: [B + 'pat'] } }).filter((i) => i.severity === 'error');
    expect(e.map((i) => i.expression?.[0])).toEqual(['Patient.gender']);
  });
  it('demotes declared-profile violations to warnings when asked', () => {
    const issues = validateResource({ ...patient, gender: 'male', meta: { profile: [B + 'pat'] } }, { declaredProfileSeverity: 'warning' });
    expect(issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(issues.some((i) => i.severity === 'warning' && i.expression?.[0] === 'Patient.gender')).toBe(true);
  });
  it('warns about an unknown declared profile', () => {
    const issues = validateResource({ ...patient, meta: { profile: ['http://unknown.example/p'] } });
    expect(issues.find((i) => /Unknown profile/.test(i.diagnostics))?.severity).toBe('warning');
  });
  it.each([
    ['in range, in context', { ...obs, extension: [{ url: B + 'ext-score', valueInteger: 3 }] }, undefined],
    ['out of range', { ...obs, extension: [{ url: B + 'ext-score', valueInteger: 11 }] }, /greater than the maximum 10/],
    ['of the wrong type', { ...obs, extension: [{ url: B + 'ext-score', valueString: 'x' }] }, /Extension.value\[x\]: minimum required|not allowed/],
    ['out of context', { ...patient, extension: [birthPlace, { url: B + 'ext-score', valueInteger: 3 }] }, /not allowed on Patient/],
  ])('checks a loaded extension definition: %s', (_n, r, msg) => {
    const e = validateResource(JSON.parse(JSON.stringify(r))).filter((i) => i.severity === 'error');
    if (!msg) expect(e).toEqual([]);
    else expect(e.map((i) => i.diagnostics).join('\n')).toMatch(msg);
  });
});
