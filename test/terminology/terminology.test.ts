// The terminology library on the R4 core content: expansion, code checks, lookup, translate, registration.
import type { CodeSystem, ConceptMap, ValueSet } from 'fhir/r4';
import { afterAll, describe, expect, it } from 'vitest';
import {
  expandValueSet,
  expandValueSetResource,
  lookup,
  registerTerminologyResource,
  translate,
  unregisterTerminologyResource,
  validateCodeInCodeSystem,
  validateCodeInValueSet,
} from '../../src/terminology/index.js';
import { FhirError } from '../../src/fhir/errors.js';

const codes = (vs: ValueSet) => (vs.expansion?.contains ?? []).map((c) => c.code);
const GENDER = 'http://hl7.org/fhir/administrative-gender';

describe('expansion of core value sets', () => {
  it('administrative-gender: the four codes with displays, total and paging', () => {
    const vs = expandValueSet('http://hl7.org/fhir/ValueSet/administrative-gender');
    expect(codes(vs)).toEqual(['male', 'female', 'other', 'unknown']);
    expect(vs.expansion?.total).toBe(4);
    expect(vs.expansion?.contains?.[0]).toEqual({ system: GENDER, version: '4.0.1', code: 'male', display: 'Male' });
    expect(vs.compose).toBeUndefined();
    const page = expandValueSet('http://hl7.org/fhir/ValueSet/administrative-gender', { offset: 1, count: 2 });
    expect(codes(page)).toEqual(['female', 'other']);
    expect(page.expansion?.total).toBe(4);
    expect(page.expansion?.offset).toBe(1);
  });

  it('observation-status, with a text filter', () => {
    expect(codes(expandValueSet('http://hl7.org/fhir/ValueSet/observation-status'))).toEqual(['registered', 'preliminary', 'final', 'amended', 'corrected', 'cancelled', 'entered-in-error', 'unknown']);
    expect(codes(expandValueSet('http://hl7.org/fhir/ValueSet/observation-status', { filter: 'err' }))).toEqual(['entered-in-error']);
  });

  it('condition-clinical: a whole code system with nested concepts', () => {
    expect(codes(expandValueSet('http://hl7.org/fhir/ValueSet/condition-clinical'))).toEqual(['active', 'recurrence', 'relapse', 'inactive', 'remission', 'resolved']);
  });

  it('a v3 descendent-of filter leaves the root out (ValueSet/inactive)', () => {
    const c = codes(expandValueSet('http://hl7.org/fhir/ValueSet/inactive'));
    expect(c).toContain('EVN.CRT');
    expect(c).not.toContain('_ActMoodPredicate');
  });

  it('a v3 is-a filter keeps the root and its descendants only', () => {
    // v3-ActEncounterCode: is-a _ActEncounterCode
    const c = codes(expandValueSet('http://terminology.hl7.org/ValueSet/v3-ActEncounterCode'));
    expect(c).toEqual(expect.arrayContaining(['AMB', 'EMER', 'IMP', 'ACUTE']));
    expect(c).not.toContain('_ActAccountCode');
  });

  it('is-not-a on v2-0131 leaves O out', () => {
    const c = codes(expandValueSet('http://hl7.org/fhir/ValueSet/patient-contactrelationship'));
    expect(c).toContain('C');
    expect(c).not.toContain('O');
  });

  it('an implicit value set (CodeSystem.valueSet) expands', () => {
    expect(codes(expandValueSet('http://terminology.hl7.org/ValueSet/v2-0001'))).toContain('F');
  });

  it('a value set over a system that is not loaded cannot be expanded', () => {
    expect(() => expandValueSet('http://hl7.org/fhir/ValueSet/observation-codes')).toThrow(/http:\/\/loinc.org is not loaded/);
    expect(() => expandValueSet('http://example.org/nope')).toThrow(FhirError);
  });
});

