// POST [base]/$validate-cda over HTTP, on PGlite (and PostgreSQL when TEST_DATABASE_URL is set):
// raw CDA bodies reach the operation unparsed; the answer is an OperationOutcome (200 for a
// completed validation, 400 for a body that cannot be read as CDA).
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../support/db.js';
import { openTestServer, type TestServer } from '../support/server.js';
import { HAS_CORPUS, NO_CORPUS_MESSAGE, XSD_DIR, example, removeSection } from './support.js';

const RCP = example('fiche-rcp.xml');
const CDA = 'application/hl7-cda+xml';

describe.each(DB_KINDS)('$validate-cda on %s', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await openTestServer(kind, HAS_CORPUS ? { cdaXsdDir: XSD_DIR } : {});
  });
  afterAll(() => server?.close());

  const post = (body: string, type = CDA) => request(server.app).post('/fhir/$validate-cda').set('content-type', type).send(body);

  it.each([CDA, 'text/xml', 'application/xml', 'application/xml; charset=utf-8'])('answers 200 with an OperationOutcome for a valid document sent as %s', async (type) => {
    const res = await post(RCP, type);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/fhir\+json/);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue).toHaveLength(1);
    expect(res.body.issue[0]).toMatchObject({ severity: 'information', code: 'informational' });
    expect(res.body.issue[0].diagnostics).toMatch(new RegExp(`Fiche RCP \\(CANCER-FRCP 2022\\.01\\); CDA schema \\(XSD\\) ${HAS_CORPUS ? 'checked' : 'not checked \\(CDA_XSD_DIR is not set\\)'}; 0 errors, 0 warnings`));
  });

  it('answers 200 with the errors, their XPath and rule when the document breaks the rules', async () => {
    const res = await post(removeSection(RCP, '1.2.250.1.213.1.1.2.27'));
    expect(res.status).toBe(200);
    const e = res.body.issue.filter((i: { severity: string }) => i.severity === 'error');
    expect(e).toHaveLength(1);
    expect(e[0]).toMatchObject({
      code: 'required',
      expression: ['/ClinicalDocument/component/structuredBody'],
      details: { coding: [{ system: 'https://oncofhir.fr/CodeSystem/cda-validation-rule', code: 'FRCP-SECTION-3', display: 'CI-SIS_CANCER-FRCP_2022.01' }] },
    });
    expect(e[0].diagnostics).toMatch(/FR-Diagnostic-du-cancer/);
  });

  it('?volet= validates as the volet asked for: the same volet changes nothing; another is an error at the templateIds, then its rules', async () => {
    const same = await request(server.app).post('/fhir/$validate-cda?volet=rcp').set('content-type', CDA).send(RCP);
    expect(same.status).toBe(200);
    expect(same.body.issue.filter((i: { severity: string }) => i.severity === 'error')).toEqual([]);
    const other = await request(server.app).post('/fhir/$validate-cda?volet=pps').set('content-type', CDA).send(RCP);
    expect(other.status).toBe(200);
    const errors = other.body.issue.filter((i: { severity: string }) => i.severity === 'error');
    expect(errors[0]).toMatchObject({ code: 'invariant', expression: ['/ClinicalDocument/templateId'], details: { coding: [{ code: 'OF-VOLET-ASKED' }] } });
    expect(errors[0].diagnostics).toMatch(/^Validated as the PPS .* asked for, but the document is a Fiche RCP \(CANCER-FRCP\)/);
    // The PPS body rules then find what a PPS needs and a fiche RCP lacks.
    expect(errors.some((i: { details?: { coding: { code: string }[] } }) => /^PPS-/.test(i.details?.coding[0].code ?? ''))).toBe(true);
    expect(other.body.issue[0].diagnostics).toMatch(/^Programme personnalisé de soins|PPS/);
  });

  it('answers 400 for an unknown ?volet=', async () => {
    const res = await request(server.app).post('/fhir/$validate-cda?volet=xyz').set('content-type', CDA).send(RCP);
    expect(res.status).toBe(400);
    expect(res.body.issue[0]).toMatchObject({ severity: 'error', code: 'value', expression: ['volet'] });
    expect(res.body.issue[0].diagnostics).toMatch(/Unknown volet "xyz": use one of rcp, pps, crgm, cracp/);
  });

  it('answers in XML when asked', async () => {
    const res = await post(RCP).set('accept', 'application/fhir+xml');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/<OperationOutcome xmlns="http:\/\/hl7\.org\/fhir">/);
  });

  it.each([
    ['malformed XML', '<ClinicalDocument xmlns="urn:hl7-org:v3"><title>', CDA, /Malformed XML/],
    ['a DOCTYPE with an external entity (XXE)', '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><ClinicalDocument xmlns="urn:hl7-org:v3"><title>&e;</title></ClinicalDocument>', CDA, /DOCTYPE is not allowed/],
    ['the same XXE sent as text/xml', '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><ClinicalDocument xmlns="urn:hl7-org:v3"><title>&e;</title></ClinicalDocument>', 'text/xml', /DOCTYPE is not allowed/],
    ['a root that is not ClinicalDocument', '<Document xmlns="urn:hl7-org:v3"/>', CDA, /not an HL7 CDA ClinicalDocument/],
  ])('answers 400 with a fatal issue for %s', async (_name, body, type, message) => {
    const res = await post(body, type);
    expect(res.status).toBe(400);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue[0].severity).toBe('fatal');
    expect(res.body.issue[0].diagnostics).toMatch(message);
    expect(JSON.stringify(res.body)).not.toMatch(/root:x:0:0/);
  });

  it('answers 400 without a body', async () => {
    const res = await request(server.app).post('/fhir/$validate-cda');
    expect(res.status).toBe(400);
    expect(res.body.issue[0].diagnostics).toMatch(/application\/hl7-cda\+xml/);
  });

  it('is a system-level operation only', async () => {
    const res = await request(server.app).post('/fhir/Patient/$validate-cda').set('content-type', CDA).send(RCP);
    expect([400, 404]).toContain(res.status);
  });

  it('leaves FHIR XML bodies to the FHIR parser', async () => {
    const res = await request(server.app).post('/fhir/Patient').set('content-type', 'application/fhir+xml')
      .send('<Patient xmlns="http://hl7.org/fhir"><gender value="female"/></Patient>');
    expect(res.status).toBe(201);
  });

  it.skipIf(!HAS_CORPUS)(`reports XSD errors with the element's XPath${HAS_CORPUS ? '' : ` — ${NO_CORPUS_MESSAGE}`}`, async () => {
    const res = await post(RCP.replace('<effectiveTime value="20250312143000+0100"/>', '<effectiveTime value="2022-13-45"/>'));
    expect(res.status).toBe(200);
    const e = res.body.issue.filter((i: { severity: string }) => i.severity === 'error');
    expect(e).toHaveLength(1);
    expect(e[0]).toMatchObject({ code: 'structure', expression: ['/ClinicalDocument/effectiveTime'] });
    expect(e[0].details.coding[0].code).toBe('XSD');
  });
});
