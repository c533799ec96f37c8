// The pieces the rule tables rely on: the XPath subset, HL7 timestamps, volet detection from the
// descriptors, and the consistency of the rule tables themselves.
import { describe, expect, it } from 'vitest';
import { parseCda } from '../../src/cda/dom.js';
import { select } from '../../src/cda/validation/path.js';
import { timestampProblem } from '../../src/cda/validation/timestamp.js';
import { runRules } from '../../src/cda/validation/engine.js';
import { valueSetIds } from '../../src/cda/validation/value-sets.js';
import { byKey, detectFromCda, documentTypes } from '../../src/documents/registry.js';
import headerRules from '../../src/cda/validation/header-rules.json' with { type: 'json' };
import type { CdaRule, Check } from '../../src/cda/validation/rule-types.js';

const doc = parseCda(`<ClinicalDocument xmlns="urn:hl7-org:v3">
  <templateId root="1.2.250.1.213.1.1.1.1"/><templateId root="2.16.840.1.113883.2.8.2.1"/><templateId root="X" extension="2022.01"/>
  <code code="34794-8"/>
  <recordTarget><patientRole><id root="1.2.250.1.213.1.4.10" extension="1"/><id root="9.9" extension="2"/>
    <patient><name><given qualifier="BR">A</given><given>A B</given><family qualifier="BR">F</family></name></patient></patientRole></recordTarget>
  <documentationOf><serviceEvent><code code="39"/></serviceEvent></documentationOf><documentationOf><serviceEvent/></documentationOf>
  <legalAuthenticator><signatureCode code="S"/></legalAuthenticator>
</ClinicalDocument>`);

describe('XPath subset', () => {
  it.each([
    ['templateId', 3],
    ["templateId[@root='X']", 1],
    ["templateId[@root!='X']", 2],
    ["templateId[not(@root='X') and not(@root='1.2.250.1.213.1.1.1.1')]", 1],
    ["templateId[@root='X' or @root='Y']", 1],
    ["templateId[@extension]", 1],
    ["templateId[not(@extension)]", 2],
    ["recordTarget/patientRole/id[@root=('1.2.250.1.213.1.4.8','1.2.250.1.213.1.4.10')]", 1],
    ["recordTarget/patientRole/patient/name/given[not(@qualifier)]", 1],
    ["legalAuthenticator[signatureCode/@code='S']", 1],
    ["legalAuthenticator[signatureCode/@code='X']", 0],
    ['documentationOf[serviceEvent/code]', 1],
    ['documentationOf[2]/serviceEvent', 1],
    ['documentationOf[3]', 0],
    ['//given', 2],
    ['//*[@qualifier]', 2],
    ['', 1],
  ])('%s selects %i element(s)', (path, n) => {
    expect(select(doc, path)).toHaveLength(n);
  });

  it('gives every element its XPath, with positions only among same-named siblings', () => {
    expect(select(doc, 'documentationOf[2]/serviceEvent')[0].xpath).toBe('/ClinicalDocument/documentationOf[2]/serviceEvent');
    expect(select(doc, 'code')[0].xpath).toBe('/ClinicalDocument/code');
  });
});

describe('HL7 timestamps', () => {
  it.each([
    ['2025', undefined], ['202503', undefined], ['20250312', undefined], ['20250312143000+0100', undefined], ['20250312143000.123', undefined],
    ['20240229', undefined], ['2022-13-45', 'format'], ['20250312T1430', 'format'], ['', 'format'], ['abc', 'format'],
    ['20251345', 'calendar'], ['20230229', 'calendar'], ['20250431', 'calendar'], ['20250312250000', 'calendar'], ['20250312236000', 'calendar'],
  ])('%s → %s', (value, problem) => {
    expect(timestampProblem(value)).toBe(problem);
  });
});

describe('rule engine', () => {
  const rule = (check: Check, extra: Partial<CdaRule> = {}): CdaRule => ({ id: 'T', severity: 'error', source: 'test', check, message: 'M', ...extra });
  it('reports a missing element at the XPath it should have', () => {
    expect(runRules(doc, [rule({ count: 'title' })])).toEqual([
      { severity: 'error', code: 'invariant', diagnostics: 'M', expression: ['/ClinicalDocument/title'], rule: 'T', source: 'test' },
    ]);
  });
  it('reports an extra element at the extra one', () => {
    expect(runRules(doc, [rule({ count: 'documentationOf', max: 1 })])[0].expression).toEqual(['/ClinicalDocument/documentationOf[2]']);
  });
  it('reports a bad attribute value with what was found', () => {
    const [i] = runRules(doc, [rule({ attr: 'code', path: 'code', in: ['1'] })]);
    expect(i).toMatchObject({ expression: ['/ClinicalDocument/code/@code'], diagnostics: 'M Found: "34794-8".' });
  });
  it('runs a rule per context element and only where `when` holds', () => {
    const r = rule({ count: 'serviceEvent/code' }, { context: 'documentationOf' });
    expect(runRules(doc, [r]).map((i) => i.expression)).toEqual([['/ClinicalDocument/documentationOf[2]/serviceEvent/code']]);
    expect(runRules(doc, [{ ...r, when: { count: 'serviceEvent/effectiveTime' } }])).toEqual([]);
  });
  it('skips the rules that restate the XSD when the XSD ran', () => {
    const r = rule({ count: 'title' }, { xsd: true });
    expect(runRules(doc, [r], { xsdChecked: true })).toEqual([]);
    expect(runRules(doc, [r], { xsdChecked: false })).toHaveLength(1);
  });
});