describe('ad-hoc compose features', () => {
  const cs: CodeSystem = {
    resourceType: 'CodeSystem',
    url: 'http://example.org/cs/tumour',
    version: '2',
    status: 'active',
    content: 'complete',
    caseSensitive: false,
    property: [{ code: 'grade', type: 'integer' }, { code: 'status', type: 'code' }],
    concept: [
      { code: 'T', display: 'Tumour', property: [{ code: 'notSelectable', valueBoolean: true }], concept: [
        { code: 'T1', display: 'Small tumour', property: [{ code: 'grade', valueInteger: 1 }] },
        { code: 'T2', display: 'Large tumour', property: [{ code: 'grade', valueInteger: 2 }], concept: [{ code: 'T2a', display: 'Large, local' }] },
        { code: 'T9', display: 'Old code', property: [{ code: 'status', valueCode: 'retired' }] },
      ] },
      { code: 'N0', display: 'No node' },
    ],
  };
  registerTerminologyResource(cs);
  afterAll(() => unregisterTerminologyResource(cs));
  const vs = (compose: ValueSet['compose']): ValueSet => ({ resourceType: 'ValueSet', status: 'active', compose });
  const S = cs.url!;

  it.each([
    ['is-a', { property: 'concept', op: 'is-a', value: 'T2' }, ['T2', 'T2a']],
    ['descendent-of', { property: 'concept', op: 'descendent-of', value: 'T' }, ['T1', 'T2', 'T2a', 'T9']],
    ['is-not-a', { property: 'concept', op: 'is-not-a', value: 'T' }, ['N0']],
    ['= on a property', { property: 'grade', op: '=', value: '2' }, ['T2']],
    ['regex on code', { property: 'code', op: 'regex', value: 'T[0-9]' }, ['T1', 'T2', 'T9']],
    ['in', { property: 'concept', op: 'in', value: 'T1,N0' }, ['T1', 'N0']],
    ['exists', { property: 'grade', op: 'exists', value: 'true' }, ['T1', 'T2']],
    ['generalizes', { property: 'concept', op: 'generalizes', value: 'T2a' }, ['T', 'T2', 'T2a']],
  ] as const)('filter %s', (_n, filter, expected) => {
    expect(codes(expandValueSetResource(vs({ include: [{ system: S, filter: [{ ...filter }] }] })))).toEqual(expected);
  });

  it('exclude, inactive=false, and case-insensitive matching (caseSensitive = false)', () => {
    const v = vs({ inactive: false, include: [{ system: S }], exclude: [{ system: S, concept: [{ code: 'N0' }] }] });
    expect(codes(expandValueSetResource(v))).toEqual(['T', 'T1', 'T2', 'T2a']);
  });

  it('versioned canonicals resolve, and a wrong version is unknown', () => {
    registerTerminologyResource({ resourceType: 'ValueSet', url: 'http://example.org/vs/t', version: '1.0', status: 'active', compose: { include: [{ system: S }] } });
    expect(validateCodeInValueSet('http://example.org/vs/t|1.0', { system: S, code: 't1' }).result).toBe(true);
    expect(validateCodeInValueSet('http://example.org/vs/t|9.9', { system: S, code: 'T1' }).result).toBe('unknown');
  });

  it('abstract codes are in the expansion but not valid codes', () => {
    const v = vs({ include: [{ system: S }] });
    expect(expandValueSetResource(v).expansion?.contains?.[0]).toMatchObject({ code: 'T', abstract: true });
    registerTerminologyResource({ ...v, url: 'http://example.org/vs/all' });
    expect(validateCodeInValueSet('http://example.org/vs/all', { system: S, code: 'T' })).toMatchObject({ result: false, message: expect.stringMatching(/abstract/) });
  });

  it('a value set importing itself is reported', () => {
    registerTerminologyResource({ resourceType: 'ValueSet', url: 'http://example.org/vs/loop', status: 'active', compose: { include: [{ valueSet: ['http://example.org/vs/loop'] }] } });
    expect(() => expandValueSet('http://example.org/vs/loop')).toThrow(/imports itself/);
    expect(validateCodeInValueSet('http://example.org/vs/loop', { code: 'x' }).result).toBe('unknown');
  });

  it('a bad regex is a 400', () => {
    const v = vs({ include: [{ system: S, filter: [{ property: 'code', op: 'regex', value: '(' }] }] });
    expect(() => expandValueSetResource(v)).toThrow(expect.objectContaining({ status: 400 }));
  });

  it('registration wins over core content and is undone', () => {
    const mine: ValueSet = { resourceType: 'ValueSet', id: 'g', url: 'http://hl7.org/fhir/ValueSet/administrative-gender', status: 'active', compose: { include: [{ system: GENDER, concept: [{ code: 'female' }] }] } };
    registerTerminologyResource(mine);
    expect(validateCodeInValueSet(mine.url!, { system: GENDER, code: 'male' }).result).toBe(false);
    unregisterTerminologyResource(mine);
    expect(validateCodeInValueSet(mine.url!, { system: GENDER, code: 'male' }).result).toBe(true);
    expect(() => registerTerminologyResource({ resourceType: 'Patient' } as never)).toThrow(/Only ValueSet/);
    expect(() => registerTerminologyResource({ resourceType: 'ValueSet', status: 'active' })).toThrow(/no url/);
  });
});

