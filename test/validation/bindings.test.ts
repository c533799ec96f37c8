// Terminology bindings through src/terminology: required → error, extensible → warning,
// preferred/example → nothing, a code the loaded terminology cannot decide → information.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StructureDefinition } from 'fhir/r4';
import { addStructureDefinition, bindingsAvailable, removeStructureDefinition, validateResource } from '../../src/validation/index.js';

const available = bindingsAvailable();
if (!available) console.warn('Skipping the binding tests: src/terminology (validateCodeInValueSet) is not installed, so bindings are not checked.');

const vitals = JSON.parse(readFileSync(join(import.meta.dirname, '../../examples/profiles/vital-signs-observation.json'), 'utf8')) as StructureDefinition;
const snomedBound: StructureDefinition = {
  resourceType: 'StructureDefinition', url: 'http://oncofhir.test/StructureDefinition/condition-snomed', name: 'ConditionSnomed', status: 'draft',
  kind: 'resource', abstract: false, type: 'Condition', baseDefinition: 'http://hl7.org/fhir/StructureDefinition/Condition', derivation: 'constraint',
  differential: { element: [{ id: 'Condition', path: 'Condition' }, { id: 'Condition.code', path: 'Condition.code', binding: { strength: 'required', valueSet: 'http://hl7.org/fhir/ValueSet/clinical-findings' } }] },
};

describe.skipIf(!available)('bindings', () => {
  beforeAll(() => { addStructureDefinition(vitals); addStructureDefinition(snomedBound); });
  afterAll(() => { removeStructureDefinition(vitals.url); removeStructureDefinition(snomedBound.url); });

  const obs = { resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '8302-2' }] } };
  it.each([
    ['required code', { resourceType: 'Patient', gender: 'xx' }, [], 'error', 'Patient.gender'],
    ['required code on a required element', { ...obs, status: 'bogus' }, [], 'error', 'Observation.status'],
    ['required CodeableConcept', { resourceType: 'AllergyIntolerance', patient: { reference: 'Patient/1' }, clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'zzz' }] } }, [], 'error', 'AllergyIntolerance.clinicalStatus'],
    ['required Coding inside an array', { resourceType: 'Patient', communication: [{ language: { text: 'fr' } }], telecom: [{ system: 'pager2', value: '1' }] }, [], 'error', 'Patient.telecom[0].system'],
    ['extensible CodeableConcept', { resourceType: 'Condition', subject: { reference: 'Patient/1' }, category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'zzz' }] }] }, [], 'warning', 'Condition.category[0]'],
    ['extensible binding of a profile to an enumerated LOINC value set', { ...obs, code: { coding: [{ system: 'http://loinc.org', code: '2345-7' }] } }, [vitals.url], 'warning', 'Observation.code'],
  ])('%s', (_n, r, profiles, severity, path) => {
    const issues = validateResource(r, { profiles }).filter((i) => i.code === 'code-invalid');
    expect(issues.map((i) => [i.severity, i.expression?.[0]]), JSON.stringify(issues)).toContainEqual([severity, path]);
  });

  it.each([
    ['a good required code', { resourceType: 'Patient', gender: 'female' }],
    ['a preferred/example binding with any code', { ...obs, code: { coding: [{ system: 'http://example.org/codes', code: 'whatever' }] } }],
    ['a CodeableConcept with one good coding among others', { resourceType: 'AllergyIntolerance', patient: { reference: 'Patient/1' }, clinicalStatus: { coding: [{ system: 'http://x', code: 'y' }, { system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }] } }],
  ])('accepts %s', (_n, r) => {
    expect(validateResource(r).filter((i) => i.code === 'code-invalid')).toEqual([]);
  });

  it('accepts a code of an external system that is not loaded, with an information issue', () => {
    const r = { resourceType: 'Condition', subject: { reference: 'Patient/1' }, code: { coding: [{ system: 'http://snomed.info/sct', code: '254637007' }] } };
    const issues = validateResource(r, { profiles: [snomedBound.url] });
    expect(issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(issues.find((i) => i.expression?.[0] === 'Condition.code')?.severity).toBe('information');
  });
});
