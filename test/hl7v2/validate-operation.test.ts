// POST [base]/$validate-hl7v2 over HTTP: the MLLP intake's checks and the CDA validator as a dry run
// (nothing stored, no ACK recorded), with HL7 locations (MSH-9, OBX[1]-5.5) and the CDA's XPath.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../support/db.js';
import { openTestServer, type TestServer } from '../support/server.js';
import { ER7, mdm, RCP } from './mdm-support.js';

describe.each(DB_KINDS)('$validate-hl7v2 on %s', (kind) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await openTestServer(kind);
  });
  afterAll(() => s?.close());
  const post = (body: string, type = ER7) => request(s.app).post('/fhir/$validate-hl7v2').set('content-type', type).send(body);
  const stored = async () => Number((await s.ctx.db.query<{ n: number }>('SELECT (SELECT count(*) FROM resource) + (SELECT count(*) FROM hl7_message) AS n')).rows[0].n);

  it.each([ER7, 'text/plain'])('accepts a valid MDM^T02 sent as %s, with a summary of the message and of its CDA, storing nothing', async (type) => {
    const before = await stored();
    const res = await post(mdm(), type);
    expect(res.status).toBe(200);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue.map((i: { severity: string }) => i.severity)).toEqual(['information', 'information']);
    expect(res.body.issue[0].diagnostics).toMatch(/^MDM\^T02 \(v2\.6\), action new, control id MSG1, sender DPI-X@CHU-X, INS 279035121518989 \(1\.2\.250\.1\.213\.1\.4\.10\)\. The message would be accepted/);
    expect(res.body.issue[1]).toMatchObject({ expression: ['OBX[2]-5.5'] });
    expect(res.body.issue[1].diagnostics).toMatch(/^Carried CDA \(OBX\[2\]-5\.5\): Fiche RCP \(CANCER-FRCP 2022\.01\).*0 errors, 0 warnings/);
    expect(await stored()).toBe(before);
  });

  it('reports the carried CDA findings at the OBX field, then their XPath', async () => {
    const broken = RCP.replace(/<legalAuthenticator>[\s\S]*?<\/legalAuthenticator>/, '');
    const res = await post(mdm({ cda: broken }));
    expect(res.status).toBe(200);
    const errors = res.body.issue.filter((i: { severity: string }) => i.severity === 'error');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0].expression[0]).toBe('OBX[2]-5.5');
    expect(errors[0].expression[1]).toMatch(/^\/ClinicalDocument/);
    expect(res.body.issue[0].diagnostics).toMatch(/would be answered AE/);
  });

  it('?volet= validates the carried CDA as that volet; an unknown volet is a 400', async () => {
    const res = await request(s.app).post('/fhir/$validate-hl7v2?volet=crgm').set('content-type', ER7).send(mdm());
    expect(res.status).toBe(200);
    const asked = res.body.issue.find((i: { details?: { coding: { code: string }[] } }) => i.details?.coding[0].code === 'OF-VOLET-ASKED');
    expect(asked).toMatchObject({ severity: 'error', expression: ['OBX[2]-5.5', '/ClinicalDocument/templateId'] });
    expect(res.body.issue[0].diagnostics).toMatch(/would be answered AE \(error\)\. Its CDA was validated as the CR-GM asked for; the intake itself checks the volet the document declares\./);
    const bad = await request(s.app).post('/fhir/$validate-hl7v2?volet=nope').set('content-type', ER7).send(mdm());
    expect(bad.status).toBe(400);
    expect(bad.body.issue[0].diagnostics).toMatch(/Unknown volet "nope"/);
  });

  it.each([
    ['an unsupported message type', mdm({ type: 'ADT^A01^ADT_A01' }), 'MSH-9', /Unsupported message type ADT\^A01/],
    ['a wrong version', mdm({ version: '2.3' }), 'MSH-12', /exchanged in HL7 v2\.6, not 2\.3/],
    ['a CDA that is not base64', mdm().replace(/Base64\^[^|]+/, 'Base64^not base64!'), 'OBX[2]-5.5', /not valid base64/],
    ['a carried document that is not XML', mdm({ cda: 'not xml at all' }), 'OBX[2]-5.5', /cannot be parsed|not well-formed|Non-whitespace|text/i],
  ])('answers 200 with the error located for %s', async (_what, text, at, message) => {
    const res = await post(text);
    expect(res.status).toBe(200);
    const e = res.body.issue.find((i: { severity: string }) => i.severity === 'error');
    expect(e.expression[0]).toBe(at);
    expect(e.diagnostics).toMatch(message);
  });

  it.each([
    ['text that is not ER7', 'hello world', 'MSH', /does not start with an MSH segment/],
    ['bad encoding characters', 'MSH|^^', 'MSH-2', /too short|four distinct/],
    ['a bad segment name', 'MSH|^~\\&|A|B\rpid|1', 'pid', /no valid segment name/],
  ])('answers 400 for %s', async (_what, text, at, message) => {
    const res = await post(text);
    expect(res.status).toBe(400);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue[0]).toMatchObject({ severity: 'error', expression: [at] });
    expect(res.body.issue[0].diagnostics).toMatch(message);
  });

  it('answers 400 without a body, and 415 for text/plain that is not a message', async () => {
    expect((await request(s.app).post('/fhir/$validate-hl7v2').set('content-type', ER7)).status).toBe(400);
    const res = await post('hello', 'text/plain');
    expect(res.status).toBe(415);
    expect(res.body.resourceType).toBe('OperationOutcome');
  });
});
