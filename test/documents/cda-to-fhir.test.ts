// CDA → FHIR conversion of the four cancer documents: every ANS example (../shared/corpus/cda, read in
// place) and every examples/cda document converts into a FHIR document Bundle that conforms to our
// profiles; the mapped values are checked one by one per volet; what cannot be mapped is a warning
// with its XPath and stays in the section narrative.
import type { Bundle, CarePlan, Composition, Condition, DiagnosticReport, Encounter, Observation, Patient, ServiceRequest, Specimen } from 'fhir/r4';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadShippedProfiles } from '../../src/documents/profiles.js';
import { structureDefinitionUrl } from '../../src/documents/canonical.js';
import { validateResource } from '../../src/validation/index.js';
import type { Issue } from '../../src/fhir/errors.js';
import { CISIS, LOINC, convert, corpus, corpusFiles, example, exampleFiles, hasCode, hasCorpus, ofType, resolve, resources } from './cda-support.js';

const errors = (issues: Issue[]) => issues.filter((i) => i.severity === 'error' || i.severity === 'fatal');
const show = (issues: Issue[]) => issues.map((i) => `${i.expression?.join(',')}: ${i.diagnostics}`).join('\n');
const profiled = (b: Bundle, id: string) => resources(b).filter((r) => r.meta?.profile?.includes(structureDefinitionUrl(id)));

beforeAll(() => {
  loadShippedProfiles();
});

/** Structure every converted document shares (bdl rules, urn:uuid fullUrls, references resolve inside). */
function checkDocumentShape(b: Bundle): void {
  expect(b.type).toBe('document');
  expect(b.identifier?.system && b.identifier.value).toBeTruthy();
  expect(b.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}([+-]\d{2}:\d{2}|Z)$/);
  expect(b.entry![0].resource!.resourceType).toBe('Composition');
  const urls = b.entry!.map((e) => e.fullUrl!);
  expect(new Set(urls).size).toBe(urls.length);
  for (const e of b.entry!) {
    expect(e.fullUrl).toBe(`urn:uuid:${e.resource!.id}`);
    for (const ref of JSON.stringify(e.resource).match(/"reference":"urn:uuid:[^"]+"/g) ?? []) {
      expect(urls, `${e.fullUrl} → ${ref}`).toContain(ref.slice(13, -1));
    }
  }
  // Every section keeps its narrative as XHTML; one with no narrative has entries or sub-sections (cmp-1).
  const sections = (b.entry![0].resource as Composition).section ?? [];
  const walk = (list: typeof sections): void => list.forEach((s) => {
    if (s.text) expect(s.text.div, s.title).toMatch(/^<div xmlns="http:\/\/www.w3.org\/1999\/xhtml">[\s\S]*<\/div>$/);
    else expect(s.entry?.length || s.section?.length, s.title).toBeTruthy();
    walk(s.section ?? []);
  });
  walk(sections);
}

