import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { DB_KINDS } from '../support/db.js';
import { openTestServer, FHIR_JSON, BASE, type TestServer } from '../support/server.js';

const patient = (extra: object = {}) => ({ resourceType: 'Patient', name: [{ family: 'Martin', given: ['Émilie'] }], gender: 'female', birthDate: '1970-03-02', ...extra });

describe.each(DB_KINDS)('CRUD interactions on %s', (kind) => {
  let s: TestServer;
  beforeAll(async () => { s = await openTestServer(kind); });
  afterAll(async () => { await s.close(); });

  it('creates a resource with a server id, version 1, ETag, Last-Modified and Location', async () => {
    const res = await request(s.app).post('/fhir/Patient').set('content-type', FHIR_JSON).send(JSON.stringify(patient({ id: 'ignored-client-id' })));
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toMatch(/application\/fhir\+json/);
    expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.meta.versionId).toBe('1');
    expect(res.headers.etag).toBe('W/"1"');
    expect(res.headers.location).toBe(`${BASE}/Patient/${res.body.id}/_history/1`);
    expect(new Date(res.headers['last-modified']).getTime()).toBeGreaterThan(0);
  });

  it('reads and vreads what it stored, and 404s for unknown ids and versions', async () => {
    const c = await request(s.app).post('/fhir/Patient').set('content-type', FHIR_JSON).send(JSON.stringify(patient()));
    const r = await request(s.app).get(`/fhir/Patient/${c.body.id}`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual(c.body);
    const v = await request(s.app).get(`/fhir/Patient/${c.body.id}/_history/1`);
    expect(v.status).toBe(200);
    expect(v.body.meta.versionId).toBe('1');
    expect((await request(s.app).get('/fhir/Patient/does-not-exist')).status).toBe(404);
    expect((await request(s.app).get(`/fhir/Patient/${c.body.id}/_history/7`)).status).toBe(404);
  });

  it('updates with a new version and creates on update when the client names a new id', async () => {
    const put = await request(s.app).put('/fhir/Patient/client-chosen-1').set('content-type', FHIR_JSON).send(JSON.stringify(patient({ id: 'client-chosen-1' })));
    expect(put.status).toBe(201);
    expect(put.body.meta.versionId).toBe('1');
    const up = await request(s.app).put('/fhir/Patient/client-chosen-1').set('content-type', FHIR_JSON).send(JSON.stringify(patient({ id: 'client-chosen-1', gender: 'other' })));
    expect(up.status).toBe(200);
    expect(up.body.meta.versionId).toBe('2');
    expect(up.body.gender).toBe('other');
    expect((await request(s.app).get('/fhir/Patient/client-chosen-1/_history/1')).body.gender).toBe('female');
  });

  it('answers 412 to an If-Match naming an old version and keeps the current one', async () => {
    await request(s.app).put('/fhir/Patient/im-1').set('content-type', FHIR_JSON).send(JSON.stringify(patient({ id: 'im-1' })));
    await request(s.app).put('/fhir/Patient/im-1').set('content-type', FHIR_JSON).send(JSON.stringify(patient({ id: 'im-1', gender: 'male' })));
    const stale = await request(s.app).put('/fhir/Patient/im-1').set('content-type', FHIR_JSON).set('if-match', 'W/"1"').send(JSON.stringify(patient({ id: 'im-1', gender: 'other' })));
    expect(stale.status).toBe(412);
    expect(stale.body.resourceType).toBe('OperationOutcome');
    const ok = await request(s.app).put('/fhir/Patient/im-1').set('content-type', FHIR_JSON).set('if-match', 'W/"2"').send(JSON.stringify(patient({ id: 'im-1', gender: 'other' })));
    expect(ok.status).toBe(200);
    expect(ok.body.meta.versionId).toBe('3');
  });

  it('answers 304 to If-None-Match with the current version', async () => {
    await request(s.app).put('/fhir/Patient/inm-1').set('content-type', FHIR_JSON).send(JSON.stringify(patient({ id: 'inm-1' })));
    expect((await request(s.app).get('/fhir/Patient/inm-1').set('if-none-match', 'W/"1"')).status).toBe(304);
    expect((await request(s.app).get('/fhir/Patient/inm-1').set('if-none-match', 'W/"0"')).status).toBe(200);
  });

  it('deletes, keeps history, answers 410 on read and allows re-creation', async () => {
    await request(s.app).put('/fhir/Patient/del-1').set('content-type', FHIR_JSON).send(JSON.stringify(patient({ id: 'del-1' })));
    const d = await request(s.app).delete('/fhir/Patient/del-1');
    expect(d.status).toBe(204);
    const r = await request(s.app).get('/fhir/Patient/del-1');
    expect(r.status).toBe(410);
    expect(r.body.resourceType).toBe('OperationOutcome');
    expect((await request(s.app).delete('/fhir/Patient/del-1')).status).toBe(204);
    expect((await request(s.app).get('/fhir/Patient/del-1/_history/1')).status).toBe(200);
    expect((await request(s.app).get('/fhir/Patient/del-1/_history/2')).status).toBe(410);
    const again = await request(s.app).put('/fhir/Patient/del-1').set('content-type', FHIR_JSON).send(JSON.stringify(patient({ id: 'del-1' })));
    expect(again.status).toBe(201);
    expect(again.body.meta.versionId).toBe('3');
  });

  it('applies a JSON Patch as a new version and rejects a patch that cannot apply with 422', async () => {
    await request(s.app).put('/fhir/Patient/patch-1').set('content-type', FHIR_JSON).send(JSON.stringify(patient({ id: 'patch-1' })));
    const p = await request(s.app).patch('/fhir/Patient/patch-1').set('content-type', 'application/json-patch+json')
      .send(JSON.stringify([{ op: 'replace', path: '/gender', value: 'male' }, { op: 'add', path: '/active', value: true }]));
    expect(p.status).toBe(200);
    expect(p.body).toMatchObject({ gender: 'male', active: true, meta: { versionId: '2' } });
    const bad = await request(s.app).patch('/fhir/Patient/patch-1').set('content-type', 'application/json-patch+json')
      .send(JSON.stringify([{ op: 'test', path: '/gender', value: 'female' }]));
    expect(bad.status).toBe(422);
    const idChange = await request(s.app).patch('/fhir/Patient/patch-1').set('content-type', 'application/json-patch+json')
      .send(JSON.stringify([{ op: 'replace', path: '/id', value: 'other' }]));
    expect(idChange.status).toBe(422);
    expect((await request(s.app).get('/fhir/Patient/patch-1')).body.meta.versionId).toBe('2');
  });

  it('honours Prefer: return=minimal and return=OperationOutcome', async () => {
    const min = await request(s.app).post('/fhir/Patient').set('content-type', FHIR_JSON).set('prefer', 'return=minimal').send(JSON.stringify(patient()));
    expect(min.status).toBe(201);
    expect(min.text).toBe('');
    expect(min.headers.location).toMatch(/\/Patient\/.+\/_history\/1$/);
    const oo = await request(s.app).post('/fhir/Patient').set('content-type', FHIR_JSON).set('prefer', 'return=OperationOutcome').send(JSON.stringify(patient()));
    expect(oo.body.resourceType).toBe('OperationOutcome');
  });

  it('keeps every update when many clients update one resource at once', async () => {
    await request(s.app).put('/fhir/Patient/race-1').set('content-type', FHIR_JSON).send(JSON.stringify(patient({ id: 'race-1' })));
    const n = 12;
    const results = await Promise.all(Array.from({ length: n }, (_, i) =>
      request(s.app).put('/fhir/Patient/race-1').set('content-type', FHIR_JSON).send(JSON.stringify(patient({ id: 'race-1', multipleBirthInteger: i + 1 })))));
    expect(results.every((r) => r.status === 200)).toBe(true);
    const versions = results.map((r) => Number(r.body.meta.versionId)).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: n }, (_, i) => i + 2));
    const hist = await request(s.app).get('/fhir/Patient/race-1/_history?_count=100');
    expect(hist.body.entry).toHaveLength(n + 1);
  });

  it('serves a CapabilityStatement listing every resource type, its search parameters and interactions', async () => {
    const res = await request(s.app).get('/fhir/metadata');
    expect(res.status).toBe(200);
    expect(res.body.fhirVersion).toBe('4.0.1');
    const rest = res.body.rest[0];
    expect(rest.resource.length).toBeGreaterThan(140);
    const obs = rest.resource.find((r: { type: string }) => r.type === 'Observation');
    expect(obs.searchParam.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['code', 'subject', 'date', 'value-quantity']));
    expect(obs.interaction.map((i: { code: string }) => i.code)).toEqual(expect.arrayContaining(['read', 'vread', 'update', 'patch', 'delete', 'create', 'search-type', 'history-instance']));
    expect(rest.interaction.map((i: { code: string }) => i.code)).toEqual(expect.arrayContaining(['transaction', 'batch']));
  });
});
