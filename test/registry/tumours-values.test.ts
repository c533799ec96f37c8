// Consolidated values (incidence date, basis, conflicts, provenance, updates), IARC checks and rare cancers.
import { describe, expect, it } from 'vitest';
import { checkTumour, consolidate, incidenceDate } from '../../src/registry/tumours/index.js';
import type { Person, Tumour } from '../../src/registry/tumours/index.js';
import { man, rec, woman } from './tumours-support.js';

describe('ENCR incidence date', () => {
  it.each([
    ['histology within 3 months of an earlier consultation wins', [['2025-01-05', 'outpatient-consultation'], ['2025-03-20', 'histology-specimen']], '2025-03-20'],
    ['histology more than 3 months later does not', [['2025-01-05', 'outpatient-consultation'], ['2025-05-20', 'histology-specimen']], '2025-01-05'],
    ['admission beats other diagnosis within the window', [['2025-01-05', 'other-diagnosis'], ['2025-02-01', 'hospital-admission']], '2025-02-01'],
    ['specimen date beats report date', [['2025-02-10', 'histology-report'], ['2025-02-01', 'histology-specimen']], '2025-02-01'],
    ['receipt date beats report date', [['2025-02-03', 'histology-receipt'], ['2025-02-01', 'histology-report']], '2025-02-03'],
    ['death certificate only', [['2025-06-01', 'death']], '2025-06-01'],
    ['clinical diagnosis beats a later death', [['2025-03-01', 'other-diagnosis'], ['2025-04-01', 'death']], '2025-03-01'],
  ])('%s', (_l, cands, expected) => {
    const got = incidenceDate(cands.map(([date, event]) => ({ date, event: event as never })));
    expect(got?.date).toBe(expected);
  });

  it('draws on candidates from every record of the tumour and says which record gave it', () => {
    const [t] = consolidate([
      rec({ recordId: 'rcp', topography: 'C50.4', morphology: 8500, incidenceCandidates: [{ date: '2025-01-15', event: 'outpatient-consultation' }] }),
      rec({ recordId: 'acp', topography: 'C50.4', morphology: 8500, incidenceCandidates: [{ date: '2025-02-02', event: 'histology-specimen' }] }),
    ], woman);
    expect([t.incidenceDate, t.incidenceEvent, t.fieldSources.incidenceDate]).toEqual(['2025-02-02', 'histology-specimen', 'acp']);
  });
});

describe('basis of diagnosis: the most valid one', () => {
  it.each([
    [[1, 7, 2], 7],
    [[9, 1], 1],
    [[0, 2], 2],
    [[5, 4], 5],
    [[7, 8], 8],
    [[9], 9],
  ])('%j → %i', (bases, expected) => {
    const [t] = consolidate(bases.map((b) => rec({ topography: 'C61.9', morphology: 8140, basis: b as never })), man);
    expect(t.basis).toBe(expected);
  });
});

