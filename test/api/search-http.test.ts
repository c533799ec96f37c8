import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { DB_KINDS } from '../support/db.js';
import { openTestServer, FHIR_JSON, BASE, type TestServer } from '../support/server.js';

describe.each(DB_KINDS)('search over HTTP on %s', (kind) => {
  let s: TestServer;
  const put = (r: { resourceType: string; id: string }) => request(s.app).put(`/fhir/${r.resourceType}/${r.id}`).set('content-type', FHIR_JSON).send(JSON.stringify(r));
  beforeAll(async () => {
    s = await openTestServer(kind);
    for (let i = 0; i < 5; i++) {
      await put({ resourceType: 'Patient', id: `sh-${i}`, name: [{ family: i % 2 ? 'Lefèvre' : 'Dupont', given: [`G${i}`] }], birthDate: `198${i}-01-01`, gender: i % 2 ? 'female' : 'male' } as never);
      await put({ resourceType: 'Observation', id: `sho-${i}`, status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] }, subject: { reference: `Patient/sh-${i}` }, effectiveDateTime: `2024-0${i + 1}-15`, valueQuantity: { value: 60 + i * 10, system: 'http://unitsofmeasure.org', code: '/min', unit: '/min' } } as never);
    }
  });
  afterAll(async () => { await s.close(); });

  it('finds patients by accent-insensitive family name and birthdate prefix', async () => {
    const res = await request(s.app).get('/fhir/Patient?family=lefevre&birthdate=ge1982');
    expect(res.status).toBe(200);
    expect(res.body.type).toBe('searchset');
    expect(res.body.entry.map((e: { resource: { id: string } }) => e.resource.id).sort()).toEqual(['sh-3']);
    expect(res.body.entry[0].fullUrl).toBe(`${BASE}/Patient/sh-3`);
    expect(res.body.entry[0].search.mode).toBe('match');
  });

  it('searches by POST _search with a form body, like GET', async () => {
    const res = await request(s.app).post('/fhir/Patient/_search').type('form').send('gender=male&_sort=birthdate');
    expect(res.status).toBe(200);
    expect(res.body.entry.map((e: { resource: { id: string } }) => e.resource.id)).toEqual(['sh-0', 'sh-2', 'sh-4']);
  });

  it('includes the subjects of matching observations and pages with next links', async () => {
    const res = await request(s.app).get('/fhir/Observation?code=http://loinc.org|8867-4&_include=Observation:subject&_count=2&_sort=date');
    expect(res.status).toBe(200);
    const matches = res.body.entry.filter((e: { search: { mode: string } }) => e.search.mode === 'match');
    const includes = res.body.entry.filter((e: { search: { mode: string } }) => e.search.mode === 'include');
    expect(matches.map((e: { resource: { id: string } }) => e.resource.id)).toEqual(['sho-0', 'sho-1']);
    expect(includes.map((e: { resource: { id: string } }) => e.resource.id).sort()).toEqual(['sh-0', 'sh-1']);
    const next = res.body.link.find((l: { relation: string }) => l.relation === 'next')?.url as string;
    expect(next).toBeTruthy();
    const page2 = await request(s.app).get(next.replace('http://localhost:8080', ''));
    expect(page2.status).toBe(200);
    expect(page2.body.entry.filter((e: { search: { mode: string } }) => e.search.mode === 'match').map((e: { resource: { id: string } }) => e.resource.id)).toEqual(['sho-2', 'sho-3']);
  });

  it('counts with _summary=count and applies _elements to matches', async () => {
    const count = await request(s.app).get('/fhir/Observation?value-quantity=gt75&_summary=count');
    expect(count.body.total).toBe(3); // 80, 90 and 100
    expect(count.body.entry ?? []).toHaveLength(0);
    const el = await request(s.app).get('/fhir/Patient?_id=sh-1&_elements=gender');
    expect(Object.keys(el.body.entry[0].resource).sort()).toEqual(['gender', 'id', 'meta', 'resourceType']);
  });

  it('rejects unknown parameters only with Prefer: handling=strict', async () => {
    const lenient = await request(s.app).get('/fhir/Patient?shoe-size=42');
    expect(lenient.status).toBe(200);
    const strict = await request(s.app).get('/fhir/Patient?shoe-size=42').set('prefer', 'handling=strict');
    expect(strict.status).toBe(400);
    expect(strict.body.issue[0].diagnostics).toMatch(/shoe-size/);
  });

  it('activates a posted SearchParameter and reindexes existing resources for it', async () => {
    const sp = {
      resourceType: 'SearchParameter', url: 'http://oncofhir.example/SearchParameter/patient-given-initial', name: 'givenInitial', status: 'active',
      description: 'First given name', code: 'first-given', base: ['Patient'], type: 'string', expression: 'Patient.name.given.first()',
    };
    const created = await request(s.app).post('/fhir/SearchParameter').set('content-type', FHIR_JSON).send(JSON.stringify(sp));
    expect(created.status).toBe(201);
    const res = await request(s.app).get('/fhir/Patient?first-given=G3').set('prefer', 'handling=strict');
    expect(res.status).toBe(200);
    expect(res.body.entry.map((e: { resource: { id: string } }) => e.resource.id)).toEqual(['sh-3']);
    const cap = await request(s.app).get('/fhir/metadata');
    const patient = cap.body.rest[0].resource.find((r: { type: string }) => r.type === 'Patient');
    expect(patient.searchParam.map((p: { name: string }) => p.name)).toContain('first-given');
  });
});
