import type { Observation, Patient } from 'fhir/r4';
import { describe, expect, it } from 'vitest';
import { applyElements, applySummary, SUBSETTED } from '../../src/fhir/summary.js';
import { checkStructure } from '../../src/fhir/structure.js';

const tag = { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED', display: 'subsetted' };

const patient: Patient = {
  resourceType: 'Patient',
  id: 'p',
  meta: { versionId: '2', tag: [{ system: 'http://x', code: 'keep' }] },
  text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">P</div>' },
  contained: [{ resourceType: 'Organization', id: 'o', name: 'Org' }],
  extension: [{ url: 'http://x/e', valueString: 'e' }],
  identifier: [{ value: '1' }],
  active: true,
  name: [{ family: 'Doe' }],
  gender: 'female',
  birthDate: '2000-01-01',
  _birthDate: { extension: [{ url: 'http://x/t', valueDateTime: '2000-01-01T10:00:00Z' }] },
  maritalStatus: { text: 'M' },
  photo: [{ contentType: 'image/png' }],
  communication: [{ language: { text: 'fr' }, preferred: true }],
  link: [{ other: { reference: 'Patient/q' }, type: 'seealso' }],
};

const obs: Observation = {
  resourceType: 'Observation',
  id: 'o',
  text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">O</div>' },
  status: 'final',
  category: [{ text: 'lab' }],
  code: { text: 'x' },
  valueQuantity: { value: 1 },
  note: [{ text: 'n' }],
  component: [{ id: 'c1', extension: [{ url: 'http://x', valueString: 's' }], code: { text: 'c' }, valueString: 'v', interpretation: [{ text: 'H' }] }],
};

describe('applySummary', () => {
  it('true: summary and mandatory elements, backbone elements filtered, datatypes whole, tag added', () => {
    const s = applySummary(patient, 'true');
    expect(Object.keys(s).sort()).toEqual(
      ['resourceType', 'id', 'meta', 'identifier', 'active', 'name', 'gender', 'birthDate', '_birthDate', 'link'].sort(),
    );
    expect(s.meta!.tag).toEqual([{ system: 'http://x', code: 'keep' }, tag]);
    expect(s.meta!.versionId).toBe('2');
    expect(s.link).toEqual(patient.link);
    const o = applySummary(obs, 'true');
    expect(o.note).toBeUndefined();
    expect(o.valueQuantity).toEqual({ value: 1 });
    // component.code/value/interpretation are summary? code and value are; id/extension/interpretation are not.
    expect(o.component).toEqual([{ code: { text: 'c' }, valueString: 'v' }]);
  });

  it('text: text, id, meta and top-level mandatory elements', () => {
    expect(applySummary(obs, 'text')).toEqual({
      resourceType: 'Observation',
      id: 'o',
      meta: { tag: [tag] },
      text: obs.text,
      status: 'final',
      code: { text: 'x' },
    });
  });

  it('data: everything but text', () => {
    const { text: _t, ...rest } = obs;
    expect(applySummary(obs, 'data')).toEqual({ ...rest, meta: { tag: [tag] } });
  });

  it('false: the resource unchanged, without tag', () => {
    expect(applySummary(patient, 'false')).toBe(patient);
  });

  it('never modifies its input, and does not repeat the tag', () => {
    const before = structuredClone(patient);
    const once = applySummary(patient, 'true');
    expect(patient).toEqual(before);
    expect(applySummary(once, 'true').meta!.tag!.filter((t) => t.code === 'SUBSETTED')).toHaveLength(1);
  });

  it('produces structurally valid resources', () => {
    for (const mode of ['true', 'text', 'data'] as const) {
      expect(checkStructure(applySummary(patient, mode))).toEqual([]);
      expect(checkStructure(applySummary(obs, mode))).toEqual([]);
    }
  });
});

describe('applyElements', () => {
  it('keeps the listed elements, id, meta and mandatory elements', () => {
    expect(applyElements(obs, ['category'])).toEqual({
      resourceType: 'Observation',
      id: 'o',
      meta: { tag: [tag] },
      status: 'final',
      category: [{ text: 'lab' }],
      code: { text: 'x' },
    });
  });

  it('keeps the _ companion of a primitive', () => {
    expect(applyElements(patient, ['birthDate'])).toMatchObject({ birthDate: '2000-01-01', _birthDate: patient._birthDate });
  });

  it.each([
    ['value', ['valueQuantity']],
    ['value[x]', ['valueQuantity']],
    ['valueQuantity', ['valueQuantity']],
    ['Observation.value', ['valueQuantity']],
    ['valueString', []],
    ['note.text', ['note']],
    ['unknown', []],
  ])('resolves %s', (name, expected) => {
    const r = applyElements(obs, [name]) as unknown as Record<string, unknown>;
    const extra = Object.keys(r).filter((k) => !['resourceType', 'id', 'meta', 'status', 'code'].includes(k));
    expect(extra).toEqual(expected);
  });

  it('adds SUBSETTED to existing tags', () => {
    expect(applyElements(patient, ['name']).meta).toEqual({ versionId: '2', tag: [{ system: 'http://x', code: 'keep' }, { ...SUBSETTED }] });
  });
});
