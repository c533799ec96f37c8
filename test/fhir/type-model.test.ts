import { describe, expect, it } from 'vitest';
import { allResourceTypes } from '../../src/fhir/definitions.js';
import { isPrimitiveType, primitivePattern, resourceInfo, typeInfo } from '../../src/fhir/type-model.js';

describe('type model', () => {
  it('has every resource type, with elements in StructureDefinition order', () => {
    for (const t of allResourceTypes()) expect(resourceInfo(t), t).toBeDefined();
    const obs = resourceInfo('Observation')!;
    const names = obs.elements.map((e) => e.name);
    expect(names.slice(0, 8)).toEqual(['id', 'meta', 'implicitRules', 'language', 'text', 'contained', 'extension', 'modifierExtension']);
    expect(names.indexOf('value')).toBeLessThan(names.indexOf('component'));
  });

  it('expands choice types to their JSON names', () => {
    const p = resourceInfo('Observation')!.properties;
    expect(p.get('valueQuantity')).toMatchObject({ type: 'Quantity', primitive: false });
    expect(p.get('valueDateTime')).toMatchObject({ type: 'dateTime', primitive: true });
    expect(p.get('value')).toBeUndefined();
    const value = resourceInfo('Observation')!.elements.find((e) => e.name === 'value')!;
    expect(value).toMatchObject({ choice: true, array: false, isSummary: true });
    expect(value.jsonNames).toContain('valueCodeableConcept');
  });

  it('records cardinality, summary and modifier flags', () => {
    const status = resourceInfo('Observation')!.properties.get('status')!.element;
    expect(status).toMatchObject({ min: 1, array: false, isSummary: true, isModifier: true, types: ['code'] });
    expect(resourceInfo('Patient')!.properties.get('name')!.element).toMatchObject({ array: true, isSummary: true });
    expect(resourceInfo('Patient')!.properties.get('id')!.type).toBe('id');
  });

  it('gives backbone elements and content references their nested element lists', () => {
    const comp = resourceInfo('Observation')!.properties.get('component')!;
    expect(comp.type).toBe('Observation.component');
    expect(typeInfo('Observation.component')!.kind).toBe('backbone');
    expect(typeInfo('Observation.component')!.properties.get('referenceRange')!.type).toBe('Observation.referenceRange');
    expect(typeInfo('Questionnaire.item')!.properties.get('item')!.type).toBe('Questionnaire.item');
    expect(typeInfo('Parameters.parameter')!.properties.get('part')!.type).toBe('Parameters.parameter');
    expect(typeInfo('Timing.repeat')!.properties.get('boundsDuration')!.type).toBe('Duration');
  });

  it('marks XML attributes and primitives', () => {
    expect(typeInfo('Extension')!.properties.get('url')!.element.xmlAttr).toBe(true);
    expect(typeInfo('HumanName')!.properties.get('id')!.element.xmlAttr).toBe(true);
    expect(resourceInfo('Patient')!.properties.get('id')!.element.xmlAttr).toBe(false);
    expect(isPrimitiveType('dateTime')).toBe(true);
    expect(isPrimitiveType('Quantity')).toBe(false);
    expect(typeInfo('string')!.elements.map((e) => e.name)).toEqual(['id', 'extension']);
  });

  it('compiles the R4 primitive regexes, anchored', () => {
    expect(primitivePattern('date')!.test('2020-02-29')).toBe(true);
    expect(primitivePattern('date')!.test('2020-13-01')).toBe(false);
    expect(primitivePattern('id')!.test('a'.repeat(65))).toBe(false);
    expect(primitivePattern('instant')!.test('2020-01-01T00:00:00Z')).toBe(true);
    expect(primitivePattern('instant')!.test('2020-01-01')).toBe(false);
  });
});