describe('rule tables', () => {
  const tables: [string, CdaRule[]][] = [['header', headerRules.rules as CdaRule[]], ...documentTypes.map((t) => [t.key, t.cdaRules?.rules ?? []] as [string, CdaRule[]])];
  it.each(tables)('%s: unique ids, known value sets, errors only for official rules, paths that compile', (_name, rules) => {
    const ids = rules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of rules) {
      if (r.severity === 'error') expect(r.source, r.id).not.toBe('oncofhir');
      else expect(r.source, r.id).toBe('oncofhir');
      const walk = (c: Check): void => {
        if ('valueSet' in c && c.valueSet) expect(valueSetIds()).toContain(c.valueSet);
        if ('all' in c) c.all.forEach(walk);
        if ('any' in c) c.any.forEach(walk);
        if ('not' in c) walk(c.not);
      };
      walk(r.check);
      expect(() => runRules(doc, [r])).not.toThrow();
    }
  });
});

describe('document type descriptors and detection', () => {
  it('has the four volets with their LOINC codes and profile URLs on the canonical base', () => {
    expect(documentTypes.map((t) => [t.key, t.loinc])).toEqual([['rcp', '34794-8'], ['pps', '18776-5'], ['crgm', '51969-4'], ['cracp', '60568-3']]);
    expect(byKey('cracp')?.legacyLoincs).toEqual(['11526-1']);
    expect(byKey('rcp')?.profiles).toEqual({
      bundle: 'https://oncofhir.fr/StructureDefinition/onco-bundle-rcp',
      composition: 'https://oncofhir.fr/StructureDefinition/onco-composition-rcp',
    });
    expect(byKey('nope')).toBeUndefined();
  });

  const cda = (tids: string, code = '') => parseCda(`<ClinicalDocument xmlns="urn:hl7-org:v3">${tids}${code}</ClinicalDocument>`);
  it.each([
    ['<templateId root="1.2.250.1.213.1.1.1.8" extension="2022.01"/>', '', 'rcp', '2022.01', 'templateId'],
    ['<templateId root="1.2.250.1.213.1.1.1.8" extension="2021.01"/>', '', 'rcp', '2021.01', 'templateId'],
    ['<templateId root="1.2.250.1.213.1.1.1.26" extension="2022.01"/>', '', 'pps', '2022.01', 'templateId'],
    ['<templateId root="1.2.250.1.213.1.1.1.32"/>', '', 'crgm', undefined, 'templateId'],
    ['<templateId root="1.3.6.1.4.1.19376.1.8.1.1.1"/><templateId root="1.3.6.1.4.1.19376.1.8.1.1.2.6" extension="2021.01"/>', '', 'cracp', '2021.01', 'templateId'],
    ['<templateId root="1.3.6.1.4.1.19376.1.8.1.1.1"/><templateId root="1.2.250.1.213.1.1.1.57"/>', '', 'cracp', 'current', 'templateId'],
    ['', '<code code="51969-4"/>', 'crgm', undefined, 'code'],
    ['', '<code code="11526-1"/>', 'cracp', undefined, 'code'],
  ])('%s %s → %s %s (by %s)', (tids, code, key, version, by) => {
    expect(detectFromCda(cda(tids, code))).toMatchObject({ type: { key }, version, by });
  });
  it('recognises nothing else', () => {
    expect(detectFromCda(cda('<templateId root="1.2.3"/>', '<code code="11488-4"/>'))).toBeUndefined();
  });

  it('every mandatory section has a CI-SIS templateId, a LOINC code and a title', () => {
    for (const t of documentTypes) {
      expect(t.sections.length, t.key).toBeGreaterThan(3);
      for (const s of t.sections) {
        expect(s.code).toMatch(/^\d+-\d$/);
        expect(s.templateIds.length).toBeGreaterThan(0);
        expect(s.title).not.toBe('');
      }
    }
  });
});
