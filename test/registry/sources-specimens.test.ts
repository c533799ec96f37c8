// A pathology report without a Condition whose specimens show different primary tumours gives one
// registry source record per tumour; specimens of the same tumour, lymph nodes or metastases do not.
// Built from the project's CR-ACP example (a right colectomy, adenocarcinoma, pT3 N1b, stage IIIB).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Bundle, BundleEntry, Observation, Specimen } from 'fhir/r4';
import { extractSourceRecords } from '../../src/registry/sources/index.js';

const base = (): Bundle => JSON.parse(readFileSync(join(import.meta.dirname, '../../examples/fhir/cracp-bundle.json'), 'utf8'));
const SPECIMEN_2 = 'urn:uuid:00000000-0000-4000-8000-000000000002';
const ICDO3 = 'http://terminology.hl7.org/CodeSystem/icd-o-3';

/** The example plus a second specimen (site, dates) and, when given, a histology observation made on it. */
function withSecondSpecimen(site: string, histology: string | undefined, collected = '2025-02-20'): Bundle {
  const b = base();
  const entries = b.entry!;
  const spec = structuredClone(entries.find((e) => e.resource?.resourceType === 'Specimen')!) as BundleEntry<Specimen>;
  spec.fullUrl = SPECIMEN_2;
  spec.resource!.collection = { collectedDateTime: collected, bodySite: { coding: [{ system: ICDO3, code: site }] } };
  spec.resource!.receivedTime = `${collected}T16:00:00+01:00`;
  const added: BundleEntry[] = [spec];
  if (histology) {
    const obs = structuredClone(entries.find((e) => (e.resource as Observation)?.code?.coding?.[0]?.code === '84882-0')!) as BundleEntry<Observation>;
    obs.fullUrl = 'urn:uuid:00000000-0000-4000-8000-000000000003';
    obs.resource!.specimen = { reference: SPECIMEN_2 };
    obs.resource!.valueCodeableConcept = { coding: [{ system: ICDO3, code: histology }] };
    added.push(obs);
  }
  b.entry = [...entries, ...added];
  return b;
}

const FIRST = {
  topography: 'C18.2', morphology: 8140, behaviour: 3, grade: 'L', basis: 7,
  tnm: { certainty: 'p', t: 'T3', n: 'N1b', edition: 'uicc-8' }, stage: { system: 'TNM', value: 'IIIB' },
};
const REPORT_DATE = { date: '2025-03-06', event: 'histology-report' };

describe('CR-ACP specimens → registry tumours', () => {
  it('two synchronous colon primaries (ascending adenocarcinoma, sigmoid mucinous): one record each, with its own specimen dates and findings', () => {
    const ex = extractSourceRecords(withSecondSpecimen('C18.7', '8480/3'));
    expect(ex.tumours).toHaveLength(2);
    const [a, b] = ex.tumours;
    expect(a).toMatchObject(FIRST);
    expect(a.incidenceCandidates).toEqual([{ date: '2025-02-27', event: 'histology-specimen' }, { date: '2025-02-27', event: 'histology-receipt' }, REPORT_DATE]);
    expect(b).toMatchObject({ topography: 'C18.7', topographySystem: 'icd-o-3', morphology: 8480, behaviour: 3, basis: 7, documentRef: a.documentRef, producer: a.producer });
    // The pTNM and the grade were found on the first specimen only.
    expect(b.tnm).toBeUndefined();
    expect(b.grade).toBeUndefined();
    expect(b.incidenceCandidates).toEqual([{ date: '2025-02-20', event: 'histology-specimen' }, { date: '2025-02-20', event: 'histology-receipt' }, REPORT_DATE]);
    const note = ex.issues.find((i) => /2 different primary tumours/.test(i.diagnostics ?? ''));
    expect(note).toMatchObject({ severity: 'information', expression: ['Bundle.entry.resource.ofType(Specimen)'] });
    expect(note!.diagnostics).toContain('C18.2 8140/3; C18.7 8480/3');
  });

  it('a left and a right breast cancer: the laterality of each specimen', () => {
    const b = withSecondSpecimen('C50.4', '8500/3');
    const lateral = (code: string) => [{ url: 'https://oncofhir.fr/StructureDefinition/laterality', valueCodeableConcept: { coding: [{ system: 'http://snomed.info/sct', code }] } }];
    const specimens = b.entry!.filter((e) => e.resource?.resourceType === 'Specimen').map((e) => e.resource as Specimen);
    specimens[0].collection!.bodySite = { coding: [{ system: ICDO3, code: 'C50.2' }], extension: lateral('24028007') };
    specimens[1].collection!.bodySite!.extension = lateral('7771000');
    const ex = extractSourceRecords(b);
    expect(ex.tumours.map((t) => [t.topography, t.morphology, t.laterality])).toEqual([['C50.2', 8140, 'right'], ['C50.4', 8500, 'left']]);
  });

  it.each([
    ['a second specimen of the same tumour (biopsy before the resection)', 'C18.2', '8140/3'],
    ['a lymph-node specimen without a histology of its own', 'C77.2', undefined],
    ['a liver metastasis (behaviour 6)', 'C22.0', '8140/6'],
    ['a benign polyp elsewhere (behaviour 0)', 'C18.7', '8210/0'],
    ['a specimen whose site is no ICD-O-3 or ICD-10 code', 'XYZ', '8480/3'],
  ])('%s: one record, as for the single-specimen report', (_label, site, histology) => {
    const ex = extractSourceRecords(withSecondSpecimen(site, histology));
    expect(ex.tumours).toHaveLength(1);
    expect(ex.tumours[0]).toMatchObject(FIRST);
    expect(ex.issues.some((i) => /different primary tumours/.test(i.diagnostics ?? ''))).toBe(false);
    // The probe of each specimen leaves no issue behind: the report is read once, as before.
    const single = extractSourceRecords(base());
    if (!histology || histology === '8140/3') expect(ex.issues.filter((i) => !/histological types/.test(i.diagnostics ?? ''))).toEqual(single.issues);
  });
});
