// Checks beyond the StructureDefinitions: narrative links, Reference.type, versions and paging links in
// Bundles, codes of loaded code systems, SNOMED CT coded vital signs, and rules on conformance resources
// (StructureDefinition, OperationDefinition, SearchParameter, ValueSet parameters, MeasureReport).
import { describe, expect, it } from 'vitest';
import { validateResource } from '../../src/validation/index.js';
import { addStructureDefinition, removeStructureDefinition } from '../../src/validation/index.js';
import { loadSupporting, unloadSupporting } from '../../src/validation/supporting.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StructureDefinition } from 'fhir/r4';

const errors = (r: unknown) => validateResource(JSON.parse(JSON.stringify(r))).filter((i) => i.severity === 'error' || i.severity === 'fatal');
const patient = { resourceType: 'Patient', id: 'p1', gender: 'female' };
const obs = { resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: 'Patient/p1' } };
const hit = (r: unknown, path: string, msg: RegExp) => {
  const e = errors(r);
  const found = e.find((i) => msg.test(i.diagnostics));
  expect(found, JSON.stringify(e)).toBeDefined();
  expect(found!.expression).toEqual([path]);
};

describe('narratives, references and codes', () => {
  const div = (body: string) => ({ status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">${body}</div>` });

  it('reports an internal hyperlink that resolves to nothing', () => {
    hit({ ...patient, text: div('<p><a href="#nowhere">see</a></p>') }, 'Patient.text.div', /hyperlink '#nowhere'/);
  });

  it('accepts internal hyperlinks to an anchor of the narrative or an element id', () => {
    const r = { ...patient, text: div('<p><a name="top">x</a><a href="#top">up</a><a href="#n1">name</a></p>'), name: [{ id: 'n1', family: 'D' }] };
    expect(errors(r)).toEqual([]);
  });

  it.each([
    ['a Reference.type that is not an allowed target', { ...obs, subject: { reference: 'Patient/p1', type: 'patient' } }, /type 'patient' is not a valid target/],
    ['a Reference.type that disagrees with the reference', { ...obs, subject: { reference: 'Group/g1', type: 'Patient' } }, /points to a Group, but its type says 'Patient'/],
  ])('%s', (_n, r, msg) => hit(r, 'Observation.subject', msg));

  it('reports a code that a loaded code system does not define, at its code', () => {
    const r = { ...obs, category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-sign' }] }] };
    hit(r, 'Observation.category[0].coding[0].code', /Unknown code vital-sign/);
  });

  it('warns (only) about a display that is not the code system display', () => {
    const r = { ...obs, category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs', display: 'Labs' }] }] };
    expect(errors(r)).toEqual([]);
    const w = validateResource(r).filter((i) => i.severity === 'warning');
    expect(w.map((i) => i.expression![0])).toContain('Observation.category[0].coding[0].display');
  });

  it('checks an Observation coded as a vital sign in SNOMED CT only against the vital signs profile', () => {
    const r = { ...obs, code: { coding: [{ system: 'http://snomed.info/sct', code: '276885007' }] }, category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }], effectiveDateTime: '2020-06-30T09:50:55Z', valueQuantity: { value: 37, unit: 'C', system: 'http://unitsofmeasure.org', code: 'Cel' } };
    hit(r, 'Observation.code', /BodyTempCode/);
    expect(errors({ ...r, code: { coding: [...r.code.coding, { system: 'http://loinc.org', code: '8310-5' }] } })).toEqual([]);
  });
});

describe('Bundles', () => {
  const o = (version: string) => ({ fullUrl: 'http://x.org/Observation/o1', resource: { ...obs, id: 'o1', meta: { versionId: version } } });
  const coll = (refs: string[]) => ({ resourceType: 'Bundle', type: 'collection', entry: [
    { fullUrl: 'http://x.org/List/l1', resource: { resourceType: 'List', id: 'l1', status: 'current', mode: 'snapshot', entry: refs.map((reference) => ({ item: { reference } })) } },
    o('1'), o('2'),
  ] });

  it('reports a reference that matches several versions of one resource', () => {
    hit(coll(['Observation/o1']), 'Bundle.entry[0].resource.entry[0].item', /matches 2 entries/);
  });

  it('resolves a versioned reference to that version only', () => {
    expect(errors(coll(['Observation/o1/_history/2']))).toEqual([]);
  });

  it('reports paging links outside search results', () => {
    hit({ resourceType: 'Bundle', type: 'collection', link: [{ relation: 'next', url: 'http://x.org/p2' }] }, 'Bundle.link[0].relation', /paging/);
  });
});

describe('conformance resources', () => {
  const sd = (differential: object[], extra: object = {}) => ({
    resourceType: 'StructureDefinition', url: 'http://x.org/StructureDefinition/p', name: 'P', status: 'draft', kind: 'resource', abstract: false,
    type: 'Patient', baseDefinition: 'http://hl7.org/fhir/StructureDefinition/Patient', derivation: 'constraint', differential: { element: differential }, ...extra,
  });

  it.each([
    ['an unknown type of a choice', sd([{ id: 'Patient.deceasedBla', path: 'Patient.deceasedBla' }]), 'StructureDefinition.differential.element[0]', /Bla is not one of its types/],
    ['elements out of snapshot order', sd([{ id: 'Patient.birthDate', path: 'Patient.birthDate', min: 1 }, { id: 'Patient.identifier', path: 'Patient.identifier', min: 1 }]), 'StructureDefinition.differential.element[0]', /out of order/],
    ['a binding on a date', sd([{ id: 'Patient.birthDate', path: 'Patient.birthDate', type: [{ code: 'date' }], binding: { strength: 'required', valueSet: 'http://hl7.org/fhir/ValueSet/administrative-gender' } }]), 'StructureDefinition.differential.element[0]', /eld-11/],
    ['a discriminator path that does not exist', sd([{ id: 'Patient.identifier', path: 'Patient.identifier', slicing: { discriminator: [{ type: 'value', path: 'colour' }], rules: 'open' } }]), 'StructureDefinition.differential.element[0].slicing.discriminator[0]', /'colour' does not exist/],
  ])('StructureDefinition: %s', (_n, r, path, msg) => hit(r, path, msg));

  it('StructureDefinition: a value fixed by the base cannot be changed', () => {
    const base = sd([{ id: 'Patient.gender', path: 'Patient.gender', fixedCode: 'female' }], { url: 'http://x.org/StructureDefinition/base' });
    addStructureDefinition(base as unknown as StructureDefinition);
    try {
      hit(sd([{ id: 'Patient.gender', path: 'Patient.gender', fixedCode: 'male' }], { baseDefinition: 'http://x.org/StructureDefinition/base' }), 'StructureDefinition.differential.element[0]', /fixed to "female"/);
    } finally {
      removeStructureDefinition('http://x.org/StructureDefinition/base');
    }
  });

  it('SearchParameter: the expression and the parent parameter must fit the bases', () => {
    const sp = { resourceType: 'SearchParameter', url: 'http://x.org/sp', name: 'n', status: 'active', description: 'd', code: 'name', base: ['Patient'], type: 'string', expression: 'Organization.name', derivedFrom: 'http://hl7.org/fhir/SearchParameter/Organization-name' };
    hit(sp, 'SearchParameter.expression', /refers to Organization/);
    hit(sp, 'SearchParameter', /not a base of the SearchParameter this one is derived from/);
  });

  it('ValueSet: a filter expression must use declared parameters, in FHIRPath', () => {
    const vs = (language: string, expression: string) => ({
      resourceType: 'ValueSet', url: 'http://x.org/vs', status: 'active',
      extension: [{ url: 'http://hl7.org/fhir/tools/StructureDefinition/valueset-parameter', extension: [{ url: 'name', valueCode: 'p' }] }],
      compose: { include: [{ system: 'http://snomed.info/sct', filter: [{ property: 'inactive', op: '=', _value: { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/cqf-expression', valueExpression: { language, expression } }] } }] }] },
    });
    const at = 'ValueSet.compose.include[0].filter[0].value.extension[0].value.ofType(Expression)';
    hit(vs('text/fhirpath', '%q'), at, /unknown parameter 'q'/);
    hit(vs('text/cql', '%p'), at, /text\/fhirpath/);
    hit(vs('text/fhirpath', '$ and %p'), at, /not valid FHIRPath/);
    expect(errors(vs('text/fhirpath', '%p'))).toEqual([]);
  });

  it('MeasureReport: no measureScore for a cohort Measure; OperationDefinition: parameters agree with the input profile', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rules-'));
    writeFileSync(join(dir, 'm.json'), JSON.stringify({ resourceType: 'Measure', url: 'http://x.org/Measure/m', status: 'active', scoring: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/measure-scoring', code: 'cohort' }] } }));
    writeFileSync(join(dir, 'in.json'), JSON.stringify({
      resourceType: 'StructureDefinition', url: 'http://x.org/StructureDefinition/in', name: 'In', status: 'draft', kind: 'resource', abstract: false, type: 'Parameters',
      baseDefinition: 'http://hl7.org/fhir/StructureDefinition/Parameters', derivation: 'constraint', differential: { element: [
        { id: 'Parameters.parameter', path: 'Parameters.parameter', slicing: { discriminator: [{ type: 'value', path: 'name' }], rules: 'open' } },
        { id: 'Parameters.parameter:a', path: 'Parameters.parameter', sliceName: 'a', min: 1, max: '1' },
        { id: 'Parameters.parameter:a.name', path: 'Parameters.parameter.name', fixedString: 'a' },
        { id: 'Parameters.parameter:a.value[x]', path: 'Parameters.parameter.value[x]', type: [{ code: 'string' }] },
        { id: 'Parameters.parameter:a.resource', path: 'Parameters.parameter.resource', max: '0' },
      ] },
    }));
    const loaded = loadSupporting([dir]);
    try {
      hit({ resourceType: 'MeasureReport', status: 'complete', type: 'summary', measure: 'http://x.org/Measure/m', period: { start: '2020-01-01' }, group: [{ measureScore: { value: 1 } }] }, 'MeasureReport.group[0].measureScore', /cohort/);
      const op = { resourceType: 'OperationDefinition', url: 'http://x.org/op', name: 'Op', status: 'active', kind: 'operation', code: 'op', system: true, type: false, instance: false, inputProfile: 'http://x.org/StructureDefinition/in',
        parameter: [{ name: 'a', use: 'in', min: 0, max: '1', type: 'integer' }] };
      hit(op, 'OperationDefinition.parameter[0]', /minimum of the parameter 'a'/);
      hit(op, 'OperationDefinition.parameter[0]', /type integer is allowed by the OperationDefinition/);
    } finally {
      unloadSupporting(loaded);
    }
  });
});
