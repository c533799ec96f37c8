// The FHIR profiles of the cancer documents (profiles/, generated from FSH): they are loaded with their
// value sets and code systems, agree with the document-type descriptors, are themselves valid, accept the
// project's examples with no error, and reject each invalid variant with the expected error at its
// FHIRPath location — through the validator, the CLI and the server.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Bundle } from 'fhir/r4';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CANONICAL_BASE, structureDefinitionUrl, valueSetUrl } from '../../src/documents/canonical.js';
import { PROFILES_DIR, loadShippedProfiles } from '../../src/documents/profiles.js';
import { documentTypes } from '../../src/documents/registry.js';
import { getValueSet, validateCodeInValueSet } from '../../src/terminology/index.js';
import { getStructureDefinition, snapshotOf, validateResource } from '../../src/validation/index.js';
import type { Issue } from '../../src/fhir/errors.js';
import { DB_KINDS } from '../support/db.js';
import { FHIR_JSON, openTestServer, type TestServer } from '../support/server.js';
import { EXAMPLES, invalidVariants, materialise, readExample } from './invalid-variants.js';

const ROOT = join(import.meta.dirname, '../..');
const errors = (issues: Issue[]) => issues.filter((i) => i.severity === 'error' || i.severity === 'fatal');
const show = (issues: Issue[]) => issues.map((i) => `${i.expression?.join(',')}: ${i.diagnostics}`).join('\n');

// The profile ids agreed for issue 5 (shared naming).
const ENTRY_PROFILES = [
  'fr-cancer-patient', 'onco-primary-cancer-condition', 'onco-tnm-category', 'onco-stage-group', 'onco-tumor-grade',
  'onco-performance-status', 'onco-rcp-meeting', 'onco-rcp-proposal', 'onco-pps-careplan', 'onco-pathology-report',
  'onco-pathology-specimen', 'onco-pathology-finding', 'onco-genomic-variant', 'onco-genomic-implication',
];
const KEYS = ['rcp', 'pps', 'crgm', 'cracp'] as const;
const EXAMPLE_FILES = KEYS.map((k) => `${k}-bundle.json`);

beforeAll(() => {
  loadShippedProfiles();
});

