// validateResource against the base specification: one table of bad inputs per kind of check,
// each with the FHIRPath location the issue must carry.
import { describe, expect, it } from 'vitest';
import { validateResource } from '../../src/validation/index.js';
import type { Issue } from '../../src/fhir/errors.js';

const errors = (r: unknown) => validateResource(r).filter((i) => i.severity === 'error' || i.severity === 'fatal');
const at = (issues: Issue[]) => issues.flatMap((i) => i.expression ?? []);

const patient = { resourceType: 'Patient', id: 'p1', name: [{ family: 'Durand', given: ['Anne'] }], gender: 'female', birthDate: '1970-02-03' };
const obs = { resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '8302-2' }] }, subject: { reference: 'Patient/p1' }, valueQuantity: { value: 170, unit: 'cm', system: 'http://unitsofmeasure.org', code: 'cm' } };

describe('valid resources', () => {
  it.each([
    ['a Patient', patient],
    ['an Observation', obs],
    ['a primitive with only an extension', { ...patient, _birthDate: { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/patient-birthTime', valueDateTime: '1970-02-03T10:00:00Z' }] }, birthDate: undefined }],
    ['a contained resource referenced with #', { ...obs, contained: [{ resourceType: 'Patient', id: 'c1' }], subject: { reference: '#c1' } }],
  ])('%s has no error', (_n, r) => {
    expect(errors(JSON.parse(JSON.stringify(r)))).toEqual([]);
  });
});

describe('cardinality and choice types', () => {
  it.each([
    ['missing required status', { ...obs, status: undefined }, 'Observation', /Observation\.status: minimum required = 1/],
    ['missing required code', { ...obs, code: undefined }, 'Observation', /Observation\.code: minimum required = 1/],
    ['missing required Bundle.type', { resourceType: 'Bundle' }, 'Bundle', /Bundle\.type: minimum required = 1/],
    ['missing required nested element', { resourceType: 'Patient', link: [{ type: 'seealso' }] }, 'Patient.link[0]', /Patient\.link\.other: minimum required = 1/],
    ['two types of one choice', { ...obs, valueString: 'x' }, 'Observation.valueString', /Only one of/],
    ['a choice type that is not allowed', { ...obs, valueQuantity: undefined, valueMoney: { value: 1 } }, 'Observation.valueMoney', /Unknown property/],
  ])('%s', (_n, r, path, msg) => {
    const e = errors(JSON.parse(JSON.stringify(r)));
    expect(at(e)).toContain(path);
    expect(e.map((i) => i.diagnostics).join('\n')).toMatch(msg);
  });
});

describe('invariants (FHIRPath, with the constraint severity)', () => {
  it.each([
    ['obs-6: dataAbsentReason with a value', { ...obs, dataAbsentReason: { text: 'x' } }, 'Observation', 'obs-6'],
    ['per-1: period ends before it starts', { resourceType: 'Encounter', status: 'finished', class: { code: 'AMB' }, period: { start: '2020-02-01', end: '2020-01-01' } }, 'Encounter.period', 'per-1'],
    ['per-1 across precisions (as the HL7 validator)', { resourceType: 'Encounter', status: 'finished', class: { code: 'AMB' }, period: { start: '2023-06-21', end: '2023-06-21T06:20:00Z' } }, 'Encounter.period', 'per-1'],
    ['qty-3: a unit code without system', { ...obs, valueQuantity: { value: 1, code: 'cm' } }, 'Observation.value.ofType(Quantity)', 'qty-3'],
    ['ext-1: an extension with a value and extensions', { ...patient, extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/patient-mothersMaidenName', valueString: 'x', extension: [{ url: 'a', valueString: 'b' }] }] }, 'Patient.extension[0]', 'ext-1'],
    ['dom-2: nested contained', { ...obs, contained: [{ resourceType: 'Patient', id: 'c1', contained: [{ resourceType: 'Patient', id: 'c2' }] }], subject: { reference: '#c1' } }, 'Observation', 'dom-2'],
    ['dom-3: an unreferenced contained resource', { ...obs, contained: [{ resourceType: 'Patient', id: 'c1' }] }, 'Observation.contained[0]', 'dom-3'],
    ['bdl-3: a transaction entry without request', { resourceType: 'Bundle', type: 'transaction', entry: [{ fullUrl: 'urn:uuid:3f4d8a58-8d5b-4d1e-9f35-6b6c8f0c3a11', resource: patient }] }, 'Bundle', 'bdl-3'],
    ['txt-1: a script in the narrative', { ...patient, text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml"><p>x</p><script>alert(1)</script></div>' } }, 'Patient.text.div', 'txt-1'],
    ['txt-1: an event attribute in the narrative', { ...patient, text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml"><p onclick="x()">x</p></div>' } }, 'Patient.text.div', 'txt-1'],
    ['txt-2: an empty narrative', { ...patient, text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml"> <p/> </div>' } }, 'Patient.text.div', 'txt-2'],
    ['que-12 (corrected as in the HL7 validator): two enableWhen without enableBehavior', { resourceType: 'Questionnaire', status: 'draft', item: [{ linkId: 'a', type: 'boolean' }, { linkId: 'b', type: 'string', enableWhen: [{ question: 'a', operator: '=', answerBoolean: true }, { question: 'a', operator: 'exists', answerBoolean: true }] }] }, 'Questionnaire.item[1]', 'que-12'],
    ['pat-1: a contact without details', { ...patient, contact: [{ gender: 'male' }] }, 'Patient.contact[0]', 'pat-1'],
  ])('%s', (_n, r, path, key) => {
    const found = validateResource(JSON.parse(JSON.stringify(r))).filter((i) => i.code === 'invariant' || i.diagnostics.includes(key));
    const hit = found.find((i) => i.diagnostics.includes(key));
    expect(hit, JSON.stringify(found)).toBeDefined();
    expect(hit!.expression).toEqual([path]);
    expect(hit!.severity).toBe('error');
  });

  it('reports a warning-level constraint as a warning', () => {
    const r = { resourceType: 'Questionnaire', status: 'draft', url: 'http://x/Q', item: [{ linkId: 'a', type: 'display', required: true }] };
    const issues = validateResource(r);
    expect(issues.some((i) => i.severity === 'error' && i.diagnostics.includes('que-6'))).toBe(true);
  });
});

describe('extensions', () => {
  it.each([
    ['an unknown extension is a warning', { ...patient, extension: [{ url: 'http://example.org/unknown', valueString: 'x' }] }, 'warning', 'Patient.extension[0]', /Unknown extension/],
    ['an unknown modifierExtension is an error', { ...patient, modifierExtension: [{ url: 'http://example.org/unknown', valueString: 'x' }] }, 'error', 'Patient.modifierExtension[0]', /Unknown modifier extension/],
    ['a known extension with the wrong value type', { ...patient, extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/patient-birthPlace', valueString: 'Paris' }] }, 'error', 'Patient.extension[0]', /Extension\.value\[x\]: minimum required|Unknown property|valueString/],
    ['a known extension used out of its context', { ...obs, extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/patient-birthPlace', valueAddress: { city: 'Paris' } }] }, 'error', 'Observation.extension[0]', /not allowed on Observation/],
    ['a modifier extension in extension', { ...patient, extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/request-doNotPerform', valueBoolean: true }] }, 'error', 'Patient.extension[0]', /modifier extension/],
  ])('%s', (_n, r, severity, path, msg) => {
    const issues = validateResource(JSON.parse(JSON.stringify(r))).filter((i) => i.severity === severity);
    const hit = issues.find((i) => msg.test(i.diagnostics));
    expect(hit, JSON.stringify(issues)).toBeDefined();
    expect(hit!.expression![0].startsWith(path)).toBe(true);
  });

  it('accepts a known extension in its context', () => {
    expect(errors({ ...patient, extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/patient-birthPlace', valueAddress: { city: 'Paris' } }] })).toEqual([]);
  });
});

describe('references', () => {
  it.each([
    ['a target type that is not allowed', { ...obs, subject: { reference: 'Observation/o1' } }, 'Observation.subject', /not a valid target/],
    ['an absolute url of the wrong type', { ...obs, subject: { reference: 'http://x.org/fhir/Medication/m1' } }, 'Observation.subject', /not a valid target/],
    ['a missing contained resource', { ...obs, subject: { reference: '#nope' } }, 'Observation.subject', /contained resource #nope does not exist/],
    ['a contained resource of the wrong type', { ...obs, contained: [{ resourceType: 'Medication', id: 'm' }], subject: { reference: '#m' } }, 'Observation.subject', /not a valid target/],
  ])('%s', (_n, r, path, msg) => {
    const e = errors(JSON.parse(JSON.stringify(r)));
    const hit = e.find((i) => msg.test(i.diagnostics));
    expect(hit, JSON.stringify(e)).toBeDefined();
    expect(hit!.expression).toEqual([path]);
  });
});

describe('Bundles', () => {
  const entry = (fullUrl: string, resource: object) => ({ fullUrl, resource });
  it.each([
    ['a relative fullUrl', { resourceType: 'Bundle', type: 'collection', entry: [entry('Patient/1', { resourceType: 'Patient', id: '1' })] }, 'Bundle.entry[0]', /absolute URL/],
    ['a fullUrl that does not match the id', { resourceType: 'Bundle', type: 'collection', entry: [entry('http://x.org/fhir/Patient/2', { resourceType: 'Patient', id: '1' })] }, 'Bundle.entry[0]', /does not match/],
    ['a duplicate fullUrl', { resourceType: 'Bundle', type: 'collection', entry: [entry('urn:uuid:7f0e2a74-62b0-4d38-a35c-0a0f0e8c7a01', { resourceType: 'Patient' }), entry('urn:uuid:7f0e2a74-62b0-4d38-a35c-0a0f0e8c7a01', { resourceType: 'Patient' })] }, 'Bundle.entry[1]', /Duplicate fullUrl/],
    ['a document without a Composition first', { resourceType: 'Bundle', type: 'document', identifier: { system: 'urn:ietf:rfc:3986', value: 'urn:uuid:1' }, timestamp: '2020-01-01T00:00:00Z', entry: [entry('urn:uuid:7f0e2a74-62b0-4d38-a35c-0a0f0e8c7a01', patient)] }, 'Bundle', /bdl-11/],
    ['a message without a MessageHeader first', { resourceType: 'Bundle', type: 'message', timestamp: '2020-01-01T00:00:00Z', entry: [entry('urn:uuid:7f0e2a74-62b0-4d38-a35c-0a0f0e8c7a01', patient)] }, 'Bundle', /bdl-12/],
    ['an unresolved urn:uuid in a document', {
      resourceType: 'Bundle', type: 'document', identifier: { system: 'urn:ietf:rfc:3986', value: 'urn:uuid:1' }, timestamp: '2020-01-01T00:00:00Z',
      entry: [entry('urn:uuid:7f0e2a74-62b0-4d38-a35c-0a0f0e8c7a01', { resourceType: 'Composition', status: 'final', type: { text: 't' }, date: '2020-01-01', author: [{ display: 'a' }], title: 't', subject: { reference: 'urn:uuid:00000000-0000-4000-8000-000000000000' } })],
    }, 'Bundle.entry[0].resource.subject', /not the fullUrl of any entry/],
    ['a search match without id', { resourceType: 'Bundle', type: 'searchset', entry: [{ fullUrl: 'urn:uuid:7f0e2a74-62b0-4d38-a35c-0a0f0e8c7a01', resource: { resourceType: 'Patient' }, search: { mode: 'match' } }] }, 'Bundle.entry[0].resource', /Search results must have ids/],
    ['an entry resource that is invalid', { resourceType: 'Bundle', type: 'collection', entry: [entry('urn:uuid:7f0e2a74-62b0-4d38-a35c-0a0f0e8c7a01', { ...obs, status: undefined })] }, 'Bundle.entry[0].resource', /status: minimum required/],
  ])('%s', (_n, r, path, msg) => {
    const e = errors(JSON.parse(JSON.stringify(r)));
    const hit = e.find((i) => msg.test(i.diagnostics));
    expect(hit, JSON.stringify(e)).toBeDefined();
    expect(hit!.expression).toEqual([path]);
  });

  it('resolves urn:uuid references between entries and checks their type', () => {
    const b = { resourceType: 'Bundle', type: 'transaction', entry: [
      { fullUrl: 'urn:uuid:7f0e2a74-62b0-4d38-a35c-0a0f0e8c7a01', resource: { resourceType: 'Medication' }, request: { method: 'POST', url: 'Medication' } },
      { fullUrl: 'urn:uuid:7f0e2a74-62b0-4d38-a35c-0a0f0e8c7a02', resource: { ...obs, subject: { reference: 'urn:uuid:7f0e2a74-62b0-4d38-a35c-0a0f0e8c7a01' } }, request: { method: 'POST', url: 'Observation' } },
    ] };
    const e = errors(b);
    expect(at(e)).toEqual(['Bundle.entry[1].resource.subject']);
    expect(e[0].diagnostics).toMatch(/points to a Medication/);
  });
});

describe('structure (from checkStructure, with FHIRPath locations)', () => {
  it.each([
    ['an unknown element', { ...patient, colour: 'blue' }, 'Patient.colour'],
    ['a bad date', { ...patient, birthDate: '1970-13-45' }, 'Patient.birthDate'],
    ['a bad nested string', { ...patient, name: [{ given: ['Anne', 3] }] }, 'Patient.name[0].given[1]'],
    ['an empty object', { ...patient, maritalStatus: {} }, 'Patient.maritalStatus'],
  ])('%s', (_n, r, path) => {
    expect(at(errors(r))).toContain(path);
  });
});

describe('QuestionnaireResponse against its Questionnaire (in a Bundle)', () => {
  const q = { resourceType: 'Questionnaire', url: 'http://x.org/Questionnaire/q', status: 'active', item: [
    { linkId: 'age', type: 'integer', required: true, extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/minValue', valueInteger: 0 }] },
    { linkId: 'sex', type: 'choice', answerOption: [{ valueCoding: { system: 'http://hl7.org/fhir/administrative-gender', code: 'male' } }, { valueCoding: { system: 'http://hl7.org/fhir/administrative-gender', code: 'female' } }] },
    { linkId: 'note', type: 'display' },
  ] };
  const bundle = (items: object[]) => ({ resourceType: 'Bundle', type: 'collection', entry: [
    { fullUrl: 'http://x.org/fhir/Questionnaire/q', resource: { ...q, id: 'q' } },
    { fullUrl: 'http://x.org/fhir/QuestionnaireResponse/r', resource: { resourceType: 'QuestionnaireResponse', id: 'r', status: 'completed', questionnaire: 'http://x.org/Questionnaire/q', item: items } },
  ] });
  const R = 'Bundle.entry[1].resource';
  it.each([
    ['an unknown linkId', [{ linkId: 'age', answer: [{ valueInteger: 3 }] }, { linkId: 'zzz' }], R, /LinkId 'zzz' not found/],
    ['a required item without answer', [{ linkId: 'sex', answer: [{ valueCoding: { system: 'http://hl7.org/fhir/administrative-gender', code: 'male' } }] }], R, /required item 'age'/],
    ['an answer of the wrong type', [{ linkId: 'age', answer: [{ valueString: '3' }] }], `${R}.item[0].answer[0].value.ofType(string)`, /must be of the type integer/],
    ['a value below minValue', [{ linkId: 'age', answer: [{ valueInteger: -1 }] }], `${R}.item[0].answer[0].value.ofType(integer)`, /less than the allowed minimum/],
    ['a code outside answerOption', [{ linkId: 'age', answer: [{ valueInteger: 1 }] }, { linkId: 'sex', answer: [{ valueCoding: { system: 'http://hl7.org/fhir/administrative-gender', code: 'other' } }] }], `${R}.item[1].answer[0]`, /not in the set of permitted values/],
    ['a display item with an answer', [{ linkId: 'age', answer: [{ valueInteger: 1 }] }, { linkId: 'note', answer: [{ valueString: 'x' }] }], `${R}.item[1]`, /display' cannot have answers/],
    ['two answers to a non-repeating question', [{ linkId: 'age', answer: [{ valueInteger: 1 }, { valueInteger: 2 }] }], `${R}.item[0]`, /does not repeat/],
  ])('%s', (_n, items, path, msg) => {
    const e = errors(bundle(items));
    const hit = e.find((i) => msg.test(i.diagnostics));
    expect(hit, JSON.stringify(e)).toBeDefined();
    expect(hit!.expression).toEqual([path]);
  });
});
