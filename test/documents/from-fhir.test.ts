// FHIR → CDA: a valid FHIR document Bundle of each cancer document (examples/fhir) becomes a CI-SIS
// CDA that our CDA validator accepts with no error, and the CDA schema too (../shared/corpus/cda/xsd,
// skipped with a message when absent); the header carries what the CI-SIS rules require; Bundles that
// are not documents are refused; what FHIR lacks or CDA cannot carry is a warning with its FHIRPath.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Bundle, Composition, Condition, Observation, Patient } from 'fhir/r4';
import { describe, expect, it } from 'vitest';
import { all, attr, child, children, first, parseCda, templateIds, text, type CdaElement } from '../../src/cda/dom.js';
import { validateCda, type CdaIssue } from '../../src/cda/validation/index.js';
import { ConversionError, fhirToCda } from '../../src/documents/conversions.js';
import type { Issue } from '../../src/fhir/errors.js';

const FHIR_EXAMPLES = join(import.meta.dirname, '../../examples/fhir');
const XSD_DIR = join(import.meta.dirname, '../../../shared/corpus/cda/xsd');
const hasXsd = existsSync(XSD_DIR);
if (!hasXsd) console.warn(`Skipping the CDA schema (XSD) checks of FHIR → CDA: ${XSD_DIR} is absent (the ANS schemas are not shipped with oncofhir)`);

const bundles = readdirSync(FHIR_EXAMPLES).filter((f) => f.endsWith('-bundle.json')).sort();
const load = (file: string): Bundle => JSON.parse(readFileSync(join(FHIR_EXAMPLES, file), 'utf8'));
const clone = <T>(x: T): T => structuredClone(x);
const errorsOf = (issues: CdaIssue[]) => issues.filter((i) => i.severity === 'error' || i.severity === 'fatal');
const show = (issues: { expression?: string[]; diagnostics: string; rule?: string }[]) => issues.map((i) => `${i.rule ?? ''} ${i.expression?.join(',')}: ${i.diagnostics}`).join('\n');
const doc = (xml: string): CdaElement => parseCda(xml);
const resourcesOf = <T>(b: Bundle, type: string) => (b.entry ?? []).map((e) => e.resource!).filter((r) => r.resourceType === type) as T[];
const warningAt = (warnings: Issue[], path: RegExp, message: RegExp) => warnings.find((w) => w.expression?.some((e) => path.test(e)) && message.test(w.diagnostics));