describe('the shipped profiles', () => {
  it('are all generated under the one canonical base, with a snapshot', () => {
    const files = readdirSync(PROFILES_DIR).filter((f) => /^(StructureDefinition|ValueSet|CodeSystem)-.*\.json$/.test(f));
    const ids = [...ENTRY_PROFILES, ...KEYS.flatMap((k) => [`onco-bundle-${k}`, `onco-composition-${k}`])];
    for (const id of ids) {
      const sd = getStructureDefinition(structureDefinitionUrl(id));
      expect(sd, id).toBeDefined();
      expect(sd!.snapshot?.element.length, id).toBeGreaterThan(1);
      expect(files).toContain(`StructureDefinition-${id}.json`);
    }
    for (const f of files) {
      const r = JSON.parse(readFileSync(join(PROFILES_DIR, f), 'utf8')) as { url: string; resourceType: string };
      // The extract of the CI-SIS terminology keeps the ANS url; everything else is ours.
      if (r.url !== 'https://smt.esante.gouv.fr/fhir/CodeSystem/terminologie-cisis') expect(r.url.startsWith(`${CANONICAL_BASE}/${r.resourceType}/`), f).toBe(true);
    }
  });

  it('register their value sets and code systems with terminology, so required bindings are decided', () => {
    expect(getValueSet(valueSetUrl('onco-tnm-category-code'))).toBeDefined();
    expect(validateCodeInValueSet(valueSetUrl('onco-tnm-category-code'), { system: 'http://loinc.org', code: '21905-5' }).result).toBe(true);
    expect(validateCodeInValueSet(valueSetUrl('onco-tnm-category-code'), { system: 'http://loinc.org', code: '21909-7' }).result).toBe(false);
    expect(validateCodeInValueSet(valueSetUrl('onco-tnm-edition'), { system: `${CANONICAL_BASE}/CodeSystem/tnm-edition`, code: 'uicc-8' }).result).toBe(true);
    expect(validateCodeInValueSet(valueSetUrl('onco-pps-part'), { system: 'https://smt.esante.gouv.fr/fhir/CodeSystem/terminologie-cisis', code: 'MED-567' }).result).toBe(true);
  });

  it('are themselves valid conformance resources for our validator', () => {
    for (const f of readdirSync(PROFILES_DIR).filter((x) => x.endsWith('.json'))) {
      const issues = validateResource(JSON.parse(readFileSync(join(PROFILES_DIR, f), 'utf8')));
      expect(errors(issues), `${f}\n${show(errors(issues))}`).toEqual([]);
    }
  });

  it('are named by each document-type descriptor, whose Bundle profile holds its Composition profile', () => {
    expect(documentTypes.map((t) => t.key).sort()).toEqual([...KEYS].sort());
    for (const t of documentTypes) {
      expect(t.profiles.bundle).toBe(structureDefinitionUrl(`onco-bundle-${t.key}`));
      expect(t.profiles.composition).toBe(structureDefinitionUrl(`onco-composition-${t.key}`));
      const bundle = getStructureDefinition(t.profiles.bundle)!;
      const slice = bundle.snapshot!.element.find((e) => e.id === 'Bundle.entry:composition.resource');
      expect(slice?.type?.[0].profile).toEqual([t.profiles.composition]);
    }
  });

  it('type each Composition with the descriptor LOINC code (CR-ACP: 60568-3 or the legacy 11526-1)', () => {
    for (const t of documentTypes) {
      const composition = getStructureDefinition(t.profiles.composition)!;
      const type = snapshotOf(composition).find((e) => e.id === 'Composition.type')!;
      const codes = type.patternCodeableConcept?.coding?.map((c) => c.code)
        ?? getValueSet(type.binding!.valueSet!)!.compose!.include.flatMap((i) => i.concept?.map((c) => c.code) ?? []);
      expect(codes, t.key).toContain(t.loinc);
      for (const legacy of t.legacyLoincs ?? []) expect(codes).toContain(legacy);
    }
  });

  it('slice the Composition sections as the descriptors list the CI-SIS sections (same LOINC code, compatible cardinality)', () => {
    for (const t of documentTypes) {
      const elements = snapshotOf(getStructureDefinition(t.profiles.composition)!);
      const slices = elements.filter((e) => e.path === 'Composition.section' && e.sliceName);
      const codeOf = (slice: string) => elements.find((e) => e.id === `Composition.section:${slice}.code`)?.patternCodeableConcept?.coding?.[0]?.code;
      // Sections sharing a code in the descriptor (e.g. two 30954-2 in the fiche RCP) share or split slices.
      const byCode = new Map<string, { min: number; max: number }>();
      for (const s of t.sections) {
        const max = s.max === '*' ? Infinity : s.max ?? 1;
        const prev = byCode.get(s.code) ?? { min: 0, max: 0 };
        byCode.set(s.code, { min: prev.min + s.min, max: prev.max + max });
      }
      for (const [code, want] of byCode) {
        const mine = slices.filter((s) => codeOf(s.sliceName!) === code);
        expect(mine.length, `${t.key} ${code}`).toBeGreaterThan(0);
        const min = mine.reduce((n, s) => n + (s.min ?? 0), 0);
        const max = mine.reduce((n, s) => n + (s.max === '*' ? Infinity : Number(s.max)), 0);
        expect(min, `${t.key} ${code} min`).toBe(want.min);
        expect(max, `${t.key} ${code} max`).toBeGreaterThanOrEqual(want.max);
      }
    }
  });
});

describe('the FHIR document examples', () => {
  it.each(EXAMPLE_FILES)('%s is a valid document with no error', (file) => {
    const issues = validateResource(readExample(file));
    expect(errors(issues), show(errors(issues))).toEqual([]);
  });

  it.each(KEYS)('the %s example declares its Bundle profile and each entry the profile it is checked against', (key) => {
    const b = readExample(`${key}-bundle.json`) as unknown as Bundle;
    expect(b.meta?.profile).toEqual([structureDefinitionUrl(`onco-bundle-${key}`)]);
    expect(b.entry![0].resource!.resourceType).toBe('Composition');
    expect(b.entry![0].resource!.meta?.profile).toEqual([structureDefinitionUrl(`onco-composition-${key}`)]);
    const patient = b.entry!.find((e) => e.resource?.resourceType === 'Patient')!.resource!;
    expect(patient.meta?.profile).toEqual([structureDefinitionUrl('fr-cancer-patient')]);
    const declared = new Set(b.entry!.flatMap((e) => e.resource?.meta?.profile ?? []));
    for (const p of declared) expect(getStructureDefinition(p), p).toBeDefined();
  });

  it('use every entry profile at least once across the four documents', () => {
    const declared = new Set(EXAMPLE_FILES.flatMap((f) => ((readExample(f) as unknown as Bundle).entry ?? []).flatMap((e) => e.resource?.meta?.profile ?? [])));
    for (const id of ENTRY_PROFILES) expect(declared.has(structureDefinitionUrl(id)), id).toBe(true);
  });

  it('carry valid INS numbers (format and key) for their fictitious patients, one with a Corsican 2A birth place', () => {
    const ins = EXAMPLE_FILES.map((f) => (readExample(f) as unknown as Bundle).entry!.find((e) => e.resource?.resourceType === 'Patient')!.resource as { identifier: { system: string; value: string }[] });
    const values = ins.map((p) => p.identifier.find((i) => i.system.startsWith('urn:oid:1.2.250.1.213.1.4.'))!.value);
    expect(values.some((v) => v.includes('2A'))).toBe(true);
    for (const f of EXAMPLE_FILES) expect(validateResource(readExample(f)).filter((i) => /onco-ins/.test(i.diagnostics))).toEqual([]);
  });
});