describe.skipIf(!hasCorpus)('the ANS CDA examples (../shared/corpus/cda)', () => {
  it.each(corpusFiles())('%s converts into a document Bundle that conforms to the profiles', (file) => {
    const out = convert(corpus(file));
    checkDocumentShape(out.result);
    const issues = validateResource(out.result);
    expect(errors(issues), show(errors(issues))).toEqual([]);
    // Each warning names its CDA location.
    for (const w of out.warnings) expect(w.expression?.[0]).toMatch(/^\/(ClinicalDocument|stylesheet)/);
  });

  it('reads the volet and template version of each example', () => {
    const kinds = corpusFiles().map((f) => { const o = convert(corpus(f)); return `${o.key} ${o.template}`; });
    expect(kinds).toEqual([
      'cracp 2021.01', 'cracp 2021.01', 'cracp 2021.01', 'crgm 2022.01', 'crgm 2022.01', 'rcp 2022.01', 'rcp 2022.01', 'pps 2022.01', 'pps 2022.01',
    ]);
  });

  describe('fiche RCP (CANCER-FRCP_2022.01_Appareil)', () => {
    let b: Bundle;
    beforeAll(() => { b = convert(corpus('CANCER-FRCP_2022.01_Appareil.xml')).result; });

    it('maps the document identity: id → Bundle.identifier, setId and versionNumber → Composition', () => {
      const c = b.entry![0].resource as Composition;
      expect(b.identifier).toEqual({ system: 'urn:ietf:rfc:3986', value: 'urn:oid:1.2.250.1.213.1.1.1.8.2022.1.1' });
      expect(c.identifier).toEqual({ system: 'urn:ietf:rfc:3986', value: 'urn:oid:1.2.250.1.213.1.1.1.8.2022.1' });
      expect(c.extension).toEqual([{ url: 'http://hl7.org/fhir/StructureDefinition/composition-clinicaldocument-versionNumber', valueString: '1' }]);
      expect(hasCode(c.type, LOINC, '34794-8')).toBe(true);
      expect(c.date).toBe('2019-02-18T09:49:14+01:00');
      expect(b.timestamp).toBe('2019-02-18T09:49:14+01:00');
      expect(c.confidentiality).toBe('N');
      expect(c.language).toBe('fr-FR');
      expect(c.title).toBe('FRCP ONCO PAYS DE LA LOIRE / 3C CHU Angers / Sein');
      expect(c.status).toBe('final');
      expect(c.attester?.[0].mode).toBe('legal');
      expect(c.attester?.[0].time).toBe('2019-02-18T09:49:14+01:00');
      expect(resolve(b, c.custodian)).toMatchObject({ resourceType: 'Organization', identifier: [{ system: 'urn:oid:1.2.250.1.71.4.2.2', value: '1120456789' }] });
      // documentationOf/serviceEvent: the RCP (with its date) and the ICD-10 topography.
      expect(c.event?.map((e) => e.code?.[0].coding?.[0].code)).toEqual(['39', 'C50.2']);
      expect(c.event?.[0].period?.start).toBe('2019-02-18T15:45:00+01:00');
    });

    it('maps the patient with the INS, the birth and used names, the birth place and the IPP', () => {
      const [p] = ofType(b, 'Patient') as Patient[];
      expect(p.meta?.profile).toEqual([structureDefinitionUrl('fr-cancer-patient')]);
      expect(p.identifier?.[0]).toMatchObject({ system: 'urn:oid:1.2.250.1.213.1.4.10', value: '279035121518989', use: 'official' });
      expect(p.identifier?.[1]).toMatchObject({ system: 'urn:oid:1.2.3.4.567.8.9.10', value: '1234567890121', type: { coding: [{ code: 'PI' }] } });
      const official = p.name?.find((n) => n.use === 'official');
      expect(official).toMatchObject({ family: 'PAT-TROIS', given: ['DOMINIQUE'] });
      expect(official?.extension?.[0]).toEqual({ url: structureDefinitionUrl('birth-list-given-name'), valueString: 'DOMINIQUE MARIE-LOUISE' });
      expect(p.name?.find((n) => n.use === 'usual')).toMatchObject({ family: 'PAT-TROIS', given: ['DOMINIQUE'] });
      expect(p.gender).toBe('female');
      expect(p.birthDate).toBe('1979-03-28');
      const birthPlace = p.extension?.find((e) => e.url === 'http://hl7.org/fhir/StructureDefinition/patient-birthPlace');
      expect(birthPlace?.valueAddress?.city).toBe('DOMPREMY');
      expect(birthPlace?.valueAddress?.extension?.[0].valueCoding?.code).toBe('51215');
      expect(p.address?.[0]).toMatchObject({ line: ['28 Avenue de Breteuil', 'Escalier A'], postalCode: '75007', city: 'PARIS' });
      expect(p.telecom).toContainEqual({ system: 'phone', value: '0647151010', use: 'mobile' });
      expect(p.telecom).toContainEqual({ system: 'email', value: '279035121518989@patient.mssante.fr' });
      // The médecin traitant (participant INF / PCP) is the general practitioner.
      expect(resolve(b, p.generalPractitioner?.[0])).toMatchObject({ resourceType: 'PractitionerRole' });
      expect(p.contact?.map((c) => c.relationship?.[0].coding?.[0].code)).toEqual(['GUARD', 'C', 'N']);
    });

    it('maps the RCP meeting: identifiers of the RRC, manager and RCP, class VR, type RCP, participants', () => {
      const [e] = ofType(b, 'Encounter') as Encounter[];
      expect(e.meta?.profile).toEqual([structureDefinitionUrl('onco-rcp-meeting')]);
      expect(e.identifier?.slice(0, 3).map((i) => `${i.system}|${i.value}`)).toEqual(['urn:oid:1.2.250.1.161.1.20.1.1|5201', 'urn:oid:1.2.250.1.161.1.20.2.1|520114', 'urn:oid:1.2.250.1.161.1.20.3.1|27011113']);
      expect(e.class).toMatchObject({ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'VR' });
      expect(e.type?.[0].coding?.[0].code).toBe('39');
      expect(e.period?.start).toBe('2019-02-18T17:11:00+01:00');
      expect(e.participant?.length).toBe(9);
      for (const p of e.participant ?? []) expect(resolve(b, p.individual)?.resourceType).toBe('PractitionerRole');
      expect(e.participant?.map((p) => p.type?.[0].coding?.[0].code)).toEqual(['RESP', 'REFB', 'PRF', 'INF', 'PRF', 'PRF', 'PRF', 'PRF', 'CON']);
      expect(resolve(b, e.location?.[0].location)).toMatchObject({ name: "Centre Hospitalier d'Angers", identifier: [{ value: '1120456789' }] });
      expect(e.basedOn?.[0].identifier?.value).toBe('urn:uuid:2ce71a5b-fd99-4958-ade4-ca39e86625ed');
    });

    it('maps authors and the legal authenticator to PractitionerRoles with RPPS and FINESS identifiers', () => {
      const c = b.entry![0].resource as Composition;
      const role = resolve(b, c.author[0])!;
      expect(role.resourceType).toBe('PractitionerRole');
      const r = role as import('fhir/r4').PractitionerRole;
      expect(resolve(b, r.practitioner)).toMatchObject({ identifier: [{ system: 'urn:oid:1.2.250.1.71.4.2.1', value: '401234567890009' }], name: [{ family: 'MULLER', given: ['Charles'] }] });
      expect(resolve(b, r.organization)).toMatchObject({ identifier: [{ system: 'urn:oid:1.2.250.1.71.4.2.2', value: '1750100125' }], name: "Centre Hospitalier d'Angers" });
      expect(r.specialty?.[0].coding?.[0]).toMatchObject({ system: 'urn:oid:1.2.250.1.213.1.1.4.5', code: 'G15_10/SM36' });
      expect(r.code?.[0].coding?.[0].code).toBe('353');
    });

    it('maps the cancer: ICD-10 diagnosis, ICD-O-3 morphology, laterality, date of diagnosis, stage IB with T1b N1 M0', () => {
      const [c] = ofType(b, 'Condition') as Condition[];
      expect(c.meta?.profile).toEqual([structureDefinitionUrl('onco-primary-cancer-condition')]);
      expect(hasCode(c.code, 'http://hl7.org/fhir/sid/icd-10', 'C50.2')).toBe(true);
      expect(c.extension?.[0]).toMatchObject({ url: structureDefinitionUrl('histology-morphology-behavior'), valueCodeableConcept: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/icd-o-3', code: '8000/3' }] } });
      expect(c.bodySite?.[0].extension?.[0]).toMatchObject({ url: structureDefinitionUrl('laterality'), valueCodeableConcept: { coding: [{ system: 'http://snomed.info/sct', code: '24028007' }] } });
      expect(c.onsetDateTime).toBe('2019-01-29');
      expect(c.clinicalStatus?.coding?.[0].code).toBe('active');
      expect(c.stage?.[0].summary?.coding?.[0]).toMatchObject({ system: 'urn:oid:2.16.840.1.113883.15.6', code: 'IB' });
      const group = resolve<Observation>(b, c.stage?.[0].assessment?.[0])!;
      expect(group.meta?.profile).toEqual([structureDefinitionUrl('onco-stage-group')]);
      expect(hasCode(group.code, LOINC, '21908-9')).toBe(true);
      expect(group.method?.coding?.[0].code).toBe('uicc-7');
      expect(group.focus?.[0].reference).toBe(b.entry!.find((e) => e.resource === c)!.fullUrl);
      const tnm = group.hasMember!.map((m) => resolve<Observation>(b, m)!);
      expect(tnm.map((o) => `${o.code.coding![0].code}=${o.valueCodeableConcept?.coding?.[0].code}`)).toEqual(['21905-5=T1b', '21906-3=N1', '21907-1=M0']);
      for (const o of tnm) expect(o.meta?.profile).toEqual([structureDefinitionUrl('onco-tnm-category')]);
    });

    it('maps the WHO performance status to its score', () => {
      const [ps] = profiled(b, 'onco-performance-status') as Observation[];
      expect(hasCode(ps.code, LOINC, '89247-1') && hasCode(ps.code, CISIS, 'MED-239')).toBe(true);
      expect(ps.valueInteger).toBe(0);
      expect(ps.effectiveDateTime).toBe('2019-02-15');
    });

    it('maps the proposals of the RCP to ServiceRequests (intent proposal) about the cancer', () => {
      const proposals = profiled(b, 'onco-rcp-proposal') as ServiceRequest[];
      expect(proposals.map((p) => `${p.category?.[0].coding?.[0].code}:${p.code?.coding?.[0].code}`)).toEqual([
        'rcp-referral:ORG-120', 'exam-request:ORG-064', 'exam-request:ORG-064', 'exam-request:ORG-064', 'surveillance:MED-226',
        'planned-procedure:C15313', 'planned-procedure:GEN-092.03.01', 'planned-procedure:C15632',
      ]);
      const radio = proposals[5];
      expect(radio).toMatchObject({ intent: 'proposal', status: 'active', occurrencePeriod: { start: '2019-02-20', end: '2019-08-20' } });
      expect(resolve(b, radio.reasonReference?.[0])?.resourceType).toBe('Condition');
      expect(resolve(b, radio.encounter)?.resourceType).toBe('Encounter');
    });

    it('lists the unmapped empty problem as a warning with its XPath', () => {
      const out = convert(corpus('CANCER-FRCP_2022.01_Appareil.xml'));
      expect(out.warnings).toContainEqual(expect.objectContaining({
        severity: 'warning',
        expression: ['/ClinicalDocument/component/structuredBody/component[1]/section/entry[2]/observation'],
      }));
    });
  });

  describe('PPS', () => {
    it('makes one CarePlan per care-plan section, with typed activities, dates and administration mode', () => {
      const b = convert(corpus('CANCER-PPS_2022.01_feuille-de-style-externe.xml')).result;
      const plans = ofType(b, 'CarePlan') as CarePlan[];
      expect(plans.map((p) => p.category?.[0].coding?.[0].code)).toEqual(['MED-566', 'MED-567']);
      const [treatment, support] = plans;
      const act = (p: CarePlan) => p.activity!.map((a) => `${a.detail?.extension?.[0].valueCodeableConcept?.coding?.[0].code}:${a.detail?.code?.coding?.[0]?.code}:${a.detail?.status}`);
      expect(act(treatment)).toEqual([
        'MED-568:C15313:completed', 'MED-568:387713003:scheduled', 'MED-568:C15632:scheduled', 'MED-568:GEN-092.03.01:scheduled',
        'MED-569:C20427:scheduled', 'MED-570:ORG-007:scheduled', 'MED-570:GEN-092.04.11:scheduled', 'MED-571:11429006:scheduled', 'MED-052:MED-052:completed',
      ]);
      expect(act(support)).toEqual([
        'MED-572:ORG-176:completed', 'MED-572:ORG-036:scheduled', 'MED-572:MED-562:scheduled', 'MED-573:PAT-024:scheduled', 'MED-573:GEN-092.04.08:scheduled',
      ]);
      // The planned dates (GEN-177), not the act's own dates, and the mode (ORG-006, EDQM).
      expect(treatment.activity![0].detail?.scheduledPeriod).toEqual({ start: '2019-09-01', end: '2019-10-01' });
      const mode = treatment.activity![3].detail?.extension?.find((e) => e.url === structureDefinitionUrl('administration-mode'));
      expect(mode?.valueCodeableConcept?.coding?.[0]).toMatchObject({ system: 'http://standardterms.edqm.eu', code: '20062000' });
      // A reason observation (weight, via RSON) is referenced by the activity.
      const weight = resolve<Observation>(b, support.activity![1].detail?.reasonReference?.[0]);
      expect(weight).toMatchObject({ code: { coding: [{ code: '29463-7' }] }, valueQuantity: { value: 70, unit: 'kg', system: 'http://unitsofmeasure.org' } });
      expect(weight?.category?.[0].coding?.[0].code).toBe('vital-signs');
    });

    it('converts the self-presenting document (CDA inside an XSL stylesheet) like the plain one', () => {
      const plain = convert(corpus('CANCER-PPS_2022.01_feuille-de-style-externe.xml')).result;
      const embedded = convert(corpus('CANCER-PPS_2022.01_Autopresentable.xml')).result;
      const summary = (b: Bundle) => (ofType(b, 'CarePlan') as CarePlan[]).map((p) => p.activity!.map((a) => a.detail?.code?.coding?.[0]?.code));
      expect(summary(embedded)).toEqual(summary(plain));
      expect(convert(corpus('CANCER-PPS_2022.01_Autopresentable.xml')).warnings[0]?.expression?.[0]).toMatch(/^\/stylesheet\/Contenu\/ClinicalDocument\//);
    });

    it('lists the referenced-documents entry it cannot map as a warning, and keeps its narrative', () => {
      const out = convert(corpus('CANCER-PPS_2022.01_feuille-de-style-externe.xml'));
      const w = out.warnings.find((x) => x.diagnostics.includes('1.3.6.1.4.1.19376.1.5.3.1.4.4'));
      expect(w).toMatchObject({ severity: 'warning', expression: ['/ClinicalDocument/component/structuredBody/component[9]/section/entry/act'] });
      const section = (out.result.entry![0].resource as Composition).section!.find((s) => hasCode(s.code, LOINC, '55107-7'))!;
      expect(section.text?.div).toContain('<table');
      expect(section.entry).toBeUndefined();
    });
  });

  describe('CR-GM', () => {
    it('maps gene results to variant Observations with HGVS components and their therapeutic implication', () => {
      const b = convert(corpus('CANCER-CR-GM_2022.01_AnalyseRealisee.xml')).result;
      const variants = profiled(b, 'onco-genomic-variant') as Observation[];
      const comp = (o: Observation, code: string) => o.component?.find((c) => hasCode(c.code, LOINC, code));
      const egfr = variants.find((v) => comp(v, '48018-6')?.valueCodeableConcept?.coding?.[0].code === 'EGFR')!;
      expect(hasCode(egfr.code, LOINC, '69548-6')).toBe(true);
      expect(egfr.valueCodeableConcept?.coding?.[0].code).toBe('LA9633-4');
      expect(comp(egfr, '48018-6')?.valueCodeableConcept?.coding?.[0]).toMatchObject({ system: 'http://www.genenames.org', code: 'EGFR' });
      expect(comp(egfr, '48004-6')?.valueCodeableConcept).toMatchObject({ coding: [{ system: 'http://varnomen.hgvs.org', code: 'NM_005228.3:c.2573T>G' }], text: 'c.2573T>G' });
      expect(comp(egfr, '48005-3')?.valueCodeableConcept?.text).toBe('p.Leu858Arg');
      // A gene without anomaly is an absent variant.
      const kras = variants.find((v) => comp(v, '48018-6')?.valueCodeableConcept?.coding?.[0].code === 'KRAS')!;
      expect(kras.valueCodeableConcept?.coding?.[0].code).toBe('LA9634-2');
      const [impl] = profiled(b, 'onco-genomic-implication') as Observation[];
      expect(impl.code.coding?.[0].code).toBe('therapeutic-implication');
      expect(resolve<Observation>(b, impl.derivedFrom?.[0])?.component?.[0].valueCodeableConcept?.coding?.[0].code).toBe('EGFR');
      expect(comp(impl, '51961-1')?.valueCodeableConcept?.coding?.[0]).toMatchObject({ system: 'http://snomed.info/sct', code: '83185005' });
      expect(comp(impl, '69335-8')?.valueCodeableConcept?.coding?.[0]).toMatchObject({ system: 'http://www.whocc.no/atc', code: 'L01E' });
      const [report] = ofType(b, 'DiagnosticReport') as DiagnosticReport[];
      expect(report.category?.[0].coding?.[0].code).toBe('GE');
      expect(hasCode(report.code, LOINC, '51969-4')).toBe(true);
      expect(report.result?.length).toBeGreaterThan(10);
      expect(resolve<Specimen>(b, report.specimen?.[0])?.type?.coding?.[0].code).toBe('MED-310');
    });
  });

  describe('CR-ACP (APSR 2021.01)', () => {
    it('maps the pathology report, its specimen and findings, and the pTNM with its prefixes', () => {
      const b = convert(corpus('CANCER-CR-ACP-COLON-RECTUM_2021.01.xml')).result;
      const [report] = ofType(b, 'DiagnosticReport') as DiagnosticReport[];
      expect(report.meta?.profile).toEqual([structureDefinitionUrl('onco-pathology-report')]);
      expect(hasCode(report.code, LOINC, '11526-1')).toBe(true);
      expect(report.category?.[0].coding?.[0].code).toBe('SP');
      const specimen = resolve<Specimen>(b, report.specimen?.[0])!;
      expect(specimen).toMatchObject({ identifier: [{ value: '12.0004' }], receivedTime: '2021-01-16T10:45:35+01:00' });
      expect(specimen.collection?.method?.coding?.[0].code).toBe('C51623');
      const findings = profiled(b, 'onco-pathology-finding') as Observation[];
      const first = (code: string) => findings.find((f) => hasCode(f.code, LOINC, code));
      expect(first('84882-0')?.valueCodeableConcept?.coding?.[0]).toMatchObject({ code: 'C26712', display: 'Adénocarcinome mucineux' });
      expect(first('84885-3')?.valueCodeableConcept?.coding?.[0].code).toBe('MED-738');
      expect(first('92833-3')?.valueInteger).toBe(1);
      const [grade] = profiled(b, 'onco-tumor-grade') as Observation[];
      // The NBSP of the CDA display becomes a plain space (FHIR strings).
      expect(grade.valueCodeableConcept?.coding?.[0]).toMatchObject({ code: 'MED-770', display: 'Bas grade (bien ou moyennement différencié)' });
      const tnm = profiled(b, 'onco-tnm-category') as Observation[];
      const ypT = tnm.find((o) => hasCode(o.code, CISIS, 'MED-834'))!;
      expect(hasCode(ypT.code, LOINC, '21899-0')).toBe(true);
      expect(ypT.code.text).toBe('ypT');
      expect(ypT.valueCodeableConcept?.coding?.[0].code).toBe('MED-790');
      expect(tnm.filter((o) => hasCode(o.code, LOINC, '21900-6')).length).toBe(4);
      expect(report.result?.length).toBeGreaterThan(20);
    });

    it('keeps the ICD-O-3 histological type of the melanoma report', () => {
      const b = convert(corpus('CANCER-CR-ACP-MELANOME_2021.01.xml')).result;
      const types = (profiled(b, 'onco-pathology-finding') as Observation[]).filter((f) => hasCode(f.code, LOINC, '84882-0'));
      expect(types[0].valueCodeableConcept?.coding?.[0]).toMatchObject({ system: 'http://terminology.hl7.org/CodeSystem/icd-o-3', code: '8743/3' });
    });
  });

  it('gives the same ids when the same document is converted twice', () => {
    const a = convert(corpus('CANCER-CR-GM_2022.01_AnalyseRealisee.xml')).result;
    const b = convert(corpus('CANCER-CR-GM_2022.01_AnalyseRealisee.xml')).result;
    expect(b.entry!.map((e) => e.fullUrl)).toEqual(a.entry!.map((e) => e.fullUrl));
  });
});

describe('the project examples (examples/cda)', () => {
  it.each(exampleFiles())('%s converts with no profile error and nothing unmapped', (file) => {
    const out = convert(example(file));
    checkDocumentShape(out.result);
    const issues = validateResource(out.result);
    expect(errors(issues), show(errors(issues))).toEqual([]);
    expect(out.warnings.filter((w) => w.severity === 'warning' || w.severity === 'error')).toEqual([]);
  });

  it.each([['fiche-rcp.xml', '1.2.250.1.213.1.1.1.8'], ['pps.xml', '1.2.250.1.213.1.1.1.26'], ['cr-gm.xml', '1.2.250.1.213.1.1.1.32']])(
    '%s in its 2021.01 template converts to the same content',
    (file, templateId) => {
      const xml = example(file);
      const old = xml.replace(`<templateId root="${templateId}" extension="2022.01"/>`, `<templateId root="${templateId}" extension="2021.01"/>`);
      expect(old).not.toBe(xml);
      const a = convert(xml);
      const b = convert(old);
      expect(b.template).toBe('2021.01');
      expect(JSON.stringify(b.result)).toBe(JSON.stringify(a.result));
    },
  );

  it('covers the four volets', () => {
    expect(new Set(exampleFiles().map((f) => convert(example(f)).key))).toEqual(new Set(['rcp', 'pps', 'crgm', 'cracp']));
  });
});

describe('what cannot be mapped', () => {
  const base = () => example('fiche-rcp.xml');
  /** The entry added right after the narrative of the Plan de soins section. */
  const addEntry = (xml: string, entry: string) => {
    const at = xml.indexOf('</text>', xml.indexOf('code="18776-5"', xml.indexOf('<structuredBody>'))) + '</text>'.length;
    return `${xml.slice(0, at)}<entry>${entry}</entry>${xml.slice(at)}`;
  };

  it.each([
    ['a substance administration', '<substanceAdministration classCode="SBADM" moodCode="EVN"><templateId root="9.9.9"/><statusCode code="completed"/><consumable><manufacturedProduct><manufacturedLabeledDrug><code code="X"/></manufacturedLabeledDrug></manufacturedProduct></consumable></substanceAdministration>', 'substanceAdministration'],
    ['a supply', '<supply classCode="SPLY" moodCode="EVN"><templateId root="9.9.8"/></supply>', 'supply'],
    ['an observation with neither code nor value', '<observation classCode="OBS" moodCode="EVN"><templateId root="9.9.7"/><statusCode code="completed"/></observation>', 'observation'],
  ])('%s is a warning naming its XPath, and the section keeps its narrative', (_name, entry, element) => {
    const out = convert(addEntry(base(), entry));
    const w = out.warnings.find((x) => new RegExp(`/section/entry\\[\\d+\\]/${element}$`).test(x.expression?.[0] ?? ''));
    expect(w?.severity).toBe('warning');
    expect(w?.expression?.[0]).toMatch(/^\/ClinicalDocument\/component\/structuredBody\/component\[\d+\]\/section\/entry\[\d+\]\//);
    const plan = (out.result.entry![0].resource as Composition).section!.find((s) => hasCode(s.code, LOINC, '18776-5'))!;
    expect(plan.text?.div).toContain('</div>');
  });

  it('keeps an unknown code system as urn:oid', () => {
    const out = convert(base().replace('codeSystem="2.16.840.1.113883.3.26.1.1"', 'codeSystem="1.2.3.4.5.6"'));
    expect(JSON.stringify(out.result)).toContain('"system":"urn:oid:1.2.3.4.5.6"');
  });
});