describe('FHIR → CDA of the examples/fhir document Bundles', () => {
  it('finds one example Bundle per cancer document', () => {
    expect(bundles.map((f) => f.replace('-bundle.json', ''))).toEqual(expect.arrayContaining(['cracp', 'crgm', 'pps', 'rcp']));
  });

  it.each(bundles)('converts %s into CDA that the CDA validator accepts with no error', (file) => {
    const { type, xml, warnings } = fhirToCda(load(file));
    expect(type.key).toBe(file.replace('-bundle.json', ''));
    const v = validateCda(xml, { xsdDir: '' });
    expect(v.volet).toBe(type.key);
    expect(show(errorsOf(v.issues))).toBe('');
    for (const w of warnings) expect(w.expression?.[0]).toMatch(/^Bundle(\.|$)/);
  });

  it.skipIf(!hasXsd).each(bundles)('converts %s into CDA that the CDA schema (CDA_extended.xsd) accepts', (file) => {
    const { xml } = fhirToCda(load(file));
    const v = validateCda(xml, { xsdDir: XSD_DIR });
    expect(v.xsd).toBe(true);
    expect(show(errorsOf(v.issues))).toBe('');
  });

  it('writes the CI-SIS header of the fiche RCP from the Composition, the Patient and its professionals', () => {
    const bundle = load('rcp-bundle.json');
    const comp = bundle.entry![0].resource as Composition;
    const patient = resourcesOf<Patient>(bundle, 'Patient')[0];
    const cda = doc(fhirToCda(bundle).xml);
    expect(attr(cda, 'realmCode', 'code')).toBe('FR');
    expect(templateIds(cda)).toEqual(['2.16.840.1.113883.2.8.2.1', '1.2.250.1.213.1.1.1.1', '1.2.250.1.213.1.1.1.8']);
    expect(children(cda, 'templateId')[2].attrs.extension).toBe('2022.01');
    expect(attr(cda, 'code', 'code')).toBe('34794-8');
    expect(attr(cda, 'code', 'displayName')).toBeTruthy();
    expect(text(cda, 'title')).toBe(comp.title);
    expect(attr(cda, 'effectiveTime', 'value')).toMatch(/^\d{14}[+-]\d{4}$/);
    expect(attr(cda, 'languageCode', 'code')).toBe('fr-FR');
    expect(attr(cda, 'versionNumber', 'value')).toBe('1');
    // Bundle.identifier is ClinicalDocument/id, Composition.identifier the setId.
    expect(`urn:oid:${attr(cda, 'id', 'root')}`).toBe(bundle.identifier!.value);
    expect(`urn:oid:${attr(cda, 'setId', 'root')}`).toBe(comp.identifier!.value);
    // The INS first, then the local id; the INS traits with their qualifiers.
    const role = first(cda, 'recordTarget/patientRole')!;
    const ins = patient.identifier!.find((i) => i.system === 'urn:oid:1.2.250.1.213.1.4.10')!;
    expect(children(role, 'id')[0].attrs).toMatchObject({ root: '1.2.250.1.213.1.4.10', extension: ins.value });
    const name = first(role, 'patient/name')!;
    const official = patient.name!.find((n) => n.use === 'official')!;
    expect(text(children(name, 'family').find((f) => f.attrs.qualifier === 'BR'))).toBe(official.family);
    expect(text(children(name, 'given').find((g) => g.attrs.qualifier === 'BR'))).toBe(official.given![0]);
    expect(text(children(name, 'given').find((g) => !g.attrs.qualifier))).toBe(official.extension![0].valueString);
    expect(text(children(name, 'family').find((f) => f.attrs.qualifier === 'CL'))).toBe(patient.name!.find((n) => n.use === 'usual')!.family);
    expect(attr(role, 'patient/administrativeGenderCode', 'code')).toBe('F');
    expect(attr(role, 'patient/birthTime', 'value')).toBe(patient.birthDate!.replace(/-/g, ''));
    expect(text(role, 'patient/birthplace/place/addr/county')).toMatch(/^\d{5}$/);
    // Professionals by their national ids; the legal authenticator signed.
    expect(attr(cda, 'author/assignedAuthor/id', 'root')).toBe('1.2.250.1.71.4.2.1');
    expect(attr(cda, 'author/assignedAuthor/code', 'codeSystem')).toBe('1.2.250.1.213.1.1.4.5');
    expect(attr(cda, 'custodian/assignedCustodian/representedCustodianOrganization/id', 'root')).toBe('1.2.250.1.71.4.2.2');
    expect(attr(cda, 'legalAuthenticator/signatureCode', 'code')).toBe('S');
    // The RCP: serviceEvent 39 with its date and performer, the meeting's ids and place.
    expect(attr(cda, 'documentationOf/serviceEvent/code', 'code')).toBe('39');
    expect(all(cda, 'documentationOf/serviceEvent/performer')).toHaveLength(1);
    expect(all(cda, 'componentOf/encompassingEncounter/id').length).toBeGreaterThanOrEqual(3);
    expect(attr(cda, 'componentOf/encompassingEncounter/code', 'code')).toBe('VR');
    expect(text(cda, 'componentOf/encompassingEncounter/location/healthCareFacility/location/name')).toBeTruthy();
    expect(all(cda, 'participant').length).toBeGreaterThan(0);
  });

  it('writes the cancer diagnosis with its morphology, topography, laterality and TNM as the FR-Diagnostic-du-cancer entries', () => {
    const bundle = load('rcp-bundle.json');
    const cond = resourcesOf<Condition>(bundle, 'Condition')[0];
    const cda = doc(fhirToCda(bundle).xml);
    const section = all(cda, 'component/structuredBody/component/section').find((s) => attr(s, 'code', 'code') === '72135-7')!;
    expect(templateIds(section)).toContain('1.2.250.1.213.1.1.2.27');
    const concern = first(section, 'entry/act')!;
    expect(templateIds(concern)).toContain('1.2.250.1.213.1.1.3.39');
    const diag = first(concern, 'entryRelationship/observation')!;
    expect(templateIds(diag)).toEqual(expect.arrayContaining(['1.2.250.1.213.1.1.3.113', '1.3.6.1.4.1.19376.1.7.3.1.4.14.1']));
    expect(attr(diag, 'code', 'code')).toBe('282291009');
    const morphology = cond.extension!.find((e) => e.url.endsWith('histology-morphology-behavior'))!.valueCodeableConcept!.coding![0].code;
    expect(child(diag, 'value')!.attrs).toMatchObject({ 'xsi:type': 'CD', code: morphology, codeSystem: '2.16.840.1.113883.6.43.1' });
    expect(attr(diag, 'targetSiteCode', 'code')).toBe(cond.bodySite![0].coding![0].code);
    expect(attr(first(diag, 'targetSiteCode/qualifier')!, 'name', 'code')).toBe('20228-3');
    expect(attr(diag, 'effectiveTime/low', 'value')).toBe(cond.onsetDateTime!.slice(0, 10).replace(/-/g, ''));
    const tnm = first(diag, 'entryRelationship/observation')!;
    expect(attr(tnm, 'code', 'code')).toBe('75620-5');
    const categories = all(tnm, 'entryRelationship/observation').map((o) => `${attr(o, 'code', 'code')}=${attr(o, 'value', 'code')}`);
    const fhirTnm = resourcesOf<Observation>(bundle, 'Observation').filter((o) => o.code.coding?.some((c) => ['21905-5', '21906-3', '21907-1'].includes(c.code!)));
    expect(categories.sort()).toEqual(fhirTnm.map((o) => `${o.code.coding![0].code}=${o.valueCodeableConcept!.coding![0].code}`).sort());
  });

  it('writes each RCP proposal with the template of its kind, and each PPS activity as an FR-Acte of its care-plan section', () => {
    const rcp = doc(fhirToCda(load('rcp-bundle.json')).xml);
    const plan = all(rcp, 'component/structuredBody/component/section').find((s) => attr(s, 'code', 'code') === '18776-5')!;
    const acts = children(plan, 'entry').map((e) => e.children[0]);
    expect(acts.length).toBeGreaterThan(0);
    for (const a of acts) expect(['procedure:INT', 'encounter:ARQ', 'observation:PRP']).toContain(`${a.name}:${a.attrs.moodCode}`);
    expect(acts.every((a) => templateIds(a).some((t) => ['1.2.250.1.213.1.1.3.62', '1.2.250.1.213.1.1.3.58', '1.2.250.1.213.1.1.3.27'].includes(t)))).toBe(true);
    const pps = doc(fhirToCda(load('pps-bundle.json')).xml);
    const parts = all(pps, 'component/structuredBody/component/section').filter((s) => attr(s, 'code', 'code') === '18776-5');
    expect(parts.map((s) => attr(s, 'code/translation', 'code')).sort()).toEqual(['MED-566', 'MED-567']);
    for (const s of parts) {
      expect(children(s, 'entry').length).toBeGreaterThan(0);
      for (const e of children(s, 'entry')) expect(templateIds(e.children[0])).toContain('1.2.250.1.213.1.1.3.62');
    }
  });

  it('writes a CR-GM variant as the gene observation with its HGVS sub-observations, inside a BATTERY organizer', () => {
    const bundle = load('crgm-bundle.json');
    const cda = doc(fhirToCda(bundle).xml);
    const genes = [...all(cda, 'component/structuredBody/component/section/entry/organizer/component/observation')].filter((o) => attr(o, 'code', 'code') === '48018-6');
    expect(genes.length).toBeGreaterThan(0);
    for (const g of genes) {
      expect(templateIds(g)).toContain('1.2.250.1.213.1.1.3.102');
      expect(attr(g, 'value', 'codeSystem')).toBe('2.16.840.1.113883.6.281');
      expect(templateIds(g.parent!.parent!)).toContain('1.2.250.1.213.1.1.3.74');
    }
    const hgvs = genes.flatMap((g) => all(g, 'entryRelationship/observation')).filter((o) => ['69548-6', '53045-1'].includes(attr(o, 'code', 'code')!)).map((o) => text(o, 'value'));
    expect(hgvs.some((h) => /^c\./.test(h ?? ''))).toBe(true);
    // The transcript of a full c.HGVS (NM_…:c.…) is its own reference-sequence observation, as in CI-SIS.
    expect(genes.flatMap((g) => all(g, 'entryRelationship/observation')).some((o) => attr(o, 'code', 'code') === '48012-9' && /^NM_/.test(text(o, 'value') ?? ''))).toBe(true);
  });
});

