// Registry source records from the four project examples (examples/fhir) and from every ANS CDA example
// (../shared/corpus/cda, read in place, converted with cdaToFhir; skipped when the corpus is absent).
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Bundle } from 'fhir/r4';
import { extractPersonRecord, extractSourceRecords } from '../../src/registry/sources/index.js';
import { cdaToFhir } from '../../src/documents/conversions.js';
import events from '../../src/registry/tumours/rules/incidence-events.json' with { type: 'json' };

const example = (key: string): Bundle => JSON.parse(readFileSync(join(import.meta.dirname, `../../examples/fhir/${key}-bundle.json`), 'utf8'));
const CORPUS_DIR = join(import.meta.dirname, '../../../shared/corpus/cda');
const hasCorpus = existsSync(CORPUS_DIR);
if (!hasCorpus) console.warn(`Skipping the registry-source tests on the ANS CDA corpus: ${CORPUS_DIR} is absent (the corpus is not shipped with oncofhir)`);
const corpusFiles = hasCorpus ? readdirSync(CORPUS_DIR).filter((f) => f.endsWith('.xml')).sort() : [];
const EVENTS = new Set(events.events.map((e) => e.event));

describe('the project examples', () => {
  it('fiche RCP: the INS traits, the breast cancer with its clinical TNM, stage, laterality and dates', () => {
    const ex = extractSourceRecords(example('rcp'));
    expect(ex.documentType).toBe('rcp');
    expect(ex.issues).toEqual([]);
    expect(ex.person).toEqual({
      ins: '264074410912355', birthName: 'BERTRAND', usedName: 'MOREL', givenNames: ['Claire', 'Marie', 'Louise'],
      birthDate: '1964-07-12', sex: 'F', birthplaceCode: '44109', residenceCode: '44400', postalCode: '44400',
    });
    expect(ex.tumours).toEqual([{
      documentRef: 'urn:oid:2.999.1.250.2.1', producer: '1449999990', documentDate: '2025-03-14',
      topography: 'C50.4', topographySystem: 'icd-o-3', morphology: 8500, behaviour: 3, laterality: 'left',
      incidenceCandidates: [{ date: '2025-02-20', event: 'other-diagnosis' }, { date: '2025-03-14', event: 'other-diagnosis' }],
      basis: 1, tnm: { certainty: 'c', t: 'T2', n: 'N1', m: 'M0', edition: 'uicc-8' }, stage: { system: 'TNM', value: 'IIB' },
    }]);
  });

  it('PPS: pathological TNM (with the clinical M, as UICC has no pM0) makes the basis histology', () => {
    const ex = extractSourceRecords(example('pps'));
    expect(ex.documentType).toBe('pps');
    expect(ex.person).toMatchObject({ ins: '158036938304554', birthName: 'LEROUX', givenNames: ['Jean-Pierre', 'André'], birthDate: '1958-03-03', sex: 'M', birthplaceCode: '69383', postalCode: '69001' });
    expect(ex.person?.usedName).toBeUndefined();
    const [t] = ex.tumours;
    expect(ex.tumours).toHaveLength(1);
    expect(t).toMatchObject({ topography: 'C18.7', topographySystem: 'icd-o-3', morphology: 8140, behaviour: 3, basis: 7, producer: '1699999990', documentDate: '2025-02-24' });
    expect(t.tnm).toEqual({ certainty: 'p', t: 'T3', n: 'N1a', m: 'M0', edition: 'uicc-8' });
    expect(t.stage).toEqual({ system: 'TNM', value: 'IIIB' });
    // Date of diagnosis, and the RCP date of the document status section (ORG-189).
    expect(t.incidenceCandidates).toEqual([{ date: '2024-12-18', event: 'other-diagnosis' }, { date: '2025-02-12', event: 'other-diagnosis' }]);
  });

  it('CR-GM: the specimen site and side, the specimen/receipt/report dates, molecular basis (8)', () => {
    const ex = extractSourceRecords(example('crgm'));
    expect(ex.documentType).toBe('crgm');
    expect(ex.person).toMatchObject({ ins: '271111321306771', birthName: 'HAMIDI', givenNames: ['Nadia', 'Samira'], sex: 'F', birthDate: '1971-11-25', birthplaceCode: '13213' });
    expect(ex.tumours).toEqual([{
      documentRef: 'urn:oid:2.999.1.250.2.3', producer: '1139999990', documentDate: '2025-02-11',
      topography: 'C34.1', topographySystem: 'icd-o-3', laterality: 'right', basis: 8,
      incidenceCandidates: [
        { date: '2025-01-28', event: 'histology-specimen' }, { date: '2025-02-03', event: 'histology-receipt' }, { date: '2025-02-11', event: 'histology-report' },
      ],
    }]);
  });

  it('CR-ACP: histology, grade, pTNM and stage, histological basis (7); INS with a Corsican département', () => {
    const ex = extractSourceRecords(example('cracp'));
    expect(ex.documentType).toBe('cracp');
    expect(ex.person).toMatchObject({ ins: '149052A00412374', birthName: 'FONTAINE', birthplaceCode: '2A004', sex: 'M', birthDate: '1949-05-30' });
    expect(ex.tumours).toEqual([{
      documentRef: 'urn:oid:2.999.1.250.2.4', producer: '1209999990', documentDate: '2025-03-06',
      topography: 'C18.2', topographySystem: 'icd-o-3', morphology: 8140, behaviour: 3, grade: 'L', basis: 7,
      incidenceCandidates: [
        { date: '2025-02-27', event: 'histology-specimen' }, { date: '2025-02-27', event: 'histology-receipt' }, { date: '2025-03-06', event: 'histology-report' },
      ],
      tnm: { certainty: 'p', t: 'T3', n: 'N1b', edition: 'uicc-8' }, stage: { system: 'TNM', value: 'IIIB' },
    }]);
  });

  it('a Bundle id names the source document', () => {
    const ex = extractSourceRecords({ ...example('rcp'), id: 'doc-1' });
    expect(ex.tumours[0].documentRef).toBe('Bundle/doc-1');
  });

  it('extractPersonRecord gives the linkage input, the postal code from the residence', () => {
    const ex = extractSourceRecords(example('rcp'));
    expect(extractPersonRecord(ex, 'r1')).toEqual({
      recordId: 'r1', ins: '264074410912355', birthName: 'BERTRAND', usedName: 'MOREL', givenNames: ['Claire', 'Marie', 'Louise'],
      birthDate: '1964-07-12', sex: 'F', birthplaceCode: '44109', postalCode: '44400',
    });
    expect(extractPersonRecord({ documentType: 'rcp', tumours: [], issues: [] }, 'r2')).toBeUndefined();
  });
});

