// POST [base]/$cda-to-fhir and POST [base]/Bundle/$to-cda over HTTP: read-only conversions for the
// workbench and integrators (nothing stored), their bad inputs, and their authorisation and audit.
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../support/db.js';
import { openTestServer, type TestServer } from '../support/server.js';
import { openAuthServer, type AuthServer } from '../security/auth-support.js';

const example = (p: string) => readFileSync(new URL(`../../examples/${p}`, import.meta.url), 'utf8');
const RCP_CDA = example('cda/fiche-rcp.xml');
const PPS_BUNDLE = JSON.parse(example('fhir/pps-bundle.json'));
const CDA = 'application/hl7-cda+xml';
const param = (body: { parameter: { name: string }[] }, name: string) => body.parameter.find((p) => p.name === name) as Record<string, any> | undefined;

describe.each(DB_KINDS)('conversion operations on %s', (kind) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await openTestServer(kind);
  });
  afterAll(() => s?.close());
  const rows = async () => Number((await s.ctx.db.query<{ n: number }>('SELECT count(*) AS n FROM resource')).rows[0].n);

  it('$cda-to-fhir answers the document Bundle and a summary, and stores nothing', async () => {
    const before = await rows();
    const res = await request(s.app).post('/fhir/$cda-to-fhir').set('content-type', CDA).send(RCP_CDA);
    expect(res.status).toBe(200);
    expect(res.body.resourceType).toBe('Parameters');
    const bundle = param(res.body, 'bundle')!.resource;
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'document' });
    expect(bundle.entry[0].resource.resourceType).toBe('Composition');
    expect(bundle.entry[0].resource.type.coding[0].code).toBe('34794-8');
    const outcome = param(res.body, 'outcome')!.resource;
    expect(outcome.issue[0].diagnostics).toMatch(/^Fiche RCP \(CANCER-FRCP 2022\.01\) converted to a FHIR document Bundle of \d+ entries/);
    expect(await rows()).toBe(before);
  });

  it('Bundle/$to-cda answers the CDA XML, its volet and the findings, and stores nothing', async () => {
    const before = await rows();
    const res = await request(s.app).post('/fhir/Bundle/$to-cda').set('content-type', 'application/fhir+json').send(PPS_BUNDLE);
    expect(res.status).toBe(200);
    expect(param(res.body, 'volet')!.valueCode).toBe('pps');
    const xml = param(res.body, 'cda')!.valueString as string;
    expect(xml).toMatch(/^<\?xml[^>]*>\s*(<\?xml-stylesheet[^>]*>\s*)?<ClinicalDocument xmlns="urn:hl7-org:v3"/);
    // The generated CDA is valid for our own validator.
    const check = await request(s.app).post('/fhir/$validate-cda').set('content-type', CDA).send(xml);
    expect(check.status).toBe(200);
    expect(check.body.issue.filter((i: { severity: string }) => i.severity === 'error')).toEqual([]);
    expect(await rows()).toBe(before);
  });

  it('Bundle/$to-cda also takes the Bundle as the "resource" parameter', async () => {
    const res = await request(s.app).post('/fhir/Bundle/$to-cda').set('content-type', 'application/fhir+json')
      .send({ resourceType: 'Parameters', parameter: [{ name: 'resource', resource: PPS_BUNDLE }] });
    expect(res.status).toBe(200);
    expect(param(res.body, 'volet')!.valueCode).toBe('pps');
  });

  it.each([
    ['$cda-to-fhir', 'malformed XML', '/fhir/$cda-to-fhir', CDA, '<ClinicalDocument xmlns="urn:hl7-org:v3"><id></ClinicalDocument>', 400, /line 1/],
    ['$cda-to-fhir', 'a DOCTYPE', '/fhir/$cda-to-fhir', CDA, '<!DOCTYPE x [<!ENTITY a "b">]><ClinicalDocument xmlns="urn:hl7-org:v3"/>', 400, /DOCTYPE/],
    ['$cda-to-fhir', 'XML that is not a CDA', '/fhir/$cda-to-fhir', CDA, '<Patient xmlns="http://hl7.org/fhir"/>', 422, /not an HL7 CDA ClinicalDocument/],
    ['$cda-to-fhir', 'a CDA of no cancer volet', '/fhir/$cda-to-fhir', CDA, '<ClinicalDocument xmlns="urn:hl7-org:v3"><code code="11488-4" codeSystem="2.16.840.1.113883.6.1"/></ClinicalDocument>', 422, /none of the cancer volets/],
    ['$cda-to-fhir', 'no body', '/fhir/$cda-to-fhir', CDA, '', 400, /Send the CDA document/],
    ['Bundle/$to-cda', 'a collection Bundle', '/fhir/Bundle/$to-cda', 'application/fhir+json', JSON.stringify({ ...PPS_BUNDLE, type: 'collection' }), 422, /Only a document Bundle converts to CDA/],
    ['Bundle/$to-cda', 'a Patient', '/fhir/Bundle/$to-cda', 'application/fhir+json', JSON.stringify({ resourceType: 'Patient' }), 422, /A FHIR document Bundle is expected, not Patient/],
    ['Bundle/$to-cda', 'a document Bundle of no cancer document', '/fhir/Bundle/$to-cda', 'application/fhir+json',
      JSON.stringify({ resourceType: 'Bundle', type: 'document', entry: [{ resource: { resourceType: 'Composition', type: { coding: [{ system: 'http://loinc.org', code: '11488-4' }] } } }] }), 422, /none of the cancer documents/],
    ['Bundle/$to-cda', 'a CDA document', '/fhir/Bundle/$to-cda', CDA, RCP_CDA, 415, /use \$cda-to-fhir/],
    ['Bundle/$to-cda', 'invalid JSON', '/fhir/Bundle/$to-cda', 'application/fhir+json', '{"resourceType":', 400, /not valid JSON/],
    ['Bundle/$to-cda', 'no body', '/fhir/Bundle/$to-cda', 'application/fhir+json', '', 400, /Send the FHIR document Bundle/],
  ])('%s refuses %s with an OperationOutcome', async (_op, _what, url, type, body, status, message) => {
    const before = await rows();
    const res = await request(s.app).post(url).set('content-type', type).send(body);
    expect(res.status).toBe(status);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue[0].severity).toBe('error');
    expect(res.body.issue.map((i: { diagnostics: string }) => i.diagnostics).join(' ')).toMatch(message);
    expect(await rows()).toBe(before);
  });

  it('$to-cda is only defined on Bundle', async () => {
    const res = await request(s.app).post('/fhir/Patient/$to-cda').set('content-type', 'application/fhir+json').send(PPS_BUNDLE);
    expect(res.status).toBe(404);
    expect(res.body.resourceType).toBe('OperationOutcome');
  });
});