describe('conflicts, provenance and late documents', () => {
  it('different grades are flagged, not silently overwritten; unknown grade is not a conflict', () => {
    const [t] = consolidate([
      rec({ recordId: 'g2', topography: 'C50.4', morphology: 8500, grade: '2', documentDate: '2025-01-10' }),
      rec({ recordId: 'g9', topography: 'C50.4', morphology: 8500, grade: '9', documentDate: '2025-01-20' }),
      rec({ recordId: 'g3', topography: 'C50.4', morphology: 8500, grade: '3', documentDate: '2025-02-10' }),
    ], woman);
    expect(t.grade).toBe('3');
    expect(t.conflicts).toEqual([{ field: 'grade', kept: '3', reason: expect.any(String), values: [{ value: '2', recordIds: ['g2'] }, { value: '3', recordIds: ['g3'] }] }]);
  });

  it('keeps provenance to every contributing document, in document order', () => {
    const [t] = consolidate([
      rec({ recordId: 'late', documentRef: 'DocumentReference/cr-acp-2', producer: 'Cerba ACP', topography: 'C18.7', morphology: 8140, documentDate: '2025-03-01' }),
      rec({ recordId: 'early', documentRef: 'DocumentReference/rcp-1', producer: 'CHU de Nantes', topography: 'C18.7', morphology: 8140, documentDate: '2025-01-01' }),
    ], man);
    expect(t.sources).toEqual([
      { recordId: 'early', documentRef: 'DocumentReference/rcp-1', producer: 'CHU de Nantes', documentDate: '2025-01-01' },
      { recordId: 'late', documentRef: 'DocumentReference/cr-acp-2', producer: 'Cerba ACP', documentDate: '2025-03-01' },
    ]);
  });

  it('a late document updates the case: behaviour, TNM, basis, stage', () => {
    const early = rec({ recordId: 'rcp', topography: 'C50.9', morphology: '8500/2', basis: 2, documentDate: '2025-01-10',
      tnm: { certainty: 'c', t: 'T1', n: 'N0', m: 'M0' }, stage: { system: 'TNM', value: 'IA' } });
    const late = rec({ recordId: 'cracp', topography: 'C50.4', morphology: '8500/3', basis: 7, documentDate: '2025-02-20',
      tnm: { certainty: 'p', t: 'T2', n: 'N1a', m: 'M0' }, stage: { system: 'TNM', value: 'IIB' } });
    const [before] = consolidate([early], woman);
    const [after, ...rest] = consolidate([late, early], woman);
    expect(rest).toHaveLength(0);
    expect([before.behaviour, before.topography, before.updatedBy]).toEqual([2, 'C50.9', 'rcp']);
    expect([after.behaviour, after.topography, after.basis, after.tnm?.t, after.stage?.value, after.updatedBy])
      .toEqual([3, 'C50.4', 7, 'T2', 'IIB', 'cracp']);
    expect(after.fieldSources).toMatchObject({ behaviour: 'cracp', tnm: 'cracp', topography: 'cracp' });
    // Stage differs between the two documents: the registrar sees both.
    expect(after.conflicts.map((c) => c.field)).toEqual(['stage']);
  });

  it('an earlier pathological TNM is not overwritten by a later clinical one', () => {
    const [t] = consolidate([
      rec({ topography: 'C18.7', morphology: 8140, documentDate: '2025-01-01', tnm: { certainty: 'p', t: 'T3', n: 'N0', m: 'M0' } }),
      rec({ topography: 'C18.7', morphology: 8140, documentDate: '2025-03-01', tnm: { certainty: 'c', t: 'T2', n: 'N0', m: 'M0' } }),
    ], man);
    expect(t.tnm?.certainty).toBe('p');
    expect(t.conflicts).toEqual([]);
  });
});

