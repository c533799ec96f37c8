// The registry over HTTP: a real linkage + consolidation run on seeded records, the pseudonymised
// FHIR view, indicators, the review queue with audited decisions reused by the next run, research
// exports in Bulk Data style, restriction of processing, and the registry scopes.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../support/db.js';
import { openTestServer, type TestServer } from '../support/server.js';
import { seedRegistry, SEED_KEY } from '../support/registry-seed.js';
import { runRegistry } from '../../src/registry/store/run.js';
import { openAuthServer, type AuthServer } from '../security/auth-support.js';

const count = async (s: TestServer, table: string) => Number((await s.ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n);

async function pollExport(s: TestServer, location: string, auth?: string): Promise<request.Response> {
  const path = new URL(location).pathname;
  for (let i = 0; i < 100; i++) {
    const r = await request(s.app).get(path).set(auth ? { Authorization: `Bearer ${auth}` } : {});
    if (r.status !== 202) return r;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error('export did not finish');
}

describe.each(DB_KINDS)('registry API (%s)', (kind) => {
  let s: TestServer;
  let reviewIds: string[];
  let persons: number;
  const keysFile = join(mkdtempSync(join(tmpdir(), 'oncofhir-projects-')), 'projects.json');
  beforeAll(async () => {
    writeFileSync(keysFile, JSON.stringify({ 'etude-a': randomBytes(32).toString('base64'), 'etude-b': randomBytes(32).toString('base64') }));
    process.env.REGISTRY_PROJECT_KEYS_FILE = keysFile;
    s = await openTestServer(kind, { registryRunIntervalMinutes: 0 });
    const seeded = await seedRegistry(s.ctx.db);
    reviewIds = seeded.reviewIds;
    persons = seeded.stats.persons;
  });
  afterAll(async () => {
    delete process.env.REGISTRY_PROJECT_KEYS_FILE;
    await s.close();
  });

  it('links the seeded records into persons and proposes the near-duplicates for review', async () => {
    expect(await count(s, 'registry_identity')).toBe(66);
    // 63 persons; each near-duplicate without INS is either proposed for review or left apart, never auto-linked wrongly.
    expect(persons).toBeGreaterThanOrEqual(63);
    expect(reviewIds.length).toBeGreaterThanOrEqual(1);
    expect(await count(s, 'registry_case')).toBe(persons);
  });

  it('serves pseudonymised Patients and tumours, searchable, with no identifying trait', async () => {
    const r = await request(s.app).get('/registry/fhir/Condition?code=C50.4&_count=5');
    expect(r.status).toBe(200);
    expect(r.body.resourceType).toBe('Bundle');
    expect(r.body.total).toBeGreaterThan(5);
    expect(r.body.entry).toHaveLength(5);
    expect(r.body.link.find((l: { relation: string }) => l.relation === 'next').url).toContain('_offset=5');
    const cond = r.body.entry[0].resource;
    expect(cond.code.coding[0]).toEqual({ system: 'http://terminology.hl7.org/CodeSystem/icd-o-3', code: 'C50.4' });
    expect(cond.onsetDateTime).toMatch(/^2025-/);
    const patient = await request(s.app).get(`/registry/fhir/${cond.subject.reference}`);
    expect(patient.status).toBe(200);
    expect(patient.body.birthDate).toMatch(/^\d{4}$/);
    expect(JSON.stringify(patient.body)).not.toMatch(/MARTIN|BERNARD|THOMAS|PETIT|name|identifier/);
    const body = await request(s.app).get(`/registry/fhir/BodyStructure/${cond.id}`);
    expect(body.body.morphology.coding[0].code).toBe('8500/3');
    const prov = await request(s.app).get(`/registry/fhir/Provenance?target=Condition/${cond.id}`);
    expect(prov.body.entry[0].resource.entity[0].what.reference).toMatch(/^Bundle\/seed-\d+\/_history\/1$/);
    const dated = await request(s.app).get('/registry/fhir/Condition?onset-date=ge2025-09&onset-date=le2025-09-30');
    expect(dated.body.total).toBeGreaterThan(0);
    expect(dated.body.entry.every((e: { resource: { onsetDateTime: string } }) => e.resource.onsetDateTime.startsWith('2025-09'))).toBe(true);
    expect((await request(s.app).get('/registry/fhir/metadata')).body.rest[0].resource.map((x: { type: string }) => x.type)).toEqual(['Patient', 'Condition', 'BodyStructure', 'Provenance']);
  });

  it('serves resources that conform to the registry profiles', async () => {
    const cond = (await request(s.app).get('/registry/fhir/Condition?_count=1')).body.entry[0].resource;
    const resources = [cond, (await request(s.app).get(`/registry/fhir/${cond.subject.reference}`)).body, (await request(s.app).get(`/registry/fhir/BodyStructure/${cond.id}`)).body];
    for (const res of resources) {
      expect(res.meta.profile[0]).toMatch(/^https:\/\/oncofhir\.fr\/StructureDefinition\/onco-registry-/);
      const v = await request(s.app).post(`/fhir/${res.resourceType}/$validate`).send(res);
      expect(v.body.issue.filter((i: { severity: string }) => i.severity === 'error'), JSON.stringify(v.body)).toEqual([]);
    }
    const named = { ...resources[1], name: [{ family: 'MARTIN' }] };
    const v = await request(s.app).post('/fhir/Patient/$validate').send(named);
    expect(v.body.issue.some((i: { severity: string; expression?: string[] }) => i.severity === 'error' && i.expression?.[0]?.startsWith('Patient.name'))).toBe(true);
  });

  it.each([
    ['/registry/fhir/Condition?name=MARTIN', 400, 'name'],
    ['/registry/fhir/Condition?onset-date=2025-13-45x', 400, 'onset-date'],
    ['/registry/fhir/Patient?birthdate=1960-01-01', 400, 'birthdate'],
    ['/registry/fhir/Condition?subject=Observation/1', 400, 'subject'],
    ['/registry/fhir/Condition?_count=-1', 400, '_count'],
    ['/registry/fhir/Observation', 404, undefined],
    ['/registry/fhir/Condition/does-not-exist', 404, undefined],
    ['/registry/indicators?by=colour', 400, 'by'],
    ['/registry/indicators?by=year&format=xlsx', 400, 'format'],
    ['/registry/review?status=maybe', 400, 'status'],
  ])('rejects %s with %i and an OperationOutcome', async (url, status, expression) => {
    const r = await request(s.app).get(url);
    expect(r.status).toBe(status);
    expect(r.body.resourceType).toBe('OperationOutcome');
    if (expression) expect(r.body.issue[0].expression).toEqual([expression]);
  });

  it('publishes indicators with small cells suppressed, in JSON and CSV', async () => {
    const r = await request(s.app).get('/registry/indicators?by=departement,sex');
    expect(r.status).toBe(200);
    const { table } = r.body;
    expect(table.columns).toEqual(['M', 'F']); // the last published column is the row total
    const corsica = table.rows.findIndex((row: string[]) => row[0] === '2A');
    expect(corsica).toBeGreaterThanOrEqual(0);
    expect(table.published[corsica].slice(0, 2)).toEqual([null, null]); // 1 and 2 cases
    expect(table.suppressed.primary).toBeGreaterThan(0);
    const paris = table.rows.findIndex((row: string[]) => row[0] === '75');
    expect(table.published[paris][2]).toBeGreaterThanOrEqual(11);
    const csv = await request(s.app).get('/registry/indicators?by=departement,sex&format=csv');
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.text.split('\n')[0]).toBe('departement,sex,count,status');
    expect(csv.text).toMatch(/^2A,F,,suppressed$/m);
  });

  it('lists review pairs field by field; a confirmed pair is audited and merged by the next run', async () => {
    const list = await request(s.app).get('/registry/review');
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(reviewIds.length);
    const item = list.body.items[0];
    expect(item.status).toBe('pending');
    expect(item.fields.map((f: { field: string }) => f.field)).toEqual(['name', 'givenNames', 'birthDate', 'sex', 'birthplace', 'postalCode']);
    expect(item.fields.find((f: { field: string }) => f.field === 'birthDate').level).toBe('exact');
    const bad = await request(s.app).post(`/registry/review/${item.id}`).send({ decision: 'perhaps' });
    expect(bad.status).toBe(400);
    expect((await request(s.app).post('/registry/review/999999').send({ decision: 'confirmed' })).status).toBe(404);
    const ok = await request(s.app).post(`/registry/review/${item.id}`).send({ decision: 'confirmed' });
    expect(ok.status).toBe(200);
    expect(ok.body.status).toBe('confirmed');
    expect(ok.body.decidedBy).toBe('anonymous');
    const audit = await s.ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_event WHERE subtype = 'link-decision'`);
    expect(Number(audit.rows[0].n)).toBe(1);
    const before = await count(s, 'registry_person');
    const run = await request(s.app).post('/registry/$run');
    expect(run.status).toBe(200);
    expect(run.body.persons).toBe(before - 1);
    expect((await request(s.app).get('/registry/review?status=confirmed')).body.items[0].id).toBe(item.id);
    // The decision is reused by later runs: the pair stays linked.
    const again = await runRegistry(s.ctx.db, SEED_KEY);
    expect(again.ran && again.value.persons).toBe(before - 1);
  });

  it('exports pseudonymised NDJSON per project, Bulk Data style; two projects cannot link their extracts', async () => {
    expect((await request(s.app).get('/registry/fhir/$export?project=etude-a')).status).toBe(400); // no Prefer: respond-async
    expect((await request(s.app).get('/registry/fhir/$export?project=nope').set('Prefer', 'respond-async')).status).toBe(400);
    expect((await request(s.app).get('/registry/fhir/$export?project=etude-a&_type=Observation').set('Prefer', 'respond-async')).status).toBe(400);
    const patientsOf = async (project: string) => {
      const k = await request(s.app).get(`/registry/fhir/$export?project=${project}&_type=Patient,Condition`).set('Prefer', 'respond-async');
      expect(k.status).toBe(202);
      const done = await pollExport(s, k.headers['content-location']);
      expect(done.status).toBe(200);
      expect(done.body.requiresAccessToken).toBe(true);
      const out = done.body.output as { type: string; url: string; count: number }[];
      const file = await request(s.app).get(new URL(out.find((o) => o.type === 'Patient')!.url).pathname);
      expect(file.headers['content-type']).toMatch(/application\/fhir\+ndjson/);
      const lines = file.text.trim().split('\n').map((l) => JSON.parse(l));
      const conds = (await request(s.app).get(new URL(out.find((o) => o.type === 'Condition')!.url).pathname)).text.trim().split('\n').map((l) => JSON.parse(l));
      expect(new Set(conds.map((c) => c.subject.reference.slice(8)))).toEqual(new Set(lines.map((p) => p.id)));
      expect(conds.every((c) => !JSON.stringify(c).includes('Bundle/'))).toBe(true); // no link back to documents
      return lines.map((p) => p.id as string);
    };
    const a = await patientsOf('etude-a');
    const b = await patientsOf('etude-b');
    const registryIds = (await s.ctx.db.query<{ person_key: string }>('SELECT person_key FROM registry_person')).rows.map((r) => r.person_key);
    expect(a).toHaveLength(registryIds.length);
    expect(a.filter((x) => b.includes(x) || registryIds.includes(x))).toEqual([]);
  });

  it('leaves out persons who restricted processing, at once, everywhere', async () => {
    const p = await request(s.app).post('/fhir/Patient').send({ resourceType: 'Patient', name: [{ family: 'PETIT' }] });
    const patientId = p.body.id;
    const { rows } = await s.ctx.db.query<{ person_key: string; record_id: string }>(`SELECT person_key, record_id FROM registry_identity WHERE record_id = 'Bundle/seed-3'`);
    await s.ctx.db.query('UPDATE registry_identity SET patient_id = $1 WHERE record_id = $2', [patientId, rows[0].record_id]);
    const before = (await request(s.app).get('/registry/fhir/Patient?_count=0')).body.total;
    expect((await request(s.app).post(`/fhir/Patient/${patientId}/$restrict-processing`)).status).toBe(200);
    expect((await request(s.app).get('/registry/fhir/Patient?_count=0')).body.total).toBe(before - 1);
    expect((await request(s.app).get(`/registry/fhir/Patient/${rows[0].person_key}`)).status).toBe(404);
    expect((await request(s.app).get(`/registry/fhir/Condition?subject=${rows[0].person_key}`)).body.total).toBe(0);
    const ind = await request(s.app).get('/registry/indicators?by=year');
    expect(ind.body.excluded.restricted).toBe(1);
    const k = await request(s.app).get('/registry/fhir/$export?project=etude-a&_type=Patient').set('Prefer', 'respond-async');
    const done = await pollExport(s, k.headers['content-location']);
    expect(done.body.output[0].count).toBe(before - 1);
  });
});

describe.each(DB_KINDS)('registry scopes (%s)', (kind) => {
  let s: AuthServer;
  beforeAll(async () => {
    s = await openAuthServer(kind, { registryRunIntervalMinutes: 0 });
    await seedRegistry(s.ctx.db);
  });
  afterAll(() => s.close());

  it.each([
    ['no token', undefined, '/registry/fhir/Condition', 401],
    ['a clinical superuser (system/*.*)', 'system/*.cruds', '/registry/fhir/Condition', 403],
    ['system/RegistryCase.rs', 'system/RegistryCase.rs', '/registry/fhir/Condition', 200],
    ['system/RegistryCase.rs on the review queue', 'system/RegistryCase.rs', '/registry/review', 403],
    ['system/RegistryLink.r', 'system/RegistryLink.r', '/registry/review', 200],
    ['system/RegistryCase.rs on indicators', 'system/RegistryCase.rs', '/registry/indicators?by=year', 200],
  ])('%s → %s gives %i', async (_label, scope, url, status) => {
    const token = scope ? await s.token(scope) : undefined;
    const r = await request(s.app).get(url).set(token ? { Authorization: `Bearer ${token}` } : {});
    expect(r.status).toBe(status);
  });

  it('needs RegistryLink.u to decide, and records who decided', async () => {
    const reader = await s.token('system/RegistryLink.r');
    const list = await request(s.app).get('/registry/review').set('Authorization', `Bearer ${reader}`);
    const id = list.body.items[0].id;
    expect((await request(s.app).post(`/registry/review/${id}`).set('Authorization', `Bearer ${reader}`).send({ decision: 'rejected' })).status).toBe(403);
    const decider = await s.token('system/RegistryLink.ru');
    const ok = await request(s.app).post(`/registry/review/${id}`).set('Authorization', `Bearer ${decider}`).send({ decision: 'rejected' });
    expect(ok.status).toBe(200);
    expect(ok.body.decidedBy).toBe('dev');
  });
});
