// Bad inputs never throw: each gives issues (warning or information) located by FHIRPath, and whatever
// can still be extracted.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Bundle, Condition, Patient } from 'fhir/r4';
import { extractSourceRecords } from '../../src/registry/sources/index.js';
import type { Extraction } from '../../src/registry/sources/index.js';

const rcp = (): Bundle => JSON.parse(readFileSync(join(import.meta.dirname, '../../examples/fhir/rcp-bundle.json'), 'utf8'));
const indexOf = (b: Bundle, type: string) => b.entry!.findIndex((e) => e.resource?.resourceType === type);
const edit = <T,>(b: Bundle, type: string, change: (r: T) => void): Bundle => { change(b.entry![indexOf(b, type)].resource as T); return b; };
const P = indexOf(rcp(), 'Patient');
const C = indexOf(rcp(), 'Condition');
const expressions = (ex: Extraction) => ex.issues.flatMap((i) => i.expression ?? []);

interface Case { name: string; input: () => unknown; expression: string; check?: (ex: Extraction) => void }

const cases: Case[] = [
  { name: 'not a resource', input: () => null, expression: 'Bundle', check: (ex) => expect(ex.tumours).toEqual([]) },
  { name: 'another resource', input: () => ({ resourceType: 'Patient' }), expression: 'Bundle' },
  { name: 'a non-document Bundle', input: () => ({ ...rcp(), type: 'collection' }), expression: 'Bundle.type', check: (ex) => expect(ex.person).toBeUndefined() },
  { name: 'no Composition', input: () => { const b = rcp(); b.entry!.shift(); return b; }, expression: 'Bundle.entry[0].resource' },
  { name: 'entries that are not a list', input: () => ({ ...rcp(), entry: 'x' }), expression: 'Bundle.entry[0].resource' },
  {
    name: 'no Patient', input: () => { const b = rcp(); b.entry!.splice(P, 1); return b; }, expression: 'Bundle.entry[0].resource.subject',
    check: (ex) => { expect(ex.person).toBeUndefined(); expect(ex.tumours).toHaveLength(1); },
  },
  { name: 'a patient without birth date', input: () => edit<Patient>(rcp(), 'Patient', (p) => { delete p.birthDate; }), expression: `Bundle.entry[${P}].resource.birthDate`, check: (ex) => expect(ex.person).toBeUndefined() },
  { name: 'a malformed birth date', input: () => edit<Patient>(rcp(), 'Patient', (p) => { p.birthDate = '1964-13-40'; }), expression: `Bundle.entry[${P}].resource.birthDate`, check: (ex) => expect(ex.person).toBeUndefined() },
  { name: 'a partial birth date', input: () => edit<Patient>(rcp(), 'Patient', (p) => { p.birthDate = '1964-07'; }), expression: `Bundle.entry[${P}].resource.birthDate`, check: (ex) => expect(ex.person).toBeUndefined() },
  { name: 'a patient without sex', input: () => edit<Patient>(rcp(), 'Patient', (p) => { delete p.gender; }), expression: `Bundle.entry[${P}].resource.gender`, check: (ex) => expect(ex.person).toBeUndefined() },
  { name: 'a patient of unknown sex', input: () => edit<Patient>(rcp(), 'Patient', (p) => { p.gender = 'unknown'; }), expression: `Bundle.entry[${P}].resource.gender` },
  {
    name: 'a malformed INS', input: () => edit<Patient>(rcp(), 'Patient', (p) => { p.identifier![0].value = '12345'; }), expression: `Bundle.entry[${P}].resource.identifier[0].value`,
    check: (ex) => { expect(ex.person?.ins).toBeUndefined(); expect(ex.person?.birthName).toBe('BERTRAND'); },
  },
  {
    name: 'unknown code systems for site and histology',
    input: () => edit<Condition>(rcp(), 'Condition', (c) => {
      c.bodySite![0].coding = [{ system: 'http://example.org/sites', code: 'breast' }];
      c.code = { coding: [{ system: 'http://example.org/sites', code: 'breast' }] };
      c.extension![0].valueCodeableConcept = { coding: [{ system: 'http://example.org/histo', code: 'IDC' }] };
    }),
    expression: `Bundle.entry[${C}].resource.bodySite[0]`,
    check: (ex) => {
      expect(expressions(ex)).toContain(`Bundle.entry[${C}].resource.extension[0].value`);
      expect(ex.tumours[0].topography).toBeUndefined();
      expect(ex.tumours[0].morphology).toBeUndefined();
    },
  },
  {
    name: 'ICD-10 only (mapped by consolidation)',
    input: () => edit<Condition>(rcp(), 'Condition', (c) => { c.bodySite![0].coding = [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'C50.4' }]; }),
    expression: `Bundle.entry[${C}].resource.bodySite[0]`,
    check: (ex) => {
      expect(ex.tumours[0]).toMatchObject({ topography: 'C50.4', topographySystem: 'icd-10' });
      expect(ex.issues[0].severity).toBe('information');
    },
  },
  {
    name: 'an ICD-10 code with no ICD-O-3 topography',
    input: () => edit<Condition>(rcp(), 'Condition', (c) => { c.bodySite![0].coding = [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'D12.6' }]; }),
    expression: `Bundle.entry[${C}].resource.bodySite[0]`,
    check: (ex) => expect(ex.issues[0].severity).toBe('warning'),
  },
  {
    name: 'a malformed date of diagnosis', input: () => edit<Condition>(rcp(), 'Condition', (c) => { c.onsetDateTime = '2025-02-30'; }), expression: `Bundle.entry[${C}].resource.onsetDateTime`,
    check: (ex) => expect(ex.tumours[0].incidenceCandidates).toEqual([{ date: '2025-03-14', event: 'other-diagnosis' }]),
  },
  {
    name: 'a malformed document date', input: () => { const b = rcp(); (b.entry![0].resource as { date: string }).date = 'yesterday'; return b; }, expression: 'Bundle.entry[0].resource.date',
    check: (ex) => expect(ex.tumours[0].documentDate).toBe('2025-03-14'),
  },
  {
    name: 'a document that is none of the cancer documents', input: () => { const b = rcp(); (b.entry![0].resource as { type: unknown }).type = { coding: [{ system: 'http://loinc.org', code: '11488-4' }] }; delete b.meta; delete b.entry![0].resource!.meta; return b; },
    expression: 'Bundle.entry[0].resource.type',
    check: (ex) => { expect(ex.documentType).toBe('unknown'); expect(ex.tumours[0].basis).toBeUndefined(); },
  },
  {
    name: 'a refuted cancer and nothing else', input: () => { const b = edit<Condition>(rcp(), 'Condition', (c) => { c.verificationStatus = { coding: [{ code: 'refuted' }] }; }); b.entry = b.entry!.filter((e) => e.resource?.resourceType !== 'Observation'); return b; },
    expression: 'Bundle.entry.resource',
    check: (ex) => expect(ex.tumours).toEqual([]),
  },
];

describe('bad inputs', () => {
  it.each(cases)('$name gives an issue at $expression and does not throw', ({ input, expression, check }) => {
    const ex = extractSourceRecords(input() as Bundle);
    expect(ex.issues.length).toBeGreaterThan(0);
    expect(ex.issues.every((i) => i.severity === 'warning' || i.severity === 'information')).toBe(true);
    expect(expressions(ex)).toContain(expression);
    check?.(ex);
  });
});