describe('IARC-style checks', () => {
  const base = { topography: 'C50.4', morphology: 8500, behaviour: 3 as const, basis: 7 as const, incidenceDate: '2025-01-10' };
  const ids = (t: Partial<Tumour>, p: Person) => checkTumour({ ...base, ...t } as never, p).map((w) => w.id);
  it.each([
    ['sex/site: prostate in a woman', { topography: 'C61.9', morphology: 8140 }, woman, 'sex-site-male-organ-female'],
    ['sex/site: cervix in a man', { topography: 'C53.9', morphology: 8070 }, man, 'sex-site-female-organ-male'],
    ['age/site: breast at 15', { topography: 'C50.4' }, { sex: 'F', birthDate: '2010-01-01' }, 'age-site-under-20'],
    ['age/site: prostate adenocarcinoma at 35', { topography: 'C61.9', morphology: 8140 }, { sex: 'M', birthDate: '1990-01-01' }, 'age-site-prostate-adeno-under-40'],
    ['age/site: retinoblastoma at 30', { topography: 'C69.2', morphology: 9510 }, { sex: 'M', birthDate: '1995-01-01' }, 'age-site-retinoblastoma-over-5'],
    ['site/morphology: hepatocellular in the lung', { topography: 'C34.1', morphology: 8170 }, man, 'site-morph-hepatocellular'],
    ['site/morphology: leukaemia coded to a lymph node', { topography: 'C77.9', morphology: 9861 }, man, 'site-morph-leukaemia'],
    ['behaviour/site: in situ bone', { topography: 'C40.2', morphology: 9180, behaviour: 2 }, man, 'behaviour-site-in-situ-not-allowed'],
    ['behaviour/site: benign breast', { topography: 'C50.4', morphology: 8500, behaviour: 0 }, woman, 'behaviour-site-not-registrable'],
    ['basis/morphology: ductal carcinoma on imaging only', { basis: 2 }, woman, 'basis-morph-specific-without-microscopy'],
    ['basis/morphology: histology but morphology 8000', { morphology: 8000, basis: 7 }, woman, 'basis-morph-microscopic-without-morphology'],
  ])('fires: %s', (_l, t, p, id) => {
    expect(ids(t as never, p as Person)).toContain(id);
  });
  it.each([
    ['breast in a woman of 66', {}, woman],
    ['prostate adenocarcinoma in a man of 75', { topography: 'C61.9', morphology: 8140 }, man],
    ['retinoblastoma at 2', { topography: 'C69.2', morphology: 9510 }, { sex: 'F', birthDate: '2023-02-01' }],
    ['carcinoid of the lung at 15', { topography: 'C34.1', morphology: 8240 }, { sex: 'F', birthDate: '2010-01-01' }],
    ['leukaemia in bone marrow', { topography: 'C42.1', morphology: 9861 }, man],
    ['in situ breast', { behaviour: 2 }, woman],
    ['benign meningioma', { topography: 'C70.0', morphology: 9530, behaviour: 0, basis: 2 }, woman],
    ['myeloma without histology (accepted exception)', { topography: 'C42.1', morphology: 9732, basis: 4 }, man],
    ['choroid melanoma without histology (site exception)', { topography: 'C69.3', morphology: 8720, basis: 2 }, man],
    ['clinical diagnosis with morphology 8000', { morphology: 8000, basis: 1 }, woman],
  ])('silent: %s', (_l, t, p) => {
    expect(ids(t as never, p as Person)).toEqual([]);
  });

  it('runs on consolidated tumours, with FHIRPath-like locations', () => {
    const [t] = consolidate([rec({ topography: 'C61.9', morphology: 8140, incidenceCandidates: [{ date: '2025-01-01', event: 'histology-specimen' }] })], woman);
    expect(t.warnings).toEqual([expect.objectContaining({ id: 'sex-site-male-organ-female', check: 'sex-site', severity: 'warning', expression: ['Tumour.topography', 'Person.sex'] })]);
  });
});

describe('rare cancers', () => {
  it.each([
    ['leiomyosarcoma of the thigh', 'C49.2', 8890, ['NETSARC+']],
    ['uterine leiomyosarcoma', 'C54.1', 8890, ['NETSARC+', 'TMRG']],
    ['GIST of the stomach', 'C16.9', 8936, ['NETSARC+']],
    ['pleural mesothelioma', 'C38.4', 9050, ['NETMESO']],
    ['thymoma', 'C37.9', 8585, ['RYTHMIC']],
    ['uveal melanoma', 'C69.4', 8720, ['MELACHONAT']],
    ['Merkel cell carcinoma', 'C44.3', 8247, ['CARADERM']],
    ['adrenocortical carcinoma', 'C74.0', 8370, ['ENDOCAN']],
    ['sinonasal adenocarcinoma', 'C30.0', 8140, ['REFCOR']],
    ['ductal breast carcinoma (common)', 'C50.4', 8500, []],
    ['skin melanoma (common)', 'C44.5', 8720, []],
  ])('%s → %j', (_l, topography, morphology, networks) => {
    const [t] = consolidate([rec({ topography, morphology })], woman);
    expect(t.rareCancer.map((f) => f.network)).toEqual(networks);
  });
});
