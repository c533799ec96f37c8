// IARC/IACR 2004 multiple-primary grouping: one tumour or several, per person.
import { describe, expect, it } from 'vitest';
import { consolidate, multiplePrimary } from '../../src/registry/tumours/index.js';
import { man, rec, woman } from './tumours-support.js';

describe('multiplePrimary (pairwise rule)', () => {
  it.each([
    ['same 3-character site and group', 'C50.4', 8500, 'C50.2', 8520, 'same'],
    ['Table 1 group: rectosigmoid and rectum', 'C19.9', 8140, 'C20.9', 8140, 'same'],
    ['Table 1 group: trachea and lung', 'C33.9', 8070, 'C34.1', 8071, 'same'],
    ['Table 1 group: urinary tract', 'C65.9', 8120, 'C67.2', 8130, 'same'],
    ['different organs, same group', 'C18.7', 8140, 'C16.3', 8140, 'different'],
    ['same organ, different groups (adeno vs squamous)', 'C34.1', 8140, 'C34.1', 8070, 'different'],
    ['skin: basal cell vs squamous are two', 'C44.3', 8090, 'C44.3', 8070, 'different'],
    ['skin: two basal cell anywhere on the skin are one', 'C44.3', 8090, 'C44.7', 8091, 'same'],
    ['carcinoma NOS merges with adenocarcinoma, same organ', 'C34.1', 8010, 'C34.3', 8140, 'same'],
    ['carcinoma NOS does not merge across organs', 'C34.1', 8010, 'C18.7', 8140, 'different'],
    ['cancer NOS (8000) merges with anything in the organ', 'C50.9', 8000, 'C50.9', 8800, 'same'],
    ['carcinoma NOS does not cover sarcoma', 'C50.9', 8010, 'C50.9', 8800, 'different'],
    ['lymphoma: B-cell at two sites is one (systemic)', 'C77.2', 9680, 'C16.9', 9699, 'same'],
    ['haematopoietic NOS merges with myeloid whatever the site', 'C42.1', 9800, 'C42.0', 9861, 'same'],
    ['myeloid and B-cell are two', 'C42.1', 9861, 'C77.9', 9680, 'different'],
    ['Kaposi sarcoma once per person', 'C44.5', 9140, 'C16.9', 9140, 'same'],
    ['unknown primary vs a site', 'C80.9', 8140, 'C18.7', 8140, 'unknown-topography'],
    ['both unknown primary', 'C80.9', 8140, 'C80.9', 8010, 'same'],
  ])('%s', (_label, ta, ma, tb, mb, verdict) => {
    expect(multiplePrimary({ topography: ta, morphology: ma }, { topography: tb, morphology: mb })).toBe(verdict);
    expect(multiplePrimary({ topography: tb, morphology: mb }, { topography: ta, morphology: ma })).toBe(verdict);
  });
});