// ---- Bundles that cannot be a CDA document

const rcp = () => load('rcp-bundle.json');

describe('FHIR → CDA refuses what is not a cancer document Bundle', () => {
  it.each<[string, () => unknown, RegExp]>([
    ['a resource that is not a Bundle', () => ({ resourceType: 'Patient' }), /document Bundle is expected/],
    ['a collection Bundle', () => ({ ...rcp(), type: 'collection' }), /Only a document Bundle/],
    ['a document whose first entry is not the Composition', () => { const b = rcp(); b.entry!.reverse(); return b; }, /first entry .* Composition/],
    ['a Composition of another document type', () => { const b = rcp(); const c = b.entry![0].resource as Composition; c.type = { coding: [{ system: 'http://loinc.org', code: '11488-4' }] }; delete c.meta; delete b.meta; return b; }, /none of the cancer documents/],
    ['a Composition whose subject is not in the Bundle', () => { const b = rcp(); (b.entry![0].resource as Composition).subject = { reference: 'Patient/absent' }; return b; }, /subject must be a Patient/],
  ])('refuses %s', (_name, make, message) => {
    expect(() => fhirToCda(make() as Bundle)).toThrow(ConversionError);
    expect(() => fhirToCda(make() as Bundle)).toThrow(message);
  });
});

