import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { DB_KINDS } from '../support/db.js';
import { openTestServer, FHIR_JSON, type TestServer } from '../support/server.js';

const INS = 'urn:oid:1.2.250.1.213.1.4.8';
const pat = (nir: string, extra: object = {}) => ({ resourceType: 'Patient', identifier: [{ system: INS, value: nir }], ...extra });

describe.each(DB_KINDS)('conditional interactions on %s', (kind) => {
  let s: TestServer;
  beforeAll(async () => { s = await openTestServer(kind); });
  afterAll(async () => { await s.close(); });
  const create = (body: object, ifNoneExist?: string) => {
    const r = request(s.app).post('/fhir/Patient').set('content-type', FHIR_JSON);
    return (ifNoneExist ? r.set('if-none-exist', ifNoneExist) : r).send(JSON.stringify(body));
  };

  it('conditional create makes the resource once, then returns the match with 200', async () => {
    const first = await create(pat('1700000000001'), `identifier=${INS}|1700000000001`);
    expect(first.status).toBe(201);
    const second = await create(pat('1700000000001', { gender: 'male' }), `identifier=${INS}|1700000000001`);
    expect(second.status).toBe(200);
    expect(second.body.id).toBe(first.body.id);
    expect(second.body.gender).toBeUndefined();
  });

  it('conditional create answers 412 when the criteria match several resources', async () => {
    await create(pat('1700000000002', { gender: 'female' }));
    await create(pat('1700000000002', { gender: 'female' }));
    const res = await create(pat('1700000000002'), `identifier=${INS}|1700000000002`);
    expect(res.status).toBe(412);
  });

  it('conditional update creates when nothing matches, updates the single match, and answers 412 on several', async () => {
    const url = `/fhir/Patient?identifier=${encodeURIComponent(`${INS}|1700000000003`)}`;
    const c = await request(s.app).put(url).set('content-type', FHIR_JSON).send(JSON.stringify(pat('1700000000003')));
    expect(c.status).toBe(201);
    const u = await request(s.app).put(url).set('content-type', FHIR_JSON).send(JSON.stringify(pat('1700000000003', { gender: 'male' })));
    expect(u.status).toBe(200);
    expect(u.body.id).toBe(c.body.id);
    expect(u.body.meta.versionId).toBe('2');
    const multi = await request(s.app).put(`/fhir/Patient?identifier=${encodeURIComponent(`${INS}|1700000000002`)}`).set('content-type', FHIR_JSON).send(JSON.stringify(pat('1700000000002')));
    expect(multi.status).toBe(412);
  });

  it('conditional delete removes the single match and answers 412 on several', async () => {
    const c = await create(pat('1700000000004'));
    const d = await request(s.app).delete(`/fhir/Patient?identifier=${encodeURIComponent(`${INS}|1700000000004`)}`);
    expect(d.status).toBe(204);
    expect((await request(s.app).get(`/fhir/Patient/${c.body.id}`)).status).toBe(410);
    expect((await request(s.app).delete(`/fhir/Patient?identifier=${encodeURIComponent(`${INS}|1700000000002`)}`)).status).toBe(412);
    expect((await request(s.app).delete(`/fhir/Patient?identifier=${encodeURIComponent(`${INS}|nobody`)}`)).status).toBe(204);
  });

  it('conditional patch applies to the single match', async () => {
    const c = await create(pat('1700000000005'));
    const p = await request(s.app).patch(`/fhir/Patient?identifier=${encodeURIComponent(`${INS}|1700000000005`)}`).set('content-type', 'application/json-patch+json')
      .send(JSON.stringify([{ op: 'add', path: '/active', value: false }]));
    expect(p.status).toBe(200);
    expect(p.body.id).toBe(c.body.id);
    expect(p.body.active).toBe(false);
  });

  it('resolves conditional references and conditional creates inside a transaction', async () => {
    await create(pat('1700000000006'));
    const res = await request(s.app).post('/fhir').set('content-type', FHIR_JSON).send(JSON.stringify({
      resourceType: 'Bundle', type: 'transaction', entry: [
        { fullUrl: 'urn:uuid:c0000000-0000-4000-8000-000000000001', resource: pat('1700000000006'), request: { method: 'POST', url: 'Patient', ifNoneExist: `identifier=${INS}|1700000000006` } },
        { resource: { resourceType: 'Observation', status: 'final', code: { text: 'a' }, subject: { reference: 'urn:uuid:c0000000-0000-4000-8000-000000000001' } }, request: { method: 'POST', url: 'Observation' } },
        { resource: { resourceType: 'Observation', status: 'final', code: { text: 'b' }, subject: { reference: `Patient?identifier=${INS}|1700000000006` } }, request: { method: 'POST', url: 'Observation' } },
      ],
    }));
    expect(res.status).toBe(200);
    const existing = res.body.entry[0];
    expect(existing.response.status).toBe('200 OK');
    expect(res.body.entry[1].resource.subject.reference).toBe(`Patient/${existing.resource.id}`);
    expect(res.body.entry[2].resource.subject.reference).toBe(`Patient/${existing.resource.id}`);
  });

  it('fails a transaction whose conditional reference matches nothing, storing nothing', async () => {
    const res = await request(s.app).post('/fhir').set('content-type', FHIR_JSON).send(JSON.stringify({
      resourceType: 'Bundle', type: 'transaction', entry: [
        { resource: { resourceType: 'Observation', status: 'final', code: { text: 'c' } }, request: { method: 'POST', url: 'Observation' } },
        { resource: { resourceType: 'Observation', status: 'final', code: { text: 'b' }, subject: { reference: `Patient?identifier=${INS}|nobody` } }, request: { method: 'POST', url: 'Observation' } },
      ],
    }));
    expect(res.status).toBe(412);
    const { rows } = await s.ctx.db.query<{ n: number }>(`SELECT count(*) AS n FROM resource WHERE type = 'Observation' AND content LIKE '%"text":"c"%'`);
    expect(Number(rows[0].n)).toBe(0);
  });
});