describe('consolidate: grouping', () => {
  it('same organ group → one tumour; different morphology group → two', () => {
    const tumours = consolidate([
      rec({ recordId: 'a', topography: 'C20.9', morphology: '8140/3' }),
      rec({ recordId: 'b', topography: 'C19.9', morphology: '8140/3' }),
      rec({ recordId: 'c', topography: 'C20.9', morphology: '8070/3' }),
    ], man);
    expect(tumours.map((t) => t.sources.map((s) => s.recordId))).toEqual([['a', 'b'], ['c']]);
    expect(tumours[0].organ).toBe('rectum');
  });

  it('NOS merges into the specific morphology, which is kept (not a conflict)', () => {
    const [t, ...rest] = consolidate([
      rec({ topography: 'C34.9', morphology: 8010 }),
      rec({ topography: 'C34.1', morphology: 8140 }),
      rec({ topography: 'C34.1', morphology: 8000 }),
    ], man);
    expect(rest).toHaveLength(0);
    expect(t.morphology).toBe(8140);
    expect(t.topography).toBe('C34.1');
    expect(t.conflicts).toEqual([]);
  });

  it('paired organ: left and right breast, same group → one tumour, laterality conflict and W-MPMT', () => {
    const tumours = consolidate([
      rec({ recordId: 'L', topography: 'C50.4', morphology: 8500, laterality: 'left', documentDate: '2025-01-10' }),
      rec({ recordId: 'R', topography: 'C50.4', morphology: 8520, laterality: 'right', documentDate: '2025-02-10' }),
    ], woman);
    expect(tumours).toHaveLength(1);
    const [t] = tumours;
    expect(t.laterality).toBe('right');
    const c = t.conflicts.find((x) => x.field === 'laterality')!;
    expect(c.reason).toMatch(/paired organ/);
    expect(c.values.map((v) => v.value)).toEqual(['left', 'right']);
    expect(t.warnings.map((w) => w.id)).toContain('W-MPMT');
  });

  it('paired organ: left and right breast, different groups → two tumours', () => {
    const tumours = consolidate([
      rec({ topography: 'C50.4', morphology: 8500, laterality: 'left' }),
      rec({ topography: 'C50.4', morphology: 8800, laterality: 'right' }),
    ], woman);
    expect(tumours).toHaveLength(2);
    expect(tumours.every((t) => t.conflicts.length === 0)).toBe(true);
  });

  it('haematological malignancy counted once per person across sites and NOS codes', () => {
    const tumours = consolidate([
      rec({ recordId: 'h1', topography: 'C77.3', morphology: 9591 }),
      rec({ recordId: 'h2', topography: 'C16.9', morphology: 9680 }),
      rec({ recordId: 'h3', topography: 'C42.1', morphology: 9699 }),
      rec({ recordId: 'k', topography: 'C44.5', morphology: 9140 }),
      rec({ recordId: 'k2', topography: 'C02.1', morphology: 9140 }),
    ], man);
    expect(tumours.map((t) => [t.morphology, t.sources.map((s) => s.recordId)])).toEqual([
      [9699, ['h1', 'h2', 'h3']],
      [9140, ['k', 'k2']],
    ]);
    // Three sites and two specific B-cell codes for one lymphoma: both flagged for the registrar, the latest kept.
    expect(tumours[0].conflicts.map((c) => c.field)).toEqual(['topography', 'morphology']);
  });

  it('unknown primary (C80) merges into the tumour of compatible morphology, with a note', () => {
    const [t, ...rest] = consolidate([
      rec({ recordId: 'm', topography: 'C80.9', morphology: '8140/6', documentDate: '2025-01-01' }),
      rec({ recordId: 'p', topography: 'C18.7', morphology: '8140/3', documentDate: '2025-02-01' }),
    ], man);
    expect(rest).toHaveLength(0);
    expect(t.topography).toBe('C18.7');
    expect(t.notes.join(' ')).toMatch(/behaviour \/6 recorded as \/3/);
    expect(t.notes.join(' ')).toMatch(/unknown primary site merged/);
  });

  it('ICD-10 topography is mapped to ICD-O-3 with its implied morphology', () => {
    const [t] = consolidate([rec({ topography: 'C43.5', topographySystem: 'icd-10', basis: 2 })], woman);
    expect([t.topography, t.morphology]).toEqual(['C44.9', 8720]);
    const [u] = consolidate([rec({ topography: 'C50.4', topographySystem: 'icd-10', morphology: 8500 })], woman);
    expect(u.topography).toBe('C50.4');
    const [v] = consolidate([rec({ topography: 'C92.0', topographySystem: 'icd-10' })], woman);
    expect([v.topography, v.morphology, v.morphologyGroup]).toEqual(['C42.1', 9861, 8]);
  });

  it('refuses records of more than one person', () => {
    expect(() => consolidate([rec({ topography: 'C50.9' }), rec({ topography: 'C50.9', personKey: 'other' })], woman)).toThrow(RangeError);
  });
});