// ---- What FHIR lacks or CDA cannot carry: warnings with their FHIRPath, and the validator's verdict

function entryIndex(b: Bundle, type: string): number {
  return b.entry!.findIndex((e) => e.resource!.resourceType === type);
}

describe('FHIR → CDA reports what it cannot map, with FHIRPath locations', () => {
  it.each<[string, (b: Bundle) => void, RegExp, RegExp, string | undefined]>([
    ['no legal attester', (b) => { (b.entry![0].resource as Composition).attester = []; }, /^Bundle\.entry\[0\]\.resource\.attester$/, /legalAuthenticator is required/, 'SM-LEGALAUTHENTICATOR'],
    ['an INS patient without birthplace', (b) => { const p = b.entry![entryIndex(b, 'Patient')].resource as Patient; delete p.extension; }, /^Bundle\.entry\[\d+\]\.resource\.extension$/, /lieu de naissance/, 'SM-INS-TRAITS'],
    ['an INS patient without birth date', (b) => { const p = b.entry![entryIndex(b, 'Patient')].resource as Patient; delete p.birthDate; }, /^Bundle\.entry\[\d+\]\.resource\.birthDate$/, /birthDate/, 'SM-INS-TRAITS'],
    ['a resource no section or header element refers to', (b) => { b.entry!.push({ fullUrl: 'urn:uuid:0d6f0a57-1b0e-4a8a-9a53-1f2d8c2a0b01', resource: { resourceType: 'Observation', status: 'final', code: { text: 'orphan' } } }); }, /^Bundle\.entry\[22\]\.resource$/, /referenced by no section/, undefined],
    ['a code system with no OID', (b) => { const c = resourcesOf<Condition>(b, 'Condition')[0]; c.bodySite = [{ coding: [{ system: 'http://example.org/sites', code: 'X1', display: 'Site X' }] }]; }, /^Bundle\.entry\[\d+\]\.resource\.bodySite\[0\]\.coding\[0\]$/, /has no OID/, undefined],
    ['a reference that does not resolve', (b) => { (b.entry![0].resource as Composition).section![0].entry = [{ reference: 'Observation/nowhere' }]; }, /^Bundle\.entry\[0\]\.resource\.section\[0\]\.entry\[0\]$/, /does not resolve/, undefined],
    ['a mandatory section missing', (b) => { const c = b.entry![0].resource as Composition; c.section = c.section!.filter((s) => s.code!.coding![0].code !== '10164-2'); }, /^Bundle\.entry\[0\]\.resource\.section$/, /no section 10164-2 .* empty section is written/, undefined],
    ['a cancer without its clinical N', (b) => { const i = b.entry!.findIndex((e) => (e.resource as Observation).code?.coding?.some((c) => c.code === '21906-3')); const n = b.entry![i].resource as Observation; n.code = { coding: [{ system: 'http://loinc.org', code: '21900-6' }] }; }, /hasMember$/, /no TNM Clinique N \(21906-3\).*nullFlavor/, undefined],
  ])('%s', (_name, mutate, path, message, rule) => {
    const b = clone(rcp());
    mutate(b);
    const { xml, warnings } = fhirToCda(b);
    expect(warningAt(warnings, path, message), show(warnings)).toBeTruthy();
    const errors = errorsOf(validateCda(xml, { xsdDir: '' }).issues);
    if (rule) expect(errors.map((e) => e.rule)).toContain(rule);
    else expect(show(errors)).toBe('');
  });

  it('writes a legacy CR-ACP (11526-1) with the current code 60568-3 and says so', () => {
    const b = clone(load('cracp-bundle.json'));
    (b.entry![0].resource as Composition).type = { coding: [{ system: 'http://loinc.org', code: '11526-1' }] };
    const { xml, warnings } = fhirToCda(b);
    expect(attr(doc(xml), 'code', 'code')).toBe('60568-3');
    expect(templateIds(doc(xml))).toContain('1.2.250.1.213.1.1.1.57');
    expect(warningAt(warnings, /^Bundle\.entry\[0\]\.resource\.type$/, /legacy code/)).toBeTruthy();
    expect(show(errorsOf(validateCda(xml, { xsdDir: '' }).issues))).toBe('');
  });

  it('writes the same CDA for the same Bundle (stable ids, attribute order and layout)', () => {
    expect(fhirToCda(rcp()).xml).toBe(fhirToCda(rcp()).xml);
  });
});