describe('validateCodeInValueSet', () => {
  const GENDER_VS = 'http://hl7.org/fhir/ValueSet/administrative-gender';
  it.each([
    ['a member with its system', GENDER_VS, { system: GENDER, code: 'female' }, true],
    ['a member without system (a code element)', GENDER_VS, { code: 'female' }, true],
    ['a wrong case (the system is case-sensitive)', GENDER_VS, { system: GENDER, code: 'Female' }, false],
    ['a code from another loaded system', GENDER_VS, { system: 'http://terminology.hl7.org/CodeSystem/v2-0001', code: 'F' }, false],
    ['an unknown code', GENDER_VS, { code: 'x' }, false],
    ['no code', GENDER_VS, { system: GENDER }, false],
    ['LOINC in a LOINC-wide value set', 'http://hl7.org/fhir/ValueSet/observation-codes', { system: 'http://loinc.org', code: '8480-6' }, 'unknown'],
    ['SNOMED CT with an is-a filter', 'http://hl7.org/fhir/ValueSet/clinical-findings', { system: 'http://snomed.info/sct', code: '254637007' }, 'unknown'],
    ['a non-SNOMED code against a SNOMED value set', 'http://hl7.org/fhir/ValueSet/clinical-findings', { system: 'http://loinc.org', code: '1-8' }, false],
    ['an enumerated LOINC code', 'http://hl7.org/fhir/ValueSet/example-extensional', { system: 'http://loinc.org', code: '2093-3' }, true],
    ['a LOINC code the enumeration lacks', 'http://hl7.org/fhir/ValueSet/example-extensional', { system: 'http://loinc.org', code: '1-8' }, false],
    ['a value set that is not loaded', 'http://example.org/ValueSet/none', { system: GENDER, code: 'male' }, 'unknown'],
    ['a v3 code via is-a', 'http://terminology.hl7.org/ValueSet/v3-ActEncounterCode', { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' }, true],
  ])('%s', (_n, vs, coding, expected) => {
    const r = validateCodeInValueSet(vs, coding);
    expect(r.result).toBe(expected);
    if (expected !== true) expect(r.message).toBeTruthy();
  });

  it('returns the display, and a message when the given display is wrong', () => {
    expect(validateCodeInValueSet('http://hl7.org/fhir/ValueSet/administrative-gender', { system: GENDER, code: 'male', display: 'male' })).toEqual({ result: true, display: 'Male' });
    const r = validateCodeInValueSet('http://hl7.org/fhir/ValueSet/administrative-gender', { system: GENDER, code: 'male', display: 'Man' });
    expect(r.result).toBe(true);
    expect(r.message).toMatch(/expected "Male"/);
  });
});

describe('UCUM (grammar-based, checked code by code)', () => {
  const UCUM = 'http://unitsofmeasure.org';
  it.each([
    ['ucum-units', 'mg/dL', true],
    ['ucum-units', 'mg/dl/foo', false],
    ['all-time-units', 'wk', true], // canonical = a: any time unit
    ['all-time-units', 'kg', false],
    ['all-distance-units', '[in_i]', true],
    ['units-of-time', 'wk', true], // enumerated
    ['units-of-time', 'min', true],
  ])('%s: %s → %s', (vs, code, expected) => {
    expect(validateCodeInValueSet(`http://hl7.org/fhir/ValueSet/${vs}`, { system: UCUM, code }).result).toBe(expected);
  });

  it('checks single codes, and refuses to list the whole grammar', () => {
    expect(validateCodeInCodeSystem(UCUM, 'mm[Hg]')).toEqual({ result: true, display: 'millimeter of mercury' });
    expect(validateCodeInCodeSystem(UCUM, 'furlongs').result).toBe(false);
    expect(() => expandValueSet('http://hl7.org/fhir/ValueSet/ucum-units')).toThrow(/grammar-based/);
  });
});

describe('validateCodeInCodeSystem and lookup', () => {
  it.each([
    [GENDER, 'male', true],
    [GENDER, 'boy', false],
    ['http://snomed.info/sct', '254637007', 'unknown'], // content = not-present
    ['http://loinc.org', '8480-6', 'unknown'],
    ['http://terminology.hl7.org/CodeSystem/service-type', 'zzz', 'unknown'], // content = example
  ])('%s#%s → %s', (system, code, expected) => {
    expect(validateCodeInCodeSystem(system, code).result).toBe(expected);
  });

  it('looks up a v3 code with its hierarchy and properties', () => {
    const p = lookup('http://terminology.hl7.org/CodeSystem/v3-ActCode', 'AMB')!;
    const get = (n: string) => p.parameter?.filter((x) => x.name === n) ?? [];
    expect(get('name')[0].valueString).toBe('v3.ActCode');
    expect(get('display')[0].valueString).toBe('ambulatory');
    const props = get('property').map((x) => [x.part?.[0].valueCode, x.part?.[1].valueCode ?? x.part?.[1].valueBoolean]);
    expect(props).toContainEqual(['parent', '_ActEncounterCode']);
    expect(props).toContainEqual(['inactive', false]);
  });

  it('lists designations (v2 tables carry translations)', () => {
    const p = lookup('http://terminology.hl7.org/CodeSystem/v2-0131', 'C')!;
    const d = p.parameter?.filter((x) => x.name === 'designation') ?? [];
    expect(d.map((x) => x.part?.find((y) => y.name === 'language')?.valueCode)).toEqual(['de', 'nl']);
  });

  it('is undefined for unknown codes and systems', () => {
    expect(lookup(GENDER, 'nope')).toBeUndefined();
    expect(lookup('http://loinc.org', '8480-6')).toBeUndefined();
  });
});

describe('translate', () => {
  const CM = 'http://hl7.org/fhir/ConceptMap/cm-administrative-gender-v2';
  const matches = (p: ReturnType<typeof translate>) => (p.parameter ?? []).filter((x) => x.name === 'match').map((m) => [m.part?.find((x) => x.name === 'equivalence')?.valueCode, m.part?.find((x) => x.name === 'concept')?.valueCoding?.code]);

  it('maps with a named core ConceptMap', () => {
    const p = translate({ url: CM, system: GENDER, code: 'female' });
    expect(p.parameter?.[0]).toEqual({ name: 'result', valueBoolean: true });
    expect(matches(p)).toEqual([['equal', 'F']]);
  });

  it('finds the maps by target system when no map is named', () => {
    const p = translate({ system: GENDER, code: 'male', targetsystem: 'http://terminology.hl7.org/CodeSystem/v3-AdministrativeGender' });
    expect(matches(p)).toEqual([['equal', 'M']]);
  });

  it('translates in reverse', () => {
    const p = translate({ url: CM, system: 'http://terminology.hl7.org/CodeSystem/v2-0001', code: 'F', reverse: true });
    expect(matches(p)).toEqual([['equal', 'female']]);
  });

  it('reports no match, and an unknown map as 404', () => {
    const p = translate({ url: CM, system: GENDER, code: 'nope' });
    expect(p.parameter?.[0].valueBoolean).toBe(false);
    expect(p.parameter?.[1].valueString).toMatch(/No mapping/);
    expect(() => translate({ url: 'http://example.org/cm', system: GENDER, code: 'male' })).toThrow(expect.objectContaining({ status: 404 }));
  });

  it('uses a ConceptMap given as a resource, with unmapped = provided', () => {
    const cm: ConceptMap = { resourceType: 'ConceptMap', status: 'active', group: [{ source: 'http://a', target: 'http://b', element: [{ code: '1', target: [{ code: 'one', equivalence: 'equivalent' }] }], unmapped: { mode: 'provided' } }] };
    expect(matches(translate({ conceptMap: cm, system: 'http://a', code: '1' }))).toEqual([['equivalent', 'one']]);
    expect(matches(translate({ conceptMap: cm, system: 'http://a', code: '7' }))).toEqual([['equal', '7']]);
  });
});
