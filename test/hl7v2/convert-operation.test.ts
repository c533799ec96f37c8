// POST [base]/$hl7v2-to-fhir over HTTP: the document Bundle of the CDA an HL7 v2 message carries, as
// $cda-to-fhir gives it for the CDA itself; nothing stored; bad messages as 400/422 located in HL7
// notation (and XPath inside the carried CDA); authorisation and audit.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../support/db.js';
import { openTestServer, type TestServer } from '../support/server.js';
import { openAuthServer, type AuthServer } from '../security/auth-support.js';
import { ER7, mdm, RCP } from './mdm-support.js';

type Param = { name: string; resource?: any; valueCode?: string };
const param = (body: { parameter: Param[] }, name: string) => body.parameter.find((p) => p.name === name);

describe.each(DB_KINDS)('$hl7v2-to-fhir on %s', (kind) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await openTestServer(kind);
  });
  afterAll(() => s?.close());
  const post = (body: string, type = ER7) => request(s.app).post('/fhir/$hl7v2-to-fhir').set('content-type', type).send(body);
  const stored = async () => Number((await s.ctx.db.query<{ n: number }>('SELECT (SELECT count(*) FROM resource) + (SELECT count(*) FROM hl7_message) AS n')).rows[0].n);

  it('answers the Bundle that $cda-to-fhir makes of the carried CDA, and stores nothing', async () => {
    const before = await stored();
    const res = await post(mdm());
    expect(res.status).toBe(200);
    expect(param(res.body, 'volet')?.valueCode).toBe('rcp');
    const direct = await request(s.app).post('/fhir/$cda-to-fhir').set('content-type', 'application/hl7-cda+xml').send(RCP);
    expect(param(res.body, 'bundle')?.resource).toEqual(param(direct.body, 'bundle')?.resource);
    expect(param(res.body, 'outcome')?.resource.issue[0].diagnostics).toMatch(/^Fiche RCP \(CANCER-FRCP 2022\.01\) converted/);
    expect(await stored()).toBe(before);
  });

  it.each([
    ['text that is not ER7', 'hello world', ER7, 400, 'MSH', /does not start with an MSH segment/],
    ['no body', '', ER7, 400, undefined, /Send the HL7 v2 message/],
    ['an unsupported message type', mdm({ type: 'ADT^A01^ADT_A01' }), ER7, 422, 'MSH-9', /Unsupported message type ADT\^A01/],
    ['a CDA that is not base64', mdm().replace(/Base64\^[^|]+/, 'Base64^not base64!'), ER7, 422, 'OBX[2]-5.5', /not valid base64/],
    ['a deletion, which carries no CDA', mdm({ event: 'T04' }).replace('ORC|NW|', 'ORC|CA|').replace(/OBX\|2\|ED[^\r]*\r/, ''), ER7, 422, 'OBX', /carries no CDA document \(action delete\)/],
    ['a carried document that is malformed XML', mdm({ cda: '<ClinicalDocument xmlns="urn:hl7-org:v3"><id></ClinicalDocument>' }), ER7, 422, 'OBX[2]-5.5', /^Carried CDA: .*line 1/],
    ['a carried CDA of no cancer volet', mdm({ cda: '<ClinicalDocument xmlns="urn:hl7-org:v3"><code code="11488-4" codeSystem="2.16.840.1.113883.6.1"/></ClinicalDocument>' }), ER7, 422, 'OBX[2]-5.5', /^Carried CDA: .*none of the cancer volets/],
  ])('refuses %s', async (_what, body, type, status, at, message) => {
    const before = await stored();
    const res = await post(body, type);
    expect(res.status).toBe(status);
    expect(res.body.resourceType).toBe('OperationOutcome');
    const error = res.body.issue.find((i: { severity: string }) => i.severity === 'error');
    if (at) expect(error.expression[0]).toBe(at);
    expect(error.diagnostics).toMatch(message);
    expect(await stored()).toBe(before);
  });
});

describe('$hl7v2-to-fhir with authentication', () => {
  let s: AuthServer;
  beforeAll(async () => {
    s = await openAuthServer('pglite');
  });
  afterAll(() => s?.close());

  it('needs a token (any valid one, as it reads and stores nothing); each call is audited', async () => {
    expect((await request(s.app).post('/fhir/$hl7v2-to-fhir').set('content-type', ER7).send(mdm())).status).toBe(401);
    const token = await s.token('system/Observation.rs');
    const res = await request(s.app).post('/fhir/$hl7v2-to-fhir').set('authorization', `Bearer ${token}`).set('content-type', ER7).send(mdm());
    expect(res.status).toBe(200);
    const audited = await s.ctx.db.query<{ subtype: string; outcome: number }>("SELECT subtype, outcome FROM audit_event WHERE resource::text LIKE '%hl7v2-to-fhir%' ORDER BY pos");
    expect(audited.rows.map((r) => [r.subtype, r.outcome])).toEqual([['operation', 0]]);
  });
});