describe.skipIf(!hasCorpus)('the ANS CDA examples (../shared/corpus/cda), converted with cdaToFhir', () => {
  it.each(corpusFiles)('%s gives a person and at least one tumour with a topography and a source document', (file) => {
    const { bundle, type } = cdaToFhir(readFileSync(join(CORPUS_DIR, file), 'utf8'));
    const ex = extractSourceRecords(bundle);
    expect(ex.documentType).toBe(type.key);
    expect(ex.person).toMatchObject({ birthName: expect.any(String), birthDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), sex: expect.stringMatching(/^[MF]$/) });
    expect(ex.tumours.length).toBeGreaterThanOrEqual(1);
    for (const t of ex.tumours) {
      expect(t.topography).toMatch(/^[CD]\d\d(\.\d)?$/);
      expect(t.documentRef).not.toBe('unknown');
      expect(t.producer).not.toBe('unknown');
      expect(t.basis).toBeDefined();
      for (const c of t.incidenceCandidates) expect(EVENTS.has(c.event)).toBe(true);
    }
    expect(ex.issues.every((i) => i.severity === 'warning' || i.severity === 'information')).toBe(true);
  });

  it('the fiche RCP keeps its ICD-10 topography for consolidation to map, and its clinical TNM', () => {
    const ex = extractSourceRecords(cdaToFhir(readFileSync(join(CORPUS_DIR, 'CANCER-FRCP_2022.01_Appareil.xml'), 'utf8')).bundle);
    expect(ex.person).toMatchObject({ ins: '279035121518989', birthName: 'PAT-TROIS', givenNames: ['DOMINIQUE', 'MARIE-LOUISE'], birthplaceCode: '51215' });
    expect(ex.tumours[0]).toMatchObject({ topography: 'C50.2', topographySystem: 'icd-10', morphology: 8000, laterality: 'right', tnm: { certainty: 'c', t: 'T1b', n: 'N1', m: 'M0', edition: 'uicc-7' }, stage: { value: 'IB' } });
    // The form quotes a CR-ACP conclusion (22637-3): histology.
    expect(ex.tumours[0].basis).toBe(7);
  });

  it('the CR-ACP 2021.01 colon report: NCIt site and histology through the tables, inpatient stay as hospital admission', () => {
    const ex = extractSourceRecords(cdaToFhir(readFileSync(join(CORPUS_DIR, 'CANCER-CR-ACP-COLON-RECTUM_2021.01.xml'), 'utf8')).bundle);
    expect(ex.tumours).toHaveLength(1);
    expect(ex.tumours[0]).toMatchObject({ topography: 'C20.9', topographySystem: 'icd-o-3', morphology: 8480, behaviour: 3, basis: 7, producer: '1750803447' });
    expect(ex.tumours[0].incidenceCandidates).toContainEqual({ date: '2021-01-15', event: 'hospital-admission' });
    // Its TNM values are CI-SIS descriptions, not UICC codes: reported, not guessed.
    expect(ex.issues.some((i) => /not a UICC TNM code/.test(i.diagnostics))).toBe(true);
    expect(ex.tumours[0].tnm).toBeUndefined();
  });

  it('the CR-GM with ADICAP codes: bronchus and bronchiolo-alveolar adenocarcinoma', () => {
    const ex = extractSourceRecords(cdaToFhir(readFileSync(join(CORPUS_DIR, 'CANCER-CR-GM_2022.01_AnalyseRealisee.xml'), 'utf8')).bundle);
    expect(ex.tumours[0]).toMatchObject({ topography: 'C34.9', morphology: 8250, behaviour: 3, basis: 8 });
  });
});
