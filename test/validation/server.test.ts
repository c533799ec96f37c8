// The validator inside the server: $validate (type and instance level, profile and mode parameters),
// the write-path check (400 structure, 422 rules and declared profiles, nothing stored), and
// StructureDefinitions stored on the server used as profiles, on both databases.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setStructureCheck } from '../../src/api/incoming.js';
import { getStructureDefinition } from '../../src/validation/index.js';
import { refreshProfilesFromStore, registerValidationOperations, resetStoreProfiles, startProfileSync, validateOnWrite } from '../../src/validation/operations.js';
import { DB_KINDS } from '../support/db.js';
import { FHIR_JSON, openTestServer, type TestServer } from '../support/server.js';

const profile = JSON.parse(readFileSync(join(import.meta.dirname, '../../examples/profiles/vital-signs-observation.json'), 'utf8'));
const PROFILE = profile.url as string;
const vitals = {
  resourceType: 'Observation', status: 'final',
  category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
  code: { coding: [{ system: 'http://loinc.org', code: '8302-2' }] },
  subject: { reference: 'Patient/p1' }, effectiveDateTime: '2020-01-01T10:00:00Z',
  valueQuantity: { value: 170, unit: 'cm', system: 'http://unitsofmeasure.org', code: 'cm' },
};
const notVitals = { ...vitals, category: [{ text: 'lab' }] };
const errorsOf = (oo: { issue: { severity: string; expression?: string[]; diagnostics: string }[] }) => oo.issue.filter((i) => i.severity === 'error');