describe('the invalid variants', () => {
  const variants = invalidVariants();

  it('are written to examples/fhir/invalid exactly as the table derives them', () => {
    const files = readdirSync(join(EXAMPLES, 'invalid')).filter((f) => f.endsWith('.json')).sort();
    expect(files).toEqual(variants.map((v) => `${v.name}.json`).sort());
    for (const v of variants) expect(JSON.parse(readFileSync(join(EXAMPLES, 'invalid', `${v.name}.json`), 'utf8')), v.name).toEqual(materialise(v));
  });

  it.each(variants.map((v) => [v.name, v] as const))('%s fails with the expected error at its FHIRPath location', (_name, v) => {
    const issues = errors(validateResource(materialise(v)));
    const hit = issues.find((i) => i.expression?.[0] === v.expect.expression && i.diagnostics.includes(v.expect.diagnostics));
    expect(hit, `expected at ${v.expect.expression}: ${v.expect.diagnostics}\ngot:\n${show(issues)}`).toBeDefined();
    expect(hit!.code).toMatch(/^(invariant|structure|required|value|code-invalid)$/);
  });
});

describe('what the profiles accept and reject (bad inputs on the valid examples)', () => {
  type Mutation = [string, string, (b: Record<string, any>) => void, RegExp | null];
  const entry = (b: Record<string, any>, pred: (r: Record<string, any>) => boolean) => b.entry.find((e: { resource: Record<string, any> }) => pred(e.resource)).resource;
  const table: Mutation[] = [
    // Not over-constrained: what converted CDA documents do not always carry stays optional.
    ['rcp', 'a patient known only by a local identifier (no INS) and no birth place', (b) => {
      const p = b.entry[1].resource;
      p.identifier = p.identifier.slice(1);
      delete p.extension;
      delete p.birthDate;
    }, null],
    ['cracp', 'a CR-ACP converted from the APSR 2021.01 model (11526-1)', (b) => { b.entry[0].resource.type.coding[0].code = '11526-1'; }, null],
    ['rcp', 'a cancer diagnosis kept as text (CDA nullFlavor OTH)', (b) => {
      const c = entry(b, (r) => r.resourceType === 'Condition');
      c.code = { text: 'Cancer du sein gauche (voir le narratif)' };
      delete c.extension;
    }, null],
    ['rcp', 'a TNM category without value but with a data absent reason (CDA nullFlavor NA)', (b) => {
      const t = entry(b, (r) => r.code?.coding?.[0]?.code === '21907-1');
      delete t.valueCodeableConcept;
      t.dataAbsentReason = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/data-absent-reason', code: 'not-applicable' }] };
    }, null],
    ['rcp', 'the UICC 7th edition of the ANS examples', (b) => { entry(b, (r) => r.code?.coding?.[0]?.code === '21905-5').method.coding[0].code = 'uicc-7'; }, null],
    ['rcp', 'an INS key that does not match (a warning only: beyond the official rules)', (b) => { b.entry[1].resource.identifier[0].value = '264074410912356'; }, null],
    ['pps', 'a care-plan section whose code has no CI-SIS translation (the CarePlan category tells the part)', (b) => { b.entry[0].resource.section[3].code.coding.splice(1, 1); }, null],
    ['rcp', 'an INS patient whose birth place has a city but no INSEE code (a warning only, as the APSR 2021.01 CR-ACP)', (b) => { delete b.entry[1].resource.extension[0].valueAddress.extension; }, null],
    ['crgm', 'a variant whose HGVS expressions are plain strings', (b) => {
      const v = entry(b, (r) => r.code?.coding?.[0]?.code === '69548-6');
      v.component[1] = { code: v.component[1].code, valueString: 'c.2573T>G' };
    }, null],
    // Rejected.
    ['rcp', 'two INS in use', (b) => { b.entry[1].resource.identifier.push({ system: 'urn:oid:1.2.250.1.213.1.4.8', value: '264074410912355' }); }, /onco-ins-single/],
    ['rcp', 'an INS in use without a birth place', (b) => { delete b.entry[1].resource.extension; }, /onco-ins-birthplace/],
    ['rcp', 'a WHO performance status of 6', (b) => { entry(b, (r) => r.code?.coding?.[0]?.code === 'MED-239').valueInteger = 6; }, /onco-performance-range/],
    ['rcp', 'a Karnofsky score of 80 (0 to 100)', (b) => { entry(b, (r) => r.code?.coding?.[0]?.code === 'MED-239').code = { coding: [{ system: 'http://loinc.org', code: '89243-0' }] }; entry(b, (r) => r.code?.coding?.[0]?.code === '89243-0').valueInteger = 80; }, null],
    ['rcp', 'a performance status of 0 (a value, not an absent one)', (b) => { entry(b, (r) => r.code?.coding?.[0]?.code === 'MED-239').valueInteger = 0; }, null],
    ['rcp', 'a performance status unknown (data absent reason)', (b) => { const o = entry(b, (r) => r.code?.coding?.[0]?.code === 'MED-239'); delete o.valueInteger; o.dataAbsentReason = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/data-absent-reason', code: 'unknown' }] }; }, null],
    ['rcp', 'an INS in use without the sex', (b) => { delete b.entry[1].resource.gender; }, /onco-ins-gender/],
    ['rcp', 'an ICD-O-3 morphology without its behaviour digit', (b) => { entry(b, (r) => r.resourceType === 'Condition').extension[0].valueCodeableConcept.coding[0].code = '8500'; }, /onco-icdo3-morphology/],
    ['rcp', 'a laterality outside the value set (extensible: a warning only)', (b) => { entry(b, (r) => r.resourceType === 'Condition').bodySite[0].extension[0].valueCodeableConcept.coding[0].code = '255549009'; }, null],
    ['rcp', 'a TNM edition that is not one', (b) => { entry(b, (r) => r.code?.coding?.[0]?.code === '21905-5').method.coding[0].code = 'uicc-10'; }, /onco-tnm-edition/],
    ['rcp', 'a stage group whose members are not TNM categories', (b) => { entry(b, (r) => r.code?.coding?.[0]?.code === '21908-9').hasMember.push({ reference: b.entry[15].fullUrl }); }, /does not conform to https:\/\/oncofhir\.fr\/StructureDefinition\/onco-tnm-category/],
    ['rcp', 'an RCP proposal that is an order, not a proposal', (b) => { entry(b, (r) => r.resourceType === 'ServiceRequest').intent = 'order'; }, /Value must be exactly "proposal"/],
    ['rcp', 'no RCP meeting', (b) => { delete b.entry[0].resource.encounter; }, /Composition\.encounter: minimum required = 1/],
    ['pps', 'a CarePlan activity that is a reference instead of a detail', (b) => { entry(b, (r) => r.resourceType === 'CarePlan').activity[0] = { reference: { reference: b.entry[7].fullUrl } }; }, /CarePlan\.activity\.detail: minimum required = 1|maximum allowed = 0/],
    ['crgm', 'a variant assessment with another code', (b) => { entry(b, (r) => r.code?.coding?.[0]?.code === '69548-6').code.coding[0].code = '48018-6'; }, /pattern/],
    ['cracp', 'a specimen without its type', (b) => { delete entry(b, (r) => r.resourceType === 'Specimen').type; }, /Specimen\.type: minimum required = 1/],
    ['cracp', 'no conclusion section', (b) => { b.entry[0].resource.section = b.entry[0].resource.section.filter((s: { code: { coding: { code: string }[] } }) => s.code.coding[0].code !== '22637-3'); }, /Slice 'conclusion' of Composition\.section: minimum required = 1/],
  ];

  it.each(table.map(([key, what, mutate, expected]) => [what, key, mutate, expected] as const))('%s (%s)', (_what, key, mutate, expected) => {
    const b = structuredClone(readExample(`${key}-bundle.json`)) as Record<string, any>;
    mutate(b);
    const found = errors(validateResource(b));
    if (!expected) expect(found, show(found)).toEqual([]);
    else {
      expect(found.length, 'an error is expected').toBeGreaterThan(0);
      expect(found.some((i) => expected.test(i.diagnostics) && (i.expression?.[0] ?? '').startsWith('Bundle')), show(found)).toBe(true);
    }
  });
});

describe('binding messages', () => {
  it('say "none of the codes is in the value set" when no coding of a CodeableConcept is (no double negation)', () => {
    const b = structuredClone(readExample('rcp-bundle.json')) as Record<string, any>;
    b.entry[11].resource.code.coding = [{ system: 'http://loinc.org', code: '21909-7' }, { system: 'http://loinc.org', code: '21917-0' }];
    const issue = errors(validateResource(b)).find((i) => i.expression?.[0] === 'Bundle.entry[11].resource.code');
    expect(issue?.diagnostics).toBe('None of the codes http://loinc.org#21909-7, http://loinc.org#21917-0 is in the value set https://oncofhir.fr/ValueSet/onco-tnm-category-code, which is required');
  });
});

describe('oncofhir validate on the examples', () => {
  const cli = (args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/oncofhir.mjs'), 'validate', ...args], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'warn' }, encoding: 'utf8', timeout: 120_000 });

  it('accepts the four documents and rejects an invalid variant, naming the FHIRPath location (exit 0 / 1)', () => {
    const ok = cli([...EXAMPLE_FILES.map((f) => join('examples/fhir', f))]);
    expect(ok.stdout).toContain('4 files validated: 4 valid, 0 with errors.');
    expect(ok.status).toBe(0);
    const bad = cli(['examples/fhir/invalid/rcp-ins-without-birth-date.json', '--json']);
    expect(bad.status).toBe(1);
    const [report] = JSON.parse(bad.stdout) as { outcome: { issue: { severity: string; expression?: string[]; diagnostics: string }[] } }[];
    expect(report.outcome.issue.some((i) => i.severity === 'error' && i.expression?.[0] === 'Bundle.entry[1].resource' && /onco-ins-birth-date/.test(i.diagnostics))).toBe(true);
  });
});

describe.each(DB_KINDS)('the server with the shipped profiles on %s', (kind) => {
  let s: TestServer;
  const post = (path: string, body: unknown) => request(s.app).post(`/fhir/${path}`).set('content-type', FHIR_JSON).send(JSON.stringify(body));
  beforeAll(async () => { s = await openTestServer(kind); });
  afterAll(async () => { await s.close(); });

  it('stores a document Bundle that conforms to its declared profile', async () => {
    const r = await post('Bundle', readExample('pps-bundle.json'));
    expect(r.status, JSON.stringify(r.body).slice(0, 2000)).toBe(201);
  });

  it('refuses an invalid variant with 422 and the FHIRPath of the violation, and stores nothing', async () => {
    const v = invalidVariants().find((x) => x.name === 'crgm-variant-without-gene')!;
    const r = await post('Bundle', materialise(v));
    expect(r.status).toBe(422);
    expect(r.body.issue.some((i: { expression?: string[]; diagnostics: string }) => i.expression?.[0] === v.expect.expression && i.diagnostics.includes(v.expect.diagnostics))).toBe(true);
    const search = await request(s.app).get('/fhir/Bundle?identifier=urn:oid:2.999.1.250.1.3');
    expect(search.body.total ?? search.body.entry?.length ?? 0).toBe(0);
  });

  it('$validate checks a Composition against a profile named as a parameter', async () => {
    const composition = (readExample('rcp-bundle.json') as unknown as Bundle).entry![0].resource!;
    const asCrgm = await post('Composition/$validate', { resourceType: 'Parameters', parameter: [{ name: 'resource', resource: { ...composition, meta: undefined } }, { name: 'profile', valueUri: structureDefinitionUrl('onco-composition-crgm') }] });
    expect(asCrgm.status).toBe(200);
    const issues = asCrgm.body.issue as Issue[];
    expect(issues.some((i) => i.severity === 'error' && i.expression?.[0] === 'Composition.type')).toBe(true);
    expect(issues.some((i) => i.severity === 'error' && /Slice 'results' of Composition\.section/.test(i.diagnostics))).toBe(true);
  });
});
