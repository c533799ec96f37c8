import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import type { AuditEvent, Bundle } from 'fhir/r4';
import { DB_KINDS } from '../support/db.js';
import { openTestServer, FHIR_JSON, BASE, type TestServer } from '../support/server.js';
import { recordAudit, verifyAuditChain } from '../../src/security/audit/index.js';
import { sampleInput } from './audit-support.js';

const CLIENT = 'http-test-client';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ids = (b: Bundle) => (b.entry ?? []).filter((e) => e.search?.mode === 'match').map((e) => e.resource!.id!);
const path = (url: string) => url.replace('http://localhost:8080', '');

const AUDIT_BODY: AuditEvent = {
  resourceType: 'AuditEvent',
  type: { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest' },
  recorded: '2024-01-01T00:00:00Z',
  agent: [{ requestor: true, who: { display: 'forger' } }],
  source: { observer: { display: 'forger' } },
};

describe.each(DB_KINDS)('AuditEvent over HTTP on %s', (kind) => {
  let s: TestServer;
  let early: string[] = [];
  let late: string[] = [];
  let between = '';
  const seeded = async () => Number((await s.ctx.db.query<{ n: number }>('SELECT count(*) AS n FROM audit_event WHERE client_id = $1', [CLIENT])).rows[0].n);
  const storedAuditEvents = async () => Number((await s.ctx.db.query<{ n: number }>("SELECT count(*) AS n FROM resource WHERE type = 'AuditEvent'")).rows[0].n);
  const idsOf = async (where: string) => (await s.ctx.db.query<{ id: string }>(`SELECT id FROM audit_event WHERE client_id = '${CLIENT}' AND ${where} ORDER BY pos`)).rows.map((r) => r.id);

  beforeAll(async () => {
    s = await openTestServer(kind);
    const agent = { subject: 'dr-http', clientId: CLIENT, address: '192.0.2.10' };
    for (let i = 0; i < 5; i++) {
      await recordAudit(s.ctx.db, sampleInput({ agent, subtype: i % 2 ? 'create' : 'read', action: i % 2 ? 'C' : 'R', patients: [i < 3 ? 'pa-1' : 'Patient/pa-2'], entities: [`Observation/ob-${i}`], status: i === 4 ? 404 : 200 }));
    }
    early = await idsOf('true');
    await sleep(15);
    between = new Date().toISOString();
    await sleep(15);
    for (let i = 0; i < 2; i++) await recordAudit(s.ctx.db, sampleInput({ agent: { ...agent, address: '192.0.2.99' }, patients: ['pa-1'], entities: ['Patient/pa-1'] }));
    late = (await idsOf('true')).slice(early.length);
  });
  afterAll(async () => { await s.close(); });

  it('reads an audit record by id, and answers 404 for an unknown one', async () => {
    const res = await request(s.app).get(`/fhir/AuditEvent/${early[0]}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ resourceType: 'AuditEvent', id: early[0], subtype: [{ code: 'read' }] });
    expect(res.headers.etag).toBe('W/"1"');
    expect((await request(s.app).get('/fhir/AuditEvent/no-such-record')).status).toBe(404);
  });

  it('searches by patient (id or reference), agent, subtype, action, outcome, entity and address', async () => {
    const q = async (qs: string) => {
      const res = await request(s.app).get(`/fhir/AuditEvent?agent=${CLIENT}&${qs}&_count=100`);
      expect(res.status).toBe(200);
      expect(res.body.type).toBe('searchset');
      return (ids(res.body) as string[]).sort();
    };
    const all = [...early, ...late];
    expect(await q('patient=pa-1')).toEqual([...early.slice(0, 3), ...late].sort());
    expect(await q('patient=Patient/pa-2')).toEqual(early.slice(3).sort());
    expect(await q(`patient=${BASE}/Patient/pa-2`)).toEqual(early.slice(3).sort());
    expect(await q('subtype=http://hl7.org/fhir/restful-interaction|create')).toEqual([early[1], early[3]].sort());
    expect(await q('action=C')).toEqual([early[1], early[3]].sort());
    expect(await q('outcome=4')).toEqual([early[4]]);
    expect(await q('entity=Observation/ob-2')).toEqual([early[2]]);
    expect(await q('entity=Observation/ob-2,Observation/ob-3')).toEqual([early[2], early[3]].sort());
    expect(await q('address=192.0.2.99')).toEqual(late.slice().sort());
    const bySubject = await request(s.app).get('/fhir/AuditEvent?agent=dr-http&_count=100');
    expect((ids(bySubject.body) as string[]).sort()).toEqual(all.slice().sort());
  });

  it('searches by date with prefixes on recorded', async () => {
    const q = async (qs: string) => (ids((await request(s.app).get(`/fhir/AuditEvent?agent=${CLIENT}&${qs}&_count=100`)).body) as string[]).sort();
    expect(await q(`date=ge${encodeURIComponent(between)}`)).toEqual(late.slice().sort());
    expect(await q(`date=lt${encodeURIComponent(between)}`)).toEqual(early.slice().sort());
    expect(await q(`date=gt${encodeURIComponent(between)}&date=le2999-01-01`)).toEqual(late.slice().sort());
    expect(await q('date=2001')).toEqual([]);
    const bad = await request(s.app).get('/fhir/AuditEvent?date=yesterday');
    expect(bad.status).toBe(400);
  });

  it('pages newest first with next links, and oldest first with _sort=date, with _total=accurate', async () => {
    const all = [...early, ...late];
    const walk = async (url: string) => {
      const seen: string[] = [];
      let next: string | undefined = url;
      while (next) {
        const res = await request(s.app).get(path(next));
        expect(res.status).toBe(200);
        expect(res.body.total).toBe(all.length);
        expect(res.body.entry.length).toBeLessThanOrEqual(3);
        for (const e of res.body.entry) expect(e.fullUrl).toBe(`${BASE}/AuditEvent/${e.resource.id}`);
        seen.push(...ids(res.body));
        next = res.body.link.find((l: { relation: string }) => l.relation === 'next')?.url;
      }
      return seen;
    };
    expect(await walk(`/fhir/AuditEvent?agent=${CLIENT}&_count=3&_total=accurate`)).toEqual(all.slice().reverse());
    expect(await walk(`/fhir/AuditEvent?agent=${CLIENT}&_count=3&_total=accurate&_sort=date`)).toEqual(all);
  });

  it('searches by POST _search, counts with _summary=count, and reports unknown parameters', async () => {
    const post = await request(s.app).post('/fhir/AuditEvent/_search').type('form').send(`agent=${CLIENT}&patient=pa-2`);
    expect(post.status).toBe(200);
    expect((ids(post.body) as string[]).sort()).toEqual(early.slice(3).sort());
    const count = await request(s.app).get(`/fhir/AuditEvent?agent=${CLIENT}&_summary=count`);
    expect(count.body.total).toBe(early.length + late.length);
    expect(count.body.entry ?? []).toEqual([]);
    const lenient = await request(s.app).get(`/fhir/AuditEvent?agent=${CLIENT}&shoe-size=42`);
    expect(lenient.status).toBe(200);
    expect(lenient.body.entry[0].search.mode).toBe('outcome');
    expect((await request(s.app).get('/fhir/AuditEvent?shoe-size=42').set('prefer', 'handling=strict')).status).toBe(400);
    expect((await request(s.app).get('/fhir/AuditEvent?_sort=subtype')).status).toBe(400);
  });

  it('answers 405 to every create, update, patch, delete and history of AuditEvent, and changes no record', async () => {
    const before = await seeded();
    const original = (await request(s.app).get(`/fhir/AuditEvent/${early[0]}`)).body;
    const attempts = [
      request(s.app).post('/fhir/AuditEvent').set('content-type', FHIR_JSON).send(JSON.stringify(AUDIT_BODY)),
      request(s.app).put(`/fhir/AuditEvent/${early[0]}`).set('content-type', FHIR_JSON).send(JSON.stringify({ ...original, outcome: '8' })),
      request(s.app).put('/fhir/AuditEvent/forged-1').set('content-type', FHIR_JSON).send(JSON.stringify({ ...AUDIT_BODY, id: 'forged-1' })),
      request(s.app).put(`/fhir/AuditEvent?_id=${early[0]}`).set('content-type', FHIR_JSON).send(JSON.stringify(original)),
      request(s.app).patch(`/fhir/AuditEvent/${early[0]}`).set('content-type', 'application/json-patch+json').send(JSON.stringify([{ op: 'replace', path: '/outcome', value: '8' }])),
      request(s.app).delete(`/fhir/AuditEvent/${early[0]}`),
      request(s.app).delete(`/fhir/AuditEvent?agent=${CLIENT}`),
      request(s.app).get(`/fhir/AuditEvent/${early[0]}/_history`),
      request(s.app).get(`/fhir/AuditEvent/${early[0]}/_history/1`),
      request(s.app).get('/fhir/AuditEvent/_history'),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(405);
      expect(res.body.resourceType).toBe('OperationOutcome');
      expect(res.body.issue[0].diagnostics).toMatch(/Audit records cannot be modified or deleted/);
    }
    expect(await seeded()).toBe(before);
    expect((await request(s.app).get(`/fhir/AuditEvent/${early[0]}`)).body).toEqual(original);
    expect((await request(s.app).get('/fhir/AuditEvent/forged-1')).status).toBe(404);
    expect(await storedAuditEvents()).toBe(0);
    expect((await verifyAuditChain(s.ctx.db)).ok).toBe(true);
  });

  it('refuses a transaction Bundle holding an AuditEvent as a whole, and a batch entry alone', async () => {
    const patients = async () => Number((await s.ctx.db.query<{ n: number }>("SELECT count(*) AS n FROM resource WHERE type = 'Patient'")).rows[0].n);
    const before = { seeded: await seeded(), patients: await patients() };
    const patient = { resource: { resourceType: 'Patient', gender: 'female' }, request: { method: 'POST', url: 'Patient' } };
    const txPost = await request(s.app).post('/fhir').set('content-type', FHIR_JSON).send(JSON.stringify({
      resourceType: 'Bundle', type: 'transaction', entry: [patient, { resource: AUDIT_BODY, request: { method: 'POST', url: 'AuditEvent' } }],
    }));
    expect(txPost.status).toBe(405);
    expect(txPost.body.issue[0].diagnostics).toMatch(/Audit records cannot be modified or deleted/);
    const txPut = await request(s.app).post('/fhir').set('content-type', FHIR_JSON).send(JSON.stringify({
      resourceType: 'Bundle', type: 'transaction', entry: [patient, { resource: { ...AUDIT_BODY, id: 'forged-2' }, request: { method: 'PUT', url: 'AuditEvent/forged-2' } }],
    }));
    expect(txPut.status).toBe(405);
    const txDelete = await request(s.app).post('/fhir').set('content-type', FHIR_JSON).send(JSON.stringify({
      resourceType: 'Bundle', type: 'transaction', entry: [patient, { request: { method: 'DELETE', url: `AuditEvent/${early[0]}` } }],
    }));
    expect(txDelete.status).toBe(405);
    expect(await patients()).toBe(before.patients);
    const batch = await request(s.app).post('/fhir').set('content-type', FHIR_JSON).send(JSON.stringify({
      resourceType: 'Bundle', type: 'batch', entry: [patient, { resource: AUDIT_BODY, request: { method: 'POST', url: 'AuditEvent' } }, { request: { method: 'GET', url: `AuditEvent/${early[0]}` } }],
    }));
    expect(batch.status).toBe(200);
    expect(batch.body.entry.map((e: { response: { status: string } }) => e.response.status.slice(0, 3))).toEqual(['201', '405', '200']);
    expect(await patients()).toBe(before.patients + 1);
    expect(await seeded()).toBe(before.seeded);
    expect(await storedAuditEvents()).toBe(0);
  });

  it('shows AuditEvent in the CapabilityStatement with read and search-type and its search parameters only', async () => {
    const res = await request(s.app).get('/fhir/metadata');
    const ae = res.body.rest[0].resource.find((r: { type: string }) => r.type === 'AuditEvent');
    expect(ae.interaction.map((i: { code: string }) => i.code)).toEqual(['read', 'search-type']);
    expect(ae.searchParam.map((p: { name: string }) => p.name).sort()).toEqual(['_id', 'action', 'address', 'agent', 'date', 'entity', 'outcome', 'patient', 'subtype']);
    expect(ae.searchParam.find((p: { name: string }) => p.name === 'date')).toMatchObject({ type: 'date', definition: 'http://hl7.org/fhir/SearchParameter/AuditEvent-date' });
    const patient = res.body.rest[0].resource.find((r: { type: string }) => r.type === 'Patient');
    expect(patient.interaction.map((i: { code: string }) => i.code)).toContain('create');
  });
});