describe.each(DB_KINDS)('validation in the server on %s', (kind) => {
  let s: TestServer;
  const post = (path: string, body: unknown) => request(s.app).post(`/fhir/${path}`).set('content-type', FHIR_JSON).send(JSON.stringify(body));
  beforeAll(async () => {
    s = await openTestServer(kind);
    registerValidationOperations();
    setStructureCheck(validateOnWrite);
    resetStoreProfiles();
  });
  afterAll(async () => {
    resetStoreProfiles();
    await s.close();
  });
  afterEach(() => { delete process.env.PROFILE_VIOLATIONS; });

  it('$validate at type level returns 200 with an OperationOutcome, for a raw body and for Parameters', async () => {
    const raw = await post('Observation/$validate', { ...vitals, status: undefined });
    expect(raw.status).toBe(200);
    expect(raw.body.resourceType).toBe('OperationOutcome');
    expect(errorsOf(raw.body).map((i) => i.expression?.[0])).toEqual(['Observation']);
    const ok = await post('Observation/$validate', { resourceType: 'Parameters', parameter: [{ name: 'resource', resource: vitals }] });
    expect(ok.status).toBe(200);
    expect(errorsOf(ok.body)).toEqual([]);
    expect(ok.body.issue[0].severity).toBe('information');
  });

  it('rejects an invalid mode and a resource of another type', async () => {
    expect((await post('Observation/$validate?mode=frobnicate', vitals)).status).toBe(400);
    const other = await post('Patient/$validate', vitals);
    expect(errorsOf(other.body).some((i) => /URL names Patient/.test(i.diagnostics))).toBe(true);
  });

  it('uses a StructureDefinition stored on the server as the profile parameter, also on a node that has not seen it', async () => {
    const unknown = await post('Observation/$validate', { resourceType: 'Parameters', parameter: [{ name: 'resource', resource: notVitals }, { name: 'profile', valueUri: PROFILE }] });
    expect(errorsOf(unknown.body).some((i) => /not known/.test(i.diagnostics))).toBe(true);
    const created = await post('StructureDefinition', profile);
    expect(created.status).toBe(201);
    resetStoreProfiles(); // as if another node had stored it
    expect(getStructureDefinition(PROFILE)).toBeUndefined();
    const res = await post('Observation/$validate', { resourceType: 'Parameters', parameter: [{ name: 'resource', resource: notVitals }, { name: 'profile', valueUri: PROFILE }] });
    const errs = errorsOf(res.body);
    expect(errs.map((i) => i.diagnostics).join('\n')).toMatch(/Slice 'VSCat'/);
    expect(errs[0].expression).toEqual(['Observation']);
    const good = await post(`Observation/$validate?profile=${encodeURIComponent(PROFILE)}`, vitals);
    expect(errorsOf(good.body)).toEqual([]);
  });

  it('validates a stored resource at instance level, and answers mode=delete and mode=update', async () => {
    const put = await request(s.app).put('/fhir/Patient/val-1').set('content-type', FHIR_JSON).send(JSON.stringify({ resourceType: 'Patient', id: 'val-1', gender: 'female' }));
    expect(put.status).toBe(201);
    const inst = await post('Patient/val-1/$validate', { resourceType: 'Parameters', parameter: [] });
    expect(inst.status).toBe(200);
    expect(errorsOf(inst.body)).toEqual([]);
    const del = await post('Patient/val-1/$validate?mode=delete', { resourceType: 'Parameters', parameter: [] });
    expect(del.body.issue[0].severity).toBe('information');
    const gone = await post('Patient/nope/$validate?mode=delete', { resourceType: 'Parameters', parameter: [] });
    expect(errorsOf(gone.body).length).toBe(1);
    const upd = await post('Patient/val-1/$validate', { resourceType: 'Parameters', parameter: [{ name: 'mode', valueCode: 'update' }, { name: 'resource', resource: { resourceType: 'Patient', id: 'other' } }] });
    expect(errorsOf(upd.body).map((i) => i.expression?.[0])).toEqual(['Patient.id']);
    expect((await post('Patient/nope/$validate', { resourceType: 'Parameters', parameter: [] })).status).toBe(404);
  });

  it.each([
    ['a structural error → 400', { resourceType: 'Patient', colour: 'blue' }, 400, 'Patient.colour'],
    ['a missing required element → 422', { ...vitals, status: undefined }, 422, 'Observation'],
    ['an invariant failure → 422', { ...vitals, dataAbsentReason: { text: 'x' } }, 422, 'Observation'],
    ['a bad reference target → 422', { ...vitals, subject: { reference: 'Medication/m1' } }, 422, 'Observation.subject'],
  ])('refuses a write with %s, and stores nothing', async (name, body, status, path) => {
    const type = (body as { resourceType: string }).resourceType;
    const id = `refused-${name.length}-${status}`;
    const res = await request(s.app).put(`/fhir/${type}/${id}`).set('content-type', FHIR_JSON).send(JSON.stringify({ ...body, id }));
    expect(res.status).toBe(status);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(errorsOf(res.body).flatMap((i) => i.expression ?? [])).toContain(path);
    expect((await request(s.app).get(`/fhir/${type}/${id}`)).status).toBe(404);
    expect((await post(type, body)).status).toBe(status);
  });

  it('checks writes against declared profiles (422), or warns with PROFILE_VIOLATIONS=warning', async () => {
    await refreshProfilesFromStore(s.ctx.db);
    const declared = { ...notVitals, meta: { profile: [PROFILE] } };
    const bad = await post('Observation', declared);
    expect(bad.status).toBe(422);
    expect(errorsOf(bad.body).map((i) => i.diagnostics).join('\n')).toMatch(/VSCat/);
    process.env.PROFILE_VIOLATIONS = 'warning';
    const ok = await post('Observation', declared);
    expect(ok.status).toBe(201);
    const good = await post('Observation', { ...vitals, meta: { profile: [PROFILE] } });
    expect(good.status).toBe(201);
  });

  it('refreshProfilesFromStore only reloads when StructureDefinitions changed, and forgets deleted ones', async () => {
    await refreshProfilesFromStore(s.ctx.db);
    expect((await refreshProfilesFromStore(s.ctx.db)).changed).toBe(false);
    const sd = { ...profile, id: undefined, url: 'http://oncofhir.example/StructureDefinition/other', name: 'Other' };
    const c = await post('StructureDefinition', sd);
    resetStoreProfiles();
    const r1 = await refreshProfilesFromStore(s.ctx.db);
    expect(r1.changed).toBe(true);
    expect(getStructureDefinition(sd.url)).toBeDefined();
    expect((await request(s.app).delete(`/fhir/StructureDefinition/${c.body.id}`)).status).toBeLessThan(300);
    resetStoreProfiles();
    await refreshProfilesFromStore(s.ctx.db);
    expect(getStructureDefinition(sd.url)).toBeUndefined();
    expect(getStructureDefinition(PROFILE)).toBeDefined();
  });

  it('startProfileSync picks up StructureDefinitions stored by another node', async () => {
    resetStoreProfiles();
    expect(getStructureDefinition(PROFILE)).toBeUndefined();
    const stop = startProfileSync(s.ctx.db, 20);
    try {
      for (let i = 0; i < 100 && !getStructureDefinition(PROFILE); i++) await new Promise((r) => setTimeout(r, 20));
      expect(getStructureDefinition(PROFILE)).toBeDefined();
    } finally {
      stop();
    }
  });
});