describe('conversion operations with authentication', () => {
  let s: AuthServer;
  beforeAll(async () => {
    s = await openAuthServer('pglite');
  });
  afterAll(() => s?.close());

  it('need a token; $cda-to-fhir any valid token, $to-cda read on Bundle; each call is audited', async () => {
    expect((await request(s.app).post('/fhir/$cda-to-fhir').set('content-type', CDA).send(RCP_CDA)).status).toBe(401);
    const observationsOnly = await s.token('system/Observation.rs');
    const bundleRead = await s.token('system/Bundle.r');
    const auth = (t: string) => ({ authorization: `Bearer ${t}` });
    expect((await request(s.app).post('/fhir/$cda-to-fhir').set(auth(observationsOnly)).set('content-type', CDA).send(RCP_CDA)).status).toBe(200);
    expect((await request(s.app).post('/fhir/Bundle/$to-cda').set(auth(observationsOnly)).set('content-type', 'application/fhir+json').send(PPS_BUNDLE)).status).toBe(403);
    expect((await request(s.app).post('/fhir/Bundle/$to-cda').set(auth(bundleRead)).set('content-type', 'application/fhir+json').send(PPS_BUNDLE)).status).toBe(200);
    const audited = await s.ctx.db.query<{ subtype: string; outcome: number; text: string }>(
      "SELECT subtype, outcome, resource::text AS text FROM audit_event WHERE resource::text LIKE '%to-cda%' OR resource::text LIKE '%cda-to-fhir%' ORDER BY pos",
    );
    expect(audited.rows.map((r) => [r.subtype, r.outcome])).toEqual([['operation', 0], ['operation', 4], ['operation', 0]]);
  });
});
