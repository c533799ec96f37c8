import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRestricted, opposesSharing, RIGHTS } from '../../src/patient-rights/index.js';
import { DB_KINDS } from '../support/db.js';
import { FHIR_JSON, openTestServer, type TestServer } from '../support/server.js';

const obs = (id: string, patient: string) => ({ resourceType: 'Observation', id, status: 'final', code: { text: 'x' }, subject: { reference: `Patient/${patient}` } });

describe.each(DB_KINDS)('patient rights on %s', (kind) => {
  let s: TestServer;
  const put = (path: string, body: unknown, headers: Record<string, string> = {}) => request(s.app).put(path).set({ 'content-type': FHIR_JSON, ...headers }).send(JSON.stringify(body));
  const count = async (table: string) => Number((await s.ctx.db.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);

  beforeAll(async () => {
    s = await openTestServer(kind);
    await put('/fhir/Patient/a', { resourceType: 'Patient', id: 'a', name: [{ family: 'Martin' }] });
    await put('/fhir/Patient/b', { resourceType: 'Patient', id: 'b', name: [{ family: 'Bernard' }] });
    await put('/fhir/Practitioner/dr', { resourceType: 'Practitioner', id: 'dr' });
    for (const [o, p] of [['a1', 'a'], ['a2', 'a'], ['b1', 'b']]) await put(`/fhir/Observation/${o}`, obs(o, p));
    await put('/fhir/Encounter/e1', { resourceType: 'Encounter', id: 'e1', status: 'finished', class: { code: 'AMB' }, subject: { reference: 'Patient/a' } });
  });
  afterAll(async () => s.close());

  describe('access: Patient/$everything', () => {
    it('returns the patient and its whole compartment, nothing of others', async () => {
      const r = await request(s.app).get('/fhir/Patient/a/$everything');
      expect(r.status).toBe(200);
      expect(r.body.type).toBe('searchset');
      const ids = r.body.entry.map((e: { resource: { resourceType: string; id: string } }) => `${e.resource.resourceType}/${e.resource.id}`).sort();
      expect(ids).toEqual(['Encounter/e1', 'Observation/a1', 'Observation/a2', 'Patient/a']);
    });
    it('filters by _type and pages with _count and a next link', async () => {
      const typed = await request(s.app).get('/fhir/Patient/a/$everything?_type=Observation');
      expect(typed.body.entry).toHaveLength(2);
      const first = await request(s.app).get('/fhir/Patient/a/$everything?_count=3');
      expect(first.body.entry).toHaveLength(3);
      const next = first.body.link.find((l: { relation: string }) => l.relation === 'next').url as string;
      const second = await request(s.app).get(new URL(next).pathname + new URL(next).search);
      expect(second.body.entry).toHaveLength(1);
      expect(second.body.link.some((l: { relation: string }) => l.relation === 'next')).toBe(false);
    });
    it.each([
      ['/fhir/Patient/nobody/$everything', 404],
      ['/fhir/Patient/a/$everything?_type=Nonsense', 400],
      ['/fhir/Patient/a/$everything?_since=yesterday', 400],
      ['/fhir/Observation/a1/$everything', 404],
    ])('answers %s with %i and an OperationOutcome', async (path, status) => {
      const r = await request(s.app).get(path);
      expect(r.status).toBe(status);
      expect(r.body.resourceType).toBe('OperationOutcome');
    });
  });

  describe('rectification with X-Provenance', () => {
    it('stores the Provenance with the update, targeting the new version', async () => {
      const prov = { resourceType: 'Provenance', reason: [{ text: 'rectification requested by the patient' }], agent: [{ who: { display: 'DPO' } }], target: [{ reference: 'Patient/x' }], recorded: '2026-11-30T10:00:00Z' };
      const r = await put('/fhir/Patient/b', { resourceType: 'Patient', id: 'b', name: [{ family: 'Bernardi' }] }, { 'x-provenance': JSON.stringify(prov) });
      expect(r.status).toBe(200);
      const found = await request(s.app).get('/fhir/Provenance?target=Patient/b');
      expect(found.body.entry).toHaveLength(1);
      expect(found.body.entry[0].resource.target[0].reference).toBe(`Patient/b/_history/${r.body.meta.versionId}`);
      expect(found.body.entry[0].resource.reason[0].text).toMatch(/rectification/);
    });
    it.each([
      ['not JSON', '{oops'],
      ['not a Provenance', JSON.stringify({ resourceType: 'Patient' })],
      ['an invalid Provenance', JSON.stringify({ resourceType: 'Provenance', agent: 'nope' })],
    ])('refuses %s and stores nothing', async (_n, header) => {
      const before = await count('resource_version');
      const r = await put('/fhir/Patient/b', { resourceType: 'Patient', id: 'b', name: [{ family: 'Changed' }] }, { 'x-provenance': header });
      expect(r.status).toBe(400);
      expect(r.body.resourceType).toBe('OperationOutcome');
      expect(await count('resource_version')).toBe(before);
    });
  });

  describe('restriction of processing and opposition to sharing', () => {
    const op = (name: string, method: 'post' | 'get' = 'post') => request(s.app)[method](`/fhir/Patient/a/$${name}`).set('content-type', FHIR_JSON).send(method === 'post' ? JSON.stringify({ resourceType: 'Parameters', parameter: [{ name: 'reason', valueString: 'courrier du 12/11' }] }) : undefined);
    it('sets a security label with a Provenance, idempotently, and lifts it', async () => {
      const provenances = await count("resource WHERE type = 'Provenance'");
      const r = await op('restrict-processing');
      expect(r.status).toBe(200);
      expect(r.body.meta.security).toContainEqual(expect.objectContaining({ system: RIGHTS.system, code: 'restricted' }));
      expect(await isRestricted(s.ctx.db, 'a')).toBe(true);
      expect(await isRestricted(s.ctx.db, 'b')).toBe(false);
      const again = await op('restrict-processing');
      expect(again.body.meta.versionId).toBe(r.body.meta.versionId);
      expect(await count("resource WHERE type = 'Provenance'")).toBe(provenances + 1);
      const search = await request(s.app).get(`/fhir/Patient?_security=${encodeURIComponent(`${RIGHTS.system}|restricted`)}`);
      expect(search.body.entry.map((e: { resource: { id: string } }) => e.resource.id)).toEqual(['a']);
      const lifted = await op('lift-restriction');
      expect(lifted.body.meta.security ?? []).not.toContainEqual(expect.objectContaining({ code: 'restricted' }));
      expect(await isRestricted(s.ctx.db, 'a')).toBe(false);
    });
    it('records and withdraws an opposition to sharing with Mon espace santé', async () => {
      await op('oppose-sharing');
      expect(await opposesSharing(s.ctx.db, 'a')).toBe(true);
      await op('withdraw-opposition');
      expect(await opposesSharing(s.ctx.db, 'a')).toBe(false);
    });
    it('needs POST (state-changing) and an existing patient', async () => {
      expect((await op('restrict-processing', 'get')).status).toBe(405);
      const r = await request(s.app).post('/fhir/Patient/zz/$restrict-processing').set('content-type', FHIR_JSON).send('{"resourceType":"Parameters"}');
      expect(r.status).toBe(404);
    });
  });
});
