// The workbench's issue → source line resolution (web/src/workbench/locate.ts), on the server's own
// answers: FHIR JSON and XML (FHIRPath), CDA (XPath, parser line), HL7 v2 (segment locations).
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locator } from '../../web/src/workbench/locate.js';
import { detectKind } from '../../web/src/workbench/detect.js';
import { toXml } from '../../src/fhir/xml/index.js';
import { openTestServer, type TestServer } from '../support/server.js';

const example = (p: string) => readFileSync(new URL(`../../examples/${p}`, import.meta.url), 'utf8');
const lineOf = (text: string, needle: string, from = 0) => text.slice(0, text.indexOf(needle, from)).split('\n').length;

describe('locating findings in the source', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await openTestServer('pglite');
  });
  afterAll(() => s?.close());

  it('FHIR JSON: an invalid example\'s error points at the resource the FHIRPath names', async () => {
    const text = example('fhir/invalid/rcp-ins-without-birth-date.json');
    const res = await request(s.app).post('/fhir/Bundle/$validate').set('content-type', 'application/fhir+json').send(text);
    const issue = res.body.issue.find((i: { severity: string; expression?: string[] }) => i.severity === 'error' && i.expression?.[0] === 'Bundle.entry[1].resource');
    expect(issue).toBeDefined();
    const entries = text.indexOf('"entry"');
    const second = text.indexOf('"resource"', text.indexOf('"resource"', entries) + 1);
    expect(locator(text, 'fhir-json')(issue)).toBe(lineOf(text, '"resource"', second));
  });

  it('FHIR JSON: a choice type, an indexed element and a parse error position', () => {
    const text = JSON.stringify({ resourceType: 'Observation', status: 'final', code: { coding: [{ code: 'a' }, { code: 'b' }] }, valueQuantity: { value: 1 } }, null, 2);
    const at = locator(text, 'fhir-json');
    expect(at({ severity: 'error', code: 'value', expression: ['Observation.value'] })).toBe(lineOf(text, '"valueQuantity"'));
    expect(at({ severity: 'error', code: 'value', expression: ['Observation.code.coding[1].code'] })).toBe(lineOf(text, '"b"'));
    const broken = '{\n  "resourceType": "Patient",\n  "gender": "female"\n  "active": true\n}';
    expect(locator(broken, 'fhir-json')({ severity: 'error', code: 'invalid', diagnostics: `The body is not valid JSON: Expected ',' or '}' after property value in JSON at position ${broken.indexOf('"active"')}` })).toBe(4);
  });

  it('FHIR XML: the FHIRPath walks the elements, through resource/Patient', async () => {
    const json = JSON.parse(example('fhir/invalid/rcp-ins-without-birth-date.json'));
    const xml = toXml(json).replace(/></g, '>\n<');
    expect(detectKind(xml)).toBe('fhir-xml');
    const line = locator(xml, 'fhir-xml')({ severity: 'error', code: 'invariant', expression: ['Bundle.entry[1].resource.name[0]'] });
    expect(line).toBe(lineOf(xml, '<name>', xml.indexOf('<Patient')));
  });

  it('CDA: an XPath to a missing element points at its parent; a parser error at its line', async () => {
    const cda = example('cda/fiche-rcp.xml');
    const noBirthTime = cda.replace(/<birthTime[^>]*\/>/, '');
    const res = await request(s.app).post('/fhir/$validate-cda').set('content-type', 'application/hl7-cda+xml').send(noBirthTime);
    const issue = res.body.issue.find((i: { expression?: string[] }) => i.expression?.[0]?.includes('birthTime'));
    expect(issue).toBeDefined();
    expect(locator(noBirthTime, 'cda')(issue)).toBe(lineOf(noBirthTime, '<patient>', noBirthTime.indexOf('<recordTarget')));
    const malformed = cda.replace('</title>', '</titre>');
    const bad = await request(s.app).post('/fhir/$validate-cda').set('content-type', 'application/hl7-cda+xml').send(malformed);
    expect(bad.status).toBe(400);
    expect(locator(malformed, 'cda')(bad.body.issue[0])).toBe(lineOf(malformed, '</titre>'));
  });

  it('HL7 v2: a location names the line of its segment', () => {
    const er7 = ['MSH|^~\\&|A|B|C|D|20260101||MDM^T02^MDM_T02|1|P|2.6', 'PID|1', 'OBX|1|CWE|X', 'OBX|2|ED|Y'].join('\r');
    const at = locator(er7, 'hl7v2');
    expect(at({ severity: 'error', code: 'invalid', expression: ['MSH-12'] })).toBe(1);
    expect(at({ severity: 'error', code: 'invalid', expression: ['OBX[2]-5.5', '/ClinicalDocument/id'] })).toBe(4);
    expect(at({ severity: 'error', code: 'invalid', expression: ['PID'] })).toBe(2);
  });
});
