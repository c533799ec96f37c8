import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { DB_KINDS } from '../support/db.js';
import { openTestServer, FHIR_JSON, type TestServer } from '../support/server.js';

const put = (s: TestServer, type: string, id: string, extra: object = {}) =>
  request(s.app).put(`/fhir/${type}/${id}`).set('content-type', FHIR_JSON).send(JSON.stringify({ resourceType: type, id, ...extra }));

describe.each(DB_KINDS)('history on %s', (kind) => {
  let s: TestServer;
  beforeAll(async () => { s = await openTestServer(kind); });
  afterAll(async () => { await s.close(); });

  it('lists an instance history newest first, deletions included without a resource', async () => {
    await put(s, 'Patient', 'h1', { gender: 'male' });
    await put(s, 'Patient', 'h1', { gender: 'female' });
    await request(s.app).delete('/fhir/Patient/h1');
    const res = await request(s.app).get('/fhir/Patient/h1/_history');
    expect(res.status).toBe(200);
    expect(res.body.type).toBe('history');
    const e = res.body.entry;
    expect(e.map((x: { response: { etag: string } }) => x.response.etag)).toEqual(['W/"3"', 'W/"2"', 'W/"1"']);
    expect(e[0].request.method).toBe('DELETE');
    expect(e[0].resource).toBeUndefined();
    expect(e[1].resource.gender).toBe('female');
    expect(e[2].request).toEqual({ method: 'PUT', url: 'Patient/h1' });
    expect((await request(s.app).get('/fhir/Patient/nobody/_history')).status).toBe(404);
  });

  it('filters type history with _since and the version current at _at', async () => {
    await put(s, 'Practitioner', 'at-1', { gender: 'male' });
    await new Promise((r) => setTimeout(r, 20));
    const between = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    await put(s, 'Practitioner', 'at-1', { gender: 'female' });
    const since = await request(s.app).get(`/fhir/Practitioner/_history?_since=${encodeURIComponent(between)}`);
    expect(since.body.entry).toHaveLength(1);
    expect(since.body.entry[0].resource.gender).toBe('female');
    const at = await request(s.app).get(`/fhir/Practitioner/at-1/_history?_at=${encodeURIComponent(between)}`);
    expect(at.body.entry.map((x: { resource: { gender: string } }) => x.resource.gender)).toEqual(['male']);
    expect((await request(s.app).get('/fhir/Practitioner/_history?_since=not-a-date')).status).toBe(400);
  });

  it('pages system history with a cursor that does not shift when new versions arrive', async () => {
    for (let i = 0; i < 5; i++) await put(s, 'Device', `page-${i}`);
    const first = await request(s.app).get('/fhir/_history?_count=2');
    expect(first.body.entry).toHaveLength(2);
    const next = first.body.link.find((l: { relation: string }) => l.relation === 'next').url as string;
    await put(s, 'Device', 'page-new');
    const second = await request(s.app).get(next.replace('http://localhost:8080', ''));
    expect(second.status).toBe(200);
    const ids = (b: { entry: { fullUrl: string; response: { etag: string } }[] }) => b.entry.map((x) => x.fullUrl + x.response.etag);
    expect(ids(second.body)).not.toContain(expect.stringContaining('page-new'));
    const all = await request(s.app).get('/fhir/_history?_count=100');
    const seq = ids(all.body).filter((x) => !x.includes('page-new'));
    expect(ids(second.body)).toEqual(seq.slice(2, 4));
  });
});
